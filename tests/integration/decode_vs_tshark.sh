#!/bin/sh
# decode_vs_tshark.sh — `mpcensus decode --json` must agree with tshark on every MPTCP field of every capture.
#
# Part 1: every *.pcap / *.pcapng under $SHARED/data/pcaps (Ethernet, Linux SLL,
#         raw IP, PPP; v0, v1, joins, DSS, ADD_ADDR with HMAC and echo,
#         REMOVE_ADDR, FASTCLOSE, TCPRST, the truncated DSS case).
# Part 2: a capture written byte by byte from the RFC figures (decode_synth.py):
#         every layout of every subtype, and malformed / cut options.
# Part 3: the shared captures have no SLL2 and no IPv6 MPTCP, so we make some:
#         a private network namespace, the kernel's MPTCPv1 over IPv4 and IPv6
#         on its loopback (lab addresses 198.18.0.0/15, 2001:db8::/32), captured
#         with `tcpdump -i any` (LINKTYPE_LINUX_SLL2), once without and once
#         with DSS checksums (net.mptcp.checksum_enabled).
# The comparison itself, and the tshark 4.0 quirks it accounts for, are in
# decode_compare.py. Exit 0 pass, 1 fail, 77 skip (prerequisite missing).
here=$(cd "$(dirname "$0")" && pwd)
compare="$here/decode_compare.py"

for tool in tshark tcpdump python3; do
    command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool not installed"; exit 77; }
done
[ -x "$MPCENSUS" ] || { echo "SKIP: MPCENSUS ($MPCENSUS) not built"; exit 77; }
[ -d "$SHARED/data/pcaps" ] || { echo "SKIP: no shared captures at $SHARED/data/pcaps"; exit 77; }

echo "== part 1: shared captures"
files=$(find "$SHARED/data/pcaps" -type f \( -name '*.pcap' -o -name '*.pcapng' \) | sort)
[ -n "$files" ] || { echo "FAIL: no capture found under $SHARED/data/pcaps"; exit 1; }
# Subtypes the shared captures are known to hold (tshark-summary.txt): a
# comparison that silently saw none of them would prove nothing.
# shellcheck disable=SC2086
python3 "$compare" --mpcensus "$MPCENSUS" --require-subtypes 0,1,2,3,4,7,8 $files || exit 1

echo "== part 2: every layout and malformed options, built from the RFC figures"
synth_dir=$(mktemp -d)
python3 "$here/decode_synth.py" "$synth_dir/synth.pcap" || { echo "FAIL: decode_synth.py"; rm -rf "$synth_dir"; exit 1; }
python3 "$compare" --mpcensus "$MPCENSUS" --require-subtypes 0,1,2,3,4,5,6,7,8 "$synth_dir/synth.pcap"
rc=$?
rm -rf "$synth_dir"
[ $rc -eq 0 ] || exit 1

echo "== part 3: live kernel MPTCP over IPv4 and IPv6, captured as SLL2"
[ "$(id -u)" = 0 ] || { echo "SKIP: parts 1-2 passed; part 3 needs root for a network namespace"; exit 77; }
ns="mpcdec$$"
tmp=$(mktemp -d)
tdpid=""
cleanup() {
    [ -n "$tdpid" ] && kill "$tdpid" 2>/dev/null
    ip netns del "$ns" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
ip netns add "$ns" || { echo "SKIP: parts 1-2 passed; cannot create a network namespace"; exit 77; }
nsx() { ip netns exec "$ns" "$@"; }
nsx sysctl -qw net.mptcp.enabled=1 2>/dev/null || { echo "SKIP: parts 1-2 passed; kernel without MPTCP"; exit 77; }
# Only loopback exists in the namespace: no packet can leave it.
nsx ip link set lo up
nsx ip addr add 198.18.0.1/32 dev lo
nsx ip addr add 198.18.0.2/32 dev lo
nsx ip addr add 2001:db8::1/128 dev lo nodad
nsx ip addr add 2001:db8::2/128 dev lo nodad

live_capture() { # $1 = output file, $2 = checksum_enabled value
    nsx sysctl -qw net.mptcp.checksum_enabled="$2"
    # Not through nsx: $! must be tcpdump itself (ip netns exec execs it), not a subshell.
    ip netns exec "$ns" tcpdump -i any -U -s 0 -w "$1" tcp >"$tmp/tcpdump.out" 2>&1 &
    tdpid=$!
    n=0
    until grep -q "listening on" "$tmp/tcpdump.out"; do
        n=$((n + 1)); [ $n -gt 100 ] && { echo "FAIL: tcpdump did not start"; cat "$tmp/tcpdump.out"; exit 1; }
        sleep 0.1
    done
    nsx python3 "$here/decode_traffic.py" 198.18.0.1 198.18.0.2 2001:db8::1 2001:db8::2 ||
        { echo "FAIL: traffic generator failed"; exit 1; }
    sleep 0.5
    kill "$tdpid"; wait "$tdpid" 2>/dev/null; tdpid=""
}
live_capture "$tmp/live-nocsum.pcap" 0
live_capture "$tmp/live-csum.pcap" 1

# DECODE_KEEP_DIR=dir keeps the live captures for a closer look.
[ -n "$DECODE_KEEP_DIR" ] && cp "$tmp"/live-*.pcap "$DECODE_KEEP_DIR"/
status=0
for f in "$tmp/live-nocsum.pcap" "$tmp/live-csum.pcap"; do
    # The file header's link type (bytes 20..23, written in host order by tcpdump) must be SLL2 (276).
    lt=$(python3 -c 'import struct,sys; h=open(sys.argv[1],"rb").read(24); print(struct.unpack("<I" if h[:4]==b"\xd4\xc3\xb2\xa1" else ">I", h[20:24])[0])' "$f")
    v4=$(tshark -n -r "$f" -Y 'ip && tcp.option_kind==30' 2>/dev/null | wc -l)
    v6=$(tshark -n -r "$f" -Y 'ipv6 && tcp.option_kind==30' 2>/dev/null | wc -l)
    echo "$(basename "$f"): link type $lt, $v4 IPv4 and $v6 IPv6 packets with MPTCP options"
    [ "$lt" = 276 ] || { echo "FAIL: expected LINKTYPE_LINUX_SLL2 (276)"; status=1; }
    [ "$v4" -gt 0 ] && [ "$v6" -gt 0 ] || { echo "FAIL: need MPTCP over both IPv4 and IPv6"; status=1; }
done
# Kernel behaviour guarantees MP_CAPABLE, MP_JOIN, DSS and ADD_ADDR here; the
# other subtypes the run produces are compared too (listed in the TOTAL line).
python3 "$compare" --mpcensus "$MPCENSUS" --require-subtypes 0,1,2,3 "$tmp/live-nocsum.pcap" "$tmp/live-csum.pcap" || status=1
# With checksums on, DSS must carry them: make sure the checksum path was exercised.
ncs=$(tshark -n -r "$tmp/live-csum.pcap" -Y 'tcp.options.mptcp.dseqnpresent.flag==1' 2>/dev/null | wc -l)
echo "live-csum.pcap: $ncs DSS mappings (each checked against tcpdump's csum)"
[ "$ncs" -gt 0 ] || { echo "FAIL: no DSS mapping in the checksum run"; status=1; }
exit $status
