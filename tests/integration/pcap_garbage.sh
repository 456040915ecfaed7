#!/bin/sh
# pcap_garbage.sh — random headers and garbage TCP/MPTCP options are counted as skips, never a crash (run under ASan/UBSan).
# Oracle for the packet count: tshark reads the same file.
set -u
MPCENSUS="${MPCENSUS:-build/san/mpcensus}"
command -v tshark >/dev/null || { echo "tshark not installed"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT INT TERM
python3 - "$tmp/garbage.pcap" <<'PY'
import random, struct, sys
random.seed(7)
out = open(sys.argv[1], "wb")
out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
for i in range(20000):
    ip = bytearray(random.getrandbits(8) for _ in range(random.randint(20, 120)))
    ip[0] = 0x45; ip[9] = 6; ip[6] = 0; ip[7] = 0
    struct.pack_into(">H", ip, 2, random.choice([len(ip), len(ip), 1500, 20]))
    ip[12:16] = bytes([198, 18, 0, random.randint(1, 3)]); ip[16:20] = bytes([198, 18, 1, random.randint(1, 3)])
    if len(ip) >= 40:
        ip[20:22] = struct.pack(">H", random.choice([80, 443])); ip[22:24] = struct.pack(">H", random.choice([1000, 1001]))
        ip[32] = random.choice([0x50, 0x60, 0xf0, 0x80, 0xa0])
        ip[33] = random.choice([0x02, 0x12, 0x10, 0x11, 0x04, random.getrandbits(8)])
        for j in range(40, len(ip) - 3, 7):
            if random.random() < 0.5:
                ip[j] = 30; ip[j + 1] = random.randint(0, 40)
                ip[j + 2] = random.choice([0x00, 0x01, 0x10, 0x20, 0x30, 0x70, 0x80, random.getrandbits(8)])
    frame = b"\x00" * 12 + b"\x08\x00" + bytes(ip)
    out.write(struct.pack("<IIII", 1000 + i, 0, len(frame), len(frame)) + frame)
PY
"$MPCENSUS" pcap -q -m 1 --flows "$tmp/f.csv" --connections "$tmp/c.csv" -o "$tmp/out.json" "$tmp/garbage.pcap"
rc=$?
[ $rc -eq 0 ] || { echo "FAIL: exit $rc on a well-formed file with garbage packets"; exit 1; }
frames=$(tshark -r "$tmp/garbage.pcap" -T fields -e frame.number 2>/dev/null | grep -c .)
python3 - "$tmp/out.json" "$frames" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["traces"][0]
sk = t["skipped"]
print("packets", t["packets"], "tshark", sys.argv[2], "skipped", sk)
ok = (t["packets"] == int(sys.argv[2]) and sk["bad-tcp-options"] > 0 and sk["mptcp-option-malformed"] > 0
      and sk["bad-header"] + sk["truncated"] > 0 and t["tcp_flows"] > 0)
sys.exit(0 if ok else 1)
PY
