#!/bin/sh
# lab_truth_summary.sh — `lab truth --summary monthly|verdicts|migration` equal the counts Python computes from the per-month `lab truth` CSVs and a longest-prefix match over the `lab attribution` prefix2as file.
set -u
cd "$(dirname "$0")/../.." || exit 1
MPCENSUS="${MPCENSUS:-build/san/mpcensus}"
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 77; }
[ -x "$MPCENSUS" ] || { echo "SKIP: no binary $MPCENSUS"; exit 77; }
TMP=$(mktemp -d /tmp/lab-sum.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
SPEC=lab/study-small.spec

for m in 0 1 2 3 4 5; do
    "$MPCENSUS" lab truth "$SPEC" --month $m --ports 80,443 --mptcp-version both >"$TMP/truth$m.csv" || fail "lab truth --month $m"
done
"$MPCENSUS" lab attribution "$SPEC" -o "$TMP/attr" -q || fail "lab attribution"
# the whole study (the spec's `study months=6`), and a range starting later (the consistent window restarts)
"$MPCENSUS" lab truth "$SPEC" --summary monthly >"$TMP/monthly.csv" || fail "--summary monthly"
"$MPCENSUS" lab truth "$SPEC" --summary monthly --months 2-5 >"$TMP/monthly25.csv" || fail "--summary monthly --months 2-5"
"$MPCENSUS" lab truth "$SPEC" --summary monthly -O json >"$TMP/monthly.json" || fail "--summary monthly -O json"
"$MPCENSUS" lab truth "$SPEC" --summary verdicts --months 0-5 >"$TMP/verdicts.csv" || fail "--summary verdicts"
"$MPCENSUS" lab truth "$SPEC" --summary migration >"$TMP/migration.csv" || fail "--summary migration"
"$MPCENSUS" lab truth "$SPEC" --summary migration --asn 6185,AS3215 --months 3-5 >"$TMP/migration-asn.csv" || fail "--asn"
"$MPCENSUS" lab truth "$SPEC" --summary migration --per-asn --months 2-5 >"$TMP/migration-per.csv" || fail "--per-asn"
"$MPCENSUS" lab truth "$SPEC" --summary monthly -f month,version,mptcp --months 0-1 >"$TMP/sel.csv" || fail "-f"

python3 - "$TMP" <<'PY' || fail "summaries differ from the counts of the truth CSVs"
import csv, ipaddress, json, sys
from collections import Counter, defaultdict
T = sys.argv[1]
labels = ["2025-%02d" % (7 + m) for m in range(6)]          # study start=2025-07
SYNACK = {"mptcp", "mirrored", "version-mismatch", "malformed", "tcp"}
MPC = {"mptcp", "mirrored", "version-mismatch", "malformed"}
VERDICTS = ["mptcp", "mirrored", "version-mismatch", "malformed", "tcp", "closed", "silent"]
truth = {}   # month -> {(addr, port, version): verdict}
for m in range(6):
    truth[m] = {(r["daddr"], int(r["dport"]), int(r["probe_version"])): r["verdict"]
                for r in csv.DictReader(open("%s/truth%d.csv" % (T, m)))}
fam = lambda a: 6 if ":" in a else 4
addrs = {a for (a, _, _) in truth[0]}
n_fam = Counter(fam(a) for a in addrs)
bad = []

def s(v):
    return "" if v is None else str(v)

def monthly(first, last):
    rows = []
    for m in range(first, last + 1):
        for v in (0, 1):
            for f in (4, 6):
                for p in (80, 443):
                    vs = [truth[m][(a, p, v)] for a in addrs if fam(a) == f]
                    cons = None
                    if m >= first + 2:
                        cons = sum(1 for a in addrs if fam(a) == f and
                                   all(truth[k][(a, p, v)] == "mptcp" for k in (m - 2, m - 1, m)))
                    rows.append([labels[m], m, v, f, p, n_fam[f], sum(x in SYNACK for x in vs),
                                 sum(x in MPC for x in vs), vs.count("mirrored"), vs.count("mptcp"), cons,
                                 vs.count("version-mismatch"), vs.count("malformed"), vs.count("tcp"),
                                 vs.count("closed")])
    return [[s(x) for x in r] for r in rows]

def compare(name, got, want):
    if got != want:
        bad.append(name)
        for g, w in list(zip(got, want))[:400]:
            if g != w:
                print("%s: got %s\n%s  want %s" % (name, g, " " * len(name), w))
                break
        if len(got) != len(want):
            print("%s: %d rows, want %d" % (name, len(got), len(want)))

hdr = ("month,month_index,version,family,port,addresses,responsive,potential,mirrored,mptcp,consistent,"
       "version_mismatch,malformed,tcp,closed").split(",")
got = list(csv.reader(open(T + "/monthly.csv")))
if got[0] != hdr:
    bad.append("monthly header %s" % got[0])
compare("monthly 0-5", got[1:], monthly(0, 5))
compare("monthly 2-5", list(csv.reader(open(T + "/monthly25.csv")))[1:], monthly(2, 5))
js = [json.loads(l) for l in open(T + "/monthly.json")]
compare("monthly json", [[s(o[k]) for k in hdr] for o in js], monthly(0, 5))
compare("-f selection", list(csv.reader(open(T + "/sel.csv"))),
        [["month", "version", "mptcp"]] + [[r[0], r[2], r[9]] for r in monthly(0, 1)])

want = []
for m in range(6):
    for v in (0, 1):
        for f in (4, 6):
            for p in (80, 443):
                c = Counter(truth[m][(a, p, v)] for a in addrs if fam(a) == f)
                want += [[labels[m], str(m), str(v), str(f), str(p), vd, str(c[vd])] for vd in VERDICTS]
compare("verdicts", list(csv.reader(open(T + "/verdicts.csv")))[1:], want)

# migration: an importer's longest-prefix match over the prefix2as file gives each host's origin ASNs
pfx = []
for line in open(T + "/attr/routeviews-pfx2as.txt"):
    a, l, o = line.split()
    pfx.append((ipaddress.ip_network("%s/%s" % (a, l)), {int(x) for x in o.replace(",", "_").split("_")}))
def asns_of(a):
    ip = ipaddress.ip_address(a)
    best = max((n for n in pfx if n[0].version == ip.version and ip in n[0]), key=lambda n: n[0].prefixlen, default=None)
    return best[1] if best else set()
origin = {a: asns_of(a) for a in addrs}
def state(m, a):
    v0 = any(truth[m][(a, p, 0)] == "mptcp" for p in (80, 443))
    v1 = any(truth[m][(a, p, 1)] == "mptcp" for p in (80, 443))
    return {(0, 0): None, (1, 0): "v0", (0, 1): "v1", (1, 1): "both"}[(v0, v1)]
def migration(first, last, groups):
    rows = []
    for m in range(first, last + 1):
        for group in groups:
            hosts = [a for a in addrs if origin[a] & set(group)]
            now = Counter(state(m, a) for a in hosts)
            r = [labels[m], m, ",".join(map(str, group)), now["v0"], now["v1"], now["both"]]
            if m == first:
                r += [None] * 7
            else:
                mv = Counter()
                for a in hosts:
                    x, y = state(m - 1, a), state(m, a)
                    if x is None and y is None: continue
                    if x is None: mv["appeared"] += 1
                    elif y is None: mv["vanished"] += 1
                    elif x == y: mv["unchanged"] += 1
                    elif y == "both": mv["added"] += 1
                    elif x == "both": mv["dropped"] += 1
                    elif x == "v0": mv["migrated"] += 1
                    else: mv["migrated_back"] += 1
                r += [mv[k] for k in ("added", "migrated", "migrated_back", "dropped", "appeared", "vanished",
                                      "unchanged")]
            rows.append([s(x) for x in r])
    return rows
mig = migration(0, 5, [(714, 6185)])       # default: the ASes announcing the org prefixes, together
compare("migration", list(csv.reader(open(T + "/migration.csv")))[1:], mig)
compare("migration --asn", list(csv.reader(open(T + "/migration-asn.csv")))[1:], migration(3, 5, [(6185, 3215)]))
compare("migration --per-asn", list(csv.reader(open(T + "/migration-per.csv")))[1:], migration(2, 5, [(714,), (6185,)]))
# the study's story is in there: v1 added beside v0 (months 1-4), then hosts moving to v1 only
tot = lambda col: sum(int(r[col]) for r in mig if r[col])
if not (tot(6) > 0 and tot(7) > 0 and tot(9) > 0):
    bad.append("no added / migrated / dropped hosts in the org's ASes")
print("compared monthly (%d rows), verdicts (%d), migration (%d); added %d, migrated %d, dropped %d; %d problems"
      % (len(got) - 1, len(want), len(mig), tot(6), tot(7), tot(9), len(bad)))
sys.exit(1 if bad else 0)
PY

# usage errors
"$MPCENSUS" lab truth "$SPEC" --summary nope 2>/dev/null; [ $? = 2 ] || fail "--summary nope is not a usage error"
"$MPCENSUS" lab truth "$SPEC" --summary monthly --month 1 --months 1-2 2>/dev/null; [ $? = 2 ] || fail "--month with --months"
"$MPCENSUS" lab truth "$SPEC" --summary monthly --months 3-1 2>/dev/null; [ $? = 2 ] || fail "--months 3-1 accepted"
"$MPCENSUS" lab truth lab/demo.spec --summary monthly 2>/dev/null; [ $? = 2 ] || fail "--summary without months or study line"
"$MPCENSUS" lab truth "$SPEC" --summary monthly -f nope 2>/dev/null; [ $? = 2 ] || fail "-f nope accepted"
"$MPCENSUS" lab truth "$SPEC" --summary monthly -o /proc/nonexistent/x 2>/dev/null; [ $? = 1 ] || fail "unwritable -o"
[ "$("$MPCENSUS" lab truth "$SPEC" --summary migration --list-output-fields)" = \
  "month,month_index,asns,v0_only,v1_only,both,added,migrated,migrated_back,dropped,appeared,vanished,unchanged" ] ||
    fail "--list-output-fields"
echo "ok: monthly, verdicts and migration summaries equal the truth CSVs' counts"
