# demo-stages.sh — the stages of the longitudinal demo (scan, trace, http, passive), sourced by scripts/demo.sh.
# Each stage works on the lab whose state is loaded ($VANTAGE_NS ...), writes its files under $WORK/mM/ and
# imports them into $DB dated the first day of the month's calendar name ($CAL). Needs from the driver: MPCENSUS SPEC DB WORK
# RATE COOLDOWN TRACE_RATE HTTP_SAMPLE HTTP_RUNS PASSIVE_SAMPLE, and the functions say / elapsed / now.

# in_vantage CMD...: runs CMD in the vantage namespace of the lab that is up.
in_vantage() { ip netns exec "$VANTAGE_NS" "$@"; }

# import_quiet FILE...: archive import with the month's calendar name; the import's own summary only on failure.
import_quiet() {
    "$MPCENSUS" archive import -q --db "$DB" --date "$CAL-01" --label lab "$@" 2>"$D/import.err" ||
        { cat "$D/import.err"; return 1; }
}

# probe_ports scan|trace 0|1: the source ports of one probing stage. A host's kernel keeps the request of a
# SYN-ACK that never got an answer for about a minute; a later SYN on the same 4-tuple with another sequence
# number is then not answered with a SYN-ACK for it (Linux tcp_check_req), and the probe looks silent: a v1
# scan of study-small from the one source port a v0 scan had used a second before got 593 of 1,302 replies (all
# 1,302 from another port). With random source ports in one shared range, the small study lost one verdict in
# about every third run that way, so each stage has ports of its own, all below the HTTP client's CLIENT_PORTS.
probe_ports() {
    case "$1$2" in
    scan0) echo 20000-29999 ;; scan1) echo 30000-39999 ;; trace0) echo 40000-49999 ;; trace1) echo 50000-60999 ;;
    esac
}

# stage_scan: v0 and v1 MP_CAPABLE scans on ports 80 and 443, IPv4 prefixes + IPv6 hitlist; both imported.
stage_scan() {
    for v in 0 1; do
        t=$(now)
        # shellcheck disable=SC2086
        in_vantage "$MPCENSUS" scan -q -i "$VANTAGE_IF" -S "$VANTAGE_V4,$VANTAGE_V6" -G "$GATEWAY_MAC" \
            -b "$BLOCKLIST" -p 80,443 --mptcp-version $v -s "$(probe_ports scan $v)" -r "$RATE" -P "$PROBES" -c "$COOLDOWN" -o "$D/scan-v$v.csv" \
            --ipv6-targets "$HITLIST6" $PREFIXES_V4 2>"$D/scan-v$v.err" || { cat "$D/scan-v$v.err"; return 1; }
        import_quiet --probe-version $v "$D/scan-v$v.csv" || return 1
        sent=$(sed -n 's/^summary: targets \([0-9]*\).*/\1/p' "$D/scan-v$v.err")
        mptcp=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "verdict") c = i; next } $c == "mptcp" { n++ } END { print n + 0 }' "$D/scan-v$v.csv")
        drops=$(sed -n 's/.* \([0-9]*\) kernel drops.*/\1/p' "$D/scan-v$v.err")
        say "  scan v$v: $(($(wc -l <"$D/scan-v$v.csv") - 1)) of ${sent:-?} targets answered, $PROBES SYNs each (${mptcp} mptcp, ${drops:-?} kernel drops), $(elapsed "$t") s at -r $RATE, imported"
    done
}

# stage_trace: the scans' mptcp and mirrored candidates traced with the same probe version; both imported.
stage_trace() {
    for v in 0 1; do
        t=$(now)
        in_vantage "$MPCENSUS" trace -q -f "$D/scan-v$v.csv" --verdict mptcp,mirrored --mptcp-version $v \
            -s "$(probe_ports trace $v)" -r "$TRACE_RATE" -o "$D/trace-v$v.json" 2>"$D/trace-v$v.err" || { cat "$D/trace-v$v.err"; return 1; }
        import_quiet "$D/trace-v$v.json" || return 1
        say "  trace v$v: $(wc -l <"$D/trace-v$v.json") candidates, $(python3 -c '
import json, sys
from collections import Counter
c = Counter(json.loads(l)["class"] for l in open(sys.argv[1]) if l.strip())
print(", ".join("%s %d" % kv for kv in sorted(c.items())))' "$D/trace-v$v.json"), $(elapsed "$t") s at -r $TRACE_RATE, imported"
    done
}

# web_targets N [CLASSES]: CSV target,port,class of up to N addresses per web profile of this month (the lab's
# nginx hosts are the demo's list of web sites), each on ports 80 and 443; the class is the address's v1 trace
# class on that port when the month was traced, else `untraced`.
web_targets() {
    "$MPCENSUS" lab truth "$SPEC" --month "$MONTH" --ports 80,443 --mptcp-version 1 --with-profile >"$D/web-truth.csv" || return 1
    python3 - "$D/web-truth.csv" "$1" "$D/trace-v1.json" <<'PY'
import csv, json, os, sys
truth, n, trace_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
cls = {}
if os.path.exists(trace_path):
    for l in open(trace_path):
        if l.strip():
            j = json.loads(l)
            cls[(j["target"], str(j["port"]))] = j["class"]
taken, out = {}, csv.writer(sys.stdout, lineterminator="\n")  # plain lines, for the awk below
out.writerow(["target", "port", "class"])
for r in csv.DictReader(open(truth)):
    p = r["profile"]
    if not p.startswith("web-") or p == "web-v1":
        continue
    key = (p, r["dport"])
    if taken.get(key, 0) >= n:
        continue
    taken[key] = taken.get(key, 0) + 1
    out.writerow([r["daddr"], r["dport"], cls.get((r["daddr"], r["dport"]), "untraced")])
PY
}

