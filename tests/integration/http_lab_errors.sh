#!/bin/sh
# http_lab_errors.sh — `mpcensus http` failure paths in the lab, IPv4 and IPv6: a silent target gives a timeout row after --timeout (not a hang), a closed port a refused row; net.mptcp.enabled=0 is a clear error, not TCP labelled MPTCP; SIGINT leaves only whole records (once: in-flight runs finish; twice: they are aborted and recorded as interrupted); a path dropping MP_CAPABLE SYNs and the kernel's blackhole fallback (nstat); usage errors exit 2.
set -u
cd "$(dirname "$0")/../.." || exit 1
. lab/testlib.sh
for tool in nginx mptcpize; do
    command -v "$tool" >/dev/null 2>&1 || skip "$tool not installed"
done
lab_up_spec lab/http.spec
Q4=$(first_of silent 4); Q6=$(first_of silent 6)
M4=$(first_of web-mptcp 4); M6=$(first_of web-mptcp 6)
D4=$(first_of web-delay 4); D6=$(first_of web-delay 6)
V() { ip netns exec "$VANTAGE_NS" "$@"; }
now() { date +%s.%N; }

# ---- silent and closed
t0=$(now)
V "$MPCENSUS" http -q --runs 1 --timeout 2 -O json -o "$LAB_TMP/err.json" "$Q4:80" "[$Q6]:443" "$M4:81" "[$M6]:81" ||
    fail "http exited $? on unreachable targets"
t1=$(now)
python3 - "$LAB_TMP/err.json" "$t0" "$t1" "$Q4" "$Q6" <<'PY' || fail "silent/closed rows"
import json, sys
path, t0, t1, q4, q6 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
rows = [json.loads(l) for l in open(path)]
assert len(rows) == 8, len(rows)
elapsed = t1 - t0
assert 2.0 <= elapsed < 6.0, ("the command took %.2f s for a 2 s timeout" % elapsed)
for r in rows:
    where = "%s:%s %s" % (r["target"], r["port"], r["transport"])
    assert r["connect_ms"] is None and r["mptcp_active"] is None and r["fallback"] is None, where
    assert r["http_status"] is None and r["bytes"] == 0, where
    if r["target"] in (q4, q6):
        assert r["error"].startswith("timeout: "), (where, r["error"])
        assert 2000 <= r["total_ms"] < 2600, (where, r["total_ms"])
    else:
        assert r["error"].startswith("refused: "), (where, r["error"])
        assert r["total_ms"] < 1000, (where, r["total_ms"])
print("silent: timeout rows at %.0f ms; closed: refused rows; command took %.2f s" %
      (max(r["total_ms"] for r in rows), elapsed))
PY
ok "silent target: error row after --timeout; closed port: refused"

# ---- MPTCP disabled in the vantage namespace: a clear error, nothing labelled mptcp
V sysctl -qw net.mptcp.enabled=0
V "$MPCENSUS" http -q --runs 1 -o "$LAB_TMP/off.csv" "$M4" "$M6" 2>"$LAB_TMP/off.err"
rc=$?
cat "$LAB_TMP/off.err"
[ $rc -eq 1 ] || fail "exit $rc with net.mptcp.enabled=0 (expected 1)"
grep -q "refuses MPTCP sockets" "$LAB_TMP/off.err" && grep -q "net.mptcp.enabled=0" "$LAB_TMP/off.err" ||
    fail "no clear error with net.mptcp.enabled=0"
[ ! -s "$LAB_TMP/off.csv" ] || fail "records written with MPTCP disabled: $(cat "$LAB_TMP/off.csv")"
V "$MPCENSUS" http -q --runs 1 --transport tcp -o "$LAB_TMP/tcponly.csv" "$M4" "$M6" || fail "--transport tcp with MPTCP off"
python3 - "$LAB_TMP/tcponly.csv" <<'PY' || fail "tcp-only rows"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 2 and all(r["transport"] == "tcp" and r["error"] == "" and r["mptcp_active"] == "0" for r in rows), rows
PY
V sysctl -qw net.mptcp.enabled=1
ok "net.mptcp.enabled=0: exit 1 with a clear error and no records; --transport tcp still times TCP"

