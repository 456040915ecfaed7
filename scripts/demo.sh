#!/bin/sh
# demo.sh — `make demo`: the whole longitudinal study on the lab (monthly v0/v1 scans, traces, HTTP timing, passive share, archive, attribution, report), checked against the lab's truth.
# usage (root, from anywhere, after `make build`): scripts/demo.sh      env: DEMO_SIZE=full|small, DEMO_OUT=DIR,
# RATE, PROBES, COOLDOWN, TRACE_RATE, HTTP_SAMPLE, HTTP_RUNS, PASSIVE_SAMPLE, MPCENSUS. Exit 0 only when every
# measured count equals the truth and nothing of the labs is left; 1 otherwise.
# Every packet stays inside the network namespaces of `mpcensus lab up` (198.18.0.0/15, 2001:db8::/32).
set -u
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
MPCENSUS="${MPCENSUS:-$ROOT/build/mpcensus}"
DEMO_SIZE="${DEMO_SIZE:-full}"
case "$DEMO_SIZE" in
full)  SPEC=lab/study.spec;       : "${RATE:=30000}" "${COOLDOWN:=3}" "${TRACE_RATE:=10000}" "${HTTP_SAMPLE:=12}" "${PASSIVE_SAMPLE:=4}" ;;
small) SPEC=lab/study-small.spec; : "${RATE:=5000}" "${COOLDOWN:=1}" "${TRACE_RATE:=5000}" "${HTTP_SAMPLE:=4}" "${PASSIVE_SAMPLE:=2}" ;;
*) echo "demo: DEMO_SIZE must be full or small, not '$DEMO_SIZE'" >&2; exit 2 ;;
esac
: "${HTTP_RUNS:=5}" "${PROBES:=2}"   # two SYNs per target (ZMap -P): a packet lost on a loaded machine costs no verdict
OUT="${DEMO_OUT:-$ROOT/build/demo-$DEMO_SIZE}"
DB="$OUT/study.db"
WORK="$OUT/work"
NAME="mpcdemo$$"
TCPDUMP_PID=
LAB_IS_UP=
ALL_PIDS=

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
T0=$(now)
say() { printf '[%6s s] %s\n' "$(elapsed "$T0")" "$*"; }
die() { say "FAILED: $*"; exit 1; }

cleanup() {
    [ -n "$TCPDUMP_PID" ] && kill "$TCPDUMP_PID" 2>/dev/null
    [ -n "$LAB_IS_UP" ] && "$MPCENSUS" lab down --name "$NAME" >/dev/null 2>&1
}
trap cleanup EXIT
trap 'say "interrupted: tearing the lab down"; exit 130' INT TERM HUP

[ "$(id -u)" = 0 ] || { echo "demo: needs root (network namespaces)" >&2; exit 1; }
[ -x "$MPCENSUS" ] || { echo "demo: no $MPCENSUS (make build)" >&2; exit 1; }
for tool in ip tcpdump python3 gnuplot; do
    command -v "$tool" >/dev/null 2>&1 || { echo "demo: $tool is missing (scripts/install-deps.sh)" >&2; exit 1; }
done
. "$ROOT/scripts/tcpdump-lib.sh"
. "$ROOT/scripts/demo-stages.sh"

# the study calendar of the spec: `study months=N start=YYYY-MM`
MONTHS=$(awk '$1 == "study" { for (i = 2; i <= NF; i++) if ($i ~ /^months=/) { sub("months=", "", $i); print $i } }' "$SPEC")
START=$(awk '$1 == "study" { for (i = 2; i <= NF; i++) if ($i ~ /^start=/) { sub("start=", "", $i); print $i } }' "$SPEC")
[ -n "$MONTHS" ] && [ -n "$START" ] || die "$SPEC has no 'study months=N start=YYYY-MM' line"
calendar() { date -u -d "$START-01 +$1 month" +%Y-%m; }
LAST=$((MONTHS - 1))
FIRST_TRACED=$((MONTHS >= 3 ? MONTHS - 3 : 0))

rm -rf "$OUT"
mkdir -p "$WORK" || exit 1
: >"$WORK/passive-truth.txt"
say "study $SPEC ($DEMO_SIZE size: $(calendar 0) .. $(calendar $LAST), $MONTHS months); archive $DB; lab $NAME"
say "rates: scan -r $RATE -P $PROBES -c $COOLDOWN, trace -r $TRACE_RATE; traces of $(calendar $FIRST_TRACED) .. $(calendar $LAST); HTTP timing in $(calendar $LAST)"

MONTH=0
while [ "$MONTH" -lt "$MONTHS" ]; do
    CAL=$(calendar "$MONTH")
    D="$WORK/m$MONTH"
    mkdir -p "$D"
    tm=$(now)
    "$MPCENSUS" lab up "$SPEC" --name "$NAME" --month "$MONTH" >"$D/lab.env" 2>"$D/lab.err" || { cat "$D/lab.err"; die "lab up"; }
    LAB_IS_UP=1
    . "$D/lab.env"
    ALL_PIDS="$ALL_PIDS $PIDS"
    # neighbour discovery first, so the first stateless replies do not wait for it
    in_vantage ping -c 1 -W 2 "$GATEWAY_V4" >/dev/null 2>&1
    in_vantage ping -6 -c 1 -W 2 "$GATEWAY_V6" >/dev/null 2>&1
    say "month $MONTH = $CAL: lab up ($(echo "$NAMESPACES" | wc -w) namespaces, $(elapsed "$tm") s)"
    stage_scan || die "scan of $CAL"
    if [ "$MONTH" -ge "$FIRST_TRACED" ]; then stage_trace || die "trace of $CAL"; fi
    if [ "$MONTH" = "$LAST" ]; then stage_http_passive 1 || die "http of $CAL"; else stage_http_passive 0 || die "passive capture of $CAL"; fi
    "$MPCENSUS" lab down --name "$NAME" >/dev/null 2>"$D/down.err" || { cat "$D/down.err"; die "lab down"; }
    LAB_IS_UP=
    say "month $MONTH = $CAL done in $(elapsed "$tm") s; lab down"
    MONTH=$((MONTH + 1))
