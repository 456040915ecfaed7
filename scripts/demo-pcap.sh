#!/bin/sh
# demo-pcap.sh — captures real kernel MPTCPv1 transfers (extra subflows, IPv4 + IPv6) plus plain TCP in lab namespaces and analyses them with `mpcensus pcap`.
# usage (root, from the project root, after `make build`): sh scripts/demo-pcap.sh [OUTDIR]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
MPCENSUS=${MPCENSUS:-$root/build/mpcensus}
out=${1:-$(mktemp -d /tmp/mpcensus-demo-pcap.XXXXXX)}
[ "$(id -u)" = 0 ] || { echo "demo-pcap: needs root (network namespaces)" >&2; exit 1; }
[ -x "$MPCENSUS" ] || { echo "demo-pcap: build first (make build)" >&2; exit 1; }

echo "== capturing lab traffic (namespaces, veth, 198.18.0.0/15 + 2001:db8::/32 only)"
sh "$root/scripts/pcap-lab-capture.sh" "$out/lab" 256
gzip -c "$out/lab/lab.pcap" >"$out/lab.pcap.gz"
echo "   $(tail -3 "$out/lab/tcpdump.log" | head -1); capture and its gzip copy in $out"

echo "== mpcensus pcap (gzip input, inflated in a second thread)"
"$MPCENSUS" pcap -m 1 -o "$out/summary.json" --connections "$out/connections.csv" --flows "$out/flows.csv" \
    "$out/lab.pcap.gz"

python3 - "$out/summary.json" "$out/connections.csv" "$out/lab/app.tsv" <<'PY'
import csv, json, sys
t = json.load(open(sys.argv[1]))["traces"][0]
print("   packets %d, TCP flows %d (%d bytes), MPTCP connections %d (v0 %d, v1 %d) with %d subflows" % (
    t["packets"], t["tcp_flows"], t["tcp_bytes"], t["mptcp_connections"],
    t["mptcp_connections_by_version"]["0"], t["mptcp_connections_by_version"]["1"], t["mptcp_subflows"]))
print("   MPTCP share: %.1f %% of flows, %.1f %% of bytes; top-1 MPTCP flow carries %.1f %% of MPTCP bytes" % (
    100 * t["flow_share"], 100 * t["byte_share"], 100 * t["top1_share"]))
skipped = ", ".join("%s=%d" % kv for kv in t["skipped"].items() if kv[1])
print("   skipped (unparsable input): %s" % (skipped or "nothing"))
conns = {(r["client"], r["client_port"]): r for r in csv.DictReader(open(sys.argv[2]))}
print("== per connection: what the application sent vs what mpcensus measured from the trace")
print("   %-28s %-10s %12s %12s %12s %12s %8s" % ("client", "transport", "app c2s", "trace c2s", "app s2c", "trace s2c", "subflows"))
for l in open(sys.argv[3]):
    proto, fam, cip, cport, sip, sport, c2s, s2c, got = l.split()
    r = conns.get((cip, cport))
    if proto == "mptcp" and r:
        print("   %-28s %-10s %12s %12s %12s %12s %8s" % (cip + ":" + cport, "MPTCPv" + r["mptcp_version"], c2s,
              r["data_bytes_c2s"], s2c, r["data_bytes_s2c"], r["subflows"]))
    else:
        print("   %-28s %-10s %12s %12s %12s %12s %8s" % (cip + ":" + cport, proto.upper(), c2s, "-", s2c, "-", "-"))
PY
echo "== files: $out/summary.json (per-trace JSON), connections.csv, flows.csv"
