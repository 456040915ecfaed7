#!/bin/sh
# demo-http.sh — the http part of `make demo`: times a sample of the traced lab hosts per trace class over MPTCP and TCP (twins started together) and prints the median MPTCP − TCP differences per class.
# Default: brings up lab/http.spec (real nginx over MPTCP and TCP, a stripping path, a 20 ms path, an announcing
# host, a path dropping MP_CAPABLE SYNs), scans it (MP_CAPABLE v1, ports 80 and 443), traces every host that
# answered (mpcensus trace, v1) and uses the trace class as the class.
# Reuse (e.g. by the longitudinal demo): HTTP_LAB_ENV=state file of a lab that is up, HTTP_INPUT=scan or trace
# records of it, HTTP_CLASS_FIELD=verdict|class (default class), HTTP_CLASSES=list (default: every class).
# Env: HTTP_SAMPLE=targets per class (default 12), HTTP_RUNS=runs per target (default 5).
set -u
cd "$(dirname "$0")/.." || exit 1
MPCENSUS="${MPCENSUS:-$PWD/build/mpcensus}"
SAMPLE="${HTTP_SAMPLE:-12}"
RUNS="${HTTP_RUNS:-5}"
FIELD="${HTTP_CLASS_FIELD:-class}"
TMP=$(mktemp -d /tmp/demo-http.XXXXXX)
NAME=
cleanup() { [ -n "$NAME" ] && "$MPCENSUS" lab down --name "$NAME" >/dev/null 2>&1; rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
[ "$(id -u)" = 0 ] || { echo "demo-http: needs root (network namespaces)"; exit 1; }

if [ -n "${HTTP_LAB_ENV:-}" ]; then
    . "$HTTP_LAB_ENV"
    INPUT="${HTTP_INPUT:?HTTP_INPUT must name the records to sample with HTTP_LAB_ENV}"
else
    NAME="mpcdemoh$$"
    "$MPCENSUS" lab up lab/http.spec --name "$NAME" >"$TMP/lab.env" 2>"$TMP/lab.err" || { cat "$TMP/lab.err"; exit 1; }
    . "$TMP/lab.env"
    echo "lab $NAME up (lab/http.spec): nginx over MPTCP and TCP, strip, delay:20, announce, drop-mptcp, silent; $PREFIXES_V4 $PREFIXES_V6"
    echo "\$ mpcensus scan -p 80,443 --mptcp-version 1 ... -o scan.csv"
    # shellcheck disable=SC2086
    ip netns exec "$VANTAGE_NS" "$MPCENSUS" scan -q -i "$VANTAGE_IF" -S "$VANTAGE_V4,$VANTAGE_V6" -G "$GATEWAY_MAC" \
        -b "$BLOCKLIST" -p 80,443 --mptcp-version 1 -r 5000 -c 1 -o "$TMP/scan.csv" \
        --ipv6-targets "$HITLIST6" $PREFIXES_V4 2>"$TMP/scan.err" || { cat "$TMP/scan.err"; exit 1; }
    echo "\$ mpcensus trace -f scan.csv --verdict mptcp,tcp --mptcp-version 1 -o trace.json   (the trace class is the class)"
    ip netns exec "$VANTAGE_NS" "$MPCENSUS" trace -q -f "$TMP/scan.csv" --verdict mptcp,tcp --mptcp-version 1 -r 5000 \
        -o "$TMP/trace.json" 2>"$TMP/trace.err" || { cat "$TMP/trace.err"; exit 1; }
    INPUT="$TMP/trace.json"
fi

# a sample of every class: the first SAMPLE rows of each (records are in reply order, which is random)
python3 - "$INPUT" "$FIELD" "$SAMPLE" "${HTTP_CLASSES:-}" >"$TMP/sample.csv" <<'PY' || exit 1
import csv, json, sys
path, field, n, wanted = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
wanted = set(wanted.split(",")) if wanted else None
text = open(path).read()
rows = [json.loads(l) for l in text.splitlines() if l.strip()] if text.lstrip().startswith("{") else list(csv.DictReader(text.splitlines()))
addr = "target" if rows and "target" in rows[0] else "saddr"
port = "port" if rows and "port" in rows[0] else "sport"
taken, seen = {}, set()
out = csv.writer(sys.stdout)
out.writerow(["target", "port", field])
for r in rows:
    c = r.get(field)
    if not c or (wanted and c not in wanted) or (r[addr], r[port]) in seen or taken.get(c, 0) >= n:
        continue
    seen.add((r[addr], r[port]))
    taken[c] = taken.get(c, 0) + 1
    out.writerow([r[addr], r[port], c])
print("sample: " + ", ".join("%s %d" % kv for kv in sorted(taken.items())), file=sys.stderr)
PY
echo "\$ mpcensus http -I sample.csv --runs $RUNS -r 200 --summary summary.csv   (MPTCP and TCP twins started together)"
ip netns exec "$VANTAGE_NS" "$MPCENSUS" http -I "$TMP/sample.csv" --runs "$RUNS" -r 200 --timeout 5 \
    -o "$TMP/runs.csv" --summary "$TMP/summary.csv" 2>"$TMP/http.err"
rc=$?
# the status lines aside: the totals and, per class, the median over targets of each target's median
# MPTCP - TCP difference of every metric (mpcensus http's own summary)
grep -v '^[0-9]*:[0-9][0-9] targets' "$TMP/http.err"
if [ -n "$NAME" ]; then
    "$MPCENSUS" lab down --name "$NAME" >/dev/null 2>&1 && echo "lab $NAME down"
    NAME=
fi
exit $rc
