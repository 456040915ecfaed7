#!/bin/sh
# scan_lab_auto_sources.sh — scan without -i/-S/-G finds the lab's interface, addresses and gateway MAC (the state file says which; the neighbour table is emptied first) and gets the verdicts of a scan with them, both equal to lab truth; -S ranges: every source address sends (tshark on a capture), each target from one of them, every reply to any of them is validated and recorded.
set -u
cd "$(dirname "$0")/../.." || exit 1
. lab/testlib.sh
lab_up_spec lab/demo.spec
[ -n "${VANTAGE_SOURCES_V4:-}" ] || fail "lab up gives no VANTAGE_SOURCES_V4"
case "$VANTAGE_SOURCES_V4" in *-*) ;; *) fail "demo.spec's vantage has one address only ($VANTAGE_SOURCES_V4)" ;; esac
"$MPCENSUS" lab truth "$SPEC" --ports 80,443 --mptcp-version 1 >"$LAB_TMP/truth.csv" || fail "lab truth"

# Each scan has source ports of its own (-s): a host still holding a half-open connection of an earlier
# scan on the same 4-tuple would answer the new SYN with the old SYN-ACK, which fails validation.
SPORT=32768
vscan() { # vscan OUT [OPTIONS...]: a v1 scan of ports 80, 443 from the vantage
    out=$1
    shift
    SPORTS="$SPORT-$((SPORT + 4999))"
    SPORT=$((SPORT + 5000))
    # shellcheck disable=SC2086
    ip netns exec "$VANTAGE_NS" "$MPCENSUS" scan -b "$BLOCKLIST" -p 80,443 --mptcp-version 1 -r 4000 -c 3 \
        -s "$SPORTS" -o "$out" "$@" --ipv6-targets "$HITLIST6" $PREFIXES_V4 2>"$out.err" || fail "scan $*: $(tail -5 "$out.err")"
}

# --- automatic interface, sources and gateway: nothing in the neighbour table to start with
ip netns exec "$VANTAGE_NS" ip neigh flush dev "$VANTAGE_IF"
ip netns exec "$VANTAGE_NS" ip -6 neigh flush dev "$VANTAGE_IF"
[ -z "$(ip netns exec "$VANTAGE_NS" ip neigh show dev "$VANTAGE_IF" | grep -v FAILED)" ] || fail "neighbour table not empty"
vscan "$LAB_TMP/auto.csv" -m "$LAB_TMP/auto.json"
cat "$LAB_TMP/auto.csv.err"
grep -q "interface $VANTAGE_IF (from the route to the first target)" "$LAB_TMP/auto.csv.err" || fail "no automatic interface line"
grep -q "IPv4 source $VANTAGE_V4 (the route's preferred source)" "$LAB_TMP/auto.csv.err" || fail "IPv4 source is not $VANTAGE_V4"
grep -q "IPv6 source $VANTAGE_V6 (the route's preferred source)" "$LAB_TMP/auto.csv.err" || fail "IPv6 source is not $VANTAGE_V6"
grep -q "at $GATEWAY_MAC (neighbour table)" "$LAB_TMP/auto.csv.err" || fail "gateway MAC is not $GATEWAY_MAC"
# the lookup resolved the next hop: the kernel's table has it now, with the MAC the lab gave r1
ip netns exec "$VANTAGE_NS" ip -6 neigh show dev "$VANTAGE_IF" | grep -q "fe80::2 lladdr $GATEWAY_MAC" ||
    fail "fe80::2 not resolved to $GATEWAY_MAC: $(ip netns exec "$VANTAGE_NS" ip -6 neigh show dev "$VANTAGE_IF")"
python3 - "$LAB_TMP/auto.json" "$VANTAGE_IF" "$VANTAGE_V4" "$VANTAGE_V6" "$GATEWAY_MAC" <<'EOF' || fail "metadata of the automatic scan"
import json, sys
m, ifc, v4, v6, mac = json.load(open(sys.argv[1])), *sys.argv[2:]
assert m["interface"] == ifc and m["interface_from"] == "route", m["interface"]
assert m["gateway_mac"] == mac and m["gateway_mac_from"] == "neighbour-table", m["gateway_mac"]
assert m["gateway_ip"] == "fe80::2", m["gateway_ip"]
s = m["source_addresses"]
assert s["ipv4"] == [v4] and s["ipv6"] == [v6] and s["ipv4_from"] == s["ipv6_from"] == "route", s
EOF
vscan "$LAB_TMP/given.csv" -i "$VANTAGE_IF" -S "$VANTAGE_V4,$VANTAGE_V6" -G "$GATEWAY_MAC"
python3 tests/integration/scan_compare.py "$LAB_TMP/truth.csv" "$LAB_TMP/auto.csv" || fail "automatic scan differs from lab truth"
python3 tests/integration/scan_compare.py "$LAB_TMP/truth.csv" "$LAB_TMP/given.csv" || fail "scan with -i/-S/-G differs from lab truth"
verdicts() { tail -n +2 "$1" | awk -F, '{print $1, $2, $16}' | sort; }
[ "$(verdicts "$LAB_TMP/auto.csv")" = "$(verdicts "$LAB_TMP/given.csv")" ] || fail "the two scans' verdicts differ"
ok "without -i/-S/-G: $VANTAGE_IF, $VANTAGE_V4, $VANTAGE_V6, gateway $GATEWAY_MAC (resolved); verdicts equal the explicit scan's and lab truth"

