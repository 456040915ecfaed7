#!/bin/sh
# demo_small.sh — `make demo` at DEMO_SIZE=small (lab/study-small.spec, 6 months): every summary row measured = truth, nothing of the labs left, and the comparison fails on a perturbed truth.
set -u
cd "$(dirname "$0")/../.." || exit 1
MPCENSUS="${MPCENSUS:-$PWD/build/san/mpcensus}"
fail() { echo "FAIL: $*"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (network namespaces)"; exit 77; }
for tool in ip tcpdump python3 gnuplot nginx mptcpize openssl; do
    command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool not installed"; exit 77; }
done
[ -x "$MPCENSUS" ] || { echo "SKIP: no binary $MPCENSUS (make test-build)"; exit 77; }
OUT=$(mktemp -d /tmp/demo-small.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

DEMO_SIZE=small DEMO_OUT="$OUT/demo" MPCENSUS="$MPCENSUS" timeout 600 scripts/demo.sh >"$OUT/log" 2>&1
rc=$?
cat "$OUT/log"
name=$(sed -n 's/.*; lab \(mpcdemo[0-9]*\)$/\1/p' "$OUT/log" | head -1)
[ -n "$name" ] || fail "no lab name in the demo's first line"
# independently of the demo's own check: nothing of its labs is left
left=$(ip netns list | awk '{print $1}' | grep "^$name-" || true)
[ -z "$left" ] || fail "namespaces left: $left"
ip -o link show | grep -q "$name" && fail "veth left in the root namespace"
ls /run/mpcensus/lab-"$name".* >/dev/null 2>&1 && fail "state files left"
pgrep -f "lab-$name" >/dev/null && fail "a process of $name is still running"
[ $rc = 0 ] || fail "demo exited $rc"

# the summary: every class the lab planted is there, and every row says OK
C="$OUT/demo/work/compare"
for row in "mptcp            IPv4" "mirrored         IPv6" "version-mismatch IPv4" "malformed        IPv4" \
    "consistent       IPv6" "truly MPTCP      IPv4" "I mptcp          IPv6" "II middlebox     IPv4" \
    "no-mptcp         IPv4" "migrated         AS714+6185" "added            AS714+6185" "MPTCP conns"; do
    grep -q "^$row .* OK$" "$OUT/log" || fail "no OK row '$row' in the summary"
done
grep -q ' DIFF$' "$OUT/log" && fail "a summary row says DIFF"
grep -q '^all [0-9]* rows: measured = truth' "$OUT/log" || fail "no closing 'measured = truth' line"
[ -s "$OUT/demo/report/index.html" ] || fail "no report"
ok_rows=$(grep -c ' OK$' "$OUT/log")
echo "ok: demo exit 0, $ok_rows summary rows OK, report written, no namespace/veth/state file/process left"

# the comparison can fail: one truth number off by one (the v1 IPv4 port-443 mptcp count of the first
# month, and a migration count) must give DIFF rows and exit 1, and no other row may differ
cp -r "$C" "$OUT/bad"
python3 - "$OUT/bad" <<'PY'
import csv, sys
d = sys.argv[1]
for name, match, field in (("truth-monthly.csv", lambda r: r["month_index"] == "0" and r["version"] == "1"
                            and r["family"] == "4" and r["port"] == "443", "mptcp"),
                           ("truth-migration.csv", lambda r: r["month_index"] == "4", "migrated")):
    rows = list(csv.DictReader(open(f"{d}/{name}")))
    hit = [r for r in rows if match(r)]
    assert len(hit) == 1, name
    hit[0][field] = str(int(hit[0][field]) + 1)
    with open(f"{d}/{name}", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
PY
python3 scripts/demo-compare.py "$OUT/bad" >"$OUT/bad.log" 2>&1 && fail "the comparison passed a perturbed truth"
grep -q '^mptcp            IPv4 .* DIFF$' "$OUT/bad.log" || fail "perturbed mptcp row not marked DIFF"
grep -q '^migrated         AS714+6185 .* DIFF$' "$OUT/bad.log" || fail "perturbed migration row not marked DIFF"
# (an untraced month's truly-MPTCP truth is its mptcp count: that row differs too)
grep -q '^truly MPTCP      IPv4 .* DIFF$' "$OUT/bad.log" || fail "truly-MPTCP row of the perturbed month not marked DIFF"
[ "$(grep -c ' DIFF$' "$OUT/bad.log")" = 3 ] || { cat "$OUT/bad.log"; fail "other rows than the perturbed ones differ"; }
echo "ok: truth counts off by one give exactly their three DIFF rows and exit 1"
