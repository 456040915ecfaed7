#!/bin/sh
# capture_bad_record.sh — a bad record in the middle of a large file ends reading with an error and the counts so far, never a hang.
# Oracle: tshark reads the same number of packets before the bad record.
set -u
MPCENSUS="${MPCENSUS:-build/san/mpcensus}"
command -v tshark >/dev/null || { echo "tshark not installed"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT INT TERM
f="$tmp/bad-mid.pcap"
# 1000 minimal Ethernet/IPv4 frames, then a record claiming 2 GiB, then 30 MiB of zeros:
# more than the reader thread's ring holds, so it is still running when libpcap gives up.
python3 - "$f" <<'PY'
import struct, sys
frame = bytes(12) + b"\x08\x00" + bytes([0x45, 0, 0, 20]) + bytes(16)
with open(sys.argv[1], "wb") as out:
    out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i in range(1000):
        out.write(struct.pack("<IIII", i, 0, len(frame), len(frame)) + frame)
    out.write(struct.pack("<IIII", 1000, 0, 0x7fffffff, 0x7fffffff))
    out.write(bytes(30 << 20))
PY
want=$(tshark -r "$f" -T fields -e frame.number 2>/dev/null | wc -l)
for cmd in "pcap -m 1" "decode"; do
    timeout 60 $MPCENSUS $cmd "$f" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ $rc -eq 124 ] && { echo "FAIL: mpcensus $cmd hung on a bad record"; exit 1; }
    [ $rc -eq 1 ] || { echo "FAIL: mpcensus $cmd exit $rc, want 1"; cat "$tmp/err"; exit 1; }
    grep -q "$want packets" "$tmp/err" || { echo "FAIL: mpcensus $cmd did not report the $want packets before the bad record"; cat "$tmp/err"; exit 1; }
    echo "ok: mpcensus $cmd stops with an error after $want packets (tshark: $want)"
done
