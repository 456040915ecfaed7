#!/bin/sh
# scan_sources.sh — send rate with one source address and with -S ranges, mpcensus against zmap 2.1.1 (which takes -S ranges too), into a blackhole; runs interleaved. Optionally an older mpcensus (MPCENSUS_OLD) in the same runs, single source only.
# Not part of `make check`. Run as root: bench/scan_sources.sh
#   env: RUNS=3 rounds, PROBES=10 probes per target (131,071 targets), MPCENSUS_OLD=/path/to/old/mpcensus
# Every frame goes into the namespace H, where nftables drops it at ingress. Both namespaces are removed on exit.
set -u
cd "$(dirname "$0")/.." || exit 1
MPCENSUS="${MPCENSUS_REL:-$PWD/build/mpcensus}"
OLD="${MPCENSUS_OLD:-}"
RUNS="${RUNS:-3}"
PROBES="${PROBES:-10}"
[ "$(id -u)" = 0 ] || { echo "bench/scan_sources.sh: needs root"; exit 1; }
command -v zmap >/dev/null || { echo "bench/scan_sources.sh: zmap not installed"; exit 1; }
[ -x "$MPCENSUS" ] || { echo "bench/scan_sources.sh: build $MPCENSUS first (make)"; exit 1; }

N="mpbs$$"
V="$N-v"; H="$N-h"
T=$(mktemp -d /tmp/bench-sources.XXXXXX)
cleanup() {
    for ns in "$V" "$H"; do ip netns del "$ns" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

POP=198.18.0.0/15
for ns in "$V" "$H"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
ip link add hole0 netns "$V" type veth peer name up0 netns "$H"
ip -n "$V" link set hole0 up; ip -n "$H" link set up0 up
ip -n "$V" addr add 198.19.255.1/32 dev hole0      # zmap reads the interface's address
MAC_H=$(ip netns exec "$H" cat /sys/class/net/up0/address)
ip netns exec "$H" nft add table netdev blackhole
ip netns exec "$H" nft add chain netdev blackhole in "{ type filter hook ingress device up0 priority 0; }"
ip netns exec "$H" nft add rule netdev blackhole in counter drop
printf '%s\n' "$POP" >"$T/allow.txt"
printf '198.19.255.0/24\n' >"$T/block.txt"

zmap_rate() { python3 bench/zmap_rate.py "$1" "$2"; }   # ERRFILE METADATA.json: pps from zmap's log
mp_rate() { awk '/^summary: targets/ {for (i = 1; i <= NF; i++) if ($i == "rate") print $(i + 1)}' "$1"; }

zmap_run() { # SOURCES
    ip netns exec "$V" timeout 300 zmap -M tcp_synscan -p 80 -i hole0 -S "$1" -G "$MAC_H" -w "$T/allow.txt" \
        -b "$T/block.txt" -r 100000000 -P "$PROBES" -c 0 -o /dev/null -m "$T/z.json" -v 5 >/dev/null 2>"$T/z.err" ||
        { tail "$T/z.err"; exit 1; }
    zmap_rate "$T/z.err" "$T/z.json"
}
mp_run() { # BINARY SOURCES
    ip netns exec "$V" "$1" scan -q -i hole0 -S "$2" -G "$MAC_H" -b "$T/block.txt" -p 80 --mptcp-version 1 \
        -r 0 -P "$PROBES" -c 0 -o /dev/null "$POP" 2>"$T/m.err" || { tail "$T/m.err"; exit 1; }
    mp_rate "$T/m.err"
}

ONE=198.19.255.1
FOUR=198.19.255.1-198.19.255.4
echo "blackhole send rate (pps), 131,071 targets x $PROBES probes, $RUNS interleaved rounds, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %12s %12s %12s %12s %12s\n' round "zmap -S 1" "mpc -S 1" "zmap -S 4" "mpc -S 4" "${OLD:+old -S 1}"
for r in $(seq "$RUNS"); do
    z1=$(zmap_run "$ONE"); m1=$(mp_run "$MPCENSUS" "$ONE")
    z4=$(zmap_run "$FOUR"); m4=$(mp_run "$MPCENSUS" "$FOUR")
    o1=""
    [ -n "$OLD" ] && o1=$(mp_run "$OLD" "$ONE")
    printf '%-6s %12s %12s %12s %12s %12s\n' "$r" "$z1" "$m1" "$z4" "$m4" "$o1"
    echo "$z1 $m1 $z4 $m4 $o1" >>"$T/rows"
done
python3 - "$T/rows" <<'PY'
import sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1])]
col = lambda i: [r[i] for r in rows if len(r) > i]
def rng(v): return "%.0f-%.0f" % (min(v), max(v))
r1 = [m / z for z, m in zip(col(0), col(1)) if z]
r4 = [m / z for z, m in zip(col(2), col(3)) if z]
print("ratio mpcensus/zmap, one source: %.2f-%.2fx; four sources: %.2f-%.2fx" % (min(r1), max(r1), min(r4), max(r4)))
print("mpcensus four sources / one source: %.2f-%.2f" % (min(b / a for a, b in zip(col(1), col(3))), max(b / a for a, b in zip(col(1), col(3)))))
if col(4):
    print("mpcensus new / old (one source): %.2f-%.2f" % (min(n / o for n, o in zip(col(1), col(4))), max(n / o for n, o in zip(col(1), col(4)))))
PY