# The HTTP client's connections leave from CLIENT_PORTS (the vantage's ip_local_port_range, set by
# stage_http_passive), above the scan's and trace's source ports (probe_ports): the capture keeps only the
# client's traffic, not the SYN-ACKs the hosts still retransmit for the stateless probes.
CLIENT_PORTS=61001-65535

# capture_start / capture_stop: tcpdump on the vantage interface (the passive vantage point of the month).
capture_start() {
    in_vantage tcpdump -Z root --immediate-mode -B 16384 -U -n -s 256 -i "$VANTAGE_IF" -w "$D/passive.pcap" \
        "tcp and (src portrange $CLIENT_PORTS or dst portrange $CLIENT_PORTS)" 2>"$D/tcpdump.err" &
    TCPDUMP_PID=$!
    tcpdump_wait_listening "$D/tcpdump.err" && return 0
    cat "$D/tcpdump.err"
    return 1
}
capture_stop() {
    tcpdump_stop_settled "$D/passive.pcap" "$TCPDUMP_PID" 0.25
    TCPDUMP_PID=
}

# stage_http_passive TIMING: HTTP(S) transfers over MPTCP and TCP to the lab's web servers, captured at the
# vantage and analysed with `mpcensus pcap` (the month's passive trace, imported). With TIMING=1 (the last
# month) the transfers are the timing sample — HTTP_SAMPLE targets per web profile and port, HTTP_RUNS runs,
# labelled by trace class — and the http records are imported too.
stage_http_passive() {
    t=$(now)
    if [ "$1" = 1 ]; then n=$HTTP_SAMPLE runs=$HTTP_RUNS; else n=$PASSIVE_SAMPLE runs=1; fi
    web_targets "$n" >"$D/web.csv" || return 1
    # the MPTCP connections the capture must hold: every run's MPTCP transfer to an MPTCP web server
    # (web-mptcp, web-announce, web-delay: clean paths); web-tcp and web-mirror (plain nginx behind a mirror,
    # whose 4-byte echo no kernel takes for a v1 SYN-ACK's MP_CAPABLE) transfers fall back to TCP
    python3 - "$D/web-truth.csv" "$D/web.csv" "$runs" >"$D/passive-truth.txt" <<'PY'
import csv, sys
prof = {(r["daddr"], r["dport"]): r["profile"] for r in csv.DictReader(open(sys.argv[1]))}
rows = list(csv.DictReader(open(sys.argv[2])))
print(sum(int(sys.argv[3]) for r in rows if prof[(r["target"], r["port"])] in ("web-mptcp", "web-announce", "web-delay")))
PY
    in_vantage sysctl -qw net.ipv4.ip_local_port_range="${CLIENT_PORTS%-*} ${CLIENT_PORTS#*-}" || return 1
    capture_start || return 1
    in_vantage "$MPCENSUS" http -I "$D/web.csv" --runs "$runs" -r 200 --timeout 5 \
        -o "$D/http.csv" --summary "$D/http-summary.csv" 2>"$D/http.err"
    rc=$?
    capture_stop
    [ $rc = 0 ] || { grep -v '^[0-9]*:[0-9][0-9] ' "$D/http.err"; return 1; }
    "$MPCENSUS" pcap -m 1 -o "$D/passive.json" "$D/passive.pcap" 2>"$D/pcap.err" || { cat "$D/pcap.err"; return 1; }
    import_quiet "$D/passive.json" || return 1
    runs_done=$(($(wc -l <"$D/http.csv") - 1))
    if [ "$1" = 1 ]; then
        import_quiet "$D/http.csv" || return 1
        what="timing sample $(($(wc -l <"$D/web.csv") - 1)) targets x $runs runs ($(awk -F, 'NR > 1 { c[$3]++ } END { for (k in c) { printf "%s%s %d", s, k, c[k]; s = ", " } }' "$D/web.csv")), $runs_done transfers imported"
    else
        what="$runs_done transfers"
    fi
    say "  http + passive: $what; capture $(python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))["traces"][0]
print("%d packets, %d TCP flows, %d MPTCP connections, MPTCP share %.0f %% of flows, %.0f %% of bytes" % (
    t["packets"], t["tcp_flows"], t["mptcp_connections"], 100 * t["flow_share"], 100 * t["byte_share"]))' "$D/passive.json"), $(elapsed "$t") s, imported"
    echo "$CAL $(cat "$D/passive-truth.txt")" >>"$WORK/passive-truth.txt"
}
