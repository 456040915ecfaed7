#!/bin/sh
# trace_bad_input.sh — bad scan rows, a family without a source, ICMP errors with garbage quotes, bad options and spec lines: each a counted skip or a clear error, never a crash or a hang.
. "$(dirname "$0")/../../lab/testlib.sh"

T="$MPCENSUS trace"
expect_usage() { # expect_usage "WHAT" "MESSAGE PART" ARGS...
    what=$1; msg=$2; shift 2
    "$@" >"$LAB_TMP/out" 2>"$LAB_TMP/err" </dev/null
    rc=$?
    [ $rc = 2 ] || fail "$what: exit $rc, want 2 ($(cat "$LAB_TMP/err"))"
    grep -q -- "$msg" "$LAB_TMP/err" || fail "$what: no '$msg' in: $(cat "$LAB_TMP/err")"
}
expect_usage "no target" "no targets" $T
expect_usage "max-ttl" "bad --max-ttl '65'" $T --max-ttl 65 198.18.0.1
expect_usage "retries" "bad --retries '9'" $T --retries 9 198.18.0.1
expect_usage "version" "bad --mptcp-version '2'" $T --mptcp-version 2 198.18.0.1
expect_usage "key" "bad --key" $T --key 0c0c 198.18.0.1
expect_usage "address" "bad target 'x.y'" $T x.y
expect_usage "-i alone" "-i needs -S" $T -i eth0 198.18.0.1
expect_usage "missing file" "nothere.csv" $T -f "$LAB_TMP/nothere.csv"
printf '198.18.0.1\n' >"$LAB_TMP/plain.txt"
expect_usage "--verdict on a list" "needs records" $T -f "$LAB_TMP/plain.txt" --verdict mptcp
printf 'saddr,sport\n198.18.0.1,80\n' >"$LAB_TMP/noverdict.csv"
expect_usage "--verdict without the column" "verdict (scan) or class" $T -f "$LAB_TMP/noverdict.csv" --verdict mptcp
printf 'foo,bar\n1,2\n' >"$LAB_TMP/nocol.csv"
expect_usage "no address column" "no address column" $T -f "$LAB_TMP/nocol.csv"
expect_usage "output fields" "unknown output field 'bogus'" $T --output-fields target,bogus 198.18.0.1
ok "bad options and unusable target files: exit 2 with a clear message"

printf 'seed 1\nrouters 2\nrouter 3 strip\nprefix 198.18.0.0/30\nprofile a 1 80=tcp\n' >"$LAB_TMP/bad.spec"
"$MPCENSUS" lab truth "$LAB_TMP/bad.spec" --trace >/dev/null 2>"$LAB_TMP/err" && fail "router 3 strip with 2 routers accepted"
grep -q "router 3 configured" "$LAB_TMP/err" || fail "spec error unclear: $(cat "$LAB_TMP/err")"
printf 'seed 1\nprefix 198.18.0.0/30\nprofile a 1 80=tcp mbox=proxy,teleport\n' >"$LAB_TMP/bad.spec"
"$MPCENSUS" lab truth "$LAB_TMP/bad.spec" --trace >/dev/null 2>"$LAB_TMP/err" && fail "mbox=teleport accepted"
grep -q "bad.spec:3: unknown middlebox 'teleport' (strip, keyrw, mirror, strip-synack, proxy, prohibit, drop-mptcp, delay:MS)" "$LAB_TMP/err" ||
    fail "spec error unclear: $(cat "$LAB_TMP/err")"
ok "spec: router K strip past the routers and unknown middleboxes refused with file:line"

SPEC="$LAB_TMP/small.spec"
cat >"$SPEC" <<'SPEC'
seed 4
routers 2
site-routers no
prefix 198.18.4.0/30 2001:db8:4::/126
profile kv1    1 80=kernel-v1
profile silent 1 other=silent
SPEC
lab_up "$SPEC"
"$MPCENSUS" lab truth "$SPEC" --trace --with-profile --ports 80 --mptcp-version 1 >"$LAB_TMP/truth.csv"
kv1_4=$(awk -F, '$10 == "kv1" && $1 !~ /:/ { print $1; exit }' "$LAB_TMP/truth.csv")
kv1_6=$(awk -F, '$10 == "kv1" && $1 ~ /:/ { print $1; exit }' "$LAB_TMP/truth.csv")
sil_4=$(awk -F, '$10 == "silent" && $1 !~ /:/ { print $1; exit }' "$LAB_TMP/truth.csv")
[ -n "$kv1_4" ] && [ -n "$kv1_6" ] && [ -n "$sil_4" ] || fail "spec has no kv1/silent addresses: $(cat "$LAB_TMP/truth.csv")"

