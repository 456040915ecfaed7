#!/bin/sh
# demo-scan.sh — the scan part of `make demo`: brings up lab/demo.spec, scans it with MP_CAPABLE v0 and v1 on ports 80 and 443 over IPv4 and IPv6, prints the verdicts next to the lab's truth, tears the lab down.
set -u
cd "$(dirname "$0")/.." || exit 1
MPCENSUS="${MPCENSUS:-$PWD/build/mpcensus}"
SPEC=lab/demo.spec
NAME="mpcdemo$$"
TMP=$(mktemp -d /tmp/demo-scan.XXXXXX)
cleanup() { "$MPCENSUS" lab down --name "$NAME" >/dev/null 2>&1; rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || { echo "demo-scan: needs root (network namespaces)"; exit 1; }
"$MPCENSUS" lab up "$SPEC" --name "$NAME" >"$TMP/lab.env" 2>"$TMP/lab.err" || { cat "$TMP/lab.err"; exit 1; }
. "$TMP/lab.env"
echo "lab $NAME up: vantage $VANTAGE_V4 / $VANTAGE_V6; population $PREFIXES_V4 $PREFIXES_V6"
ip netns exec "$VANTAGE_NS" ping -c 1 -W 2 "$GATEWAY_V4" >/dev/null 2>&1
ip netns exec "$VANTAGE_NS" ping -6 -c 1 -W 2 "$GATEWAY_V6" >/dev/null 2>&1

"$MPCENSUS" lab truth "$SPEC" --ports 80,443 --mptcp-version both --with-profile >"$TMP/truth.csv" || exit 1
for v in 0 1; do
    echo "\$ mpcensus scan -i $VANTAGE_IF -S $VANTAGE_V4,$VANTAGE_V6 -G $GATEWAY_MAC -b BLOCKLIST -p 80,443 --mptcp-version $v -c 2 $PREFIXES_V4 --ipv6-targets HITLIST6"
    # shellcheck disable=SC2086
    ip netns exec "$VANTAGE_NS" "$MPCENSUS" scan -q -i "$VANTAGE_IF" -S "$VANTAGE_V4,$VANTAGE_V6" -G "$GATEWAY_MAC" \
        -b "$BLOCKLIST" -p 80,443 --mptcp-version $v -r 20000 -c 2 -o "$TMP/scan-v$v.csv" \
        --ipv6-targets "$HITLIST6" $PREFIXES_V4 2>"$TMP/scan-v$v.err" || { cat "$TMP/scan-v$v.err"; exit 1; }
    grep '^summary: targets' "$TMP/scan-v$v.err"
done
echo
echo "first records of the v0 scan:"
head -4 "$TMP/scan-v0.csv" | cut -d, -f1,2,8-16
echo
python3 - "$TMP/truth.csv" "$TMP/scan-v0.csv" "$TMP/scan-v1.csv" <<'PY'
import csv, sys
from collections import Counter, defaultdict
truth, profile = {}, {}
for r in csv.DictReader(open(sys.argv[1])):
    k = (r["daddr"], r["dport"], r["probe_version"])
    truth[k] = r["verdict"]
    profile[k] = r["profile"]
got = {}
for path in sys.argv[2:]:
    for r in csv.DictReader(open(path)):
        got[(r["saddr"], r["sport"], r["probe_version"])] = r["verdict"]
order = ["mptcp", "mirrored", "version-mismatch", "malformed", "tcp", "closed", "silent"]
count = Counter()
for k, t in truth.items():
    fam = "v6" if ":" in k[0] else "v4"
    count[(k[2], fam, "truth", t)] += 1
    count[(k[2], fam, "scan", got.get(k, "silent"))] += 1
print("verdicts per (address, port), scan vs. lab truth (silent = no reply recorded)")
print("%-17s | %-15s %-15s | %-15s %-15s" % ("", "v0 probe IPv4", "v0 probe IPv6", "v1 probe IPv4", "v1 probe IPv6"))
print("%-17s | %-15s %-15s | %-15s %-15s" % ("verdict", *(["scan / truth"] * 4)))
print("-" * 84)
for v in order:
    cells = ["%6d / %-6d" % (count[(pv, fam, "scan", v)], count[(pv, fam, "truth", v)])
             for pv in ("0", "1") for fam in ("v4", "v6")]
    print("%-17s | %-15s %-15s | %-15s %-15s" % (v, *cells))
print()
print("by population profile (port 80 / port 443), scan verdict (= truth unless marked):")
per = defaultdict(dict)
for k, t in truth.items():
    g = got.get(k, "silent")
    per[profile[k]].setdefault((k[2], k[1]), Counter())[(g, t)] += 1
for p in sorted(per):
    cells = []
    for pv in ("0", "1"):
        parts = []
        for port in ("80", "443"):
            c = per[p].get((pv, port), Counter())
            (g, t), _ = c.most_common(1)[0]
            parts.append(g if g == t else "%s (truth %s)" % (g, t))
        cells.append("v0: " + " / ".join(parts) if pv == "0" else "v1: " + " / ".join(parts))
    print("  %-13s %-40s %s" % (p, cells[0], cells[1]))
equal = sum(1 for k, t in truth.items() if got.get(k, "silent") == t)
print()
print("agreement with lab truth: %d / %d (address, port, version) = %.2f %%" % (equal, len(truth), 100.0 * equal / len(truth)))
sys.exit(0 if equal == len(truth) else 1)
PY
rc=$?
"$MPCENSUS" lab down --name "$NAME" >/dev/null 2>&1 && echo "lab $NAME down"
exit $rc
