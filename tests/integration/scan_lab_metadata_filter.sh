#!/bin/sh
# scan_lab_metadata_filter.sh — -m: every figure of the metadata JSON equals the summary lines, the parameters given and what python computes from the blocklist and targets; --output-filter: the records kept are exactly what python's own reading of the expression keeps of an unfiltered scan (and lab truth's mptcp/mirrored set); bad expressions and metadata paths fail clearly.
set -u
cd "$(dirname "$0")/../.." || exit 1
. lab/testlib.sh

# bad expressions are usage errors found while parsing (--dryrun: nothing could be sent anyway)
bad_filter() { # bad_filter EXPR EXPECTED_TEXT
    "$MPCENSUS" scan --dryrun -q -b /dev/null --output-filter "$1" 198.18.0.0/30 >/dev/null 2>"$LAB_TMP/f.err"
    rc=$?
    [ $rc = 2 ] && grep -qF "$2" "$LAB_TMP/f.err" || fail "--output-filter '$1': exit $rc, $(cat "$LAB_TMP/f.err")"
}
bad_filter "verdict = mptcpp" "bad --output-filter 'verdict = mptcpp': verdict has no value 'mptcpp'"
bad_filter "verdic = mptcp" "unknown field 'verdic'"
bad_filter "ttl > x" "'ttl' is a number field"
bad_filter "(verdict = tcp" "is not closed"
bad_filter "verdict < tcp" "only = and != compare it"
bad_filter "verdict = mptcp" "a dry run writes probes"   # a good expression, but nothing to filter
# -m - beside records on standard output: usage error; with -o FILE the document alone goes there
"$MPCENSUS" scan --dryrun -q -b /dev/null -m - 198.18.0.0/30 >"$LAB_TMP/mm.out" 2>"$LAB_TMP/mm.err"
rc=$?
[ $rc = 2 ] && [ ! -s "$LAB_TMP/mm.out" ] && grep -qF -- "-m - and the records" "$LAB_TMP/mm.err" || fail "-m - with records on stdout: exit $rc, $(cat "$LAB_TMP/mm.err")"
"$MPCENSUS" scan --dryrun -q -b /dev/null -o "$LAB_TMP/mm.csv" -m - 198.18.0.0/30 >"$LAB_TMP/mm.out" 2>/dev/null &&
    python3 -c 'import json,sys; m = json.load(open(sys.argv[1])); assert m["targets_sent"] == 4, m' "$LAB_TMP/mm.out" ||
    fail "-o FILE -m -: stdout is not the metadata document"
# blocklist.entries counts every line, single IPv6 addresses too (they are kept apart from prefixes)
printf '198.18.0.0/31\n2001:db8::5\n2001:db8::6 # with a comment\n2001:db8:1::/64\n' >"$LAB_TMP/bl4.txt"
"$MPCENSUS" scan --dryrun -q -b "$LAB_TMP/bl4.txt" -o /dev/null -m "$LAB_TMP/bl4.json" 198.18.0.0/30 2>/dev/null &&
    python3 -c 'import json,sys; b = json.load(open(sys.argv[1]))["blocklist"]; assert b["entries"] == 4, b' "$LAB_TMP/bl4.json" ||
    fail "blocklist.entries of a 4-line blocklist: $(cat "$LAB_TMP/bl4.json" 2>&1 | head -c 300)"
ok "bad --output-filter expressions: exit 2 with the reason ($(head -1 "$LAB_TMP/f.err" | cut -c1-60)...)"

lab_up_spec lab/demo.spec
"$MPCENSUS" lab truth "$SPEC" --ports 80,443 --mptcp-version 0 >"$LAB_TMP/truth.csv" || fail "lab truth"
# the targets include the infra block's first 16 addresses: the lab's blocklist refuses the vantage's and routers'
# Each scan has source ports of its own (-s): a host still holding a half-open connection of an earlier
# scan on the same 4-tuple would answer the new SYN with the old SYN-ACK, which fails validation.
SPORT=32768
next_sports() { SPORTS="$SPORT-$((SPORT + 4999))"; SPORT=$((SPORT + 5000)); }
vscan() { # vscan OUT [OPTIONS...]
    out=$1
    shift
    next_sports
    # shellcheck disable=SC2086
    ip netns exec "$VANTAGE_NS" "$MPCENSUS" scan -b "$BLOCKLIST" -p 80,443 --mptcp-version 0 -r 3000 -c 2 \
        --seed 4242 -s "$SPORTS" -o "$out" "$@" --ipv6-targets "$HITLIST6" $PREFIXES_V4 198.19.255.0/28 2>"$out.err" ||
        fail "scan $*: $(tail -5 "$out.err")"
}

