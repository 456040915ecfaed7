#!/bin/sh
# trace_lab_demo.sh — `mpcensus trace` over the whole lab/demo.spec population (IPv4 + IPv6, v0 and v1 probes) equals `lab truth --trace`; the scan's candidates traced from its CSV too.
. "$(dirname "$0")/../../lab/testlib.sh"

lab_up_spec "$(cd "$(dirname "$0")/../.." && pwd)/lab/demo.spec"
"$MPCENSUS" lab truth "$SPEC" --trace --with-profile >"$LAB_TMP/truth.csv" || fail "lab truth --trace"
COMPARE="$(dirname "$0")/trace_compare.py"

for v in 0 1; do
    # every population address on both ports, as a plain list; the default walk back and --full-path
    awk -F, -v v=$v 'NR > 1 && $3 == v { print $1 "," $2 }' "$LAB_TMP/truth.csv" >"$LAB_TMP/all$v.txt"
    for plan in walk full; do
        out="$LAB_TMP/trace$v.json"
        [ $plan = full ] && out="$LAB_TMP/full$v.json"
        ip netns exec "$VANTAGE_NS" "$MPCENSUS" trace -q --mptcp-version $v -r 4000 --wait 1.5 \
            $([ $plan = full ] && echo --full-path) -f "$LAB_TMP/all$v.txt" -o "$out" 2>"$LAB_TMP/trace$v.err" ||
            fail "trace v$v ($plan): $(cat "$LAB_TMP/trace$v.err")"
        cat "$LAB_TMP/trace$v.err"
        python3 "$COMPARE" "$LAB_TMP/truth.csv" "$out" $v --require-all || fail "v$v ($plan) differs from lab truth --trace"
    done
done
ok "whole demo population, v0 and v1, IPv4 and IPv6, walk back and full path: every class, hop, change, distance and ICMP equals lab truth --trace"

# the two plans agree target by target; the walk skipped TTLs and sent fewer probes
python3 - "$LAB_TMP"/trace0.json "$LAB_TMP"/full0.json "$LAB_TMP"/trace1.json "$LAB_TMP"/full1.json <<'PY' || fail "walk vs full path"
import json, sys
def load(p):
    return {(j["target"], j["port"]): j for j in map(json.loads, open(p))}
for walk_p, full_p in ((sys.argv[1], sys.argv[2]), (sys.argv[3], sys.argv[4])):
    walk, full = load(walk_p), load(full_p)
    assert walk.keys() == full.keys()
    skipped = 0
    for k, w in walk.items():
        f = full[k]
        for field in ("class", "hop", "dest_hops", "end", "end_icmp", "proxy_check", "synack_mptcp"):
            assert w[field] == f[field], (k, field, w[field], f[field])
        assert sorted(w["changes"]) == sorted(f["changes"]), (k, w["changes"], f["changes"])
        skipped += sum(h["reply"] == "skipped" for h in w["hops"])
        assert all(h["reply"] != "skipped" for h in f["hops"]), k
    pw, pf = sum(j["probes"] for j in walk.values()), sum(j["probes"] for j in full.values())
    print("%s: %d targets, same class/hop/changes/distance; walk %d probes (%d TTLs skipped), full path %d"
          % (walk_p.rsplit("/", 1)[1], len(walk), pw, skipped, pf))
    assert skipped > 0 and pw < pf
PY
ok "the walk back and the full path agree on every target; the walk skips TTLs below clean quotes"

