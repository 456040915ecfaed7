#!/bin/sh
# http.sh — benchmark of `mpcensus http` against curl in one run on lab/http-bench.spec: timings against `mptcpize run curl -w` and `curl -w` on the same targets (interleaved), and requests/s with >= 200 targets in flight against a loop of curl processes.
# Not part of `make check`. Run as root: bench/http.sh
#   env: RUNS=15 (rounds of the timing comparison), TIMING_TARGETS=6 (of each kind: no delay / 10 ms delay),
#        LOAD_TARGETS=256 (IPv4 addresses timed at once; x 2 ports x 2 transports connections), LOOP=200
#        (curl processes in the sequential loop), PARALLEL=64 (xargs -P curl processes).
# Everything runs inside the lab's namespaces; the lab is removed on exit.
set -u
cd "$(dirname "$0")/.." || exit 1
MPCENSUS="${MPCENSUS_REL:-$PWD/build/mpcensus}"
RUNS="${RUNS:-15}"
TIMING_TARGETS="${TIMING_TARGETS:-6}"
LOAD_TARGETS="${LOAD_TARGETS:-256}"
LOOP="${LOOP:-200}"
PARALLEL="${PARALLEL:-64}"
[ "$(id -u)" = 0 ] || { echo "bench/http.sh: needs root"; exit 1; }
for tool in curl mptcpize nginx python3; do
    command -v "$tool" >/dev/null || { echo "bench/http.sh: $tool not installed"; exit 1; }
done
[ -x "$MPCENSUS" ] || { echo "bench/http.sh: build $MPCENSUS first (make)"; exit 1; }
SPEC=lab/http-bench.spec
LAB="mphb$$"
T=$(mktemp -d /tmp/bench-http.XXXXXX)
cleanup() { "$MPCENSUS" lab down --name "$LAB" >/dev/null 2>&1; rm -rf "$T"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

"$MPCENSUS" lab up "$SPEC" --name "$LAB" >"$T/lab.env" 2>"$T/lab.err" || { cat "$T/lab.err"; exit 1; }
. "$T/lab.env"
V() { ip netns exec "$VANTAGE_NS" "$@"; }
"$MPCENSUS" lab truth "$SPEC" --ports 80 --mptcp-version 1 --with-profile >"$T/truth.csv"
awk -F, -v n="$TIMING_TARGETS" 'NR > 1 && $5 == "web" && $1 !~ /:/ && c++ < n { print $1 }' "$T/truth.csv" >"$T/plain.txt"
awk -F, -v n="$TIMING_TARGETS" 'NR > 1 && $5 == "delay10" && c++ < n { print $1 }' "$T/truth.csv" >"$T/delay.txt"
cat "$T/plain.txt" "$T/delay.txt" >"$T/timing.txt"
awk -F, -v n="$LOAD_TARGETS" 'NR > 1 && $5 == "web" && $1 !~ /:/ && c++ < n { print $1 }' "$T/truth.csv" >"$T/load.txt"
echo "lab $LAB: $(wc -l <"$T/plain.txt") + $(wc -l <"$T/delay.txt") timing targets (no delay / 10 ms), $(wc -l <"$T/load.txt") load targets"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); every figure below comes from this one run"

