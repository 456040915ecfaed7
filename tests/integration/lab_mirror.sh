#!/bin/sh
# lab_mirror.sh — mirror middlebox echoes the SYN's MP_CAPABLE (v0 key, v1 bytes); key rewrite changes the key on the path (tshark oracle, captures at vantage and host).
. "$(dirname "$0")/../../lab/testlib.sh"

SPEC="$LAB_TMP/mirror.spec"
cat >"$SPEC" <<'SPEC'
seed 9
routers 2
prefix 198.18.5.0/27 2001:db8:5::/123
profile mirror       1 80=tcp mbox=mirror
profile keyrw-mirror 1 80=tcp mbox=keyrw,mirror
SPEC
lab_up "$SPEC"
KEY=0123456789abcdef

# option30 PCAP: "sport dport flags hex-of-MP_CAPABLE" per TCP packet (python walks tshark's raw option bytes)
option30() {
    tshark -r "$1" -Y "tcp && !icmp && !icmpv6" -T fields -E separator='|' -e tcp.srcport -e tcp.dstport \
        -e tcp.flags -e tcp.options 2>/dev/null | python3 -c '
import sys
for line in sys.stdin:
    sp, dp, flags, opts = line.rstrip("\n").split("|")
    b = bytes.fromhex(opts.replace(":", "")) if opts else b""
    i, found = 0, ""
    while i < len(b):
        if b[i] in (0, 1):
            i += 1
            continue
        if i + 1 >= len(b) or b[i + 1] < 2:
            break
        if b[i] == 30:
            found = b[i:i + b[i + 1]].hex()
        i += b[i + 1]
    print(sp, dp, int(flags, 16), found)
'
}

M4=$(first_of mirror 4); M6=$(first_of mirror 6)
K4=$(first_of keyrw-mirror 4); K6=$(first_of keyrw-mirror 6)
capture_start
capture2_file="$LAB_TMP/host1.pcap"
ip netns exec "$LAB_NAME-h1" tcpdump -Z root --immediate-mode -U -n -i eth0 -w "$capture2_file" 2>"$LAB_TMP/td2.err" &
TD2=$!
capture3_file="$LAB_TMP/host0.pcap"
ip netns exec "$LAB_NAME-h0" tcpdump -Z root --immediate-mode -U -n -i eth0 -w "$capture3_file" 2>"$LAB_TMP/td3.err" &
TD3=$!
for _ in $(seq 50); do grep -q listening "$LAB_TMP/td2.err" && grep -q listening "$LAB_TMP/td3.err" && break; sleep 0.1; done
probe --dst "$M4" --port 80 --mptcp-version 0 --key $KEY --sport 41000
probe --dst "$M4" --port 80 --mptcp-version 1 --sport 41001
probe --dst "$M6" --port 80 --mptcp-version 0 --key $KEY --sport 41002
probe --dst "$M6" --port 80 --mptcp-version 1 --sport 41003
probe --dst "$K4" --port 80 --mptcp-version 0 --key $KEY --sport 42000
probe --dst "$K6" --port 80 --mptcp-version 0 --key $KEY --sport 42002
probe --dst "$K4" --port 80 --mptcp-version 1 --sport 42001
capture_stop
kill $TD2 $TD3; wait $TD2 $TD3 2>/dev/null

option30 "$CAPTURE_FILE" >"$LAB_TMP/vantage.txt"
option30 "$capture3_file" >"$LAB_TMP/host0.txt"
option30 "$capture2_file" >"$LAB_TMP/host1.txt"
cat "$LAB_TMP/vantage.txt"
syn_opt() { awk -v sp="$2" '$1 == sp && $3 == 2 { print $4; exit }' "$1"; }
synack_opt() { awk -v sp="$2" '$2 == sp && $3 == 18 { print $4; exit }' "$1"; }
synack_seen() { awk -v sp="$2" '$2 == sp && $3 == 18 { n++ } END { print n + 0 }' "$1"; }

for sp in 41000 41001 41002 41003; do
    sent=$(syn_opt "$LAB_TMP/vantage.txt" $sp)
    back=$(synack_opt "$LAB_TMP/vantage.txt" $sp)
    [ -n "$sent" ] || fail "probe $sp: no MP_CAPABLE in our SYN"
    [ "$back" = "$sent" ] || fail "mirror probe $sp: SYN-ACK option '$back' is not our '$sent'"
    [ "$(synack_seen "$LAB_TMP/host0.txt" $sp)" -ge 1 ] || fail "mirror probe $sp: host sent no SYN-ACK"
    [ -z "$(synack_opt "$LAB_TMP/host0.txt" $sp)" ] || fail "mirror probe $sp: the host itself sent MP_CAPABLE"
done
case "$(syn_opt "$LAB_TMP/vantage.txt" 41000)" in *$KEY) ;; *) fail "v0 SYN does not carry key $KEY" ;; esac
ok "mirror: the plain-TCP host's SYN-ACK comes back with our exact option (v0 key and v1 bytes, IPv4 and IPv6)"

for sp in 42000 42002; do
    sent=$(syn_opt "$LAB_TMP/vantage.txt" $sp)
    at_host=$(syn_opt "$LAB_TMP/host1.txt" $sp)
    back=$(synack_opt "$LAB_TMP/vantage.txt" $sp)
    [ -n "$at_host" ] && [ "$at_host" != "$sent" ] || fail "key rewrite $sp: SYN reached the host unchanged ($at_host)"
    [ "${at_host%????????????????}" = "${sent%????????????????}" ] || fail "key rewrite $sp: more than the key changed"
    [ "$back" = "$at_host" ] || fail "key rewrite $sp: SYN-ACK option '$back' is not the rewritten SYN's '$at_host'"
done
v1sent=$(syn_opt "$LAB_TMP/vantage.txt" 42001); v1host=$(syn_opt "$LAB_TMP/host1.txt" 42001)
[ "$v1sent" = "$v1host" ] || fail "key rewrite touched a v1 SYN ($v1sent -> $v1host)"
ok "key rewrite: the v0 key is changed on the path, the mirror echoes the changed key; v1 SYNs untouched"

lab_down_and_check
