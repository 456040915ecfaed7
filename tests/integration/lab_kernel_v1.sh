#!/bin/sh
# lab_kernel_v1.sh — a lab's kernel MPTCPv1 host answers a v1 SYN with MP_CAPABLE v1 and ignores v0 (tshark + nstat oracles).
. "$(dirname "$0")/../../lab/testlib.sh"

SPEC="$LAB_TMP/kv1.spec"
cat >"$SPEC" <<'SPEC'
seed 11
routers 1
prefix 198.18.3.0/28 2001:db8:3::/124
profile kv1 1 80=kernel-v1 443=kernel-v1
SPEC
lab_up "$SPEC"
H4=198.18.3.5
H6=2001:db8:3::5

capture_start
probe --dst $H4 --port 80 --mptcp-version 1 --sport 40001
probe --dst $H4 --port 443 --mptcp-version 0 --sport 40002 --key 1122334455667788
probe --dst $H6 --port 443 --mptcp-version 1 --sport 40003
probe --dst $H6 --port 80 --mptcp-version 0 --sport 40004 --key 1122334455667788
capture_stop

# answer to each probe: SYN-ACK flags, MPTCP version and sender key as tshark decodes them
answers=$(tshark_fields "$CAPTURE_FILE" "tcp.flags.syn==1 && tcp.flags.ack==1" \
    tcp.dstport tcp.options.mptcp.subtype tcp.options.mptcp.version tcp.options.mptcp.sendkey)
echo "$answers"
for sp in 40001 40003; do
    line=$(echo "$answers" | grep -m1 "^$sp|") || fail "no SYN-ACK to the v1 probe (sport $sp)"
    ver=$(echo "$line" | cut -d'|' -f3)
    key=$(echo "$line" | cut -d'|' -f4)
    [ "$ver" = 1 ] || fail "v1 probe $sp: SYN-ACK MPTCP version '$ver', want 1"
    [ -n "$key" ] || fail "v1 probe $sp: SYN-ACK carries no sender key"
done
ok "v1 SYNs (IPv4, IPv6) answered with MP_CAPABLE v1 and a key"
for sp in 40002 40004; do
    line=$(echo "$answers" | grep -m1 "^$sp|") || fail "no SYN-ACK to the v0 probe (sport $sp)"
    sub=$(echo "$line" | cut -d'|' -f2)
    [ -z "$sub" ] || fail "v0 probe $sp: SYN-ACK carries an MPTCP option ($line)"
done
ok "v0 SYNs answered as plain TCP"

# the kernel itself counted exactly the two v1 SYNs as MP_CAPABLE
n=$(ip netns exec "$LAB_NAME-h0" nstat -az MPTcpExtMPCapableSYNRX | awk '/MPCapableSYNRX/ {print $2}')
[ "$n" = 2 ] || fail "host kernel MPTcpExtMPCapableSYNRX = '$n', want 2"
ok "host kernel counted 2 MP_CAPABLE SYNs"

lab_down_and_check
