#!/bin/sh
# lab_quote8.sh — the emulated router quotes exactly 8 transport bytes in ICMP time-exceeded; kernel routers quote the whole TCP header; a rate-limited router drops ICMP (tshark oracle).
. "$(dirname "$0")/../../lab/testlib.sh"

SPEC="$LAB_TMP/quote8.spec"
cat >"$SPEC" <<'SPEC'
seed 4
routers 3
router 2 quote8
router 3 ratelimit 1000
prefix 198.18.7.0/28 2001:db8:7::/124
profile kv1 1 80=kernel-v1
SPEC
lab_up "$SPEC"
capture_start
for ttl in 1 2 3; do
    probe --dst 198.18.7.9 --port 80 --mptcp-version 1 --ttl $ttl --sport 4400$ttl
    probe --dst 2001:db8:7::9 --port 80 --mptcp-version 1 --ttl $ttl --sport 4600$ttl
done
capture_stop

# reporter | outer IP length (v4) or payload length (v6) | quoted sport (present if >= 2 bytes quoted)
tshark_fields "$CAPTURE_FILE" "icmp.type==11 || icmpv6.type==3" ip.src ipv6.src ip.len ipv6.plen tcp.srcport >"$LAB_TMP/icmp"
cat "$LAB_TMP/icmp"
set -- $ROUTERS_V4; R4_1=$1; R4_2=$2; R4_3=$3
set -- $ROUTERS_V6; R6_1=$1; R6_2=$2; R6_3=$3
# quoted transport bytes: IPv4 outer total length - 20 (outer IP) - 8 (ICMP) - 20 (quoted IP);
# IPv6 outer payload length - 8 (ICMPv6) - 40 (quoted IPv6)
quoted() {
    awk -F'|' -v sp="$1" -v fam="$2" '$0 ~ ("\\|" sp "$") {
        split(fam == 4 ? $3 : $4, len, ","); print (fam == 4 ? len[1] - 48 : len[1] - 48) }' "$LAB_TMP/icmp"
}
reporter() { awk -F'|' -v sp="$1" -v fam="$2" '$0 ~ ("\\|" sp "$") { split(fam == 4 ? $1 : $2, r, ","); print r[1] }' "$LAB_TMP/icmp"; }
for fam in 4 6; do
    for ttl in 1 2 3; do
        sp=4${fam}00$ttl
        eval want=\$R${fam}_$ttl
        [ "$(reporter $sp $fam)" = "$want" ] || fail "IPv$fam TTL $ttl: reporter '$(reporter $sp $fam)', want $want"
        q=$(quoted $sp $fam)
        if [ $ttl = 2 ]; then
            [ "$q" = 8 ] || fail "IPv$fam: quote8 router quoted $q transport bytes, want 8"
        else
            # our SYN: 20-byte TCP header + 20 bytes of options incl. the 4-byte MP_CAPABLE v1
            [ "$q" -ge 40 ] || fail "IPv$fam: kernel router $ttl quoted only $q transport bytes"
        fi
    done
done
ok "r2 quotes exactly 8 transport bytes; kernel routers r1, r3 quote the full TCP header (IPv4, IPv6)"

# 20 expiring probes in a burst: unlimited r1 answers each, r3 (icmp_ratelimit 1000 ms) only a few
capture_start
probe --dst 198.18.7.9 --port 80 --ttl 1 --count 20 --sport 41000
probe --dst 198.18.7.9 --port 80 --ttl 3 --count 20 --sport 43000
capture_stop
n1=$(tshark_fields "$CAPTURE_FILE" "icmp.type==11 && ip.src==$R4_1" frame.number | wc -l)
n3=$(tshark_fields "$CAPTURE_FILE" "icmp.type==11 && ip.src==$R4_3" frame.number | wc -l)
[ "$n1" = 20 ] || fail "unlimited r1 answered $n1 of 20 expiring probes"
[ "$n3" -ge 1 ] && [ "$n3" -lt 20 ] || fail "rate-limited r3 answered $n3 of 20 expiring probes"
ok "ICMP rate limit: r1 answered 20 of 20, r3 $n3 of 20"

lab_down_and_check