# --- -S ranges: four addresses per family. The capture is on r1's side of the link: the scanner's
# frames bypass the vantage's qdisc layer, and with it the vantage's own packet taps.
capture_start "$LAB_NAME-r1" up0
vscan "$LAB_TMP/ranges.json" -O json -P 2 -S "$VANTAGE_SOURCES_V4,$VANTAGE_SOURCES_V6" -m "$LAB_TMP/ranges.meta"
capture_stop
cat "$LAB_TMP/ranges.json.err"
python3 tests/integration/scan_compare.py "$LAB_TMP/truth.csv" "$LAB_TMP/ranges.json" || fail "scan over -S ranges differs from lab truth"
# (not ICMP: tshark dissects the TCP header an ICMP error quotes, e.g. of the lab's prohibit box)
tshark_fields "$CAPTURE_FILE" "!icmp && !icmpv6 && tcp.flags.syn == 1 && tcp.flags.ack == 0" ip.src ipv6.src ip.dst ipv6.dst tcp.dstport \
    >"$LAB_TMP/syns.txt"
tshark_fields "$CAPTURE_FILE" "!icmp && !icmpv6 && tcp.flags.ack == 1 && (tcp.flags.syn == 1 || tcp.flags.reset == 1)" \
    ip.src ipv6.src ip.dst ipv6.dst tcp.srcport tcp.dstport >"$LAB_TMP/replies.txt"
python3 - "$LAB_TMP/syns.txt" "$LAB_TMP/replies.txt" "$LAB_TMP/ranges.json" "$VANTAGE_SOURCES_V4" "$VANTAGE_SOURCES_V6" \
    "$SPORTS" <<'EOF' || fail "-S ranges"
import ipaddress, json, sys
syns, replies, records, r4, r6, sports = sys.argv[1:]
lo_port, hi_port = map(int, sports.split("-"))
def expand(r):
    lo, hi = (ipaddress.ip_address(x) for x in r.split("-"))
    return {str(ipaddress.ip_address(int(lo) + i)) for i in range(int(hi) - int(lo) + 1)}
ours = expand(r4) | expand(r6)
assert len(ours) == 8, ours
def rows(path):
    for line in open(path):
        s4, s6, d4, d6, port, *ours = line.rstrip("\n").split("|")
        # replies: only those to this scan's source ports (an earlier scan's late retransmissions are not its)
        if not ours or lo_port <= int(ours[0]) <= hi_port:
            yield s4 or s6, d4 or d6, int(port)
# every source sends; each target (address, port) from one source only, with both of its -P 2 probes
by_target, used = {}, {}
for src, dst, port in rows(syns):
    by_target.setdefault((dst, port), []).append(src)
    used[src] = used.get(src, 0) + 1
assert set(used) == ours, "sources used: %s" % sorted(used)
assert all(len(v) == 2 and v[0] == v[1] for v in by_target.values()), "a target probed from two sources"
# the scanner's records: one per replying target, to the source that probed it
recs = {(r["saddr"], int(r["sport"])): r["daddr"] for r in map(json.loads, open(records))}
seen = {}
for src, dst, port in rows(replies):
    assert dst in ours, "reply to %s" % dst
    assert by_target[(src, port)][0] == dst, "reply to another source than the probe's"
    seen[(src, port)] = dst
assert recs == seen, "records %d, replies on the wire %d; differ: %s" % (
    len(recs), len(seen), sorted(set(recs.items()) ^ set(seen.items()))[:5])
replied = {}
for (addr, port), d in recs.items():
    replied[d] = replied.get(d, 0) + 1
assert set(replied) == ours, "replies recorded to %s" % sorted(replied)
print("sources: %s; %d targets, %d replies, all %d to one of the 8 addresses and recorded" % (
    sorted(used.items()), len(by_target), len(seen), len(recs)))
EOF
python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); s=m["source_addresses"]; assert s["count_ipv4"]==4 and s["count_ipv6"]==4, s' \
    "$LAB_TMP/ranges.meta" || fail "metadata of the range scan"
ok "-S $VANTAGE_SOURCES_V4,$VANTAGE_SOURCES_V6: every address sends, every reply to any of them is validated and recorded"

# --- no route: a clear error, exit 2
NS_EMPTY="$LAB_NAME-empty"
ip netns add "$NS_EMPTY"
ip netns exec "$NS_EMPTY" "$MPCENSUS" scan -b /dev/null 198.18.0.0/30 >/dev/null 2>"$LAB_TMP/noroute.err"
rc=$?
ip netns del "$NS_EMPTY"
[ $rc = 2 ] && grep -q "no route to 198.18.0.0" "$LAB_TMP/noroute.err" || fail "no route: exit $rc, $(cat "$LAB_TMP/noroute.err")"
ok "no route to the first target: exit 2, '$(head -1 "$LAB_TMP/noroute.err")'"
lab_down_and_check
