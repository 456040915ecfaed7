#!/bin/sh
# pcap_negative_control.sh — a TCP-only capture reports zero MPTCP, yet all of its TCP flows.
# Oracles: tshark finds no MPTCP option (kind 30) in the file and counts its tcp.streams.
set -u
MPCENSUS="${MPCENSUS:-build/san/mpcensus}"
SHARED="${SHARED:-../shared}"
f="$SHARED/data/pcaps/pymptcpanalyzer/client_1_tcp_only.pcap"
[ -f "$f" ] || { echo "no $f"; exit 77; }
command -v tshark >/dev/null || { echo "tshark not installed"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT INT TERM

kind30=$(tshark -r "$f" -Y 'tcp.option_kind == 30' 2>/dev/null | wc -l)
[ "$kind30" -eq 0 ] || { echo "control capture unexpectedly has $kind30 MPTCP packets"; exit 1; }
streams=$(tshark -r "$f" -T fields -e tcp.stream 2>/dev/null | sort -u | grep -c .)
frames=$(tshark -r "$f" -T fields -e frame.number 2>/dev/null | grep -c .)

fail=0
for m in 1 5; do
    "$MPCENSUS" pcap -q -m $m -o "$tmp/out.json" "$f" || { echo "mpcensus failed"; exit 1; }
    python3 - "$tmp/out.json" "$m" "$streams" "$frames" <<'PY' || fail=1
import json, sys
t = json.load(open(sys.argv[1]))["traces"][0]
m, streams, frames = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
zero = ["mptcp_connections", "mptcp_subflows", "mptcp_flows", "mptcp_bytes", "mptcp_midstream_flows",
        "mptcp_unlinked_connections", "mptcp_fallbacks"]
bad = [k for k in zero if t[k] != 0]
bad += [k for k in ("0", "1") if t["mptcp_connections_by_version"][k] != 0]
if t["flow_share"] != 0 or t["byte_share"] != 0:
    bad.append("shares")
if t["packets"] != frames:
    bad.append("packets %d != tshark frames %d" % (t["packets"], frames))
if m == 1 and t["tcp_flows"] != streams:
    bad.append("tcp_flows %d != tshark streams %d" % (t["tcp_flows"], streams))
if t["tcp_flows"] == 0 or t["tcp_bytes"] == 0:
    bad.append("no TCP counted")
print("min-packets %d: tcp_flows=%d tcp_bytes=%d mptcp_connections=%d %s" % (m, t["tcp_flows"], t["tcp_bytes"], t["mptcp_connections"], "FAIL " + ", ".join(bad) if bad else "ok"))
sys.exit(1 if bad else 0)
PY
done
exit $fail
