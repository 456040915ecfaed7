#!/bin/sh
# lab_org_stages.sh — multi-stage organisations (add v1 beside v0, then move part to v1 only): every org address's profile in every month equals the spec's rules computed in Python, moves only forward, and bad stage chains are refused.
set -u
cd "$(dirname "$0")/../.." || exit 1
MPCENSUS="${MPCENSUS:-build/san/mpcensus}"
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 77; }
[ -x "$MPCENSUS" ] || { echo "SKIP: no binary $MPCENSUS"; exit 77; }
TMP=$(mktemp -d /tmp/lab-org.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

for spec in lab/study.spec lab/study-small.spec lab/demo.spec; do
    name=$(basename "$spec" .spec)
    for m in 0 1 2 3 4 5; do
        # the plain truth CSV: profile per address and month
        "$MPCENSUS" lab truth "$spec" --month $m --ports 80 --mptcp-version 1 --with-profile \
            >"$TMP/$name.$m.csv" || fail "lab truth $spec --month $m"
    done
    python3 - "$spec" "$TMP/$name" <<'PY' || fail "$spec: org profiles differ from the spec's stage rules"
import csv, ipaddress, sys
sys.path.insert(0, "tests/integration")
from lab_study_model import Spec

S = Spec(sys.argv[1])
chain = []
for net, frm, to, *_ in S.orgs:
    for p in (frm, to):
        if p not in chain:
            chain.append(p)
bad, hist, table = 0, {}, []
for m in range(6):
    counts = {}
    for r in csv.DictReader(open("%s.%d.csv" % (sys.argv[2], m))):
        a = ipaddress.ip_address(r["daddr"])
        staged = S.org_profile(a, m)
        if staged is None:
            continue
        want = S.present_profile(a, m, staged)
        if r["profile"] != want:
            bad += 1
            if bad <= 10:
                print("MISMATCH %s month %d: truth %s, rules %s" % (a, m, r["profile"], want))
        counts[r["profile"]] = counts.get(r["profile"], 0) + 1
        hist.setdefault(a, []).append(r["profile"])
    table.append(counts)
# forward only: the present profiles of an address never go back along the chain
back = 0
for a, seq in hist.items():
    ranks = [chain.index(p) for p in seq if p != "absent"]
    back += any(x > y for x, y in zip(ranks, ranks[1:]))
print("%s: %d org addresses; per month %s" % (sys.argv[1], len(hist),
      "; ".join(" ".join("%s=%d" % (p, c.get(p, 0)) for p in chain + ["absent"]) for c in table)))
# each stage happened: some address in every profile of the chain, in some month
seen = set(p for c in table for p in c)
missing = [p for p in chain if p not in seen]
print("%d mismatches, %d addresses moving back, profiles never seen: %s" % (bad, back, missing))
sys.exit(1 if bad or back or missing or not hist else 0)
PY
done

# the study's second stage really moves hosts to v1 only, and only from its start month
v1_3=$(grep -c ',org-v1$' "$TMP/study.3.csv")
v1_5=$(grep -c ',org-v1$' "$TMP/study.5.csv")
[ "$v1_3" = 0 ] && [ "$v1_5" -gt 0 ] || fail "org-v1 hosts: month 3 $v1_3, month 5 $v1_5"

# bad stage chains and options are refused with file:line
cat >"$TMP/bad.spec" <<'EOF'
prefix 198.18.0.0/28
profile x 1 80=tcp
profile a 0 80=v0
profile b 0 80=v0v1
profile c 0 80=kernel-v1
org 198.18.1.0/28 a b start=1 step=50
org 198.18.1.0/28 c a start=2 step=50
EOF
"$MPCENSUS" lab truth "$TMP/bad.spec" 2>"$TMP/err" >/dev/null && fail "a stage from an unreachable profile was accepted"
grep -q "stage 2 .*'c'" "$TMP/err" || fail "unreachable stage: $(cat "$TMP/err")"
sed -i 's/org 198.18.1.0\/28 c a start=2 step=50/org 198.18.1.0\/28 b c max=101/' "$TMP/bad.spec"
"$MPCENSUS" lab truth "$TMP/bad.spec" 2>"$TMP/err" >/dev/null && fail "max=101 accepted"
grep -q "bad.spec:7:.*max.*101" "$TMP/err" || fail "max=101: $(cat "$TMP/err")"
echo "ok: org stages follow the rules month by month, move forward only, bad chains refused"