# ---- 1. timings: rounds interleave the tools, so load drift hits them alike. Here mpcensus times one
# transfer at a time (--transport mptcp, then tcp, --concurrency 1) as curl does; its default twin runs are
# compared in README. A curl process's first TLS handshake also pays OpenSSL's one-time setup, which
# mpcensus pays once per run: "warm" curl first fetches the same address under another host name
# (--connect-to, so a second connection without session reuse) and only its second fetch counts;
# "cold" is one fetch per process.
W='%{time_connect} %{time_appconnect} %{time_starttransfer} %{time_total}\n'
curl_fetch() {   # curl_fetch LABEL SCHEME ADDR cold|warm [mptcpize]
    wrap=""
    [ "${5:-}" = mptcpize ] && wrap="mptcpize run"
    port=80
    [ "$2" = https ] && port=443
    if [ "$4" = warm ]; then
        # shellcheck disable=SC2086
        V $wrap curl -sk --http1.1 --max-time 10 --connect-to "warm.invalid:$port:$3:$port" -o /dev/null -o /dev/null \
            -w "warm-$1 %{url_effective} $W" "$2://warm.invalid/" "$2://$3/" | sed -n 2p
    else
        # shellcheck disable=SC2086
        V $wrap curl -sk --http1.1 --max-time 10 -o /dev/null -w "cold-$1 %{url_effective} $W" "$2://$3/"
    fi
}
: >"$T/curl.txt"
: >"$T/ours.json"
for round in $(seq "$RUNS"); do
    for a in $(cat "$T/timing.txt"); do
        for scheme in http https; do
            for warmth in cold warm; do
                curl_fetch mptcp "$scheme" "$a" "$warmth" mptcpize >>"$T/curl.txt"
                curl_fetch tcp "$scheme" "$a" "$warmth" >>"$T/curl.txt"
            done
        done
    done
    for tr in mptcp tcp; do
        # shellcheck disable=SC2046
        V "$MPCENSUS" http -q --runs 1 -p 80,443 -r 0 --transport "$tr" --concurrency 1 --timeout 10 -O json \
            $(cat "$T/timing.txt") >>"$T/ours.json" || { echo "mpcensus http failed"; exit 1; }
    done
done

# ---- 2. throughput: LOAD_TARGETS x (80, 443) x (mptcp, tcp) connections at once
start=$(date +%s.%N)
# shellcheck disable=SC2046
# (peak RSS by /usr/bin/time: the memory of every transfer in flight at once)
V /usr/bin/time -f %M -o "$T/load.rss" "$MPCENSUS" http -q --runs 1 -p 80,443 -r 0 --concurrency 4096 --timeout 20 \
    -O json $(cat "$T/load.txt") >"$T/load.json" || { echo "mpcensus http (load) failed"; exit 1; }
end=$(date +%s.%N)
# the same process with one transfer pair: the base the per-transfer figure is taken above
V /usr/bin/time -f %M -o "$T/one.rss" "$MPCENSUS" http -q --runs 1 -p 443 -r 0 --timeout 20 -O json \
    "$(head -n 1 "$T/load.txt")" >/dev/null || { echo "mpcensus http (one target) failed"; exit 1; }
# the peers fetch the same mix (HTTP and HTTPS), one process per request, no connection reuse
sed 's|.*|http://&/\nhttps://&/|' "$T/load.txt" >"$T/load-urls.txt"
head -n "$LOOP" "$T/load-urls.txt" >"$T/loop-urls.txt"
lstart=$(date +%s.%N)
for u in $(cat "$T/loop-urls.txt"); do
    V curl -sk --http1.1 -o /dev/null --max-time 10 "$u"
done
lend=$(date +%s.%N)
pstart=$(date +%s.%N)
V xargs -P "$PARALLEL" -n 1 curl -sk --http1.1 -o /dev/null --max-time 10 <"$T/load-urls.txt"
pend=$(date +%s.%N)

python3 - "$T" "$start" "$end" "$lstart" "$lend" "$pstart" "$pend" "$LOOP" "$PARALLEL" <<'PY'
import json, statistics, sys
from collections import defaultdict
t = sys.argv[1]
start, end, lstart, lend, pstart, pend = map(float, sys.argv[2:8])
loop, parallel = int(sys.argv[8]), int(sys.argv[9])

# curl: (warm|cold) -> metric -> (transport, scheme, addr) -> [ms]
metrics = ["connect", "appconnect", "starttransfer", "total"]
curl = {w: defaultdict(lambda: defaultdict(list)) for w in ("warm", "cold")}
for line in open(t + "/curl.txt"):
    tr, url, *vals = line.split()
    warmth, tr = tr.split("-")
    scheme, rest = url.split("://")
    addr = rest.split("/")[0]
    for m, v in zip(metrics, vals):
        if m == "appconnect" and scheme == "http":
            continue
        curl[warmth][m][(tr, scheme, addr)].append(float(v) * 1000)
