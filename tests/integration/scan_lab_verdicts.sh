#!/bin/sh
# scan_lab_verdicts.sh — scans the mixed lab population (v0 and v1, ports 80/443, IPv4 CIDRs and an IPv6 hitlist); every verdict must equal `lab truth`.
set -u
cd "$(dirname "$0")/../.." || exit 1
. lab/testlib.sh
SPEC=lab/demo.spec
[ -f "$SPEC" ] || skip "no $SPEC"
lab_up "$SPEC"

# let neighbour discovery settle before the stateless scan (the first IPv6 replies would wait for it)
ip netns exec "$VANTAGE_NS" ping -c 1 -W 2 "$GATEWAY_V4" >/dev/null 2>&1
ip netns exec "$VANTAGE_NS" ping -6 -c 1 -W 2 "$GATEWAY_V6" >/dev/null 2>&1

"$MPCENSUS" lab truth "$SPEC" --ports 80,443 --mptcp-version both >"$LAB_TMP/truth.csv" || fail "lab truth"

scan() { # scan VERSION FORMAT OUTFILE
    # shellcheck disable=SC2086
    ip netns exec "$VANTAGE_NS" "$MPCENSUS" scan -i "$VANTAGE_IF" -S "$VANTAGE_V4,$VANTAGE_V6" -G "$GATEWAY_MAC" \
        -b "$BLOCKLIST" -p 80,443 --mptcp-version "$1" -O "$2" -r 5000 -c 3 -o "$3" \
        --ipv6-targets "$HITLIST6" $PREFIXES_V4 2>"$3.err" || fail "scan v$1 failed: $(tail -5 "$3.err")"
    cat "$3.err"
}
scan 0 csv "$LAB_TMP/v0.csv"
scan 1 json "$LAB_TMP/v1.json"
head -3 "$LAB_TMP/v0.csv" "$LAB_TMP/v1.json"

python3 tests/integration/scan_compare.py "$LAB_TMP/truth.csv" "$LAB_TMP/v0.csv" "$LAB_TMP/v1.json" ||
    fail "verdicts differ from lab truth"
# both families were scanned and answered
grep -q '^2001:db8:' "$LAB_TMP/v0.csv" || fail "no IPv6 record"
grep -q '^198\.18\.' "$LAB_TMP/v0.csv" || fail "no IPv4 record"
# the summary's per-verdict counts add up to the records written
recs=$(($(wc -l <"$LAB_TMP/v0.csv") - 1))
sum=$(awk '/^summary: verdict/ {s += $4} END {print s}' "$LAB_TMP/v0.csv.err")
[ "$recs" = "$sum" ] || fail "summary counts $sum, file has $recs records"
ok "every verdict equals lab truth (v0 CSV, v1 JSON; IPv4 + IPv6; ports 80, 443)"
lab_down_and_check
