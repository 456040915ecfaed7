#!/bin/sh
# scan.sh — benchmark of `mpcensus scan` against Debian's zmap (tcp_synscan) in one run: send rate and recall on a 131,072-address kernel responder population, send-only rate into a blackhole, permutation speed.
# Not part of `make check`. Run as root: bench/scan.sh
#   env: BENCH_POP=lab (default: `mpcensus lab up lab/scale.spec`, truth from `lab truth`) or own (two
#        namespaces built here: AnyIP 198.18.0.0/15 + one kernel MPTCP listener), PROBES=10 blackhole
#        passes, COOLDOWN=3.
# Every packet stays in namespaces: the lab's, or V/S created here, and the blackhole H (nftables drops
# every frame at ingress). All removed on exit.
set -u
cd "$(dirname "$0")/.." || exit 1
MPCENSUS="${MPCENSUS_REL:-$PWD/build/mpcensus}"
PROBES="${PROBES:-10}"
COOLDOWN="${COOLDOWN:-3}"
BENCH_POP="${BENCH_POP:-lab}"
[ "$(id -u)" = 0 ] || { echo "bench/scan.sh: needs root"; exit 1; }
command -v zmap >/dev/null || { echo "bench/scan.sh: zmap not installed"; exit 1; }
[ -x "$MPCENSUS" ] || { echo "bench/scan.sh: build $MPCENSUS first (make)"; exit 1; }
[ "$BENCH_POP" = lab ] && [ ! -f lab/scale.spec ] && BENCH_POP=own

N="mpb$$"
V="$N-v"; S="$N-s"; H="$N-h"
T=$(mktemp -d /tmp/bench-scan.XXXXXX)
SRV_PID=
LAB=
cleanup() {
    [ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null
    [ -n "$LAB" ] && "$MPCENSUS" lab down --name "$LAB" >/dev/null 2>&1
    for ns in "$V" "$S" "$H"; do ip netns del "$ns" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

POP=198.18.0.0/15
# the blackhole: V's hole0 -> H, where every frame is dropped (and counted) at ingress
for ns in "$V" "$H"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
ip link add hole0 netns "$V" type veth peer name up0 netns "$H"
ip -n "$V" link set hole0 up; ip -n "$H" link set up0 up
HOLE_SRC=198.19.255.254
ip -n "$V" addr add "$HOLE_SRC/32" dev hole0     # zmap reads the interface's address (SIOCGIFADDR)
MAC_H=$(ip netns exec "$H" cat /sys/class/net/up0/address)
ip netns exec "$H" nft add table netdev blackhole
ip netns exec "$H" nft add chain netdev blackhole in "{ type filter hook ingress device up0 priority 0; }"
ip netns exec "$H" nft add rule netdev blackhole in counter drop
printf '%s\n' "$POP" >"$T/hole-allow.txt"
printf '%s/32\n' "$HOLE_SRC" >"$T/hole-block.txt"
HOLE_TARGETS=131071

if [ "$BENCH_POP" = lab ]; then
    LAB="mpbl$$"
    "$MPCENSUS" lab up lab/scale.spec --name "$LAB" >"$T/lab.env" 2>"$T/lab.err" || { cat "$T/lab.err"; exit 1; }
    . "$T/lab.env"
    RNS="$VANTAGE_NS"; RIF="$VANTAGE_IF"; RSRC="$VANTAGE_V4"; RGW="$GATEWAY_MAC"
    cp "$BLOCKLIST" "$T/block.txt"
    printf '%s\n' $PREFIXES_V4 >"$T/allow.txt"
    RTARGETS="$PREFIXES_V4"
    # the truth: every IPv4 address that answers a v1 probe on port 80
    "$MPCENSUS" lab truth lab/scale.spec --ports 80 --mptcp-version 1 |
        awk -F, 'NR > 1 && $1 !~ /:/ && $4 != "silent" { print $1 }' | sort >"$T/truth.txt"
    DESC="lab/scale.spec (lab $LAB): $(wc -l <"$T/truth.txt") IPv4 kernel MPTCPv1 responders, port 80"
    POP_NS="$NAMESPACES"
else
    VANTAGE=198.19.255.254      # the scanner; the only address of the /15 that is not a responder
    ip netns add "$S"; ip -n "$S" link set lo up
    ip link add resp0 netns "$V" type veth peer name up0 netns "$S"
    ip -n "$V" link set resp0 up; ip -n "$S" link set up0 up
    ip -n "$V" addr add "$VANTAGE/32" dev resp0
    MAC_S=$(ip netns exec "$S" cat /sys/class/net/up0/address)
    MAC_V=$(ip netns exec "$V" cat /sys/class/net/resp0/address)
    # V: the vantage's kernel answers SYN-ACKs with RSTs through S (so S keeps no half-open connections)
    ip -n "$V" neigh add 198.19.255.253 lladdr "$MAC_S" dev resp0 nud permanent
    ip -n "$V" route add "$POP" via 198.19.255.253 dev resp0 onlink
    # S: every address of the /15 is local, except the vantage, which is reached over up0
    ip -n "$S" route add local "$POP" dev lo
    ip -n "$S" rule add pref 10 to "$VANTAGE" lookup main
    ip -n "$S" rule add pref 100 lookup local
    ip -n "$S" rule del pref 0
    ip -n "$S" route add "$VANTAGE/32" dev up0
    ip -n "$S" neigh add "$VANTAGE" lladdr "$MAC_V" dev up0 nud permanent
    ip netns exec "$S" sysctl -qw net.ipv4.tcp_max_syn_backlog=262144 net.core.somaxconn=65535 net.mptcp.enabled=1
    # the responders' receive work on the other core (RPS), as a remote population would not share our CPU
    if [ "$(nproc)" -ge 2 ]; then
        ip netns exec "$S" sh -c 'echo 2 >/sys/class/net/up0/queues/rx-0/rps_cpus'
        ip netns exec "$V" sh -c 'echo 2 >/sys/class/net/resp0/queues/rx-0/rps_cpus'
    fi
    ip netns exec "$S" python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)   # IPPROTO_MPTCP: the kernel answers v1
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 80)); s.listen(65535)
time.sleep(100000)' &
    SRV_PID=$!
    sleep 1
    RNS="$V"; RIF=resp0; RSRC="$VANTAGE"; RGW="$MAC_S"
    printf '%s\n' "$POP" >"$T/allow.txt"
    printf '%s/32\n' "$VANTAGE" >"$T/block.txt"
    RTARGETS="$POP"
    python3 -c 'import ipaddress; [print(a) for a in ipaddress.ip_network("198.18.0.0/15") if str(a) != "198.19.255.254"]' |
        sort >"$T/truth.txt"
    DESC="own population: $(wc -l <"$T/truth.txt") addresses (198.18.0.0/15 minus the vantage), AnyIP + kernel MPTCP listener, port 80"
    POP_NS="$S"
