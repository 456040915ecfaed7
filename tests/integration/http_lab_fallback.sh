#!/bin/sh
# http_lab_fallback.sh — `mpcensus http` against real nginx in the lab, IPv4 and IPv6, HTTP and HTTPS: MPTCP nginx stays MPTCP (the server kernel counts the MPTCP handshakes, nstat), plain nginx and a stripping path fall back; scan output as input chooses exactly the lab truth's MPTCP targets.
set -u
cd "$(dirname "$0")/../.." || exit 1
. lab/testlib.sh
for tool in nginx mptcpize nstat openssl; do
    command -v "$tool" >/dev/null 2>&1 || skip "$tool not installed"
done
lab_up_spec lab/http.spec

M4=$(first_of web-mptcp 4); M6=$(first_of web-mptcp 6)
T4=$(first_of web-tcp 4); T6=$(first_of web-tcp 6)
S4=$(first_of web-strip 4); S6=$(first_of web-strip 6)
[ -n "$M4" ] && [ -n "$M6" ] && [ -n "$T4" ] && [ -n "$T6" ] && [ -n "$S4" ] && [ -n "$S6" ] || fail "lab/http.spec lacks a profile address"
# host namespaces by profile position in lab/http.spec
H_MPTCP="$LAB_NAME-h0"; H_TCP="$LAB_NAME-h1"; H_STRIP="$LAB_NAME-h3"

counter() { ip netns exec "$1" nstat -asz "$2" | awk -v n="$2" '$1 == n { print $2 }'; }
ack0=$(counter "$H_MPTCP" MPTcpExtMPCapableACKRX)
syn_strip0=$(counter "$H_STRIP" MPTcpExtMPCapableSYNRX)

ip netns exec "$VANTAGE_NS" "$MPCENSUS" http --runs 3 -p 80,443 --timeout 5 -r 0 -O json -o "$LAB_TMP/runs.json" \
    --summary "$LAB_TMP/sum.json" "$M4" "$M6" "$T4" "$T6" "$S4" "$S6" 2>"$LAB_TMP/http.err" ||
    { cat "$LAB_TMP/http.err"; fail "http exited $?"; }
cat "$LAB_TMP/http.err"

ack1=$(counter "$H_MPTCP" MPTcpExtMPCapableACKRX)
syn_strip1=$(counter "$H_STRIP" MPTcpExtMPCapableSYNRX)
# 3 runs x 2 ports x 2 families of MPTCP transfers completed an MPTCP handshake there; the TCP twins did not
[ $((ack1 - ack0)) -eq 12 ] || fail "MPTCP nginx host counted $((ack1 - ack0)) MP_CAPABLE ACKs, expected 12"
ok "the MPTCP nginx host's kernel counted 12 MPTCP handshakes (MPTcpExtMPCapableACKRX)"
[ $((syn_strip1 - syn_strip0)) -eq 0 ] || fail "host behind strip saw $((syn_strip1 - syn_strip0)) MP_CAPABLE SYNs"
ok "the host behind the strip box saw no MP_CAPABLE SYN (MPTcpExtMPCapableSYNRX unchanged)"

