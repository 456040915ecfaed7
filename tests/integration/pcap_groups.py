#!/usr/bin/env python3
# pcap_groups.py — helper of the pcap_*.sh tests: summarises MPTCP connections as tshark sees them, and as mpcensus reports them.
# usage: pcap_groups.py tshark FIELDS.tsv   (tshark -T fields -e tcp.stream -e mptcp.stream -e tcp.options.mptcp.version)
#        pcap_groups.py ours OUT.json CONNS.csv
import collections, csv, json, sys

def tshark(path):
    groups = collections.defaultdict(set); ver = {}; streams = set()
    for line in open(path):
        f = line.rstrip('\n').split('\t')
        if len(f) < 3 or f[0] == '':
            continue
        streams.add(f[0])
        if f[1] == '':
            continue
        groups[f[1]].add(f[0])
        if f[2]:
            ver.setdefault(f[1], f[2].split(',')[0])
    conns = sorted("v%s:%d" % (ver[g], len(groups[g])) for g in groups if g in ver)
    print("connections", " ".join(conns) or "none")
    print("subflows", sum(len(groups[g]) for g in groups if g in ver))
    print("unversioned_groups", sum(1 for g in groups if g not in ver))
    print("tcp_flows", len(streams))

def ours(json_path, csv_path):
    t = json.load(open(json_path))["traces"][0]
    rows = list(csv.DictReader(open(csv_path)))
    conns = sorted("v%s:%s" % (r["mptcp_version"], r["subflows"]) for r in rows)
    byv = t["mptcp_connections_by_version"]
    assert t["mptcp_connections"] == len(rows) == byv["0"] + byv["1"], "JSON and CSV disagree"
    print("connections", " ".join(conns) or "none")
    print("subflows", t["mptcp_subflows"])
    print("unversioned_groups", t["mptcp_midstream_flows"] + t["mptcp_unlinked_connections"])
    print("tcp_flows", t["tcp_flows"])

if __name__ == "__main__":
    if sys.argv[1] == "tshark":
        tshark(sys.argv[2])
    else:
        ours(sys.argv[2], sys.argv[3])
