#!/bin/sh
# scan_lab_verdicts.sh — scans the mixed lab population (v0 and v1, ports 80/443, IPv4 CIDRs and an IPv6 hitlist); every verdict must equal `lab truth`.
set -u
cd "$(dirname "$0")/../.." || exit 1
. lab/testlib.sh
lab_up_spec lab/demo.spec

# let neighbour discovery settle before the stateless scan (the first IPv6 replies would wait for it)
ip netns exec "$VANTAGE_NS" ping -c 1 -W 2 "$GATEWAY_V4" >/dev/null 2>&1
ip netns exec "$VANTAGE_NS" ping -6 -c 1 -W 2 "$GATEWAY_V6" >/dev/null 2>&1

"$MPCENSUS" lab truth "$SPEC" --ports 80,443 --mptcp-version both >"$LAB_TMP/truth.csv" || fail "lab truth"

scan() { # scan VERSION FORMAT OUTFILE [EXTRA OPTIONS]
    v=$1 fmt=$2 out=$3
    shift 3
    # shellcheck disable=SC2086
    ip netns exec "$VANTAGE_NS" "$MPCENSUS" scan -i "$VANTAGE_IF" -S "$VANTAGE_V4,$VANTAGE_V6" -G "$GATEWAY_MAC" \
        -b "$BLOCKLIST" -p 80,443 --mptcp-version "$v" -O "$fmt" -r 5000 -c 3 -o "$out" "$@" \
        --ipv6-targets "$HITLIST6" $PREFIXES_V4 2>"$out.err" || fail "scan v$v failed: $(tail -5 "$out.err")"
    cat "$out.err"
}
scan 0 csv "$LAB_TMP/v0.csv"
scan 1 json "$LAB_TMP/v1.json"
# v0 again with a key per target (a keyed hash of it): mirrors must still be recognised, per target
scan 0 csv "$LAB_TMP/v0pt.csv" --key per-target
head -3 "$LAB_TMP/v0.csv" "$LAB_TMP/v1.json"

python3 tests/integration/scan_compare.py "$LAB_TMP/truth.csv" "$LAB_TMP/v0.csv" "$LAB_TMP/v1.json" ||
    fail "verdicts differ from lab truth"
python3 tests/integration/scan_compare.py "$LAB_TMP/truth.csv" "$LAB_TMP/v0pt.csv" ||
    fail "verdicts with --key per-target differ from lab truth"
# per-target keys: the mirrored records carry different keys
mk=$(awk -F, '$16 == "mirrored" {print $14}' "$LAB_TMP/v0pt.csv" | sort -u | wc -l)
mr=$(awk -F, '$16 == "mirrored"' "$LAB_TMP/v0pt.csv" | wc -l)
[ "$mr" -gt 1 ] && [ "$mk" = "$mr" ] || fail "per-target keys: $mr mirrored records with $mk distinct keys"
# both families were scanned and answered
grep -q '^2001:db8:' "$LAB_TMP/v0.csv" || fail "no IPv6 record"
grep -q '^198\.18\.' "$LAB_TMP/v0.csv" || fail "no IPv4 record"
# the summary's per-verdict counts add up to the records written
recs=$(($(wc -l <"$LAB_TMP/v0.csv") - 1))
sum=$(awk '/^summary: verdict/ {s += $4} END {print s}' "$LAB_TMP/v0.csv.err")
[ "$recs" = "$sum" ] || fail "summary counts $sum, file has $recs records"
ok "every verdict equals lab truth (v0 CSV, v1 JSON; IPv4 + IPv6; ports 80, 443)"
lab_down_and_check