page_bytes=$(stat -c %s "$NGINX_DIR/www/index.html")
python3 - "$LAB_TMP/runs.json" "$M4,$M6" "$T4,$T6,$S4,$S6" "$page_bytes" "$VANTAGE_V4" "$VANTAGE_V6" <<'PY' || fail "records"
import json, sys
from collections import Counter
path, mptcp_hosts, fallback_hosts, page, v4, v6 = sys.argv[1:]
mptcp_hosts, fallback_hosts, page = set(mptcp_hosts.split(",")), set(fallback_hosts.split(",")), int(page)
rows = [json.loads(l) for l in open(path)]
assert len(rows) == 6 * 2 * 3 * 2, len(rows)
runs = Counter((r["target"], r["port"], r["transport"]) for r in rows)
assert all(n == 3 for n in runs.values()) and len(runs) == 24, runs
for r in rows:
    where = "%s:%s %s run %s" % (r["target"], r["port"], r["transport"], r["run"])
    assert r["error"] is None, (where, r["error"])
    assert r["http_status"] == 200 and r["bytes"] == page, (where, r["http_status"], r["bytes"], page)
    assert r["local_addr"] == (v6 if ":" in r["target"] else v4), where
    assert r["connect_ms"] > 0 and r["ttfb_ms"] >= r["connect_ms"] and r["total_ms"] >= r["ttfb_ms"], where
    if r["scheme"] == "https":
        assert r["port"] == 443 and r["tls_ms"] > 0, (where, r["tls_ms"])
        assert "self-signed" in r["tls_verify"], (where, r["tls_verify"])
    else:
        assert r["tls_ms"] is None and r["tls_verify"] is None, where
    if r["transport"] == "tcp":
        assert r["mptcp_active"] is False and r["fallback"] is None and r["subflows"] == 1, where
        continue
    if r["target"] in mptcp_hosts:
        assert r["mptcp_active"] is True and r["mptcp_at_connect"] is True and r["fallback"] is False, where
        assert r["info_errno"] == "ok" and len(r["token"]) == 8 and r["subflows"] == 1, where
        assert r["paths"][0]["remote"].endswith(":%d" % r["port"]), (where, r["paths"])
    else:
        assert r["target"] in fallback_hosts, where
        assert r["mptcp_active"] is False and r["fallback"] is True and r["token"] is None, where
        # the kernel's answer to SOL_MPTCP after a fallback: the subflow's IP layer refuses the level
        want = "ENOPROTOOPT" if ":" in r["target"] else "EOPNOTSUPP"
        assert r["info_errno"] == want, (where, r["info_errno"])
print("%d records: MPTCP nginx active, plain nginx and strip fell back (EOPNOTSUPP v4 / ENOPROTOOPT v6)" % len(rows))
PY
ok "records: mptcp_active/fallback, tls_ms > 0 on HTTPS, body size, status 200"
python3 - "$LAB_TMP/sum.json" <<'PY' || fail "summary"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
# 6 addresses: 4 metrics on 443, 3 (no tls) on 80
assert len(rows) == 6 * (4 + 3), len(rows)
assert all(r["runs"] == 3 and r["errors"] == 0 for r in rows), rows[0]
assert all(r["port"] == 443 for r in rows if r["metric"] == "tls")
assert sum(r["mptcp_active"] for r in rows if r["metric"] == "total") == 12, rows
PY
ok "summary: one row per target and metric, every run paired"

# the records feed `archive import` as they are (format told by the header, month from the timestamps)
"$MPCENSUS" archive import --db "$LAB_TMP/a.db" "$LAB_TMP/runs.json" 2>"$LAB_TMP/import.err" ||
    { cat "$LAB_TMP/import.err"; fail "archive import of the http records"; }
want_month=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["timestamp"][:7])' "$LAB_TMP/runs.json")
grep -q "http (json), month $want_month, 72 rows, 0 bad" "$LAB_TMP/import.err" || fail "import: $(cat "$LAB_TMP/import.err")"
got=$(sqlite3 "$LAB_TMP/a.db" "SELECT count(*), sum(mptcp_active), sum(fallback), sum(tls_ms > 0), count(error) FROM http_rows")
[ "$got" = "72|12|24|36|0" ] || fail "archive http_rows: $got (want 72 rows, 12 MPTCP-active, 24 fallbacks, 36 HTTPS, 0 errors)"
ok "archive import takes the records: 72 rows, month $want_month from their timestamps, the same flags (sqlite3)"

# scan output as input: --verdict mptcp must choose exactly what the lab's truth calls mptcp
# shellcheck disable=SC2086
ip netns exec "$VANTAGE_NS" "$MPCENSUS" scan -q -i "$VANTAGE_IF" -S "$VANTAGE_V4,$VANTAGE_V6" -G "$GATEWAY_MAC" \
    -b "$BLOCKLIST" -p 80,443 --mptcp-version 1 -r 2000 -c 1 -o "$LAB_TMP/scan.csv" \
    --ipv6-targets "$HITLIST6" $PREFIXES_V4 2>"$LAB_TMP/scan.err" || { cat "$LAB_TMP/scan.err"; fail "scan"; }
