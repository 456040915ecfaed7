#!/bin/sh
# scan.sh — benchmark of `mpcensus scan` against Debian's zmap (tcp_synscan) in one run: send rate and recall on a 131,072-address kernel responder population, send-only rate into a blackhole, permutation speed.
# Not part of `make check`. Run as root: bench/scan.sh   (env: PROBES=10 blackhole passes, COOLDOWN=3)
# Every packet stays in namespaces created here: vantage V, responders S (AnyIP 198.18.0.0/15 + a kernel
# MPTCP listener on port 80), blackhole H (tc drops every frame). Removed on exit.
set -u
cd "$(dirname "$0")/.." || exit 1
MPCENSUS="${MPCENSUS_REL:-$PWD/build/mpcensus}"
PROBES="${PROBES:-10}"
COOLDOWN="${COOLDOWN:-3}"
[ "$(id -u)" = 0 ] || { echo "bench/scan.sh: needs root"; exit 1; }
command -v zmap >/dev/null || { echo "bench/scan.sh: zmap not installed"; exit 1; }
[ -x "$MPCENSUS" ] || { echo "bench/scan.sh: build $MPCENSUS first (make)"; exit 1; }

N="mpb$$"
V="$N-v"; S="$N-s"; H="$N-h"
T=$(mktemp -d /tmp/bench-scan.XXXXXX)
SRV_PID=
cleanup() {
    [ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null
    for ns in "$V" "$S" "$H"; do ip netns del "$ns" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

VANTAGE=198.19.255.254      # the scanner; the only address of 198.18.0.0/15 that is not a responder
POP=198.18.0.0/15           # 131,072 addresses, all local (AnyIP) in S
for ns in "$V" "$S" "$H"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
ip link add resp0 netns "$V" type veth peer name up0 netns "$S"
ip link add hole0 netns "$V" type veth peer name up0 netns "$H"
for l in "$V resp0" "$V hole0" "$S up0" "$H up0"; do
    # shellcheck disable=SC2086
    set -- $l; ip -n "$1" link set "$2" up
done
ip -n "$V" addr add "$VANTAGE/32" dev resp0
MAC_S=$(ip netns exec "$S" cat /sys/class/net/up0/address)
MAC_V=$(ip netns exec "$V" cat /sys/class/net/resp0/address)
MAC_H=$(ip netns exec "$H" cat /sys/class/net/up0/address)
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
# spread the responders' receive work on the other core (RPS), as a remote population would not share our CPU
ncpu=$(nproc)
if [ "$ncpu" -ge 2 ]; then
    echo 2 >"/sys/class/net/up0/queues/rx-0/rps_cpus" 2>/dev/null ||
        ip netns exec "$S" sh -c 'echo 2 >/sys/class/net/up0/queues/rx-0/rps_cpus'
    ip netns exec "$V" sh -c 'echo 2 >/sys/class/net/resp0/queues/rx-0/rps_cpus'
fi
# H: drops every frame at ingress, counting them
ip netns exec "$H" tc qdisc add dev up0 clsact
ip netns exec "$H" tc filter add dev up0 ingress matchall action drop
ip netns exec "$S" python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)   # IPPROTO_MPTCP: the kernel answers v1
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 80)); s.listen(65535)
time.sleep(100000)' &
SRV_PID=$!
sleep 1

printf '%s\n' "$POP" >"$T/allow.txt"
printf '%s/32\n' "$VANTAGE" >"$T/block.txt"
TARGETS=131071   # the /15 minus the vantage

nstat_mpc() { ip netns exec "$S" nstat -az MPTcpExtMPCapableSYNRX 2>/dev/null | awk '/MPCapableSYNRX/ {print $2}'; }
hole_count() { ip netns exec "$H" tc -s filter show dev up0 ingress | awk '/Sent/ {print $4; exit}'; }

recall() { # FILE: unique responders among the targets (first column, header skipped)
    tail -n +2 "$1" | cut -d, -f1 | sort -u | awk -v vantage="$VANTAGE" '$1 ~ /^198\.1[89]\./ && $1 != vantage' | wc -l
}

echo "== responders: $TARGETS targets (198.18.0.0/15 minus the vantage), kernel MPTCP listener on port 80 =="

# 1. zmap, tcp_synscan, as fast as it goes
ip netns exec "$V" zmap -M tcp_synscan -p 80 -i resp0 -S "$VANTAGE" -G "$MAC_S" -w "$T/allow.txt" -b "$T/block.txt" \
    -r 100000000 -c "$COOLDOWN" -o "$T/zmap.csv" -f saddr --output-filter="success = 1 && repeat = 0" \
    -m "$T/zmap.json" >"$T/zmap.out" 2>"$T/zmap.err" || { tail "$T/zmap.err"; exit 1; }
