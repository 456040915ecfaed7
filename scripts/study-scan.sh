#!/bin/sh
# study-scan.sh — the monthly scan loop of the longitudinal demo: for each month brings up the study lab, scans v0 and v1 on ports 80 and 443 (IPv4 prefixes + IPv6 hitlist), checks every verdict against `lab truth`, tears the lab down; prints timings.
# usage: scripts/study-scan.sh [SPEC [MONTH...]]   (defaults lab/study.spec, every month of its `study months=`)
# env: RATE (probes/s, default 30000), COOLDOWN (s, default 3), KEEP=DIR (keep the scan CSVs there), MPCENSUS
set -u
cd "$(dirname "$0")/.." || exit 1
MPCENSUS="${MPCENSUS:-$PWD/build/mpcensus}"
SPEC="${1:-lab/study.spec}"
RATE="${RATE:-30000}"
COOLDOWN="${COOLDOWN:-3}"
NAME="mpcstudy$$"
TMP=$(mktemp -d /tmp/study-scan.XXXXXX)
cleanup() { "$MPCENSUS" lab down --name "$NAME" >/dev/null 2>&1; rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
[ "$(id -u)" = 0 ] || { echo "study-scan: needs root (network namespaces)"; exit 1; }

if [ $# -ge 2 ]; then
    shift
    MONTHS="$*"
else
    n=$(awk '$1 == "study" { for (i = 2; i <= NF; i++) if ($i ~ /^months=/) { sub("months=", "", $i); print $i } }' "$SPEC")
    MONTHS=$(seq 0 $(( ${n:-1} - 1 )) | tr '\n' ' ')
fi
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

status=0
total=$(now)
for m in $MONTHS; do
    t0=$(now)
    "$MPCENSUS" lab up "$SPEC" --name "$NAME" --month "$m" >"$TMP/lab.env" 2>"$TMP/lab.err" || { cat "$TMP/lab.err"; exit 1; }
    . "$TMP/lab.env"
    up=$(elapsed "$t0")
    # neighbour discovery first, so the first stateless IPv6 replies do not wait for it
    ip netns exec "$VANTAGE_NS" ping -c 1 -W 2 "$GATEWAY_V4" >/dev/null 2>&1
    ip netns exec "$VANTAGE_NS" ping -6 -c 1 -W 2 "$GATEWAY_V6" >/dev/null 2>&1
    "$MPCENSUS" lab truth "$SPEC" --month "$m" --ports 80,443 >"$TMP/truth.csv" || exit 1
    line="month $m: lab up ${up}s"
    for v in 0 1; do
        t1=$(now)
        # shellcheck disable=SC2086
        ip netns exec "$VANTAGE_NS" "$MPCENSUS" scan -q -i "$VANTAGE_IF" -S "$VANTAGE_V4,$VANTAGE_V6" -G "$GATEWAY_MAC" \
            -b "$BLOCKLIST" -p 80,443 --mptcp-version $v -r "$RATE" -c "$COOLDOWN" -o "$TMP/v$v.csv" \
            --ipv6-targets "$HITLIST6" $PREFIXES_V4 2>"$TMP/v$v.err" || { cat "$TMP/v$v.err"; exit 1; }
        line="$line, scan v$v $(elapsed "$t1")s ($(($(wc -l <"$TMP/v$v.csv") - 1)) records)"
        [ -n "${KEEP:-}" ] && mkdir -p "$KEEP" && cp "$TMP/v$v.csv" "$KEEP/month$m-v$v.csv"
    done
    if python3 tests/integration/scan_compare.py "$TMP/truth.csv" "$TMP/v0.csv" "$TMP/v1.csv" >"$TMP/cmp.txt"; then
        line="$line; $(tail -1 "$TMP/cmp.txt" | sed 's/; truth mix.*//')"
    else
        cat "$TMP/cmp.txt"
        grep -h '^summary' "$TMP/v0.err" "$TMP/v1.err"
        status=1
        line="$line; MISMATCH"
    fi
    "$MPCENSUS" lab down --name "$NAME" >/dev/null 2>&1
    echo "$line (month total $(elapsed "$t0")s)"
done
echo "all months: $(elapsed "$total")s, $( [ $status = 0 ] && echo "every verdict equals lab truth" || echo "verdicts differ from lab truth")"
exit $status