vscan "$LAB_TMP/all.csv" -m "$LAB_TMP/all.meta.json" --output-repeats
cat "$LAB_TMP/all.csv.err"
python3 - "$LAB_TMP/all.meta.json" "$LAB_TMP/all.csv.err" "$LAB_TMP/all.csv" "$BLOCKLIST" "$HITLIST6" "$PREFIXES_V4" <<'EOF' ||
import csv, ipaddress, json, re, sys
meta_path, err_path, csv_path, blocklist, hitlist, prefixes = sys.argv[1:]
m = json.load(open(meta_path))
err = open(err_path).read()
def summary(pattern):
    hit = re.search(pattern, err, re.M)
    assert hit, "no summary line /%s/" % pattern
    return [int(x) for x in hit.groups()]
targets, sent, send_errors = summary(r"^summary: targets (\d+), sent (\d+) in [\d.]+ s, send rate \d+ pps, send errors (\d+)$")
uniq, repeats, invalid, other, drops = summary(r"^summary: replies (\d+) unique, (\d+) repeats, (\d+) failed validation, (\d+) other, (\d+) kernel drops")
assert (m["targets_sent"], m["packets_sent"], m["send_errors"]) == (targets, sent, send_errors), m
r = m["replies"]
assert (r["unique"], r["repeats"], r["failed_validation"], r["other"], m["kernel_drops"]) == (uniq, repeats, invalid, other, drops), r
for v in ("mptcp", "mirrored", "version-mismatch", "malformed", "tcp", "closed"):
    assert m["verdicts"][v] == summary(r"^summary: verdict %s +(\d+)$" % re.escape(v))[0], v
assert m["records_written"] == summary(r"^summary: records written (\d+)")[0]
rows = list(csv.DictReader(open(csv_path)))
assert m["records_written"] == len(rows) == uniq + repeats, (m["records_written"], len(rows))
assert abs(m["hit_rate"] - 100.0 * uniq / targets) < 1e-3
# the parameters as given
assert m["tool"] == "mpcensus scan" and m["probe_module"] == "mptcp_v0" and m["mptcp_version"] == 0
assert m["key"] == "0c0c0c0c0c0c0c0c" and m["mptcp_flags"] == "0x81"
assert m["target_ports"] == [80, 443] and m["rate"] == 3000 and m["cooldown_secs"] == 2
assert m["seed"] == 4242 and m["seed_provided"] and (m["shard"], m["shards"]) == (0, 1)
assert m["output"]["repeats"] is True and m["output"]["filter"] is None and m["output"]["file"] == csv_path
assert m["command_line"][:2] == ["mpcensus", "scan"] and "--output-repeats" in m["command_line"]
assert m["start_time"] <= m["end_time"] and m["duration_s"] >= m["cooldown_secs"], (m["start_time"], m["end_time"])
assert m["interrupted"] is False
# blocklist and targets, computed here from the files
block = [ipaddress.ip_network(l.split("#")[0].strip()) for l in open(blocklist) if l.split("#")[0].strip()]
assert m["blocklist"]["file"] == blocklist and m["blocklist"]["entries"] == len(block), m["blocklist"]
nets = [ipaddress.ip_network(p) for p in prefixes.split()] + [ipaddress.ip_network("198.19.255.0/28")]
nets += [ipaddress.ip_network(l.strip()) for l in open(hitlist) if l.strip()]
addrs = {a for n in nets for a in n}
refused = {a for a in addrs if any(a in b for b in block)}
assert refused, "the test means the blocklist to refuse something"
assert m["blocklist"]["refused_addresses"] == len(refused), (m["blocklist"], len(refused))
# ranges: runs of consecutive refused addresses
ref = sorted(refused, key=lambda a: (a.version, int(a)))
runs = sum(1 for i, a in enumerate(ref) if i == 0 or ref[i - 1].version != a.version or int(ref[i - 1]) + 1 != int(a))
assert m["blocklist"]["refused_ranges"] == runs, (m["blocklist"], runs)
assert re.search(r"blocklist refused %d addresses in %d ranges" % (len(refused), runs), err), "stderr line"
assert m["targets"]["addresses"] == len(addrs) - len(refused) and m["targets"]["targets"] == 2 * (len(addrs) - len(refused))
print("metadata: %d targets, %d sent, %d unique + %d repeats, %d refused in %d ranges: all equal" % (
    targets, sent, uniq, repeats, len(refused), runs))
