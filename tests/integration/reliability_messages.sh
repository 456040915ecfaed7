#!/bin/sh
# reliability_messages.sh — clear and consistent messages (issue 15, defect 9): port lists without a cap, ranges named, exact blocklist counts, hit rate <= 100 %, --dryrun -O json, one exit code for a bad output path, missing table files, spec ports.
set -u
cd "$(dirname "$0")/../.." || exit 1
[ -x "$MPCENSUS" ] || { echo "SKIP: MPCENSUS ($MPCENSUS) not built"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 77; }
cap="$SHARED/data/pcaps/pymptcpanalyzer/iperf-mptcp-0-0.pcap"
[ -f "$cap" ] || { echo "SKIP: no shared captures"; exit 77; }
tmp=$(mktemp -d)
ns=
trap '[ -n "$ns" ] && ip netns del "$ns" 2>/dev/null; rm -rf "$tmp"' EXIT
fails=0
bad() { echo "FAIL: $*"; sed 's/^/    /' "$tmp/err"; fails=$((fails + 1)); }
good() { echo "ok:   $*"; }
# run COMMAND...: stdout to $tmp/out, stderr to $tmp/err, status in $rc
run() { "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?; }

# -p 1-65535: a census may scan every port; every port of the list is probed
run "$MPCENSUS" scan --dryrun -q -b /dev/null -p 1-65535 --seed 1 198.18.0.1
if [ $rc = 0 ] && [ "$(cut -d, -f2 "$tmp/out" | tail -n +2 | sort -un | wc -l)" = 65535 ]; then
    good "-p 1-65535: 65535 distinct ports probed"
else
    bad "-p 1-65535: exit $rc, $(tail -n +2 "$tmp/out" | wc -l) probes"
fi
# 30,000 x 80 is one port, like 80 once
list=$(python3 -c 'print(",".join(["80"] * 30000))')
run "$MPCENSUS" scan --dryrun -q -b /dev/null -p "$list" 198.18.0.1
[ $rc = 0 ] && [ "$(tail -n +2 "$tmp/out" | wc -l)" = 1 ] && good "30000 x 80 = one port" || bad "30000 x 80: exit $rc"
# a real error says which entry and why, without echoing the whole list
run "$MPCENSUS" scan --dryrun -q -b /dev/null -p "80,443,70000" 198.18.0.1
if [ $rc = 2 ] && grep -q "70000" "$tmp/err" && grep -q "65535" "$tmp/err"; then
    good "-p 80,443,70000: $(head -1 "$tmp/err")"
else
    bad "-p 70000: exit $rc"
fi

# --month out of range: the message gives the range
run "$MPCENSUS" lab truth lab/demo.spec --month 99999999999
[ $rc = 2 ] && grep -q "100000" "$tmp/err" && good "--month 99999999999: $(head -1 "$tmp/err")" ||
    bad "--month 99999999999: exit $rc"

# a /64 refused by the blocklist: the exact count, 2^64 (python computes it)
echo "2001:db8::/64 # the blocked half" >"$tmp/block"
run "$MPCENSUS" scan --dryrun -b "$tmp/block" -n 1 2001:db8::/63
want=$(python3 -c 'print(2**64)')
grep -q "refused $want addresses in 1 ranges" "$tmp/err" && good "/64 refused: $want addresses" ||
    bad "/64 refused: want 'refused $want addresses'"

# --dryrun honours -O json: one JSON object per probe, the same fields as the CSV
run "$MPCENSUS" scan --dryrun -q -b /dev/null -O json --seed 3 198.18.0.0/29
python3 - "$tmp/out" <<'PY' && good "--dryrun -O json: 8 JSON records" || bad "--dryrun -O json"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert len(recs) == 8, len(recs)
assert all(set(r) == {"daddr", "dport", "sport", "seq", "ipid", "mptcp_option", "frame", "saddr"} for r in recs)
assert all(r["saddr"] == "0.0.0.0" for r in recs)   # no -S in a dry run: unspecified
assert sorted(r["daddr"] for r in recs) == ["198.18.0.%d" % i for i in range(8)]
PY

# missing --services / --apple-ports files are errors, not silently ignored
for opt in services apple-ports; do
    run "$MPCENSUS" pcap -q --$opt "$tmp/nothere.txt" "$cap"
    [ $rc = 2 ] && grep -q "nothere.txt" "$tmp/err" && grep -q "No such file" "$tmp/err" &&
        good "--$opt missing: $(head -1 "$tmp/err")" || bad "--$opt missing file: exit $rc"
done

# a spec port 0 is a bad port, not an unknown key
printf 'prefix 198.18.0.0/30\nprofile p 1 0=tcp\n' >"$tmp/port0.spec"
run "$MPCENSUS" lab truth "$tmp/port0.spec"
grep -q "bad port '0'" "$tmp/err" && good "spec 0=tcp: $(head -1 "$tmp/err")" || bad "spec 0=tcp: exit $rc"

[ $fails -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }

if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null 2>&1; then
    echo "all message checks passed (no root: the checks needing namespaces were not run)"
    exit 0
fi

# -o /missing/dir: the same exit status in a dry run and a real scan. The real
# one runs in a namespace of its own (only lo, nothing leaves it) and must fail
# before sending anything.
ns="mpc-$$-msg"
ip netns add "$ns" || { echo "FAIL: ip netns add"; exit 1; }
ip netns exec "$ns" ip link set lo up
run "$MPCENSUS" scan --dryrun -q -b /dev/null -o "$tmp/missing/dir/out.csv" 198.18.0.0/30
dry=$rc
run ip netns exec "$ns" "$MPCENSUS" scan -q -i lo -S 198.18.0.1 -G 00:00:00:00:00:00 -b /dev/null \
    -o "$tmp/missing/dir/out.csv" 198.18.0.0/30
real=$rc
[ "$dry" = "$real" ] && [ "$dry" != 0 ] && good "-o /missing/dir: exit $dry in a dry run and a real scan" ||
    bad "-o /missing/dir: dry run exits $dry, real scan $real"
ip netns del "$ns"
ns=

# the status line never shows a hit rate above 100 %: a slow lab scan (status
# lines while it sends) of hosts that all answer
. lab/testlib.sh
cat >"$LAB_TMP/hits.spec" <<'EOF'
# 1,024 kernel MPTCPv1 hosts that all answer on port 80
seed 9
routers 1
ports 80
prefix 198.18.0.0/22
profile kv1 1 80=kernel-v1
EOF
lab_up_spec "$LAB_TMP/hits.spec"
ip netns exec "$VANTAGE_NS" ping -c 1 -W 2 "$GATEWAY_V4" >/dev/null 2>&1
# shellcheck disable=SC2086
ip netns exec "$VANTAGE_NS" "$MPCENSUS" scan -i "$VANTAGE_IF" -S "$VANTAGE_V4" -G "$GATEWAY_MAC" -b "$BLOCKLIST" \
    -p 80 --mptcp-version 1 -r 400 -c 1 -o "$LAB_TMP/hits.csv" $PREFIXES_V4 2>"$LAB_TMP/hits.err" ||
    fail "lab scan: $(tail -3 "$LAB_TMP/hits.err")"
cat "$LAB_TMP/hits.err"
python3 - "$LAB_TMP/hits.err" "$LAB_TMP/hits.csv" <<'PY' || fail "hit rate above 100 % or wrong"
import csv, re, sys
rates = [float(m) for m in re.findall(r"hitrate: ([0-9.]+)%", open(sys.argv[1]).read())]
assert len(rates) >= 2, "too few status lines: %r" % rates
assert max(rates) <= 100.0, rates
rows = list(csv.DictReader(open(sys.argv[2])))
assert len(rows) == 1024 and all(r["verdict"] == "mptcp" for r in rows), len(rows)
print("status hit rates %s; 1024 mptcp records" % rates)
PY
ok "hit rates <= 100 %"
lab_down_and_check
echo "all message checks passed"
