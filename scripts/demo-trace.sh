#!/bin/sh
# demo-trace.sh — the trace part of `make demo`: scans lab/demo.spec with v0 and v1 probes, traces the scan's mptcp and mirrored candidates with the same version, prints the classes next to `lab truth --trace`, tears the lab down.
# Reusable: LAB_ENV=FILE (a lab already up, its state file) and SCAN_V0=/SCAN_V1=CSV (scans already made) skip those steps.
set -u
cd "$(dirname "$0")/.." || exit 1
MPCENSUS="${MPCENSUS:-$PWD/build/mpcensus}"
SPEC="${SPEC:-lab/demo.spec}"
NAME="mpctr$$"
TMP=$(mktemp -d /tmp/demo-trace.XXXXXX)
OWN_LAB=
cleanup() { [ -n "$OWN_LAB" ] && "$MPCENSUS" lab down --name "$NAME" >/dev/null 2>&1; rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || { echo "demo-trace: needs root (network namespaces)"; exit 1; }
if [ -n "${LAB_ENV:-}" ]; then
    . "$LAB_ENV"
else
    "$MPCENSUS" lab up "$SPEC" --name "$NAME" >"$TMP/lab.env" 2>"$TMP/lab.err" || { cat "$TMP/lab.err"; exit 1; }
    OWN_LAB=1
    . "$TMP/lab.env"
    echo "lab $NAME up: $SPEC, vantage $VANTAGE_V4 / $VANTAGE_V6"
fi
MONTH_ARG="--month ${MONTH:-0}"
# shellcheck disable=SC2086
"$MPCENSUS" lab truth "$SPEC" $MONTH_ARG --trace --with-profile >"$TMP/truth.csv" || exit 1
rc=0
for v in 0 1; do
    eval scan=\${SCAN_V$v:-}
    if [ -z "$scan" ]; then
        scan="$TMP/scan-v$v.csv"
        # shellcheck disable=SC2086
        ip netns exec "$VANTAGE_NS" "$MPCENSUS" scan -q -i "$VANTAGE_IF" -S "$VANTAGE_V4,$VANTAGE_V6" -G "$GATEWAY_MAC" \
            -b "$BLOCKLIST" -p 80,443 --mptcp-version $v -r 20000 -c 2 -o "$scan" \
            --ipv6-targets "$HITLIST6" $PREFIXES_V4 2>"$TMP/scan.err" || { cat "$TMP/scan.err"; exit 1; }
    fi
    echo
    echo "\$ mpcensus trace -f scan-v$v.csv --verdict mptcp,mirrored --mptcp-version $v -r 5000 -o trace-v$v.json"
    ip netns exec "$VANTAGE_NS" "$MPCENSUS" trace -q -f "$scan" --verdict mptcp,mirrored --mptcp-version $v -r 5000 \
        -o "$TMP/trace-v$v.json" 2>"$TMP/trace.err" || { cat "$TMP/trace.err"; exit 1; }
    grep '^summary: targets' "$TMP/trace.err"
    python3 - "$TMP/truth.csv" "$scan" "$TMP/trace-v$v.json" "$v" <<'PY' || rc=1
import csv, json, sys
from collections import Counter
truth_path, scan_path, trace_path, v = sys.argv[1:5]
truth = {(r["daddr"], r["dport"]): r for r in csv.DictReader(open(truth_path)) if r["probe_version"] == v}
verdict = {(r["saddr"], r["sport"]): r["verdict"] for r in csv.DictReader(open(scan_path))}
rows = [json.loads(l) for l in open(trace_path)]
table, equal = Counter(), 0
for j in rows:
    k = (j["target"], str(j["port"]))
    t = truth[k]
    ok = (j["class"] == t["class"] and str(j["hop"] or "") == t["hop"]
          and (not t["change"] or t["change"] in j["changes"]))
    equal += ok
    table[(verdict.get(k, "?"), t["profile"], j["class"], t["class"], ",".join(j["changes"]), j["hop"], ok)] += 1
print("v%s probes: the scan's candidates and what tracing them says (trace / lab truth --trace)" % v)
print("  %-9s %-13s %5s  %-11s %-11s %-5s %s" % ("scan", "profile", "n", "trace", "truth", "hop", "changes"))
for (sv, prof, cls, tcls, ch, hop, ok), n in sorted(table.items()):
    print("  %-9s %-13s %5d  %-11s %-11s %-5s %s%s" % (sv, prof, n, cls, tcls, hop if hop else "-", ch or "-",
                                                     "" if ok else "   <- DIFFERS"))
byclass = Counter(j["class"] for j in rows)
print("  candidates confirmed MPTCP: %d of %d (%s)" % (byclass["mptcp"], len(rows),
      ", ".join("%s %d" % kv for kv in sorted(byclass.items()))))
print("  agreement with lab truth --trace: %d / %d" % (equal, len(rows)))
sys.exit(0 if equal == len(rows) else 1)
PY
done
[ -n "$OWN_LAB" ] && "$MPCENSUS" lab down --name "$NAME" >/dev/null 2>&1 && echo "lab $NAME down" && OWN_LAB=
exit $rc
