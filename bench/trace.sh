#!/bin/sh
# trace.sh — benchmark of `mpcensus trace` against Debian's scamper (trace -P tcp) in one run: 16,384 lab targets 7 hops away, same targets, same probe rate, classes checked against `lab truth --trace`.
# Not part of `make check`. Run as root: sh bench/trace.sh
#   env: RATES="5000 10000" probes/s, both tools configured alike at each (scamper's ceiling is 10000);
#        RUNS=2 (per rate, runs alternate: scamper from the address list, mpcensus from the same list,
#        mpcensus from the scan CSV — the pipeline, whose rows carry a distance hint); VERSION=1
#        (MP_CAPABLE version of mpcensus's probes).
# mpcensus runs with its defaults otherwise: proxy check on (one ICMP echo per reached host, which
# scamper does not send), every ICMP quote diffed, the walk back from the host to the first clean
# quote. For comparison, at the first rate: --full-path (every TTL, scamper's plan plus the echo)
# and --no-proxy-check. Everything runs in the lab's namespaces.
set -u
cd "$(dirname "$0")/.." || exit 1
MPCENSUS="${MPCENSUS_REL:-$PWD/build/mpcensus}"
RATES="${RATES:-${RATE:-5000 10000}}"
RUNS="${RUNS:-2}"
VERSION="${VERSION:-1}"
SPEC=lab/trace-scale.spec
[ "$(id -u)" = 0 ] || { echo "bench/trace.sh: needs root"; exit 1; }
command -v scamper >/dev/null && command -v sc_warts2json >/dev/null ||
    { echo "bench/trace.sh: scamper not installed (apt-get install scamper)"; exit 1; }
[ -x "$MPCENSUS" ] || { echo "bench/trace.sh: build $MPCENSUS first (make)"; exit 1; }