# ---- SIGINT once: no new runs, the ones in flight finish, whole records, exit 1
ip netns exec "$VANTAGE_NS" "$MPCENSUS" http --runs 100 -p 80,443 -r 20 --timeout 5 --path /1m.bin -O json -o "$LAB_TMP/int1.json" "$D4" "$D6" 2>"$LAB_TMP/int1.err" &
pid=$!
sleep 1.5
kill -INT $pid
t0=$(now)
wait $pid
rc=$?
t1=$(now)
cat "$LAB_TMP/int1.err"
[ $rc -eq 1 ] || fail "exit $rc after SIGINT (expected 1)"
python3 - "$LAB_TMP/int1.json" "$t0" "$t1" <<'PY' || fail "records after one SIGINT"
import json, sys
from collections import Counter
text = open(sys.argv[1]).read()
assert text.endswith("\n"), "last record not whole"
rows = [json.loads(l) for l in text.splitlines()]
assert 4 <= len(rows) < 400, len(rows)
assert all(r["error"] is None for r in rows), [r["error"] for r in rows if r["error"]]
pairs = Counter((r["target"], r["port"], r["run"]) for r in rows)
assert all(n == 2 for n in pairs.values()), "a run's twin is missing: in-flight runs must finish"
assert float(sys.argv[3]) - float(sys.argv[2]) < 5.0, "SIGINT did not stop the run"
print("%d whole records, every started run finished with both transfers" % len(rows))
PY
ok "one SIGINT: in-flight runs finish, only whole records, exit 1"

# ---- SIGINT twice: in-flight transfers aborted, recorded as interrupted (CSV this time)
ip netns exec "$VANTAGE_NS" "$MPCENSUS" http --runs 3 -r 0 --timeout 60 -o "$LAB_TMP/int2.csv" "$Q4" "$Q6" "$M4" 2>"$LAB_TMP/int2.err" &
pid=$!
sleep 1.5
kill -INT $pid
sleep 0.5
kill -INT $pid
t0=$(now)
wait $pid
rc=$?
t1=$(now)
cat "$LAB_TMP/int2.err"
[ $rc -eq 1 ] || fail "exit $rc after two SIGINTs"
"$MPCENSUS" http --list-output-fields >"$LAB_TMP/fields" || fail "--list-output-fields"
python3 - "$LAB_TMP/int2.csv" "$LAB_TMP/fields" "$t0" "$t1" "$Q4" "$Q6" <<'PY' || fail "records after two SIGINTs"
import csv, sys
path, fields, t0, t1, q4, q6 = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), sys.argv[5], sys.argv[6]
text = open(path).read()
assert text.endswith("\n")
rows = list(csv.reader(text.splitlines()))
header, body = rows[0], rows[1:]
assert header == open(fields).read().strip().split(","), header
assert all(len(r) == len(header) for r in body)
recs = [dict(zip(header, r)) for r in body]
silent = [r for r in recs if r["target"] in (q4, q6)]
assert len(silent) == 4 and all(r["error"].startswith("interrupted: ") for r in silent), silent
assert t1 - t0 < 3.0, "second SIGINT did not abort at once (%.1f s)" % (t1 - t0)
print("%d whole CSV records; the silent targets' transfers recorded as interrupted" % len(recs))
PY
ok "two SIGINTs: in-flight transfers aborted and recorded as interrupted, whole CSV records"

# ---- a path dropping MP_CAPABLE SYNs: the kernel retries without MPTCP after its SYN retransmissions (seconds
# later), then detects a blackhole and sends the namespace's next MPTCP connections as TCP: http says so
X4=$(first_of web-drop 4)
retrans=$(V cat /proc/sys/net/mptcp/syn_retrans_before_tcp_fallback)
vcount() { V nstat -asz "$1" | awk -v n="$1" '$1 == n { print $2 }'; }
drop0=$(vcount MPTcpExtMPCapableSYNTXDrop)
V "$MPCENSUS" http --runs 1 -p 80 --timeout 15 -O json -o "$LAB_TMP/drop.json" "$X4" 2>"$LAB_TMP/drop.err" ||
    { cat "$LAB_TMP/drop.err"; fail "http on the dropping path"; }
drop1=$(vcount MPTcpExtMPCapableSYNTXDrop)
[ $((drop1 - drop0)) -eq 1 ] || fail "vantage kernel counted $((drop1 - drop0)) SYN retries without MP_CAPABLE"
grep -q " 1 connections retried without MP_CAPABLE" "$LAB_TMP/drop.err" || fail "summary lacks the retry: $(cat "$LAB_TMP/drop.err")"
python3 - "$LAB_TMP/drop.json" "$retrans" <<'PY' || fail "dropping path rows"
import json, sys
rows = {r["transport"]: r for r in map(json.loads, open(sys.argv[1]))}
# SYN at 0 s, retransmissions after 1, 2, 4 ... s: the plain SYN leaves 2^N - 1 s after the first
expect = (2 ** int(sys.argv[2]) - 1) * 1000.0
m, t = rows["mptcp"], rows["tcp"]
assert m["error"] is None and m["fallback"] is True and m["mptcp_active"] is False, m
assert expect <= m["connect_ms"] < expect + 1000, (m["connect_ms"], expect)
assert t["error"] is None and t["connect_ms"] < 1000, t
print("MPTCP connect %.0f ms (kernel retry after %s SYN retransmissions: %.0f ms), TCP twin %.3f ms"
      % (m["connect_ms"], sys.argv[2], expect, t["connect_ms"]))
