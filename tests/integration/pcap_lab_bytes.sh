#!/bin/sh
# pcap_lab_bytes.sh — kernel MPTCPv1 transfers (IPv4 + IPv6, extra subflows) in lab namespaces: per-connection bytes equal what the applications sent.
# Oracles: the applications' own byte counts (client and server), tshark's
# MPTCP grouping and its IP lengths (the capture is cut at 256 bytes per
# packet, so bytes must come from the IP headers).
set -u
MPCENSUS="${MPCENSUS:-build/san/mpcensus}"
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)"; exit 77; }
for c in ip tcpdump tshark python3; do command -v $c >/dev/null || { echo "$c missing"; exit 77; }; done
ip mptcp limits >/dev/null 2>&1 || { echo "kernel without MPTCP"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT INT TERM

# A capture that lost packets (kernel drops) cannot be compared: retry.
for attempt in 1 2 3; do
    rm -rf "$tmp/lab"
    sh "$root/scripts/pcap-lab-capture.sh" "$tmp/lab" 256 || { echo "lab capture failed"; exit 1; }
    grep -q "^0 packets dropped by kernel" "$tmp/lab/tcpdump.log" && break
    echo "attempt $attempt: tcpdump dropped packets, capturing again"
    [ $attempt -lt 3 ] || { echo "tcpdump keeps dropping packets"; exit 1; }
done
cat "$tmp/lab/app.tsv"
"$MPCENSUS" pcap -q -m 1 -o "$tmp/out.json" --connections "$tmp/conns.csv" --flows "$tmp/flows.csv" "$tmp/lab/lab.pcap" ||
    { echo "mpcensus failed"; exit 1; }
fail=0

# 1. MPTCP grouping as tshark sees it
tshark -r "$tmp/lab/lab.pcap" -T fields -e tcp.stream -e mptcp.stream -e tcp.options.mptcp.version 2>/dev/null >"$tmp/ts.tsv"
python3 "$here/pcap_groups.py" tshark "$tmp/ts.tsv" >"$tmp/expected"
python3 "$here/pcap_groups.py" ours "$tmp/out.json" "$tmp/conns.csv" >"$tmp/got"
if cmp -s "$tmp/expected" "$tmp/got"; then echo "ok   grouping equals tshark: $(head -1 "$tmp/got")"
else echo "FAIL grouping"; diff "$tmp/expected" "$tmp/got"; fail=1; fi

# 2. bytes per connection = application bytes; 3. IP bytes = tshark's IP lengths
tshark -r "$tmp/lab/lab.pcap" -T fields -e ip.len -e ipv6.plen 2>/dev/null >"$tmp/lens.tsv"
python3 - "$tmp/lab/app.tsv" "$tmp/lab/server.out" "$tmp/conns.csv" "$tmp/flows.csv" "$tmp/out.json" "$tmp/lens.tsv" <<'PY' || fail=1
import csv, json, sys
app = [l.split() for l in open(sys.argv[1]) if l.strip()]
server = {(l.split()[1], l.split()[2]): int(l.split()[3]) for l in open(sys.argv[2]) if l.startswith("received")}
conns = {(r["client"], r["client_port"]): r for r in csv.DictReader(open(sys.argv[3]))}
flows = {(r["client"], r["client_port"]): r for r in csv.DictReader(open(sys.argv[4]))}
t = json.load(open(sys.argv[5]))["traces"][0]
bad = 0
n_mptcp = 0
for proto, fam, cip, cport, sip, sport, c2s, s2c, got in app:
    c2s, s2c, got = int(c2s), int(s2c), int(got)
    srv = server.get((cip, cport))
    if srv != c2s or got != s2c:
        print("FAIL application disagrees with itself", cip, cport, srv, c2s, got, s2c); bad += 1; continue
    if proto == "mptcp":
        n_mptcp += 1
        r = conns.get((cip, cport))
        if not r:
            print("FAIL no connection for", cip, cport); bad += 1; continue
        ok = (int(r["data_bytes_c2s"]) == c2s and int(r["data_bytes_s2c"]) == s2c and r["mptcp_version"] == "1"
              and int(r["subflows"]) >= 2 and int(r["payload_bytes"]) >= c2s + s2c)
        print("%s IPv%s conn %s:%s app sent %d/%d, mpcensus data bytes %s/%s, payload %s, subflows %s" % (
            "ok  " if ok else "FAIL", fam, cip, cport, c2s, s2c, r["data_bytes_c2s"], r["data_bytes_s2c"],
            r["payload_bytes"], r["subflows"]))
        bad += not ok
    else:
        r = flows.get((cip, cport))
        ok = r is not None and r["kind"] == "tcp" and int(r["payload_bytes"]) >= c2s + s2c
        print("%s IPv%s TCP flow %s:%s app sent %d+%d, payload %s" % ("ok  " if ok else "FAIL", fam, cip, cport, c2s, s2c, r and r["payload_bytes"]))
        bad += not ok
if t["mptcp_connections"] != n_mptcp or t["mptcp_connections_by_version"]["1"] != n_mptcp:
    print("FAIL mptcp_connections", t["mptcp_connections"], "want", n_mptcp); bad += 1
ip_bytes = 0
for l in open(sys.argv[6]):
    f = l.rstrip("\n").split("\t")
    if f[0]:
        ip_bytes += int(f[0].split(",")[0])
    elif len(f) > 1 and f[1]:
        ip_bytes += int(f[1].split(",")[0]) + 40
print("%s tcp_bytes %d, tshark IP lengths %d (snaplen 256)" % ("ok  " if ip_bytes == t["tcp_bytes"] else "FAIL", t["tcp_bytes"], ip_bytes))
bad += ip_bytes != t["tcp_bytes"]
sys.exit(1 if bad else 0)
PY
exit $fail
