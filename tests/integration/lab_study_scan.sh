#!/bin/sh
# lab_study_scan.sh — the study lab (lab/study-small.spec, month 4: the org mid-migration, newcomers, churn) scanned with v0 and v1 on ports 80 and 443 over IPv4 prefixes and the IPv6 hitlist gives exactly the verdicts of `lab truth`.
set -u
cd "$(dirname "$0")/../.." || exit 1
. lab/testlib.sh
MONTH=4
lab_up lab/study-small.spec --month $MONTH
SPEC=lab/study-small.spec

# an org prefix with two stages is one scan target, listed once
n=$(echo "$PREFIXES_V4 $PREFIXES_V6" | tr ' ' '\n' | sort | uniq -d | wc -l)
[ "$n" = 0 ] || fail "state file lists a prefix twice: $PREFIXES_V4 $PREFIXES_V6"
"$MPCENSUS" lab truth "$SPEC" --month $MONTH --ports 80,443 >"$LAB_TMP/truth.csv" || fail "lab truth"
v6=$(awk -F, 'NR > 1 && $1 ~ /:/ {print $1}' "$LAB_TMP/truth.csv" | sort -u | wc -l)
[ "$(wc -l <"$HITLIST6")" = "$v6" ] || fail "hitlist has $(wc -l <"$HITLIST6") addresses, truth $v6"

ip netns exec "$VANTAGE_NS" ping -c 1 -W 2 "$GATEWAY_V4" >/dev/null 2>&1
ip netns exec "$VANTAGE_NS" ping -6 -c 1 -W 2 "$GATEWAY_V6" >/dev/null 2>&1
for v in 0 1; do
    # shellcheck disable=SC2086
    ip netns exec "$VANTAGE_NS" "$MPCENSUS" scan -q -i "$VANTAGE_IF" -S "$VANTAGE_V4,$VANTAGE_V6" -G "$GATEWAY_MAC" \
        -b "$BLOCKLIST" -p 80,443 --mptcp-version $v -r 5000 -c 3 -o "$LAB_TMP/v$v.csv" \
        --ipv6-targets "$HITLIST6" $PREFIXES_V4 2>"$LAB_TMP/v$v.err" || fail "scan v$v: $(tail -5 "$LAB_TMP/v$v.err")"
    grep '^summary: targets' "$LAB_TMP/v$v.err"
done
python3 tests/integration/scan_compare.py "$LAB_TMP/truth.csv" "$LAB_TMP/v0.csv" "$LAB_TMP/v1.csv" ||
    fail "verdicts differ from lab truth"
# the month's classes are all there: org hosts with v0+v1 and v1 only, mirrors, mismatches, malformed
for vd in mptcp mirrored version-mismatch malformed tcp closed silent; do
    grep -q ",$vd\$" "$LAB_TMP/truth.csv" || fail "truth of month $MONTH has no $vd"
done
ok "study-small month $MONTH: every verdict of the v0 and v1 scans equals lab truth"
lab_down_and_check
