#!/bin/sh
# lab_attribution.sh — `lab attribution` files parse as CAIDA prefix2as / as2org and GeoLite2-style CSVs and agree with the spec, read by an independent Python parser; `lab truth --with-as` equals a longest-prefix match over the written files; spec errors name file:line.
set -u
cd "$(dirname "$0")/../.." || exit 1
MPCENSUS="${MPCENSUS:-build/san/mpcensus}"
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 77; }
[ -x "$MPCENSUS" ] || { echo "SKIP: no binary $MPCENSUS"; exit 77; }
TMP=$(mktemp -d /tmp/lab-attr.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

for spec in lab/study.spec lab/study-small.spec; do
    out="$TMP/$(basename "$spec" .spec)"
    "$MPCENSUS" lab attribution "$spec" -o "$out" 2>"$TMP/attr.err" || fail "lab attribution $spec: $(cat "$TMP/attr.err")"
    cat "$TMP/attr.err"
    for m in 0 5; do
        "$MPCENSUS" lab truth "$spec" --month $m --mptcp-version 1 --ports 80 --with-as -f daddr,asn,country \
            -o "$out/truth$m.csv" || fail "lab truth --with-as $spec"
    done
    # the plain truth and the records path agree on what they share
    "$MPCENSUS" lab truth "$spec" --month 3 --with-profile >"$TMP/plain.csv" || fail "lab truth"
    "$MPCENSUS" lab truth "$spec" --month 3 --with-profile --with-as -f daddr,dport,probe_version,verdict,profile \
        >"$TMP/rec.csv" || fail "lab truth --with-as"
    cmp -s "$TMP/plain.csv" "$TMP/rec.csv" || fail "$spec: --with-as rows differ from the plain truth"
    python3 - "$spec" "$out" <<'PY' || fail "$spec: attribution files disagree with the spec"
import csv, ipaddress, re, sys
sys.path.insert(0, "tests/integration")
from lab_study_model import Spec

spec_path, out = sys.argv[1], sys.argv[2]
S = Spec(spec_path)
bad = []
def check(cond, msg):
    if not cond:
        bad.append(msg)

# --- prefix2as: prefix<TAB>len<TAB>origin, every announced prefix once, sorted, IPv4 first
rows = []
for n, line in enumerate(open(out + "/routeviews-pfx2as.txt"), 1):
    f = line.rstrip("\n").split("\t")
    check(len(f) == 3, "pfx2as:%d: %d fields" % (n, len(f)))
    net = ipaddress.ip_network("%s/%s" % (f[0], f[1]))          # strict: host bits must be zero
    check(str(net.network_address) == f[0], "pfx2as:%d: address not in canonical form" % n)
    check(re.fullmatch(r"\d+([_,]\d+)*", f[2]) is not None, "pfx2as:%d: origin %r" % (n, f[2]))
    rows.append((net, f[2]))
want = {(net, Spec.origin_text(el)) for net, el in S.announced.items()}
check(set(rows) == want and len(rows) == len(want), "pfx2as content: extra %s missing %s" % (set(rows) - want, want - set(rows)))
key = lambda r: (r[0].version, int(r[0].network_address), r[0].prefixlen)
check(rows == sorted(rows, key=key), "pfx2as not sorted")
origins = [o for _, o in rows]
check(any("_" in o for o in origins) and any("," in o for o in origins), "no MOAS or no AS-set origin")
check(any(r[0].version == 6 for r in rows), "no IPv6 prefix")

# --- as2org: org section then AS section, headers as CAIDA's
lines = open(out + "/as2org.txt").read().splitlines()
H_ORG = "# format:org_id|changed|org_name|country|source"
H_AUT = "# format:aut|changed|aut_name|org_id|opaque_id|source"
check(H_ORG in lines and H_AUT in lines and lines.index(H_ORG) < lines.index(H_AUT), "as2org headers")
orgs, auts, section = {}, {}, None
for line in lines:
    if line == H_ORG: section = "org"; continue
    if line == H_AUT: section = "aut"; continue
    if line.startswith("#"): continue
    f = line.split("|")
    if section == "org":
        check(len(f) == 5, "org line %r" % line)
        orgs[f[0]] = f
    else:
        check(len(f) == 6, "aut line %r" % line)
        auts[int(f[0])] = f
rirs = {"ARIN", "RIPE", "APNIC", "LACNIC", "AFRINIC", "JPNIC", "KRNIC", "TWNIC", "CNNIC"}
check(set(auts) == set(S.ases), "as2org ASes %s vs spec %s" % (sorted(auts), sorted(S.ases)))
for asn, a in S.ases.items():
    f = auts.get(asn)
    if not f: continue
    check(re.fullmatch(r"\d{8}", f[1]) is not None, "AS%d changed %r" % (asn, f[1]))
    check(a["aut"] is None or f[2] == a["aut"], "AS%d aut_name %r" % (asn, f[2]))
    o = orgs.get(f[3])
    check(o is not None, "AS%d org_id %r not in the org section" % (asn, f[3]))
    if o:
        check(o[2] == a["org"] and o[3] == a["cc"], "AS%d org %r" % (asn, o))
        check(o[4] in rirs and f[5] in rirs and re.fullmatch(r"[0-9a-f]{32}_" + f[5], f[4]) is not None,
              "AS%d source/opaque_id %r" % (asn, f))
by_name = {}
for asn, a in S.ases.items():
    if asn in auts:
        by_name.setdefault(a["org"], set()).add(auts[asn][3])
check(all(len(ids) == 1 for ids in by_name.values()), "one organisation, several org_ids: %s" % by_name)
check(len({next(iter(i)) for i in by_name.values()}) == len(by_name) == len(orgs), "org ids not one per organisation")

# --- GeoLite2-style CSVs: disjoint blocks covering every announced / geo prefix, longest-match answers
def blocks(name, header):
    r = list(csv.reader(open(out + "/" + name)))
    check(r[0] == header, "%s header %r" % (name, r[0]))
    nets = [(ipaddress.ip_network(x[0]), x[1:]) for x in r[1:]]
    for fam in (4, 6):
        fn = sorted((n for n, _ in nets if n.version == fam), key=lambda n: int(n.network_address))
        for a, b in zip(fn, fn[1:]):
            check(int(a.broadcast_address) < int(b.network_address), "%s: %s overlaps %s" % (name, a, b))
    return nets
country = blocks("geo-country.csv", ["network", "country_iso_code"])
asn = blocks("geo-asn.csv", ["network", "autonomous_system_number", "autonomous_system_organization"])
for nets, what in ((country, "country"), (asn, "asn")):
    for fam in (4, 6):
        want_cover = list(ipaddress.collapse_addresses(n for n in list(S.announced) + list(S.geo) if n.version == fam))
        got_cover = list(ipaddress.collapse_addresses(n for n, _ in nets if n.version == fam))
        check(want_cover == got_cover, "%s blocks cover %s, the spec %s" % (what, got_cover, want_cover))
for net, (cc,) in country:
    for a in (net.network_address, net.broadcast_address):
        check(S.country_of(a) == cc, "geo-country %s: %s, spec says %s" % (net, cc, S.country_of(a)))
for net, (num, org) in asn:
    for a in (net.network_address, net.broadcast_address):
        want_asn = S.asn_of(a).replace(",", "_").split("_")[0]
        check(num == want_asn and org == S.ases[int(num)]["org"], "geo-asn %s: %s %r, spec %s" % (net, num, org, want_asn))

# --- AS rank
rr = list(csv.reader(open(out + "/as-rank.csv")))
check(rr[0] == ["asn", "rank"], "as-rank header %r" % rr[0])
ranks = [tuple(int(x) for x in l) for l in rr[1:]]
check(ranks == sorted(((a, v["rank"]) for a, v in S.ases.items() if v["rank"]), key=lambda t: (t[1], t[0])),
      "as-rank %s" % ranks)

# --- lab truth --with-as: what an importer of these files finds, for every population address
pfx = [(n, o) for n, o in rows]
geo_c = {n: c[0] for n, c in country}
seen = {"moas": 0, "set": 0, "v6": 0, "more-specific": 0}
for m in (0, 5):
    for r in csv.DictReader(open("%s/truth%d.csv" % (out, m))):
        a = ipaddress.ip_address(r["daddr"])
        best = max((n for n, _ in pfx if n.version == a.version and a in n), key=lambda n: n.prefixlen, default=None)
        lpm = dict(pfx)[best] if best else ""
        cc = next((c for n, c in geo_c.items() if n.version == a.version and a in n), "")
        check(r["asn"] == lpm == S.asn_of(a), "%s: truth asn %r, prefix2as LPM %r" % (a, r["asn"], lpm))
        check(r["country"] == cc == S.country_of(a), "%s: truth country %r, geo-country %r" % (a, r["country"], cc))
        seen["moas"] += "_" in r["asn"]
        seen["set"] += "," in r["asn"]
        seen["v6"] += a.version == 6
        seen["more-specific"] += best is not None and any(n != best and best.subnet_of(n) for n in dict(pfx) if n.version == best.version)
check(all(seen.values()), "truth rows lack a case: %s" % seen)
for b in bad[:20]:
    print("MISMATCH", b)
print("%s: %d prefix2as lines, %d ASes / %d orgs, %d country and %d ASN blocks, %d ranks; truth rows per case %s; %d problems"
      % (spec_path, len(rows), len(auts), len(orgs), len(country), len(asn), len(ranks), seen, len(bad)))
sys.exit(1 if bad else 0)
PY
done

# spec errors: clear, with file:line, exit 1
err_case() { # TEXT EXPECTED-SUBSTRING
    printf 'prefix 198.18.0.0/28\nprofile p 1 80=tcp\n%s\n' "$1" >"$TMP/bad.spec"
    "$MPCENSUS" lab attribution "$TMP/bad.spec" -o "$TMP/bad" 2>"$TMP/bad.err"
    rc=$?
    [ $rc = 1 ] && grep -q "bad.spec:3: .*$2" "$TMP/bad.err" || fail "'$1': exit $rc, $(cat "$TMP/bad.err")"
}
err_case 'as 714 "Apple Inc. US 198.18.0.0/24' "closing"
err_case 'as 714 "Apple Inc." usa 198.18.0.0/24' "country code"
err_case 'as 714 "Apple Inc." US 10.0.0.0/8' "outside"
err_case 'as 714 "Apple Inc." US 198.18.0.1/24' "bad prefix"
err_case 'as 0 "Apple Inc." US' "bad ASN"
err_case 'geo 198.18.0.0/24 X1' "country code"
err_case 'as-set 198.18.0.0/24 714' "at least two"
printf 'prefix 198.18.0.0/28\nprofile p 1 80=tcp\nas 714 "A" US\nas-set 198.18.0.0/24 714,1\n' >"$TMP/bad.spec"
"$MPCENSUS" lab attribution "$TMP/bad.spec" -o "$TMP/bad" 2>"$TMP/bad.err" && fail "undeclared AS-set member accepted"
grep -q "AS1 is not declared" "$TMP/bad.err" || fail "undeclared AS-set member: $(cat "$TMP/bad.err")"
printf 'prefix 198.18.0.0/28\nprofile p 1 80=tcp\nas 714 "A" US\nas 715 "A" DE\n' >"$TMP/bad.spec"
"$MPCENSUS" lab attribution "$TMP/bad.spec" -o "$TMP/bad" 2>"$TMP/bad.err" && fail "one organisation in two countries accepted"
"$MPCENSUS" lab attribution lab/study.spec 2>/dev/null; [ $? = 2 ] || fail "missing -o is not a usage error"
"$MPCENSUS" lab attribution lab/study.spec -o /proc/nonexistent/x 2>/dev/null; [ $? = 1 ] || fail "unwritable -o is not exit 1"
echo "ok: attribution files parse and agree with the spec; truth --with-as equals prefix2as / geo lookups; bad lines refused"