ours = defaultdict(lambda: defaultdict(list))
errors = 0
for line in open(t + "/ours.json"):
    r = json.loads(line)
    if r["error"]:
        errors += 1
        continue
    key = (r["transport"], r["scheme"], r["target"])
    ours["connect"][key].append(r["connect_ms"])
    if r["scheme"] == "https":
        ours["appconnect"][key].append(r["connect_ms"] + r["tls_ms"])
    ours["starttransfer"][key].append(r["ttfb_ms"])
    ours["total"][key].append(r["total_ms"])

delay = set(open(t + "/delay.txt").read().split())
def med_diff(ref, m, tr, sel):
    diffs = [abs(statistics.median(ours[m][k]) - statistics.median(ref[m][k]))
             for k in ours[m] if k[0] == tr and sel(k[2]) and ref[m].get(k)]
    return statistics.median(diffs), len(diffs)
def med_of(d, m, tr, sel):
    return statistics.median(statistics.median(v) for k, v in d[m].items() if k[0] == tr and sel(k[2]))
print()
print("1. timings: per (target, scheme, transport) the median of %s runs; median over targets of |mpcensus - curl|"
      % len(next(iter(ours["connect"].values()))))
print("   (mptcp: against 'mptcpize run curl', tcp: against curl; warm = a process's second fetch, cold = its first)")
print("%-20s %-6s | %-14s %-14s | %-14s %-14s | %s" % ("metric", "path", "warm mptcp", "warm tcp", "cold mptcp", "cold tcp",
                                                      "medians mptcp: ours / warm / cold"))
worst = 0.0
for m in metrics:
    for kind, sel in (("plain", lambda a: a not in delay), ("10ms", lambda a: a in delay)):
        cells = []
        for warmth in ("warm", "cold"):
            for tr in ("mptcp", "tcp"):
                d, n = med_diff(curl[warmth], m, tr, sel)
                if warmth == "warm":
                    worst = max(worst, d)
                cells.append("%7.3f ms (%d)" % (d, n))
        print("%-20s %-6s | %-14s %-14s | %-14s %-14s | %.3f / %.3f / %.3f" % (
            "time_" + m, kind, *cells, med_of(ours, m, "mptcp", sel), med_of(curl["warm"], m, "mptcp", sel),
            med_of(curl["cold"], m, "mptcp", sel)))
print("largest warm median |difference|: %.3f ms (goal < 0.5 ms); mpcensus errors: %d" % (worst, errors))

# ---- throughput and concurrency reached
rows = [json.loads(l) for l in open(t + "/load.json")]
ok = [r for r in rows if r["error"] is None]
ev = []
for r in rows:
    h, m, s = r["timestamp"][11:-1].split(":")
    t0 = int(h) * 3600 + int(m) * 60 + float(s)
    ev.append((t0, 1))
    ev.append((t0 + r["total_ms"] / 1000, -1))
peak = cur = 0
for _, d in sorted(ev):
    cur += d
    peak = max(peak, cur)
targets = len({r["target"] for r in rows})
ours_rps = len(rows) / (end - start)
loop_rps = loop / (lend - lstart)
par_rps = len(open(t + "/load-urls.txt").read().split()) / (pend - pstart)
print()
print("2. throughput: %d targets x 2 ports x 2 transports = %d transfers (%d ok, %d MPTCP-active), peak %d connections in flight"
      % (targets, len(rows), len(ok), sum(1 for r in rows if r["mptcp_active"]), peak))
print("   mpcensus http:           %8.1f requests/s (%.2f s wall clock, process start included)" % (ours_rps, end - start))
rss_kb = int(open(t + "/load.rss").read().split()[-1])
one_kb = int(open(t + "/one.rss").read().split()[-1])
print("   mpcensus http peak RSS:  %8.1f MB with %d transfers in flight, %.1f MB for one HTTPS pair: %.1f kB per transfer"
      % (rss_kb / 1024, peak, one_kb / 1024, (rss_kb - one_kb) / max(peak - 2, 1)))
print("   loop of %4d curl:        %8.1f requests/s   -> mpcensus %.1fx" % (loop, loop_rps, ours_rps / loop_rps))
print("   xargs -P %-3d curl (%d):  %8.1f requests/s   -> mpcensus %.1fx" % (parallel, len(open(t + "/load-urls.txt").read().split()), par_rps, ours_rps / par_rps))
PY