# what the truth's classes cover, read from the trace itself (not from our own expectations)
python3 - "$LAB_TMP/trace0.json" "$LAB_TMP/trace1.json" "$LAB_TMP/truth.csv" <<'PY' || fail "coverage"
import csv, json, sys
prof = {(r["daddr"], r["dport"], r["probe_version"]): r["profile"] for r in csv.DictReader(open(sys.argv[3]))}
need = {
    "kernel v1 host, v1 probe: mptcp": lambda j, p: p == "kv1" and j["probe_version"] == 1 and j["class"] == "mptcp",
    "kernel v1 host, v0 probe: no-mptcp": lambda j, p: p == "kv1" and j["probe_version"] == 0 and j["class"] == "no-mptcp",
    "emulated v0 host, v0 probe: mptcp": lambda j, p: p == "v0" and j["probe_version"] == 0 and j["class"] == "mptcp",
    "mirror: no-mptcp, our option echoed": lambda j, p: p == "mirror" and j["class"] == "no-mptcp" and j["synack_mptcp"] == "echo",
    "strip at hop 4: -MP_CAPABLE": lambda j, p: p == "strip" and j["class"] == "middlebox" and j["hop"] == 4
        and "-MP_CAPABLE" in j["changes"] and "MP_CAPABLE" in j["hops"][3]["removed"],
    "key rewrite at hop 4": lambda j, p: p == "keyrw-mirror" and j["probe_version"] == 0 and j["hop"] == 4
        and any(c["field"] == "mptcp.key" for c in j["hops"][3]["changes"]),
    "proxy at hop 4": lambda j, p: p == "proxy" and j["class"] == "middlebox" and j["hop"] == 4
        and j["changes"] == ["proxy"] and j["proxy_check"] == "proxy" and j["dest_hops"] == 5,
    "admin-prohibited reported": lambda j, p: p == "prohibit" and j["class"] == "unreachable"
        and j["end_icmp"] == "admin-prohibited" and j["hops"][3]["icmp_type"] in (3, 1),
    "silent: unreachable": lambda j, p: p == "silent" and j["class"] == "unreachable" and j["end"] == "gap",
    "8-byte quote at hop 2": lambda j, p: len(j["hops"]) > 1 and j["hops"][1]["quote"] == "8"
        and j["hops"][1]["mptcp"] == "unknown" and j["hops"][1]["removed"] == [],
}
seen = {k: 0 for k in need}
families = set()
for path in sys.argv[1:3]:
    for line in open(path):
        j = json.loads(line)
        p = prof[(j["target"], str(j["port"]), str(j["probe_version"]))]
        families.add(":" in j["target"])
        for k, f in need.items():
            if f(j, p):
                seen[k] += 1
for k, n in seen.items():
    print("%-40s %d targets" % (k, n))
missing = [k for k, n in seen.items() if n == 0]
assert families == {True, False}, "IPv4 and IPv6 both traced"
assert not missing, "never seen: %s" % missing
PY
ok "kernel v1, emulated v0, mirror, strip, key rewrite, proxy, admin-prohibited, silent and 8-byte quotes all seen"

# the pipeline: scan v1, trace its mptcp and mirrored candidates straight from the scan CSV
ip netns exec "$VANTAGE_NS" "$MPCENSUS" scan -q -i "$VANTAGE_IF" -S "$VANTAGE_V4,$VANTAGE_V6" -G "$GATEWAY_MAC" \
    -b "$BLOCKLIST" -p 80,443 --mptcp-version 1 -r 20000 -c 2 -o "$LAB_TMP/scan1.csv" \
    --ipv6-targets "$HITLIST6" $PREFIXES_V4 2>"$LAB_TMP/scan.err" || fail "scan: $(cat "$LAB_TMP/scan.err")"
want=$(awk -F, 'NR > 1 && ($16 == "mptcp" || $16 == "mirrored")' "$LAB_TMP/scan1.csv" | wc -l)
ip netns exec "$VANTAGE_NS" "$MPCENSUS" trace --mptcp-version 1 -r 4000 -f "$LAB_TMP/scan1.csv" \
    --verdict mptcp,mirrored -o "$LAB_TMP/cand1.json" 2>"$LAB_TMP/cand.err" || fail "trace of the scan: $(cat "$LAB_TMP/cand.err")"
grep -q "input rows left out by --verdict" "$LAB_TMP/cand.err" || fail "no rows filtered by --verdict"
got=$(wc -l <"$LAB_TMP/cand1.json")
[ "$got" = "$want" ] || fail "traced $got candidates, the scan has $want mptcp/mirrored rows"
python3 "$COMPARE" "$LAB_TMP/truth.csv" "$LAB_TMP/cand1.json" 1 || fail "candidates differ from the truth"
grep -q '"class":"middlebox"' "$LAB_TMP/cand1.json" || fail "no candidate turned out to be a middlebox (proxy)"
ok "scan CSV -> trace --verdict mptcp,mirrored: $got candidates, classes equal the truth"

lab_down_and_check
