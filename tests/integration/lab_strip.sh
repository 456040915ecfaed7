#!/bin/sh
# lab_strip.sh — strip removes MP_CAPABLE at the last core router: visible in the next hop's ICMP quote; strip-synack removes it from SYN-ACKs (tshark + nstat oracles).
. "$(dirname "$0")/../../lab/testlib.sh"

SPEC="$LAB_TMP/strip.spec"
cat >"$SPEC" <<'SPEC'
seed 3
routers 3
prefix 198.18.6.0/27 2001:db8:6::/123
profile strip        1 80=kernel-v1 mbox=strip
profile strip-synack 1 80=kernel-v1 mbox=strip-synack
SPEC
lab_up "$SPEC"
S4=$(first_of strip 4); S6=$(first_of strip 6)
A4=$(first_of strip-synack 4); A6=$(first_of strip-synack 6)
R3_4=$(echo $ROUTERS_V4 | cut -d' ' -f3); R3_6=$(echo $ROUTERS_V6 | cut -d' ' -f3)

capture_start
ip netns exec "$LAB_NAME-h1" tcpdump -Z root --immediate-mode -U -n -i eth0 -w "$LAB_TMP/h1.pcap" 2>"$LAB_TMP/td2.err" &
TD2=$!
for _ in $(seq 50); do grep -q listening "$LAB_TMP/td2.err" && break; sleep 0.1; done
for fam in 4 6; do
    eval S=\$S$fam
    eval A=\$A$fam
    probe --dst "$S" --port 80 --mptcp-version 1 --ttl 3 --sport 4${fam}003   # expires at r3, before the strip
    probe --dst "$S" --port 80 --mptcp-version 1 --ttl 4 --sport 4${fam}004   # expires at the site router, after it
    probe --dst "$S" --port 80 --mptcp-version 1 --sport 4${fam}064
    probe --dst "$A" --port 80 --mptcp-version 1 --sport 4${fam}164
done
capture_stop
kill $TD2; wait $TD2 2>/dev/null

# ICMP time-exceeded: reporter | quoted source port | option kinds of the quoted TCP header
tshark_fields "$CAPTURE_FILE" "icmp.type==11 || icmpv6.type==3" ip.src ipv6.src tcp.srcport tcp.option_kind >"$LAB_TMP/icmp"
cat "$LAB_TMP/icmp"
for fam in 4 6; do
    eval R3=\$R3_$fam
    before=$(grep "|4${fam}003|" "$LAB_TMP/icmp") || fail "IPv$fam: no ICMP for the TTL-3 probe"
    after=$(grep "|4${fam}004|" "$LAB_TMP/icmp") || fail "IPv$fam: no ICMP for the TTL-4 probe"
    case "$before" in *"$R3"*) ;; *) fail "IPv$fam: TTL-3 ICMP not from r3 $R3: $before" ;; esac
    case "$after" in *"$R3"*) fail "IPv$fam: TTL-4 ICMP from r3 again" ;; esac
    case "$(echo "$before" | cut -d'|' -f4)" in *30*) ;; *) fail "IPv$fam: r3 quote lacks MP_CAPABLE: $before" ;; esac
    kinds=$(echo "$after" | cut -d'|' -f4)
    case "$kinds" in *2*8*) ;; *) fail "IPv$fam: site router quote is not a full TCP header: $after" ;; esac
    case "$kinds" in *30*) fail "IPv$fam: option 30 still quoted after the strip hop: $after" ;; esac
done
ok "strip: r3 quotes MP_CAPABLE, the next hop quotes the SYN without it (IPv4, IPv6)"

synacks=$(tshark_fields "$CAPTURE_FILE" "tcp.flags.syn==1 && tcp.flags.ack==1" tcp.dstport tcp.options.mptcp.subtype)
echo "$synacks"
for sp in 44064 46064 44164 46164; do
    line=$(echo "$synacks" | grep -m1 "^$sp|") || fail "no SYN-ACK for $sp"
    [ "$line" = "$sp|" ] || fail "SYN-ACK for $sp carries MPTCP at the vantage: $line"
done
n=$(ip netns exec "$LAB_NAME-h0" nstat -az MPTcpExtMPCapableSYNRX | awk '/MPCapableSYNRX/ {print $2}')
[ "$n" = 0 ] || fail "the stripped host's kernel saw $n MP_CAPABLE SYNs"
ok "strip: the kernel v1 host behind it never saw MP_CAPABLE and answered plain TCP"

n=$(ip netns exec "$LAB_NAME-h1" nstat -az MPTcpExtMPCapableSYNRX | awk '/MPCapableSYNRX/ {print $2}')
[ "$n" = 2 ] || fail "strip-synack host kernel counted $n MP_CAPABLE SYNs, want 2"
at_host=$(tshark_fields "$LAB_TMP/h1.pcap" "tcp.flags.syn==1 && tcp.flags.ack==1" tcp.dstport tcp.options.mptcp.version | sort -u)
echo "$at_host" | grep -q "^44164|1$" && echo "$at_host" | grep -q "^46164|1$" ||
    fail "strip-synack host did not send MP_CAPABLE v1: $at_host"
ok "strip-synack: the host answers MP_CAPABLE v1, the vantage receives a plain SYN-ACK"

lab_down_and_check