EOF
    fail "metadata differs from the summary / parameters"
ok "metadata JSON equals the summary lines, the options and python's count of targets and refusals"

# --output-filter: the same scan (same seed), filtered; python evaluates the expressions on the unfiltered records
F1='verdict = mptcp || verdict = mirrored'
F2='classification = synack && (mptcp_version = 0 || ttl < 62) && repeat = 0 && sport != 443'
vscan "$LAB_TMP/f1.csv" --output-filter "$F1" -m "$LAB_TMP/f1.meta.json"
vscan "$LAB_TMP/f2.json" -O json --output-repeats --output-filter "$F2"
python3 - "$LAB_TMP/all.csv" "$LAB_TMP/f1.csv" "$LAB_TMP/f2.json" "$LAB_TMP/truth.csv" "$LAB_TMP/f1.meta.json" "$LAB_TMP/f1.csv.err" <<'EOF' ||
import csv, json, re, sys
allp, f1p, f2p, truthp, metap, errp = sys.argv[1:]
rows = list(csv.DictReader(open(allp)))
key = lambda r: (r["saddr"], int(r["sport"]), int(r.get("repeat") in ("1", 1, True)))
first = [r for r in rows if r["repeat"] == "0"]
want1 = {key(r) for r in first if r["verdict"] in ("mptcp", "mirrored")}
got1 = {key(r) for r in csv.DictReader(open(f1p))}
assert got1 == want1, "F1: %d records, python keeps %d" % (len(got1), len(want1))
# lab truth (independent of the scanner) says which targets those are
truth = {(r["daddr"], int(r["dport"]), 0) for r in csv.DictReader(open(truthp)) if r["verdict"] in ("mptcp", "mirrored")}
assert got1 == truth, "F1 vs lab truth: %s" % sorted(got1 ^ truth)[:5]
def f2(r):
    mv = r["mptcp_version"]
    return (r["classification"] == "synack" and ((mv != "" and int(mv) == 0) or int(r["ttl"]) < 62)
            and r["repeat"] == "0" and int(r["sport"]) != 443)
want2 = {key(r) for r in rows if f2(r)}
got2 = {(r["saddr"], int(r["sport"]), int(r["repeat"])) for r in map(json.loads, open(f2p))}
assert got2 == want2, "F2: %d records, python keeps %d" % (len(got2), len(want2))
assert want1 and want2 and want1 != want2
m = json.load(open(metap))
err = open(errp).read()
kept_out = int(re.search(r"records written (\d+), (\d+) kept out by --output-filter", err).group(2))
assert m["records_written"] == len(got1) and m["records_filtered"] == kept_out == len(first) - len(got1), m
assert m["output"]["filter"] == "verdict = mptcp || verdict = mirrored"
print("F1 keeps %d of %d (= lab truth's mptcp+mirrored), F2 keeps %d of %d" % (len(got1), len(first), len(got2), len(rows)))
EOF
    fail "--output-filter kept other records than python's evaluation"
ok "--output-filter: '$F1' and '$F2' keep exactly what python keeps"