PY
dis0=$(vcount MPTcpExtMPCapableSYNTXDisabled)
V "$MPCENSUS" http -q --runs 1 -p 80 --transport mptcp -O json -o "$LAB_TMP/after.json" "$M4" 2>"$LAB_TMP/after.err" ||
    fail "http after the blackhole"
dis1=$(vcount MPTcpExtMPCapableSYNTXDisabled)
cat "$LAB_TMP/after.err"
[ $((dis1 - dis0)) -eq 1 ] || fail "vantage kernel disabled MPTCP for $((dis1 - dis0)) connections, expected 1"
grep -q "sent 1 MPTCP connections as plain TCP because it had detected an MPTCP blackhole" "$LAB_TMP/after.err" ||
    fail "no blackhole warning"
grep -q '"fallback":true' "$LAB_TMP/after.json" || fail "the disabled connection is not a fallback"
ok "MP_CAPABLE SYNs dropped: MPTCP seconds slower, then the kernel's blackhole fallback is reported as ours"
# the same two paths traced: what `mpcensus trace` sees equals `lab truth --trace` (drop-mptcp silences the MP_CAPABLE
# SYN after the last core router, the delay box is invisible to a tracer); the scan truth calls drop-mptcp silent
X6=$(first_of web-drop 6)
V "$MPCENSUS" trace -q -p 80 --mptcp-version 1 -O csv -o "$LAB_TMP/trace.csv" "$X4" "$X6" "$D4" "$D6" ||
    fail "trace of the drop and delay paths"
"$MPCENSUS" lab truth "$SPEC" --trace --ports 80 --mptcp-version 1 >"$LAB_TMP/ttruth.csv" || fail "lab truth --trace"
"$MPCENSUS" lab truth "$SPEC" --ports 80 --mptcp-version 1 >"$LAB_TMP/struth.csv" || fail "lab truth"
python3 - "$LAB_TMP" "$X4,$X6" "$D4,$D6" <<'PY' || fail "trace vs lab truth on the drop and delay paths"
import csv, sys
t, drop, delay = sys.argv[1], set(sys.argv[2].split(",")), set(sys.argv[3].split(","))
got = {r["target"]: r for r in csv.DictReader(open(t + "/trace.csv"))}
truth = {r["daddr"]: r for r in csv.DictReader(open(t + "/ttruth.csv")) if r["daddr"] in got}
scan = {r["daddr"]: r["verdict"] for r in csv.DictReader(open(t + "/struth.csv")) if r["daddr"] in got}
assert set(got) == drop | delay == set(truth), (sorted(got), sorted(truth))
for a, r in got.items():
    want = "unreachable" if a in drop else "mptcp"
    assert truth[a]["class"] == want and r["class"] == want, (a, r["class"], truth[a]["class"], want)
    assert (r["dest_hops"] or "") == truth[a]["dest_hops"], (a, r["dest_hops"], truth[a]["dest_hops"])
    assert scan[a] == ("silent" if a in drop else "mptcp"), (a, scan[a])
print("trace = lab truth --trace: drop-mptcp unreachable, delay:20 mptcp at %s hops" % truth[sorted(delay)[0]]["dest_hops"])
PY
ok "drop-mptcp and delay paths traced as lab truth --trace says (v4, v6)"

# ---- usage errors
for args in "not-an-address" "--verdict mptcp 198.18.0.1" "--path x 198.18.0.1" "--runs 0 198.18.0.1" "" \
    "-O xml 198.18.0.1" "--output-fields nope 198.18.0.1" "--timeout 0 198.18.0.1"; do
    # shellcheck disable=SC2086
    "$MPCENSUS" http $args >/dev/null 2>"$LAB_TMP/usage.err"
    rc=$?
    [ $rc -eq 2 ] || fail "'http $args' exited $rc, expected 2 ($(cat "$LAB_TMP/usage.err"))"
    grep -q "mpcensus http" "$LAB_TMP/usage.err" || fail "'http $args': no message"
done
ok "usage errors exit 2 with a message"
lab_down_and_check
