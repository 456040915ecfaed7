#!/bin/sh
# pcap_memory.sh — memory of `pcap` is bounded as README states: --max-flows bounds a long trace (MPTCP flows included), a series costs a few KB per trace.
# Oracle: the kernel's peak RSS of the release build (/usr/bin/time -v), on generated traces of two sizes.
set -u
here=$(cd "$(dirname "$0")" && pwd)
MPCENSUS=${MPCENSUS_REL:-$here/../../build/mpcensus}
[ -x "$MPCENSUS" ] || { echo "no release binary $MPCENSUS (make build)"; exit 77; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time not installed"; exit 77; }
command -v python3 >/dev/null || { echo "python3 not installed"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT INT TERM
synth="$here/../../bench/pcap-synth.py"
fail=0

# rss_kb CMD...: peak resident set of CMD in KB
rss_kb() {
    /usr/bin/time -v "$@" >/dev/null 2>"$tmp/time" || { echo "FAIL $*: exit $? ($(grep -v '^	' "$tmp/time" | tail -2))"; fail=1; }
    awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$tmp/time"
}

# 1. one long trace of one-packet MPTCP flows, counted (-m 1), table capped at 1,000 flows:
#    8x the flows must not cost more memory (before: ~9-16 B per MPTCP flow kept to the end)
python3 "$synth" mpc 100000 "$tmp/m1.pcap"
python3 "$synth" mpc 800000 "$tmp/m8.pcap"
a=$(rss_kb "$MPCENSUS" pcap -q -m 1 --max-flows 1000 -o "$tmp/m1.json" "$tmp/m1.pcap")
b=$(rss_kb "$MPCENSUS" pcap -q -m 1 --max-flows 1000 -o "$tmp/m8.json" "$tmp/m8.pcap")
python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["traces"][0]; sys.exit(0 if t["mptcp_flows"] == 800000 and t["mptcp_connections"] == 800000 else 1)' "$tmp/m8.json" ||
    { echo "FAIL the 800,000 MPTCP flows are not all counted"; fail=1; }
echo "peak RSS: 100,000 MPTCP flows $a KB, 800,000 flows $b KB (--max-flows 1000)"
[ $((b - a)) -lt 1536 ] && echo "ok   700,000 more MPTCP flows cost $((b - a)) KB (< 1.5 MB)" ||
    { echo "FAIL memory grows with MPTCP flows beyond --max-flows: +$((b - a)) KB"; fail=1; }

# 2. a series: 3,000 small traces stay under a fixed ceiling; each trace costs a few KB (before: ~375 KB)
python3 "$synth" series 3000 "$tmp/s"
ls "$tmp"/s/t00[0-2]*.pcap >"$tmp/list300"
a=$(rss_kb "$MPCENSUS" pcap -q -j 2 -o "$tmp/s300.json" $(cat "$tmp/list300"))
b=$(rss_kb "$MPCENSUS" pcap -q -j 2 -o "$tmp/s3000.json" "$tmp"/s/*.pcap)
python3 - "$tmp/s3000.json" <<'PY' || { echo "FAIL series results wrong"; fail=1; }
import json, sys
d = json.load(open(sys.argv[1]))
t = d["traces"]
ok = len(t) == 3000 and all(x["tcp_flows"] == 3 and x["mptcp_connections"] == 1 for x in t)
tot = d["series"]["total"]
ok = ok and tot["tcp_flows"] == 9000 and tot["mptcp_connections"] == 3000
# ports 80 and 443 carry 3,000 flows each over the series; the odd ports one or a few each
apps = {a["port"]: a["tcp_flows"] for a in tot["applications"]}
ok = ok and apps.get(80) == 3000 and apps.get(443) == 3000 and len(t[0]["applications"]) == 3
sys.exit(0 if ok else 1)
PY
per=$(( (b - a) / 2700 ))
echo "peak RSS: 300 traces $a KB, 3,000 traces $b KB ($per KB per trace)"
[ "$b" -lt 65536 ] && [ "$per" -lt 16 ] && echo "ok   3,000 traces in $b KB (< 64 MB), $per KB per trace (< 16 KB)" ||
    { echo "FAIL a series of 3,000 traces takes $b KB, $per KB per trace"; fail=1; }
exit $fail