# archive import --metadata: what the files table keeps from it. Our scan, its records without probe_version:
next_sports
ip netns exec "$VANTAGE_NS" "$MPCENSUS" scan -q -b "$BLOCKLIST" -p 443 --mptcp-version 1 -r 3000 -c 1 --seed 7 -s "$SPORTS" \
    --shards 2 --shard 1 -f saddr,sport,verdict,timestamp -o "$LAB_TMP/v1.csv" -m "$LAB_TMP/v1.meta.json" $PREFIXES_V4 ||
    fail "v1 scan with -m"
"$MPCENSUS" archive import --db "$LAB_TMP/a.db" --metadata "$LAB_TMP/v1.meta.json" "$LAB_TMP/v1.csv" 2>"$LAB_TMP/imp.err" ||
    fail "archive import --metadata: $(cat "$LAB_TMP/imp.err")"
cat "$LAB_TMP/imp.err"
# and a real ZMap scan of the same lab with its own -m (tcp_synscan: a plain SYN; no sport in the output;
# zmap 2.1.1 takes IPv4 blocklist lines only)
grep -v : "$BLOCKLIST" >"$LAB_TMP/block4.txt"
next_sports
ip netns exec "$VANTAGE_NS" zmap -q -M tcp_synscan -p 80 -s "$SPORTS" -i "$VANTAGE_IF" -S "$VANTAGE_V4" -G "$GATEWAY_MAC" \
    -b "$LAB_TMP/block4.txt" -r 3000 -c 1 --seed 9 --shards 3 --shard 2 -f saddr,classification,success \
    --output-filter="success = 0 || success = 1" -o "$LAB_TMP/zmap.csv" -m "$LAB_TMP/zmap.meta.json" $PREFIXES_V4 >/dev/null 2>"$LAB_TMP/zmap.err" ||
    fail "zmap: $(tail -3 "$LAB_TMP/zmap.err")"
"$MPCENSUS" archive import --db "$LAB_TMP/a.db" --metadata "$LAB_TMP/zmap.meta.json" "$LAB_TMP/zmap.csv" 2>"$LAB_TMP/impz.err" ||
    fail "archive import of zmap --metadata: $(cat "$LAB_TMP/impz.err")"
cat "$LAB_TMP/impz.err"
python3 - "$LAB_TMP/a.db" "$LAB_TMP/v1.meta.json" "$LAB_TMP/zmap.meta.json" "$LAB_TMP/zmap.csv" <<'EOF2' || fail "archive files rows differ from the metadata"
import json, sqlite3, sys
db, ours_p, zmap_p, zcsv = sys.argv[1:]
ours, zm = json.load(open(ours_p)), json.load(open(zmap_p))
rows = {r[0]: r[1:] for r in sqlite3.connect(db).execute(
    "SELECT format, probe_version, shard, date, ports, rows FROM files")}
pv, shard, date, ports, n = rows["scan"]
assert (pv, shard, date) == (1, "1/2", ours["start_time"][:10]), rows["scan"]
assert ports == "443" and n == ours["records_written"], rows["scan"]
pv, shard, date, ports, n = rows["zmap"]
assert (pv, shard, date, ports) == (-1, "%d/%d" % (zm["shard_num"], zm["total_shards"]), zm["send_start_time"][:10], "80"), rows["zmap"]
distinct = {l.split(",")[0] for l in open(zcsv).read().split()[1:]}
assert n == len(distinct) > 0, (n, len(distinct))
print("files rows: scan %s, zmap %s" % (rows["scan"], rows["zmap"]))
EOF2
ok "archive import --metadata keeps probe version, shard, date and port from mpcensus's and from ZMap's -m files"

# a metadata file that cannot be written: exit 1, the path and the reason
next_sports
ip netns exec "$VANTAGE_NS" "$MPCENSUS" scan -q -b "$BLOCKLIST" -r 3000 -c 1 -s "$SPORTS" -o /dev/null -m /dev/full $PREFIXES_V4 \
    2>"$LAB_TMP/full.err"
rc=$?
[ $rc = 1 ] && grep -q "metadata: /dev/full: No space left on device" "$LAB_TMP/full.err" || fail "-m /dev/full: exit $rc, $(cat "$LAB_TMP/full.err")"
ok "-m /dev/full: exit 1, '$(grep metadata "$LAB_TMP/full.err")'"
lab_down_and_check
