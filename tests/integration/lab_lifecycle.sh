#!/bin/sh
# lab_lifecycle.sh — lab up/down contract: state file, refusals, idempotent and kill-proof teardown, vantage as a population member, month evolution.
. "$(dirname "$0")/../../lab/testlib.sh"

# bad specs are refused with file:line, nothing is built
printf 'routers 2\nprofile a 1 80=kernel-v2\n' >"$LAB_TMP/bad.spec"
if "$MPCENSUS" lab up "$LAB_TMP/bad.spec" --name "$LAB_NAME" 2>"$LAB_TMP/err"; then fail "bad spec accepted"; fi
grep -q "bad.spec:2: unknown behaviour 'kernel-v2'" "$LAB_TMP/err" || fail "unclear error: $(cat "$LAB_TMP/err")"
printf 'prefix 10.0.0.0/24\nprofile a 1 80=tcp\n' >"$LAB_TMP/outside.spec"
if "$MPCENSUS" lab truth "$LAB_TMP/outside.spec" >/dev/null 2>"$LAB_TMP/err"; then fail "prefix outside the lab ranges accepted"; fi
[ -z "$(ip netns list | grep "^$LAB_NAME-")" ] || fail "a refused spec left namespaces"
"$MPCENSUS" lab down --name "$LAB_NAME" || fail "lab down of a lab that never existed failed"
ok "bad specs refused with file:line; down of nothing succeeds"

# the vantage's own address as a population member, routers unnumbered (the scale.spec layout)
SPEC="$LAB_TMP/vip.spec"
cat >"$SPEC" <<'SPEC'
seed 1
routers 2
router-addresses no
vantage-in-population yes
prefix 198.19.255.0/29 2001:db8:ffff::/125
profile kv1 1 80=kernel-v1
profile tcp 1 80=tcp
SPEC
lab_up "$SPEC"
[ -f "/run/mpcensus/lab-$LAB_NAME.env" ] || fail "no state file"
for var in LAB_NAME VANTAGE_NS VANTAGE_IF VANTAGE_V4 VANTAGE_V6 GATEWAY_MAC BLOCKLIST PIDS NAMESPACES; do
    eval "[ -n \"\$$var\" ]" || fail "state lacks $var"
done
grep -v '^#' "$BLOCKLIST" | grep -q . && fail "blocklist lists infrastructure although none is numbered"
if "$MPCENSUS" lab up "$SPEC" --name "$LAB_NAME" >/dev/null 2>&1; then fail "second lab with the same name accepted"; fi
ip netns exec "$VANTAGE_NS" true || fail "second 'lab up' damaged the first lab"
"$MPCENSUS" lab truth "$SPEC" >"$LAB_TMP/truth"
want4=$(awk -F, -v a="$VANTAGE_V4" '$1 == a && $2 == 80 && $3 == 1 {print $4}' "$LAB_TMP/truth")
want6=$(awk -F, -v a="$VANTAGE_V6" '$1 == a && $2 == 80 && $3 == 1 {print $4}' "$LAB_TMP/truth")
[ -n "$want4" ] && [ -n "$want6" ] || fail "the vantage's addresses are not in the truth"
capture_start
# ZMap-style: Ethernet frames to the gateway, from and to the vantage's own address
probe --dst "$VANTAGE_V4" --src "$VANTAGE_V4" --port 80 -v 1 --iface "$VANTAGE_IF" --gateway-mac "$GATEWAY_MAC" --sport 40400
probe --dst "$VANTAGE_V6" --src "$VANTAGE_V6" --port 80 -v 1 --iface "$VANTAGE_IF" --gateway-mac "$GATEWAY_MAC" --sport 40600
capture_stop
ans=$(tshark_fields "$CAPTURE_FILE" "tcp.flags.syn==1 && tcp.flags.ack==1" tcp.dstport tcp.options.mptcp.version)
for sp in 40400 40600; do
    [ $sp = 40400 ] && want=$want4 || want=$want6
    got=$(echo "$ans" | grep -m1 "^$sp|" | cut -d'|' -f2)
    case "$want" in
    mptcp) [ "$got" = 1 ] || fail "probe of the vantage's own address ($sp): MPTCP version '$got', truth $want" ;;
    tcp) echo "$ans" | grep -q "^$sp|$" || fail "probe of the vantage's own address ($sp): want plain SYN-ACK" ;;
    esac
done
ok "the vantage's own IPv4 and IPv6 addresses answer as the truth says ($want4, $want6)"

# a process left running in the lab (like a killed test's tcpdump) is removed by down
ip netns exec "$VANTAGE_NS" sleep 300 &
SLEEPER=$!
ip netns exec "$LAB_NAME-h0" sleep 300 &
lab_down_and_check
wait $SLEEPER 2>/dev/null
kill -0 $SLEEPER 2>/dev/null && fail "process inside the lab survived lab down"

# a lab whose 'up' was killed half-way is removed by 'down' all the same
"$MPCENSUS" lab up "$(dirname "$0")/../../lab/demo.spec" --name "$LAB_NAME" >/dev/null 2>&1 &
UP=$!
sleep 0.3
kill -9 $UP 2>/dev/null
wait $UP 2>/dev/null
PIDS=
lab_down_and_check
ok "a half-built lab is torn down"

# months: the organisation prefix moves from v0 to v0+v1, the newcomer profile appears in month 2
DEMO="$(dirname "$0")/../../lab/demo.spec"
prev=-1
for m in 0 1 2 3 4 5; do
    n=$("$MPCENSUS" lab truth "$DEMO" --month $m --with-profile | awk -F, '$5 == "org-v0v1"' | wc -l)
    [ "$n" -ge "$prev" ] || fail "month $m: org v0v1 hosts went down ($prev -> $n)"
    prev=$n
done
[ "$("$MPCENSUS" lab truth "$DEMO" --month 0 --with-profile | grep -c ',org-v0v1$')" = 0 ] || fail "org moved before its start month"
[ "$prev" -gt 0 ] || fail "org never moved"
[ "$("$MPCENSUS" lab truth "$DEMO" --month 1 --with-profile | grep -c ',newcomer$')" = 0 ] || fail "newcomer before month 2"
[ "$("$MPCENSUS" lab truth "$DEMO" --month 2 --with-profile | grep -c ',newcomer$')" -gt 0 ] || fail "no newcomer in month 2"
a=$("$MPCENSUS" lab truth "$DEMO" --month 1 --with-profile | grep -c ',absent$')
b=$("$MPCENSUS" lab truth "$DEMO" --month 2 --with-profile | grep -c ',absent$')
[ "$a" -gt 0 ] && [ "$b" -gt 0 ] || fail "no transient absences"
"$MPCENSUS" lab truth "$DEMO" --month 1 --with-profile | awk -F, '$5 == "absent" {print $1}' | sort -u >"$LAB_TMP/abs1"
"$MPCENSUS" lab truth "$DEMO" --month 2 --with-profile | awk -F, '$5 == "absent" {print $1}' | sort -u >"$LAB_TMP/abs2"
cmp -s "$LAB_TMP/abs1" "$LAB_TMP/abs2" && fail "the same addresses are absent every month"
ok "months: org adds v1 monotonically from its start month, newcomers appear, transient absences move"
