#!/bin/sh
# http_lab_paths.sh — `mpcensus http` on the lab's paths, IPv4 and IPv6: a 20 ms delay box shows in connect_ms (against ping and curl), a host announcing a second address gives add_addr (its kernel's signal endpoints) and, once the client's path manager accepts them, extra subflows the host's kernel counts.
set -u
cd "$(dirname "$0")/../.." || exit 1
. lab/testlib.sh
for tool in nginx mptcpize nstat curl ping; do
    command -v "$tool" >/dev/null 2>&1 || skip "$tool not installed"
done
lab_up_spec lab/http.spec
D4=$(first_of web-delay 4); D6=$(first_of web-delay 6)
A4=$(first_of web-announce 4); A6=$(first_of web-announce 6)
H_ANNOUNCE="$LAB_NAME-h2"
DELAY_MS=20   # lab/http.spec: profile web-delay mbox=delay:20

# ---- delay: the added 20 ms round trip is in connect_ms, as ping and curl see it
for d in "$D4" "$D6"; do
    ip netns exec "$VANTAGE_NS" ping -n -c 5 -i 0.2 -W 2 "$d" | sed -n 's/.*time=\([0-9.]*\) ms/\1/p' >"$LAB_TMP/ping-$d"
    for _ in 1 2 3; do
        u=$d; case $d in *:*) u="[$d]" ;; esac
        ip netns exec "$VANTAGE_NS" curl -s -o /dev/null --max-time 5 -w '%{time_connect}\n' "http://$u/"
    done >"$LAB_TMP/curl-$d"
done
ip netns exec "$VANTAGE_NS" "$MPCENSUS" http -q --runs 7 -p 80 --timeout 5 -O json -o "$LAB_TMP/delay.json" "$D4" "$D6" ||
    fail "http on the delay path"
python3 - "$LAB_TMP" "$DELAY_MS" "$D4" "$D6" <<'PY' || fail "delay"
import json, statistics, sys
tmp, delay = sys.argv[1], float(sys.argv[2])
rows = [json.loads(l) for l in open(tmp + "/delay.json")]
for d in sys.argv[3:]:
    ping = statistics.median(float(x) for x in open("%s/ping-%s" % (tmp, d)))
    curl = statistics.median(float(x) * 1000 for x in open("%s/curl-%s" % (tmp, d)))
    for tr in ("mptcp", "tcp"):
        c = [r["connect_ms"] for r in rows if r["target"] == d and r["transport"] == tr and r["error"] is None]
        assert len(c) == 7, (d, tr, c)
        med = statistics.median(c)
        print("%s %s: connect_ms median %.3f (runs %s), ping %.3f ms, curl %.3f ms" % (d, tr, med, c, ping, curl))
        assert abs(med - delay) <= 0.1 * delay, ("connect_ms not within 10 %% of the %g ms delay" % delay, med)
        assert abs(med - ping) <= 0.1 * ping, ("connect_ms not within 10 % of ping's RTT", med, ping)
        assert abs(med - curl) <= 0.1 * curl, ("connect_ms not within 10 % of curl's time_connect", med, curl)
    ttfb = statistics.median(r["ttfb_ms"] for r in rows if r["target"] == d)
    assert ttfb >= 2 * delay * 0.9, ("the GET's round trip is delayed too", ttfb)
PY
ok "delay:20 shows in connect_ms within 10 % (and agrees with ping and curl), ttfb = 2 round trips"

# ---- announce: add_addr = the host's signal endpoints, whether or not our path manager accepts them
ip -n "$H_ANNOUNCE" mptcp endpoint show | awk '/signal/ {print $1}' | sort >"$LAB_TMP/endpoints"
[ "$(wc -l <"$LAB_TMP/endpoints")" -eq 2 ] || fail "announce host has endpoints: $(cat "$LAB_TMP/endpoints")"
ip netns exec "$VANTAGE_NS" ip mptcp limits set subflows 0 add_addr_accepted 0
ip netns exec "$VANTAGE_NS" "$MPCENSUS" http -q --runs 2 -p 80,443 --transport mptcp --linger 0.2 -O json -o "$LAB_TMP/ann0.json" \
    "$A4" "$A6" || fail "http to the announcing host"
counter() { ip netns exec "$1" nstat -asz "$2" | awk -v n="$2" '$1 == n { print $2 }'; }
join0=$(counter "$H_ANNOUNCE" MPTcpExtMPJoinAckRx)
ip netns exec "$VANTAGE_NS" ip mptcp limits set subflows 4 add_addr_accepted 4
ip netns exec "$VANTAGE_NS" "$MPCENSUS" http -q --runs 2 -p 80,443 --transport mptcp --linger 0.2 -O json -o "$LAB_TMP/ann1.json" \
    --path /100k.bin "$A4" "$A6" || fail "http to the announcing host, limits raised"
join1=$(counter "$H_ANNOUNCE" MPTcpExtMPJoinAckRx)
python3 - "$LAB_TMP" $((join1 - join0)) <<'PY' || fail "announce"
import json, sys
tmp, joins = sys.argv[1], int(sys.argv[2])
endpoints = sorted(open(tmp + "/endpoints").read().split())
for name, accepting in (("ann0", False), ("ann1", True)):
    rows = [json.loads(l) for l in open("%s/%s.json" % (tmp, name))]
    assert len(rows) == 8, len(rows)
    for r in rows:
        where = "%s %s:%s run %s" % (name, r["target"], r["port"], r["run"])
        assert r["error"] is None and r["mptcp_active"] is True, (where, r["error"])
        assert r["add_addr"] == 2 and sorted(r["announced"]) == endpoints, (where, r["announced"], endpoints)
        assert r["add_addr_complete"] is True, where
        remotes = {p["remote"].rsplit(":", 1)[0].strip("[]") for p in r["paths"]}
        if not accepting:
            assert r["add_addr_accepted"] == 0 and r["subflows"] == 1 and len(r["paths"]) == 1, (where, r["paths"])
        else:
            # a subflow to the announced address of the connection's own family at least
            same = [a for a in endpoints if (":" in a) == (":" in r["target"])]
            assert r["add_addr_accepted"] >= 1 and r["subflows"] >= 2, (where, r["subflows"], r["paths"])
            assert set(same) <= remotes, (where, same, remotes)
    if accepting:
        assert joins >= len(rows), ("the host's kernel established %d joins for %d connections" % (joins, len(rows)))
print("add_addr 2 = the host's signal endpoints %s; with limits raised every connection joined them (%d joins)"
      % (endpoints, joins))
PY
ok "announcing host: add_addr 2 without accepting, extra subflows (host counted MP_JOINs) with limits raised"
lab_down_and_check
