#!/bin/sh
# scan_hitlist_memory.sh — a large IPv6 hitlist is held compactly (README: ~16 B per address) and every address of it is still scanned exactly once, blocklist applied.
# Oracles: the kernel's peak RSS (/usr/bin/time -v, release build); python's own set arithmetic over the hitlist and blocklist. Nothing is sent (--dryrun).
set -u
here=$(cd "$(dirname "$0")" && pwd)
SAN=${MPCENSUS:-$here/../../build/san/mpcensus}
MPCENSUS=${MPCENSUS_REL:-$here/../../build/mpcensus}
[ -x "$MPCENSUS" ] || { echo "no release binary $MPCENSUS (make build)"; exit 77; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time not installed"; exit 77; }
command -v python3 >/dev/null || { echo "python3 not installed"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0

# hitlist N FILE: N distinct documentation addresses, unsorted, some repeated, none adjacent
# (as in a real hitlist: adjacent addresses would merge into one range and hide the cost per address)
hitlist() {
    python3 - "$1" "$2" <<'PY'
import random, sys
n, out = int(sys.argv[1]), sys.argv[2]
r = random.Random(7)
idx = list(range(n))
r.shuffle(idx)
with open(out, "w") as f:
    for k, i in enumerate(idx):
        f.write("2001:db8:%x:%x::%x\n" % (i >> 24, (i >> 12) & 0xfff, 2 * (i & 0xfff) + 1))
        if k % 1000 == 0:
            f.write("2001:db8:%x:%x::%x\n" % (i >> 24, (i >> 12) & 0xfff, 2 * (i & 0xfff) + 1))  # duplicate
PY
}
rss_kb() {
    /usr/bin/time -v "$@" >/dev/null 2>"$tmp/time" || { echo "FAIL $*: $(grep -v '^	' "$tmp/time" | tail -2)"; fail=1; }
    awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$tmp/time"
}

# 1. memory: 1,000,000 addresses against 100,000 (before: ~113 B per line, 2.4 GB for 16.7 M)
hitlist 100000 "$tmp/h1"
hitlist 1000000 "$tmp/h10"
a=$(rss_kb "$MPCENSUS" scan --dryrun -n 10 -b /dev/null -p 80 --ipv6-targets "$tmp/h1" -o "$tmp/o1")
b=$(rss_kb "$MPCENSUS" scan --dryrun -n 10 -b /dev/null -p 80 --ipv6-targets "$tmp/h10" -o "$tmp/o10")
per=$(( (b - a) * 1024 / 900000 ))
echo "peak RSS: 100,000 addresses $a KB, 1,000,000 addresses $b KB: $per B per address"
[ $(grep -c '^2001' "$tmp/o10") -eq 10 ] || { echo "FAIL -n 10 did not send 10 probes"; fail=1; }
[ "$per" -le 24 ] && echo "ok   $per B per hitlist address (<= 24)" ||
    { echo "FAIL the hitlist costs $per B per address"; fail=1; }

# 2. correctness of the compact form: every address once per port, blocklisted ones never,
#    prefixes and single addresses mixed (sanitizer build)
python3 - "$tmp" <<'PY'
import random, sys
t = sys.argv[1]
r = random.Random(3)
addrs = ["2001:db8:5::%x" % r.randrange(1 << 16) for _ in range(3000)] + ["2001:db8:6::%x" % i for i in range(40)]
with open(t + "/mix", "w") as f:
    for a in addrs:
        f.write(a + "\n")
    f.write("2001:db8:7::/120 # a prefix\n2001:db8:5::100/126\n")
with open(t + "/block", "w") as f:
    f.write("2001:db8:5::/116 # the low 4,096\n2001:db8:6::7\n2001:db8:7::80/121\n")
PY
"$SAN" scan --dryrun -b "$tmp/block" -p 80,443 --ipv6-targets "$tmp/mix" -o "$tmp/mix.csv" 2>"$tmp/mix.err" ||
    { echo "FAIL dryrun over the mixed hitlist: $(tail -3 "$tmp/mix.err")"; fail=1; }
python3 - "$tmp" <<'PY' || fail=1
import ipaddress, sys
t = sys.argv[1]
want = set()
for line in open(t + "/mix"):
    w = line.split("#")[0].strip()
    if w:
        want.update(ipaddress.ip_network(w, strict=False))
block = [ipaddress.ip_network(l.split("#")[0].strip()) for l in open(t + "/block") if l.split("#")[0].strip()]
want = {a for a in want if not any(a in b for b in block)}
got = [l.split(",")[:2] for l in open(t + "/mix.csv") if l.startswith("2001")]
pairs = [(ipaddress.ip_address(a), int(p)) for a, p in got]
bad = []
if len(pairs) != len(set(pairs)):
    bad.append("%d duplicate probes" % (len(pairs) - len(set(pairs))))
if {p for p in pairs} != {(a, p) for a in want for p in (80, 443)}:
    bad.append("probed %d (address, port) pairs, want %d" % (len(set(pairs)), 2 * len(want)))
print("\n".join("FAIL " + b for b in bad) if bad else "ok   %d addresses x 2 ports probed once each, blocklist kept out" % len(want))
sys.exit(1 if bad else 0)
PY
exit $fail
