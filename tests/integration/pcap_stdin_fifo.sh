#!/bin/sh
# pcap_stdin_fifo.sh — standard input and FIFOs, plain or gzip/zstd/xz, alone or among regular files: read once, same results as the file itself.
# Oracles: the run on the regular file (itself checked against tshark elsewhere); tshark's first-frame times for the order.
set -u
MPCENSUS="${MPCENSUS:-build/san/mpcensus}"
SHARED="${SHARED:-../shared}"
p="$SHARED/data/pcaps"
[ -d "$p" ] || { echo "no $p"; exit 77; }
for t in tshark gzip zstd xz python3 mkfifo timeout; do
    command -v $t >/dev/null || { echo "$t not installed"; exit 77; }
done
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
F="$p/pymptcpanalyzer/client_2.pcap"   # pcapng, v0 with joins
G="$p/tcpdump/mptcp-v1.pcap"           # pcap, SLL, v1
H="$p/tcpdump/mptcp-v0.pcap"

# z TOOL FILE: FILE compressed by TOOL (cat: as it is) on stdout
z() { if [ "$1" = cat ]; then cat "$2"; else "$1" -c "$2"; fi; }

# same_trace A.json B.json: every per-trace figure equal (names aside)
same_trace() {
    python3 - "$1" "$2" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))["traces"]
b = json.load(open(sys.argv[2]))["traces"]
strip = lambda t: {k: v for k, v in t.items() if k not in ("trace", "files")}
sys.exit(0 if len(a) == len(b) and all(strip(x) == strip(y) for x, y in zip(a, b)) else 1)
PY
}

"$MPCENSUS" pcap -q -m 1 -o "$tmp/file.json" "$F" || { echo "FAIL plain file run"; exit 1; }
"$MPCENSUS" decode --json "$F" >"$tmp/file.dec" 2>/dev/null || { echo "FAIL decode of the file"; exit 1; }

# 1. compressed and plain on standard input: sniffed from the first bytes, none lost
for c in cat gzip zstd xz; do
    z $c "$F" >"$tmp/in.$c"
    timeout -k 5 60 "$MPCENSUS" pcap -q -m 1 -o "$tmp/stdin.json" - <"$tmp/in.$c"
    rc=$?
    if [ $rc -ne 0 ] || ! same_trace "$tmp/file.json" "$tmp/stdin.json"; then
        echo "FAIL $c | pcap -: exit $rc or results differ from the file"; fail=1
    else
        echo "ok   $c F | mpcensus pcap - equals mpcensus pcap F"
    fi
    # through a real pipe, bytes trickling in
    z $c "$F" | timeout -k 5 60 "$MPCENSUS" decode --json - >"$tmp/stdin.dec" 2>"$tmp/dec.err"
    if ! cmp -s "$tmp/file.dec" "$tmp/stdin.dec"; then
        echo "FAIL $c F | mpcensus decode --json -: differs ($(tail -1 "$tmp/dec.err"))"; fail=1
    else
        echo "ok   $c F | mpcensus decode --json - equals the file's decode"
    fi
done

# 2. a FIFO among regular files: opened once, sorted by its first packet (tshark's order)
for f in "$F" "$G" "$H"; do
    echo "$(tshark -r "$f" -c 1 -T fields -e frame.time_epoch 2>/dev/null) $f"
done | sort -n | awk '{print $2}' >"$tmp/order.want"
"$MPCENSUS" pcap -q -m 1 -o "$tmp/three.json" "$F" "$G" "$H" || { echo "FAIL three files"; fail=1; }
for c in cat gzip; do
    rm -f "$tmp/ff"; mkfifo "$tmp/ff"
    ( z $c "$G" >"$tmp/ff" ) &
    writer=$!
    timeout -k 5 60 "$MPCENSUS" pcap -q -m 1 -o "$tmp/fifo.json" "$F" "$tmp/ff" "$H"
    rc=$?
    kill $writer 2>/dev/null; wait $writer 2>/dev/null
    [ -s "$tmp/fifo.json" ] || echo "{}" >"$tmp/fifo.json"
    python3 - "$tmp/fifo.json" "$tmp/order.want" "$G" "$tmp/ff" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
want = [l.strip().replace(sys.argv[3], sys.argv[4]) for l in open(sys.argv[2])]
got = [t["trace"] for t in doc["traces"]]
sys.exit(0 if got == want else 1)
PY
    ord=$?
    if [ $rc -ne 0 ] || [ $ord -ne 0 ] || ! same_trace "$tmp/three.json" "$tmp/fifo.json"; then
        echo "FAIL $c into a FIFO among files: exit $rc (124 = hang), order ok=$((ord == 0))"; fail=1
    else
        echo "ok   $c into a FIFO among two files: read once, time order, results equal the files'"
    fi
done

# 3. standard input among regular files, compressed
xz -c "$G" | timeout -k 5 60 "$MPCENSUS" pcap -q -m 1 -o "$tmp/dash.json" "$F" - "$H"
rc=$?
python3 - "$tmp/dash.json" "$tmp/order.want" "$G" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
want = [l.strip().replace(sys.argv[3], "-") for l in open(sys.argv[2])]
sys.exit(0 if [t["trace"] for t in doc["traces"]] == want else 1)
PY
ord=$?
if [ $rc -ne 0 ] || [ $ord -ne 0 ] || ! same_trace "$tmp/three.json" "$tmp/dash.json"; then
    echo "FAIL xz | pcap F - H: exit $rc, order ok=$((ord == 0))"; fail=1
else
    echo "ok   xz -c G | mpcensus pcap F - H: stdin sorted in, results equal the files'"
fi
# --concat and --no-sort take stdin too
zstd -c "$G" | timeout -k 5 60 "$MPCENSUS" pcap -q -m 1 --concat -o "$tmp/cat.json" "$F" - "$H" ||
    { echo "FAIL --concat with stdin"; fail=1; }
"$MPCENSUS" pcap -q -m 1 --concat -o "$tmp/cat.want" "$F" "$G" "$H"
same_trace "$tmp/cat.want" "$tmp/cat.json" || { echo "FAIL --concat with stdin differs"; fail=1; }

# 4. decode: FIFO and stdin among files, each read once in command-line order
"$MPCENSUS" decode --json "$F" "$G" "$H" 2>/dev/null | sed 's/"file":"[^"]*",//' >"$tmp/three.dec"
rm -f "$tmp/ff"; mkfifo "$tmp/ff"
( gzip -c "$G" >"$tmp/ff" ) &
zstd -c "$H" | timeout -k 5 60 "$MPCENSUS" decode --json "$F" "$tmp/ff" - 2>/dev/null | sed 's/"file":"[^"]*",//' >"$tmp/mixed.dec"
wait
cmp -s "$tmp/three.dec" "$tmp/mixed.dec" && echo "ok   decode F FIFO - equals decode F G H" ||
    { echo "FAIL decode with a FIFO and stdin among files"; fail=1; }

# 5. standard input twice cannot work: a usage error, not a hang
timeout -k 5 20 "$MPCENSUS" pcap -q - - </dev/null >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q "standard input" "$tmp/err" && echo "ok   '-' twice refused: $(cat "$tmp/err")" ||
    { echo "FAIL '-' twice: exit $rc: $(cat "$tmp/err")"; fail=1; }
timeout -k 5 20 "$MPCENSUS" decode - "$G" - </dev/null >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q "standard input" "$tmp/err" && echo "ok   decode: '-' twice refused" ||
    { echo "FAIL decode '-' twice: exit $rc: $(cat "$tmp/err")"; fail=1; }
exit $fail