fi
TARGETS=$(wc -l <"$T/truth.txt")

nstat_mpc() { # MP_CAPABLE SYNs the population's kernels received, summed over its namespaces
    for ns in $POP_NS; do ip netns exec "$ns" nstat -az MPTcpExtMPCapableSYNRX 2>/dev/null; done |
        awk '/MPCapableSYNRX/ {s += $2} END {print s + 0}'
}
hole_count() { ip netns exec "$H" nft list chain netdev blackhole in | awk '/packets/ {for (i = 1; i <= NF; i++) if ($i == "packets") print $(i + 1)}'; }
zmap_rate() { python3 bench/zmap_rate.py "$1" "$2"; }   # ERRFILE METADATA.json: pps from zmap's log
recall() { # FILE: truth responders that have a record (first column, header skipped)
    tail -n +2 "$1" | cut -d, -f1 | sort -u | comm -12 - "$T/truth.txt" | wc -l
}

echo "== responders: $DESC =="

# 1. zmap, tcp_synscan, as fast as it goes
ip netns exec "$RNS" timeout 300 zmap -M tcp_synscan -p 80 -i "$RIF" -S "$RSRC" -G "$RGW" -w "$T/allow.txt" -b "$T/block.txt" \
    -r 100000000 -c "$COOLDOWN" -o "$T/zmap.csv" -f saddr --output-filter="success = 1 && repeat = 0" \
    -m "$T/zmap.json" -v 5 >"$T/zmap.out" 2>"$T/zmap.err" || { tail "$T/zmap.err"; exit 1; }
Z_RATE=$(zmap_rate "$T/zmap.err" "$T/zmap.json")
grep -E "send: .* done" "$T/zmap.err" | tail -1
Z_HITS=$(recall "$T/zmap.csv")
sleep 2

