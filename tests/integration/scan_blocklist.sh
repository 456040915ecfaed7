#!/bin/sh
# scan_blocklist.sh — a blocklisted lab subnet receives zero probes (counted by tcpdump on the first router), the rest of the population is probed, and refusals are explained.
set -u
cd "$(dirname "$0")/../.." || exit 1
. lab/testlib.sh
lab_up_spec lab/demo.spec
R1="$LAB_NAME-r1"
# the scan uses the TX ring here (zero copy; the default on veth is sendmmsg), so both send paths are tested
# the router interface facing the vantage: the one with the gateway's MAC
R1_IF=$(ip -n "$R1" -o link show | awk -v mac="$GATEWAY_MAC" '$0 ~ mac { sub(/@.*/, "", $2); sub(/:$/, "", $2); print $2; exit }')
[ -n "$R1_IF" ] || fail "no interface with MAC $GATEWAY_MAC in $R1"
# tcpdump on the vantage itself would not see frames sent with PACKET_QDISC_BYPASS: capture where they arrive
capture_start "$R1" "$R1_IF"

cp "$BLOCKLIST" "$LAB_TMP/block.txt"
printf '198.18.0.64/26 # quiet customer\n2001:db8:1::40/122 # quiet customer v6\n' >>"$LAB_TMP/block.txt"
# shellcheck disable=SC2086
ip netns exec "$VANTAGE_NS" "$MPCENSUS" scan -i "$VANTAGE_IF" -S "$VANTAGE_V4,$VANTAGE_V6" -G "$GATEWAY_MAC" \
    -b "$LAB_TMP/block.txt" -p 80,443 -r 5000 -c 1 -o "$LAB_TMP/out.csv" --tx-mode ring \
    $PREFIXES_V4 $PREFIXES_V6 2>"$LAB_TMP/scan.err" || fail "scan: $(cat "$LAB_TMP/scan.err")"
# without -b the built-in IANA list refuses the whole lab (198.18.0.0/15, 2001:db8::/32): nothing is sent
# shellcheck disable=SC2086
ip netns exec "$VANTAGE_NS" "$MPCENSUS" scan -i "$VANTAGE_IF" -S "$VANTAGE_V4,$VANTAGE_V6" -G "$GATEWAY_MAC" \
    -p 80 -c 0 -o "$LAB_TMP/none.csv" $PREFIXES_V4 $PREFIXES_V6 2>"$LAB_TMP/default.err"
rc=$?
capture_stop 1
cat "$LAB_TMP/scan.err" "$LAB_TMP/default.err"
[ $rc = 2 ] || fail "scan of blocklisted-only targets exited $rc, want 2"
grep -q "refusing 198.18.0.0-198.18.1.63: blocklisted by 198.18.0.0/15 (default blocklist: benchmarking" "$LAB_TMP/default.err" ||
    fail "default blocklist refusal not explained"
grep -q "refusing 198.18.0.64/26: blocklisted by 198.18.0.64/26 (.*quiet customer)" "$LAB_TMP/scan.err" ||
    fail "refusal of the blocklisted subnet not explained"
grep -q "refusing 2001:db8:1::40/122" "$LAB_TMP/scan.err" || fail "IPv6 refusal not explained"

blocked=$(tcpdump -nr "$CAPTURE_FILE" 'tcp and (dst net 198.18.0.64/26 or dst net 2001:db8:1::40/122)' 2>/dev/null | wc -l)
others4=$(tcpdump -nr "$CAPTURE_FILE" "tcp and dst net 198.18.0.0/15 and not dst host $VANTAGE_V4" 2>/dev/null | wc -l)
others6=$(tcpdump -nr "$CAPTURE_FILE" "ip6 and tcp and dst net 2001:db8::/32 and not dst host $VANTAGE_V6" 2>/dev/null | wc -l)
# the population's size per family, from the spec (lab truth lists every population address once per port and version)
n4=$("$MPCENSUS" lab truth lab/demo.spec --ports 80 --mptcp-version 0 | awk -F, 'NR > 1 && $1 !~ /:/' | wc -l)
n6=$("$MPCENSUS" lab truth lab/demo.spec --ports 80 --mptcp-version 0 | awk -F, 'NR > 1 && $1 ~ /:/' | wc -l)
echo "captured on $R1/$R1_IF: $blocked probes to blocklisted subnets, $others4 IPv4 and $others6 IPv6 probes to the rest"
[ "$blocked" = 0 ] || fail "$blocked packets reached blocklisted subnets"
# every population address (IPv4 and IPv6) minus the 64 + 64 blocked ones, two ports each
[ "$others4" = $(((n4 - 64) * 2)) ] || fail "expected $(((n4 - 64) * 2)) IPv4 probes ($n4 addresses), captured $others4"
[ "$others6" = $(((n6 - 64) * 2)) ] || fail "expected $(((n6 - 64) * 2)) IPv6 probes ($n6 addresses), captured $others6"
grep -Eq '^198\.18\.0\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7]),' "$LAB_TMP/out.csv" && fail "record from a blocklisted address"
ok "blocklisted subnets got zero packets; every other target got its probes"
lab_down_and_check