Z_RATE=$(python3 -c '
import json, sys, datetime
m = json.load(open(sys.argv[1]))
t0 = datetime.datetime.fromisoformat(m["start_time"].replace("Z", ""))
t1 = datetime.datetime.fromisoformat(m["send_end_time"].replace("Z", "")) if m.get("send_end_time") else None
sent = m.get("packets_sent") or m.get("total_sent")
print("%.0f" % (sent / (t1 - t0).total_seconds()) if t1 else "0")' "$T/zmap.json" 2>/dev/null)
grep -E "send:" "$T/zmap.err" | tail -1
Z_HITS=$(recall "$T/zmap.csv")
sleep 2

# 2. mpcensus, MP_CAPABLE v1 (every reply's options parsed and classified), as fast as it goes
before=$(nstat_mpc)
ip netns exec "$V" "$MPCENSUS" scan -i resp0 -S "$VANTAGE" -G "$MAC_S" -b "$T/block.txt" -p 80 --mptcp-version 1 \
    -r 0 -c "$COOLDOWN" -o "$T/mp.csv" -f saddr,verdict "$POP" 2>"$T/mp.err" || { tail "$T/mp.err"; exit 1; }
after=$(nstat_mpc)
grep -E "^summary" "$T/mp.err"
M_RATE=$(awk '/^summary: targets/ {for (i = 1; i <= NF; i++) if ($i == "rate") print $(i + 1)}' "$T/mp.err")
M_HITS=$(recall "$T/mp.csv")
M_MPTCP=$(awk -F, '$2 == "mptcp"' "$T/mp.csv" | wc -l)
sleep 2

# 3. send-only into the blackhole: every target PROBES times
h0=$(hole_count)
ip netns exec "$V" zmap -M tcp_synscan -p 80 -i hole0 -S "$VANTAGE" -G "$MAC_H" -w "$T/allow.txt" -b "$T/block.txt" \
    -r 100000000 -P "$PROBES" -c 0 -o /dev/null -m "$T/zmap-hole.json" >/dev/null 2>"$T/zmap-hole.err" || { tail "$T/zmap-hole.err"; exit 1; }
h1=$(hole_count)
ZH_RATE=$(python3 -c '
import json, sys, datetime
m = json.load(open(sys.argv[1]))
t0 = datetime.datetime.fromisoformat(m["start_time"].replace("Z", ""))
t1 = datetime.datetime.fromisoformat(m["send_end_time"].replace("Z", ""))
print("%.0f" % (m["packets_sent"] / (t1 - t0).total_seconds()))' "$T/zmap-hole.json" 2>/dev/null)
ip netns exec "$V" "$MPCENSUS" scan -q -i hole0 -S "$VANTAGE" -G "$MAC_H" -b "$T/block.txt" -p 80 --mptcp-version 1 \
    -r 0 -P "$PROBES" -c 0 -o /dev/null "$POP" 2>"$T/mp-hole.err" || { tail "$T/mp-hole.err"; exit 1; }
h2=$(hole_count)
MH_RATE=$(awk '/^summary: targets/ {for (i = 1; i <= NF; i++) if ($i == "rate") print $(i + 1)}' "$T/mp-hole.err")

# 4. the permutation alone over all of IPv4 (no packets)
PERM=$("$MPCENSUS" scan --bench-permutation)

echo
echo "== results ($(nproc) cores, $(uname -r)) =="
python3 - "$TARGETS" "$Z_RATE" "$Z_HITS" "$M_RATE" "$M_HITS" "$M_MPTCP" "$((after - before))" \
    "$ZH_RATE" "$((h1 - h0))" "$MH_RATE" "$((h2 - h1))" "$PROBES" <<'PY'
import sys
a = sys.argv[1:]
targets = int(a[0]); zr, zh, mr, mh, mm, kern = float(a[1] or 0), int(a[2]), float(a[3] or 0), int(a[4]), int(a[5]), int(a[6])
zhr, zhc, mhr, mhc, probes = float(a[7] or 0), int(a[8]), float(a[9] or 0), int(a[10]), int(a[11])
print("%-44s %14s %14s %8s" % ("", "zmap 2.1.1", "mpcensus", "ratio"))
print("%-44s %14.0f %14.0f %7.2fx" % ("responders: send rate (pps)", zr, mr, mr / zr if zr else 0))
print("%-44s %13.3f%% %13.3f%%" % ("responders: recall (unique SYN-ACKs/targets)", 100.0 * zh / targets, 100.0 * mh / targets))
print("%-44s %14s %14d" % ("responders: verdict mptcp (options parsed)", "-", mm))
print("%-44s %14s %14d" % ("responders: kernel MPTcpExtMPCapableSYNRX", "-", kern))
print("%-44s %14.0f %14.0f %7.2fx" % ("blackhole: send rate (pps), %d probes/target" % probes, zhr, mhr, mhr / zhr if zhr else 0))
print("%-44s %14d %14d" % ("blackhole: frames counted by tc (expected %d)" % (targets * probes), zhc, mhc))
PY
echo "$PERM"