done

t=$(now)
"$MPCENSUS" lab attribution "$SPEC" -o "$WORK/attr" -q || die "lab attribution"
A="$WORK/attr"
"$MPCENSUS" archive attribute -q --db "$DB" --pfx2as "$A/routeviews-pfx2as.txt" --as2org "$A/as2org.txt" \
    --geo-csv "$A/geo-country.csv" --geo-csv "$A/geo-asn.csv" --as-rank "$A/as-rank.csv" || die "archive attribute"
say "attribution: the lab's prefix2as, as2org, GeoLite2-style and AS-rank files loaded ($(elapsed "$t") s)"

t=$(now)
"$MPCENSUS" report -q --db "$DB" -o "$OUT/report" --title "MPTCP census — the study lab ($SPEC, $(calendar 0) to $(calendar $LAST))" ||
    die "report"
say "report: $OUT/report/index.html ($(ls "$OUT/report"/*.svg | wc -l) figures drawn, $(elapsed "$t") s)"

# nothing of the labs may be left: namespaces, veths, processes, state files
left=""
ns=$(ip netns list | awk '{print $1}' | grep "^$NAME-" | tr '\n' ' ')
[ -n "$ns" ] && left="$left namespaces: $ns;"
ip -o link show | grep -q "$NAME" && left="$left veth in the root namespace;"
for p in $ALL_PIDS; do
    state=$(awk '/^State:/ {print $2}' "/proc/$p/status" 2>/dev/null)
    [ -z "$state" ] || [ "$state" = Z ] || left="$left process $p;"
done
ls /run/mpcensus/lab-"$NAME".* >/dev/null 2>&1 && left="$left state files /run/mpcensus/lab-$NAME.*;"
[ -z "$left" ] || die "the labs left something behind:$left"
say "teardown: no namespace, veth, process or state file of $NAME left"

# the measured side (archive queries) and the truth side (the spec alone), compared
C="$WORK/compare"
mkdir -p "$C"
q() { "$MPCENSUS" archive query "$1" --db "$DB" --csv -o "$C/$1.csv" ${2:+--asn "$2"} || die "archive query $1"; }
q monthly; q trace; q migration 714,6185
"$MPCENSUS" archive query pcap --db "$DB" --csv -o "$C/pcap.csv" || die "archive query pcap"
"$MPCENSUS" lab truth "$SPEC" --summary monthly -o "$C/truth-monthly.csv" || die "lab truth --summary monthly"
"$MPCENSUS" lab truth "$SPEC" --summary migration --asn 714,6185 -o "$C/truth-migration.csv" || die "lab truth --summary migration"
"$MPCENSUS" lab truth "$SPEC" --months "$FIRST_TRACED-$LAST" --mptcp-version both -o "$C/truth-verdicts.csv" || die "lab truth --months"
"$MPCENSUS" lab truth "$SPEC" --trace --months "$FIRST_TRACED-$LAST" -o "$C/truth-trace.csv" || die "lab truth --trace"
cp "$WORK/passive-truth.txt" "$C/truth-passive.txt"
say "done in $(elapsed "$T0") s; the report: $OUT/report/index.html"
echo
python3 "$ROOT/scripts/demo-compare.py" "$C" && exit 0
# which (address, port, probe version) of the scans differ from `lab truth`, with the lab profile: the start of
# finding out whether the tool or the truth is wrong
echo
echo "scan replies that differ from lab truth (month, address, port, probe version, scan verdict, truth, profile):"
MONTH=0
while [ "$MONTH" -lt "$MONTHS" ]; do
    "$MPCENSUS" lab truth "$SPEC" --month "$MONTH" --mptcp-version both --with-profile -o "$C/truth-m$MONTH.csv" &&
    python3 - "$MONTH" "$C/truth-m$MONTH.csv" "$WORK/m$MONTH/scan-v0.csv" "$WORK/m$MONTH/scan-v1.csv" <<'PY'
import csv, sys
got = {}
for path in sys.argv[3:]:
    for r in csv.DictReader(open(path)):
        got[(r["saddr"], r["sport"], r["probe_version"])] = r["verdict"]
n = 0
for r in csv.DictReader(open(sys.argv[2])):
    g = got.get((r["daddr"], r["dport"], r["probe_version"]), "silent")
    if g != r["verdict"] and n < 10:
        print("  %s %-28s %5s v%s %-16s %-16s %s" % (sys.argv[1], r["daddr"], r["dport"], r["probe_version"], g, r["verdict"], r["profile"]))
        n += 1
PY
    MONTH=$((MONTH + 1))
done
exit 1
