#!/bin/sh
# scan_sigint.sh — SIGINT during a slow scan stops sending, keeps the cooldown, and leaves a complete, parseable CSV/JSON file and a summary.
set -u
cd "$(dirname "$0")/../.." || exit 1
. lab/testlib.sh
lab_up_spec lab/demo.spec
ip netns exec "$VANTAGE_NS" ping -c 1 -W 2 "$GATEWAY_V4" >/dev/null 2>&1

for fmt in csv json; do
    out="$LAB_TMP/out.$fmt"
    # 1152 targets at 200 pps would take ~6 s: interrupt after ~2 s
    # shellcheck disable=SC2086
    ip netns exec "$VANTAGE_NS" "$MPCENSUS" scan -i "$VANTAGE_IF" -S "$VANTAGE_V4,$VANTAGE_V6" -G "$GATEWAY_MAC" \
        -b "$BLOCKLIST" -p 80,443 -r 200 -c 1 -O $fmt -o "$out" $PREFIXES_V4 $PREFIXES_V6 2>"$out.err" &
    pid=$!
    sleep 2
    kill -INT $pid
    wait $pid
    rc=$?
    cat "$out.err"
    [ $rc = 0 ] || fail "$fmt: exit status $rc after SIGINT"
    sent=$(awk '/^summary: targets/ {print $3; exit}' "$out.err" | tr -d ,)
    [ -n "$sent" ] || fail "$fmt: no summary after SIGINT"
    [ "$sent" -gt 0 ] && [ "$sent" -lt 1152 ] || fail "$fmt: $sent targets probed: SIGINT did not stop sending"
    python3 - "$out" "$fmt" <<'PY' || fail "$fmt: output not parseable"
import csv, json, sys
path, fmt = sys.argv[1], sys.argv[2]
verdicts = {"mptcp", "mirrored", "version-mismatch", "malformed", "tcp", "closed"}
text = open(path).read()
assert text.endswith("\n"), "last record not terminated"
if fmt == "csv":
    rows = list(csv.reader(text.splitlines()))
    header, body = rows[0], rows[1:]
    assert header[0] == "saddr" and "verdict" in header, header
    for r in body:
        assert len(r) == len(header), r
    recs = [dict(zip(header, r)) for r in body]
else:
    recs = [json.loads(line) for line in text.splitlines()]
assert recs, "no records"
for r in recs:
    assert r["verdict"] in verdicts, r
print("%s: %d complete records" % (fmt, len(recs)))
PY
done
ok "SIGINT leaves parseable CSV and JSON files"
lab_down_and_check