"$MPCENSUS" lab truth "$SPEC" --ports 80,443 --mptcp-version 1 >"$LAB_TMP/truth.csv" || fail "lab truth"
ip netns exec "$VANTAGE_NS" "$MPCENSUS" http -q -I "$LAB_TMP/scan.csv" --verdict mptcp --runs 1 --timeout 5 -r 0 \
    --transport mptcp -o "$LAB_TMP/from-scan.csv" || fail "http -I scan.csv"
python3 - "$LAB_TMP/truth.csv" "$LAB_TMP/from-scan.csv" <<'PY' || fail "targets from scan output"
import csv, sys
truth = {(r["daddr"], r["dport"]) for r in csv.DictReader(open(sys.argv[1])) if r["verdict"] == "mptcp"}
rows = list(csv.DictReader(open(sys.argv[2])))
got = {(r["target"], r["port"]) for r in rows}
assert got == truth, (sorted(got ^ truth))
assert all(r["label"] == "mptcp" and r["mptcp_active"] == "1" for r in rows), rows[:2]
print("%d targets from the scan's mptcp rows = the lab truth's, all MPTCP-active" % len(got))
PY
ok "scan output with --verdict mptcp: the lab truth's MPTCP targets, all timed over MPTCP"

# TLS verification, IPv4 and IPv6, against curl's verdict on the same certificate, name and CA file:
# recorded but not enforced by default, enforced with --verify; --cacert adds the lab's certificate
for a in "$M4" "$M6"; do
    url_a=$a; case $a in *:*) url_a="[$a]" ;; esac
    # our flags | curl's flags (curl without -k) | the URL names the host or the address
    while IFS='|' read -r ours theirs name; do
        [ -n "$name" ] || continue
        if [ "$name" = host ]; then u="https://$NGINX_HOSTNAME/"; hostflag="--host $NGINX_HOSTNAME"
        else u="https://$url_a/"; hostflag=""; fi
        # shellcheck disable=SC2086
        got=$(ip netns exec "$VANTAGE_NS" "$MPCENSUS" http -q --runs 1 -p 443 --transport mptcp --timeout 5 -O json \
            --output-fields tls_verify,error,http_status $ours $hostflag "$a") || fail "http $ours $hostflag $a"
        # shellcheck disable=SC2086
        ip netns exec "$VANTAGE_NS" curl -s -o /dev/null --max-time 5 --connect-to "$NGINX_HOSTNAME:443:$url_a:443" \
            $theirs "$u"
        curl_rc=$?
        python3 - "$got" "$ours" "$curl_rc" <<'PY' || fail "TLS check: http $ours $hostflag $a gave $got, curl exit $curl_rc"
import json, sys
r, flags, curl_rc = json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3])
assert curl_rc in (0, 60), curl_rc          # curl: 0 verified, 60 certificate problem
trusted = curl_rc == 0
if "--verify" in flags:
    assert (r["error"] is None) == trusted and r["http_status"] == (200 if trusted else None), r
    assert trusted or r["error"].startswith("tls: "), r
else:                                       # default: measured anyway, the check only recorded
    assert r["error"] is None and r["http_status"] == 200, r
    assert (r["tls_verify"] == "ok") == trusted, r
PY
    done <<EOF
--cacert $NGINX_CERT|--cacert $NGINX_CERT|host
--cacert $NGINX_CERT|--cacert $NGINX_CERT|address
|--cacert $NGINX_CERT|address
--verify --cacert $NGINX_CERT|--cacert $NGINX_CERT|host
--verify --cacert $NGINX_CERT|--cacert $NGINX_CERT|address
--verify||host
EOF
done
ok "TLS verification (v4, v6): tls_verify ok exactly where curl trusts the certificate; --verify refuses where curl does"

nginx_dir=$NGINX_DIR
lab_down_and_check
pgrep -f "$nginx_dir" >/dev/null && fail "nginx still running after lab down: $(pgrep -af "$nginx_dir")"
[ ! -e "$nginx_dir" ] || fail "$nginx_dir left after lab down"
ok "lab down stopped every nginx and removed its files"