# 2. mpcensus, MP_CAPABLE v1 (every reply's options parsed and classified), as fast as it goes
before=$(nstat_mpc)
# shellcheck disable=SC2086
ip netns exec "$RNS" "$MPCENSUS" scan -i "$RIF" -S "$RSRC" -G "$RGW" -b "$T/block.txt" -p 80 --mptcp-version 1 \
    -r 0 -c "$COOLDOWN" -o "$T/mp.csv" -f saddr,verdict $RTARGETS 2>"$T/mp.err" || { tail "$T/mp.err"; exit 1; }
after=$(nstat_mpc)
grep -E "^summary" "$T/mp.err"
M_RATE=$(awk '/^summary: targets/ {for (i = 1; i <= NF; i++) if ($i == "rate") print $(i + 1)}' "$T/mp.err")
M_HITS=$(recall "$T/mp.csv")
M_MPTCP=$(awk -F, '$2 == "mptcp"' "$T/mp.csv" | wc -l)
sleep 2

# 3. send-only into the blackhole: every target PROBES times
h0=$(hole_count)
ip netns exec "$V" timeout 300 zmap -M tcp_synscan -p 80 -i hole0 -S "$HOLE_SRC" -G "$MAC_H" -w "$T/hole-allow.txt" -b "$T/hole-block.txt" \
    -r 100000000 -P "$PROBES" -c 0 -o /dev/null -m "$T/zmap-hole.json" -v 5 >/dev/null 2>"$T/zmap-hole.err" || { tail "$T/zmap-hole.err"; exit 1; }
h1=$(hole_count)
ZH_RATE=$(zmap_rate "$T/zmap-hole.err" "$T/zmap-hole.json")
ip netns exec "$V" "$MPCENSUS" scan -q -i hole0 -S "$HOLE_SRC" -G "$MAC_H" -b "$T/hole-block.txt" -p 80 --mptcp-version 1 \
    -r 0 -P "$PROBES" -c 0 -o /dev/null "$POP" 2>"$T/mp-hole.err" || { tail "$T/mp-hole.err"; exit 1; }
h2=$(hole_count)
MH_RATE=$(awk '/^summary: targets/ {for (i = 1; i <= NF; i++) if ($i == "rate") print $(i + 1)}' "$T/mp-hole.err")

# 4. the permutation alone over all of IPv4 (no packets)
PERM=$("$MPCENSUS" scan --bench-permutation)

echo
echo "== results ($(nproc) cores, $(uname -r)) =="
python3 - "$TARGETS" "$Z_RATE" "$Z_HITS" "$M_RATE" "$M_HITS" "$M_MPTCP" "$((after - before))" \
    "$ZH_RATE" "$((h1 - h0))" "$MH_RATE" "$((h2 - h1))" "$PROBES" "$HOLE_TARGETS" <<'PY'
import sys
a = sys.argv[1:]
targets = int(a[0]); zr, zh, mr, mh, mm, kern = float(a[1] or 0), int(a[2]), float(a[3] or 0), int(a[4]), int(a[5]), int(a[6])
zhr, zhc, mhr, mhc, probes, hole = float(a[7] or 0), int(a[8]), float(a[9] or 0), int(a[10]), int(a[11]), int(a[12])
print("%-44s %14s %14s %8s" % ("", "zmap 2.1.1", "mpcensus", "ratio"))
print("%-44s %14.0f %14.0f %7.2fx" % ("responders: send rate (pps)", zr, mr, mr / zr if zr else 0))
print("%-44s %13.3f%% %13.3f%%" % ("responders: recall (truth responders recorded)", 100.0 * zh / targets, 100.0 * mh / targets))
print("%-44s %14s %14d" % ("responders: verdict mptcp (options parsed)", "-", mm))
print("%-44s %14s %14d" % ("responders: kernel MPTcpExtMPCapableSYNRX", "-", kern))
print("%-44s %14.0f %14.0f %7.2fx" % ("blackhole: send rate (pps), %d probes/target" % probes, zhr, mhr, mhr / zhr if zhr else 0))
print("%-44s %14d %14d" % ("blackhole: frames counted by nft (want %d)" % (hole * probes), zhc, mhc))
PY
echo "$PERM"