# a scan file with two bad rows among good ones; and an IPv6 target with only an IPv4 source
cat >"$LAB_TMP/scan.csv" <<CSV
saddr,sport,ttl,verdict
$kv1_4,80,63,mptcp
not-an-address,80,63,mptcp
$kv1_4,99999,63,mptcp
$kv1_6,80,63,mptcp
$kv1_4,443,63,tcp
CSV
ip netns exec "$VANTAGE_NS" $T -S "$VANTAGE_V4" --mptcp-version 1 -f "$LAB_TMP/scan.csv" --verdict mptcp \
    -o "$LAB_TMP/t1.json" 2>"$LAB_TMP/err1" || fail "trace with bad rows failed: $(cat "$LAB_TMP/err1")"
cat "$LAB_TMP/err1"
grep -q "skipped 2 bad input rows (first: $LAB_TMP/scan.csv:3: bad address 'not-an-address')" "$LAB_TMP/err1" ||
    fail "bad rows not counted with file:line"
grep -q "skipped 1 targets of a family without a source address (first: $kv1_6" "$LAB_TMP/err1" ||
    fail "the IPv6 target without an IPv6 source was not counted"
grep -q "1 input rows left out by --verdict" "$LAB_TMP/err1" || fail "--verdict did not count the tcp row"
[ "$(wc -l <"$LAB_TMP/t1.json")" = 1 ] && grep -q "\"target\":\"$kv1_4\",\"port\":80,.*\"class\":\"mptcp\"" "$LAB_TMP/t1.json" ||
    fail "the good row was not traced right: $(cat "$LAB_TMP/t1.json")"
ok "bad scan rows and a target of a family without a source: counted skips, the good row traced"
ip netns exec "$VANTAGE_NS" $T -S "$VANTAGE_V4" "$kv1_6" >/dev/null 2>"$LAB_TMP/err" && fail "an IPv6-only run with an IPv4 source succeeded"
grep -q "no target left" "$LAB_TMP/err" || fail "unclear: $(cat "$LAB_TMP/err")"
# a full disk: the record cannot be written, the command says which file and exits 1
ip netns exec "$VANTAGE_NS" $T -q "$kv1_4" -o /dev/full 2>"$LAB_TMP/err"
rc=$?
[ $rc = 1 ] || fail "trace to /dev/full exited $rc, want 1 ($(cat "$LAB_TMP/err"))"
grep -q "/dev/full: No space left on device" "$LAB_TMP/err" || fail "write error unclear: $(cat "$LAB_TMP/err")"
ok "a target of a family without a source only: exit 2; a write error: exit 1 naming the file"

# ICMP errors with garbage quotes sent to the vantage while it traces (silent target: several rounds)
ip netns exec "$VANTAGE_NS" $T -q --mptcp-version 1 --wait 1 "$sil_4" "$kv1_4" -o "$LAB_TMP/t2.json" 2>"$LAB_TMP/err2" &
TRACE_PID=$!
sleep 0.7
ip netns exec "$LAB_NAME-r1" python3 - "$VANTAGE_V4" "$kv1_4" <<'PY' || fail "could not send the garbage"
import socket, struct, sys
dst, target = sys.argv[1], sys.argv[2]
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def icmp(quote):
    h = struct.pack("!BBHI", 11, 0, 0, 0) + quote
    return h[:2] + struct.pack("!H", csum(h)) + h[4:]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
garbage = bytes([0xf5]) + bytes(range(40))           # no IP version we know
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 60, 1, 0, 1, 6, 0, socket.inet_aton(dst), socket.inet_aton(target))
short = ip + b"\x9c\x40\x00"                         # 3 TCP bytes: less than RFC 792's 8
for q in (garbage, short):
    s.sendto(icmp(q), (dst, 0))
PY
wait $TRACE_PID || fail "trace failed under garbage ICMP: $(cat "$LAB_TMP/err2")"
cat "$LAB_TMP/err2"
grep -q "garbage-quote 2" "$LAB_TMP/err2" || fail "the two garbage quotes were not counted"
grep -q "\"target\":\"$sil_4\".*\"class\":\"unreachable\"" "$LAB_TMP/t2.json" || fail "silent target misclassified"
grep -q "\"target\":\"$kv1_4\".*\"class\":\"mptcp\"" "$LAB_TMP/t2.json" || fail "kv1 target misclassified"
ok "ICMP errors with garbage quotes: counted (garbage-quote 2), the trace carries on"

lab_down_and_check
