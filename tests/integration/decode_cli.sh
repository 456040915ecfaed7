#!/bin/sh
# decode_cli.sh — `mpcensus decode` usage, errors and damaged input: clear messages, right exit codes, no crash.
[ -x "$MPCENSUS" ] || { echo "SKIP: MPCENSUS ($MPCENSUS) not built"; exit 77; }
command -v tshark >/dev/null 2>&1 || { echo "SKIP: tshark not installed"; exit 77; }
v0="$SHARED/data/pcaps/tcpdump/mptcp-v0.pcap"
[ -f "$v0" ] || { echo "SKIP: no shared captures"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
expect() { # expect WANT_RC DESCRIPTION -- command...
    want=$1; what=$2; shift 3
    "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" != "$want" ]; then
        echo "FAIL: $what: exit $rc, want $want"; sed 's/^/    /' "$tmp/err"; fails=$((fails + 1))
    else
        echo "ok:   $what (exit $rc)"
    fi
}

expect 0 "--help" -- "$MPCENSUS" decode --help
grep -q "usage: mpcensus decode" "$tmp/out" || { echo "FAIL: --help prints no usage"; fails=$((fails + 1)); }
expect 2 "no file" -- "$MPCENSUS" decode
expect 2 "unknown option" -- "$MPCENSUS" decode --frobnicate "$v0"
expect 1 "missing file" -- "$MPCENSUS" decode "$tmp/none.pcap"
grep -q "none.pcap" "$tmp/err" || { echo "FAIL: error does not name the file"; fails=$((fails + 1)); }
echo "not a capture" >"$tmp/text.pcap"
expect 1 "not a capture" -- "$MPCENSUS" decode "$tmp/text.pcap"
# A missing file does not stop the others from being decoded.
expect 1 "missing + good file" -- "$MPCENSUS" decode --json "$tmp/none.pcap" "$v0"
n=$(wc -l <"$tmp/out")
[ "$n" -gt 0 ] || { echo "FAIL: the good file was not decoded after the missing one"; fails=$((fails + 1)); }

# A capture cut in the middle of a record: the packets before the cut are
# printed (as many as tshark reads), then a read error and exit 1.
head -c 3000 "$v0" >"$tmp/cut.pcap"
expect 1 "capture cut mid-record" -- "$MPCENSUS" decode --json "$tmp/cut.pcap"
ours=$(wc -l <"$tmp/out")
theirs=$(tshark -n -r "$tmp/cut.pcap" -Y tcp.option_kind==30 2>/dev/null | wc -l)
echo "cut capture: mpcensus $ours MPTCP packets, tshark $theirs"
[ "$ours" = "$theirs" ] && [ "$ours" -gt 0 ] || { echo "FAIL: packet count differs"; fails=$((fails + 1)); }
grep -q "read error" "$tmp/err" || { echo "FAIL: no read error reported"; fails=$((fails + 1)); }

# gzip input and stdin give the same output as the plain file.
"$MPCENSUS" decode --json "$v0" >"$tmp/plain" 2>/dev/null
gzip -c "$v0" >"$tmp/v0.pcap.gz"
expect 0 "gzip input" -- "$MPCENSUS" decode --json "$tmp/v0.pcap.gz"
cmp -s "$tmp/out" "$tmp/plain" || { echo "FAIL: gzip output differs"; fails=$((fails + 1)); }
"$MPCENSUS" decode --json - <"$v0" >"$tmp/stdin" 2>/dev/null
cmp -s "$tmp/stdin" "$tmp/plain" || { echo "FAIL: stdin output differs"; fails=$((fails + 1)); }

# The summary counts what tshark counts.
expect 0 "summary" -- "$MPCENSUS" decode "$v0"
total=$(tshark -n -r "$v0" 2>/dev/null | wc -l)
mp=$(tshark -n -r "$v0" -Y tcp.option_kind==30 2>/dev/null | wc -l)
grep -q "$total packets, $mp with MPTCP" "$tmp/err" ||
    { echo "FAIL: summary '$(cat "$tmp/err")' is not '$total packets, $mp with MPTCP'"; fails=$((fails + 1)); }
# text mode: one line per MPTCP packet
[ "$(wc -l <"$tmp/out")" = "$mp" ] || { echo "FAIL: text mode line count"; fails=$((fails + 1)); }

[ $fails -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "all decode CLI checks passed"
