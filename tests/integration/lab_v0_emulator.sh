#!/bin/sh
# lab_v0_emulator.sh — emulated MPTCPv0 hosts answer v0 with their own key; v1 per spec (ignore, v0, v1); malformed lengths (tshark oracle).
. "$(dirname "$0")/../../lab/testlib.sh"

SPEC="$LAB_TMP/v0.spec"
cat >"$SPEC" <<'SPEC'
seed 5
routers 1
prefix 198.18.4.0/26 2001:db8:4::/122
profile v0          1 80=v0 443=closed
profile v0-mismatch 1 80=v0-mismatch
profile v0v1        1 80=v0v1
profile malformed   1 80=malformed
SPEC
lab_up "$SPEC"
KEY=a5a5a5a55a5a5a5a
KEYDEC=$(python3 -c "print(int('$KEY', 16))")

# sport encodes the case: 4xyzv = profile x, family y (4/6), version v
i=0
for prof in v0 v0-mismatch v0v1 malformed; do
    i=$((i + 1))
    for fam in 4 6; do
        addr=$(first_of $prof $fam)
        [ -n "$addr" ] || fail "no $prof address of family $fam"
        for v in 0 1; do
            echo "$i$fam$v $addr" >>"$LAB_TMP/cases"
        done
    done
done
capture_start
while read -r c addr; do
    probe --dst "$addr" --port 80 --mptcp-version "${c#??}" --sport "4$c" --key $KEY
done <"$LAB_TMP/cases"
v0addr=$(first_of v0 4)
probe --dst "$v0addr" --port 443 --mptcp-version 0 --sport 45000 --key $KEY
capture_stop

# sport | MPTCP subtype | version | sender key | option kinds | option lengths
tshark_fields "$CAPTURE_FILE" "tcp.flags.syn==1 && tcp.flags.ack==1" tcp.dstport \
    tcp.options.mptcp.subtype tcp.options.mptcp.version tcp.options.mptcp.sendkey tcp.option_kind tcp.option_len \
    >"$LAB_TMP/answers"
cat "$LAB_TMP/answers"
# mptcp_len SPORT: length of the option of kind 30 in the SYN-ACK to SPORT ('' if none)
mptcp_len() {
    # NOP and EOL have no length field: tshark lists lengths of the other options only
    awk -F'|' -v sp="$1" '$1 == sp { n = split($5, k, ","); split($6, l, ","); j = 0
        for (i = 1; i <= n; i++) { if (k[i] > 1) j++; if (k[i] == 30) print l[j] }; exit }' "$LAB_TMP/answers"
}
field() { awk -F'|' -v sp="$1" -v f="$2" '$1 == sp { print $f; exit }' "$LAB_TMP/answers"; }
expect() { # SPORT WANT_VERSION('' = no option) WANT_LEN WHAT
    grep -q "^$1|" "$LAB_TMP/answers" || fail "$4: no SYN-ACK"
    ver=$(field "$1" 3); len=$(mptcp_len "$1"); key=$(field "$1" 4)
    [ "$ver" = "$2" ] || fail "$4: MPTCP version '$ver', want '$2'"
    [ "$len" = "$3" ] || fail "$4: MP_CAPABLE length '$len', want '$3'"
    if [ -n "$2" ] && [ "$3" = 12 ]; then
        [ -n "$key" ] && [ "$key" != "$KEYDEC" ] || fail "$4: key '$key' missing or equal to ours"
    fi
    ok "$4"
}
for fam in 4 6; do
    expect 41${fam}0 0 12 "v0 host, IPv$fam, v0 SYN: v0 SYN-ACK with its own key"
    expect 41${fam}1 "" "" "v0 host, IPv$fam, v1 SYN ignored: plain SYN-ACK"
    expect 42${fam}0 0 12 "v0-mismatch host, IPv$fam, v0 SYN: v0 with its own key"
    expect 42${fam}1 0 12 "v0-mismatch host, IPv$fam, v1 SYN answered with v0"
    expect 43${fam}0 0 12 "v0v1 host, IPv$fam, v0 SYN: v0"
    expect 43${fam}1 1 12 "v0v1 host, IPv$fam, v1 SYN: v1"
    expect 44${fam}0 0 8 "malformed host, IPv$fam, v0 SYN: 8-byte MP_CAPABLE"
    expect 44${fam}1 1 8 "malformed host, IPv$fam, v1 SYN: 8-byte MP_CAPABLE"
done
# a port the profile lists as closed gets the kernel's RST
rst=$(tshark_fields "$CAPTURE_FILE" "tcp.flags.reset==1 && tcp.dstport==45000" tcp.srcport)
[ "$rst" = 443 ] || fail "closed port 443 of a v0 host: no RST"
ok "closed port of an emulated host answers RST"

lab_down_and_check
