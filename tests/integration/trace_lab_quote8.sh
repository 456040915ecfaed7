#!/bin/sh
# trace_lab_quote8.sh — a strip at hop 1 behind an 8-byte-quote router: hop 2 is `8`, the removal goes to hop 3 (the next full quote); the quotes themselves checked by tshark. IPv4 + IPv6, v0 + v1.
. "$(dirname "$0")/../../lab/testlib.sh"

SPEC="$LAB_TMP/quote8.spec"
cat >"$SPEC" <<'SPEC'
seed 9
routers 3
router 1 strip             # r1 strips MP_CAPABLE from what it forwards
router 2 quote8            # r2's ICMP quotes 8 transport bytes: it cannot show the option
site-routers no
prefix 198.18.9.0/29 2001:db8:9::/125
profile kv1 1 80=kernel-v1
profile v0  1 80=v0
SPEC
lab_up "$SPEC"
"$MPCENSUS" lab truth "$SPEC" --trace --with-profile >"$LAB_TMP/truth.csv" || fail "lab truth --trace"
R1_4=$(echo $ROUTERS_V4 | cut -d' ' -f1); R2_4=$(echo $ROUTERS_V4 | cut -d' ' -f2); R3_4=$(echo $ROUTERS_V4 | cut -d' ' -f3)
R1_6=$(echo $ROUTERS_V6 | cut -d' ' -f1); R2_6=$(echo $ROUTERS_V6 | cut -d' ' -f2); R3_6=$(echo $ROUTERS_V6 | cut -d' ' -f3)

capture_start
for v in 0 1; do
    awk -F, -v v=$v 'NR > 1 && $3 == v { print $1 "," $2 }' "$LAB_TMP/truth.csv" >"$LAB_TMP/t$v.txt"
    ip netns exec "$VANTAGE_NS" "$MPCENSUS" trace -q --mptcp-version $v -r 2000 --wait 1 -f "$LAB_TMP/t$v.txt" \
        -o "$LAB_TMP/trace$v.json" 2>"$LAB_TMP/err$v" || fail "trace v$v: $(cat "$LAB_TMP/err$v")"
    python3 "$(dirname "$0")/trace_compare.py" "$LAB_TMP/truth.csv" "$LAB_TMP/trace$v.json" $v --require-all ||
        fail "v$v differs from lab truth --trace"
done
capture_stop

# the trace's own account of the three hops
python3 - "$LAB_TMP/trace0.json" "$LAB_TMP/trace1.json" <<'PY' || fail "hop records"
import json, sys
n = 0
for path in sys.argv[1:]:
    for line in open(path):
        j = json.loads(line)
        h = j["hops"]
        if j["class"] == "unreachable":
            continue  # churned addresses
        assert j["class"] == "middlebox" and j["hop"] == 3, j
        assert h[0]["quote"] == "full" and h[0]["mptcp"] == "same", h[0]
        assert h[1]["quote"] == "8" and h[1]["mptcp"] == "unknown" and h[1]["removed"] == [], h[1]
        assert h[2]["quote"] == "full" and h[2]["mptcp"] == "removed" and h[2]["removed"] == ["MP_CAPABLE"], h[2]
        assert j["partial_hops"] == 1 and "-MP_CAPABLE" in j["changes"], j
        n += 1
assert n >= 8, n
print("%d traces: hop 1 full with MP_CAPABLE, hop 2 an 8-byte quote, hop 3 full without it" % n)
PY

# tshark, independently: what each router really quoted (ICMP source | TCP bytes quoted | option kinds)
tshark_fields "$CAPTURE_FILE" "icmp.type==11 || icmpv6.type==3" ip.src ipv6.src tcp.hdr_len tcp.option_kind >"$LAB_TMP/icmp"
for fam in 4 6; do
    eval R1=\$R1_$fam R2=\$R2_$fam R3=\$R3_$fam
    grep -q "$R1" "$LAB_TMP/icmp" || fail "IPv$fam: no time-exceeded from r1"
    grep "$R1" "$LAB_TMP/icmp" | grep -qv "30" && fail "IPv$fam: a quote of r1 without option 30"
    grep "$R2" "$LAB_TMP/icmp" | awk -F'|' '$4 != "" { exit 1 }' || fail "IPv$fam: r2 quoted TCP options"
    n3=$(grep -c "$R3" "$LAB_TMP/icmp")
    [ "$n3" -gt 0 ] || fail "IPv$fam: no time-exceeded from r3"
    grep "$R3" "$LAB_TMP/icmp" | grep -q ",30" && fail "IPv$fam: r3 still quotes option 30"
    grep "$R3" "$LAB_TMP/icmp" | grep -q "|2,4,8" || fail "IPv$fam: r3's quote is not a whole TCP header"
done
ok "tshark: r1 quotes MP_CAPABLE, r2 only 8 bytes, r3 a whole TCP header without option 30 (IPv4, IPv6)"

lab_down_and_check
