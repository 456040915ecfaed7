#!/bin/sh
# pcap_series.sh — several traces in one run: time order, per-trace results equal single runs, EWMA (a = 0.2) of flow counts, --concat, parallel jobs.
# Oracles: tshark's first-frame timestamps for the order; the EWMA recomputed here from the per-trace counts.
set -u
MPCENSUS="${MPCENSUS:-build/san/mpcensus}"
SHARED="${SHARED:-../shared}"
p="$SHARED/data/pcaps"
[ -d "$p" ] || { echo "no $p"; exit 77; }
command -v tshark >/dev/null || { echo "tshark not installed"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT INT TERM
files="$p/pymptcpanalyzer/client_2.pcap $p/tcpdump/mptcp-v1.pcap $p/tcpdump/mptcp-v0.pcap $p/pymptcpanalyzer/iperf-mptcp-0-0.pcap"
gzip -c "$p/ptcpdump/mptcp.pcap" >"$tmp/ptcpdump.pcap.gz"
files="$files $tmp/ptcpdump.pcap.gz"
fail=0
for f in $files; do
    ts=$(tshark -r "$f" -c 1 -T fields -e frame.time_epoch 2>/dev/null)
    echo "$ts $f"
    "$MPCENSUS" pcap -q -m 1 -o "$tmp/$(basename "$f").json" "$f" || { echo "FAIL single run $f"; fail=1; }
done | sort -n >"$tmp/order"
# shellcheck disable=SC2086
"$MPCENSUS" pcap -q -m 1 -j 2 -o "$tmp/series.json" $files || { echo "FAIL series run"; exit 1; }
# shellcheck disable=SC2086
"$MPCENSUS" pcap -q -m 1 --concat -o "$tmp/concat.json" $files || { echo "FAIL concat run"; exit 1; }
python3 - "$tmp" <<'PY' || fail=1
import json, os, sys
tmp = sys.argv[1]
order = [l.split()[1] for l in open(os.path.join(tmp, "order"))]
doc = json.load(open(os.path.join(tmp, "series.json")))
got = [t["trace"] for t in doc["traces"]]
bad = []
if got != order:
    bad.append("order %s != tshark first-frame order %s" % (got, order))
keys = ("packets", "tcp_flows", "tcp_bytes", "mptcp_connections", "mptcp_subflows", "mptcp_bytes",
        "mptcp_connections_by_version", "top1_share", "skipped")
for t in doc["traces"]:
    single = json.load(open(os.path.join(tmp, os.path.basename(t["trace"]) + ".json")))["traces"][0]
    for k in keys:
        if t[k] != single[k]:
            bad.append("%s: %s differs from a single run" % (t["trace"], k))
e = None
for t, row in zip(doc["traces"], doc["series"]["ewma"]):
    x = t["tcp_flows"]
    e = x if e is None else 0.2 * x + 0.8 * e
    if abs(row["ewma_tcp_flows"] - e) > 1e-3:
        bad.append("ewma %s != %s" % (row["ewma_tcp_flows"], e))
total = doc["series"]["total"]
for k in ("packets", "tcp_flows", "tcp_bytes", "mptcp_connections", "mptcp_bytes"):
    if total[k] != sum(t[k] for t in doc["traces"]):
        bad.append("series total %s is not the sum" % k)
concat = json.load(open(os.path.join(tmp, "concat.json")))["traces"][0]
# the traces share no 5-tuple, so one continuous trace counts the same
for k in ("packets", "tcp_flows", "tcp_bytes", "mptcp_connections", "mptcp_subflows"):
    if concat[k] != total[k]:
        bad.append("--concat %s %s != %s" % (k, concat[k], total[k]))
if len(concat["files"]) != len(order):
    bad.append("--concat lists %d files" % len(concat["files"]))
print("\n".join(bad) if bad else "ok   %d traces in time order, EWMA and totals consistent, --concat equal" % len(got))
sys.exit(1 if bad else 0)
PY
exit $fail