LAB="mpbt$$"
T=$(mktemp -d /tmp/bench-trace.XXXXXX)
cleanup() { "$MPCENSUS" lab down --name "$LAB" >/dev/null 2>&1; rm -rf "$T"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

"$MPCENSUS" lab up "$SPEC" --name "$LAB" >"$T/lab.env" 2>"$T/lab.err" || { cat "$T/lab.err"; exit 1; }
. "$T/lab.env"
"$MPCENSUS" lab truth "$SPEC" --trace --mptcp-version "$VERSION" --with-profile >"$T/truth.csv" || exit 1
awk -F, 'NR > 1 { print $1 }' "$T/truth.csv" >"$T/list.txt"
N=$(wc -l <"$T/list.txt")
echo "lab $LAB: $N IPv4 targets, port 80, 7 hops (5 core routers + site router); probe rates $RATES/s, both tools alike"
# the pipeline's input: a v1 scan of the population (its rows carry the answer TTL: a distance hint)
ip netns exec "$VANTAGE_NS" "$MPCENSUS" scan -q -i "$VANTAGE_IF" -S "$VANTAGE_V4" -G "$GATEWAY_MAC" -b "$BLOCKLIST" \
    -p 80 --mptcp-version 1 -r 20000 -c 2 -o "$T/scan.csv" $PREFIXES_V4 2>"$T/scan.err" || { cat "$T/scan.err"; exit 1; }
echo "scan for the hints: $(($(wc -l <"$T/scan.csv") - 1)) rows"

now() { date +%s.%N; }
results="$T/results"
: >"$results"

run_scamper() {
    rm -f "$T/sc.warts"
    t0=$(now)
    ip netns exec "$VANTAGE_NS" scamper -O rawtcp -p "$RATE" -c "trace -P tcp -d 80" -O warts -o "$T/sc.warts" \
        -f "$T/list.txt" 2>"$T/sc.err" || { cat "$T/sc.err"; exit 1; }
    t1=$(now)
    sc_warts2json "$T/sc.warts" | python3 -c '
import json, sys
t0, t1 = float(sys.argv[1]), float(sys.argv[2])
n = done = probes = 0
for line in sys.stdin:
    j = json.loads(line)
    if j.get("type") != "trace":
        continue
    n += 1
    probes += j.get("probe_count", 0)
    done += j.get("stop_reason") == "COMPLETED"
el = t1 - t0
print("scamper %s %.2f %d %d %d %.0f %.0f" % (sys.argv[3], el, n, done, probes, n * 60 / el, probes / el))
' "$t0" "$t1" "$RATE" >>"$results"
    tail -1 "$results" | awk '{printf "  scamper:             %6.2f s  %6d targets/min  %6d probes/s  (%d traces, %d reached the host, %d probes, %.2f per target)\n", $3, $7, $8, $4, $5, $6, $6 / $4}'
}

run_mpcensus() { # run_mpcensus LABEL INPUT [ARGS]
    label=$1; input=$2; shift 2
    t0=$(now)
    ip netns exec "$VANTAGE_NS" "$MPCENSUS" trace -q --mptcp-version "$VERSION" -r "$RATE" -f "$input" "$@" \
        -o "$T/mp.json" 2>"$T/mp.err" || { cat "$T/mp.err"; exit 1; }
    t1=$(now)
    if [ "${label#mpcensus-no-proxy}" = "$label" ] && ! python3 tests/integration/trace_compare.py "$T/truth.csv" "$T/mp.json" "$VERSION" --require-all >"$T/cmp.txt"; then
        cat "$T/cmp.txt" "$T/mp.err"
        echo "bench/trace.sh: $label: classes differ from lab truth --trace"
        exit 1
    fi
    python3 -c '
import json, sys
t0, t1 = float(sys.argv[1]), float(sys.argv[2])
n = probes = 0
for line in open(sys.argv[4]):
    j = json.loads(line)
    n += 1
    probes += j["probes"]
el = t1 - t0
print("%s %s %.2f %d %d %d %.0f %.0f" % (sys.argv[3], sys.argv[5], el, n, n, probes, n * 60 / el, probes / el))
' "$t0" "$t1" "$label" "$T/mp.json" "$RATE" >>"$results"
    right="classes 100% right"
    [ "${label#mpcensus-no-proxy}" != "$label" ] && right="proxies not checked: not compared"
    tail -1 "$results" | awk -v right="$right" '{printf "  %-20s %6.2f s  %6d targets/min  %6d probes/s  (%d targets, %d probes, %.2f per target), %s\n", $1":", $3, $7, $8, $4, $6, $6 / $4, right}'
}

for RATE in $RATES; do
    for r in $(seq "$RUNS"); do
        echo "rate $RATE, run $r:"
        run_scamper
        run_mpcensus mpcensus-list "$T/list.txt"
        run_mpcensus mpcensus-scan-csv "$T/scan.csv"
    done
done
RATE=${RATES%% *}
echo "rate $RATE, every TTL (--full-path: scamper's probe plan plus the echo), for comparison:"
run_mpcensus mpcensus-full-path "$T/list.txt" --full-path
run_mpcensus mpcensus-full-path-csv "$T/scan.csv" --full-path
echo "rate $RATE, without the proxy check, for comparison:"
run_mpcensus mpcensus-no-proxy "$T/list.txt" --no-proxy-check
run_mpcensus mpcensus-no-proxy-csv "$T/scan.csv" --no-proxy-check
echo
python3 - "$results" <<'PY'
import sys
from collections import defaultdict
rows = defaultdict(list)
for line in open(sys.argv[1]):
    f = line.split()
    rows[(f[0], int(f[1]))].append((float(f[6]), float(f[7]), int(f[4]), int(f[3])))
rates = sorted({r for _, r in rows})
print("best of runs (targets/min; probes/s reached), both tools configured to the same probe rate:")
for rate in rates:
    sc = rows.get(("scamper", rate))
    if not sc:
        continue
    best_sc = max(x[0] for x in sc)
    print("  rate %d/s:" % rate)
    for k in ("scamper", "mpcensus-list", "mpcensus-scan-csv", "mpcensus-full-path", "mpcensus-full-path-csv",
              "mpcensus-no-proxy", "mpcensus-no-proxy-csv"):
        v = rows.get((k, rate))
        if not v:
            continue
        b = max(v, key=lambda x: x[0])
        extra = "" if k != "scamper" else "  (%s of %d traces reached the host)" % ("/".join(str(x[2]) for x in v), b[3])
        print("    %-21s %6.0f targets/min  %6.0f probes/s  %.2fx scamper (runs: %s)%s" % (
            k, b[0], b[1], b[0] / best_sc, ", ".join("%.0f" % x[0] for x in v), extra))
PY
