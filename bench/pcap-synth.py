#!/usr/bin/env python3
# pcap-synth.py — synthetic traces for complexity and memory checks: N one-SYN flows (plain TCP, MP_CAPABLE v0 with distinct keys, MP_JOIN with distinct tokens), or a series of small traces.
# usage: pcap-synth.py tcp|mpc|join N OUT.pcap      N SYNs, distinct 4-tuples, 1 us apart
#        pcap-synth.py series M DIR                 M small traces DIR/t00000.pcap... (TCP + one MPTCP connection each)
# Addresses: 198.18.0.0/15 clients to 198.19.0.0/16 servers (lab ranges only).
import os, struct, sys

ETH = bytes.fromhex("020000000002" "020000000001" "0800")

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def packet(src, dst, sport, dport, seq, ack, flags, opts=b"", payload=b""):
    opts += b"\x01" * (-len(opts) % 4)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, (5 + len(opts) // 4) << 4, flags, 64240, 0, 0) + opts
    total = 20 + len(tcp) + len(payload)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 1, 0x4000, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ETH + ip + tcp + payload

class Writer:
    def __init__(self, path):
        self.f = open(path, "wb", buffering=1 << 20)
        self.f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))

    def add(self, t_us, frame):
        self.f.write(struct.pack("<IIII", t_us // 1000000, t_us % 1000000, len(frame), len(frame)) + frame)

    def close(self):
        self.f.close()

def addr(base, i):
    return struct.pack("!I", base + i)

def syn_flows(kind, n, out):
    w = Writer(out)
    t0 = 1700000000 * 1000000
    cbase, sbase = (198 << 24) | (18 << 16), (198 << 24) | (19 << 16)
    # one template per kind; per flow only addresses, port, key/token and checksum-free fields change
    for i in range(n):
        src = addr(cbase, i >> 14)          # 16,384 flows per client address
        dst = addr(sbase, i & 0xff)
        sport = 1024 + (i & 0x3fff) % 64000
        if kind == "tcp":
            opts = b"\x02\x04\x05\xb4"
        elif kind == "mpc":                 # MP_CAPABLE v0 SYN with the sender's key
            opts = b"\x02\x04\x05\xb4" + b"\x1e\x0c\x00\x81" + struct.pack("!Q", 0x9e3779b97f4a7c15 * (i + 1) & (2**64 - 1))
        else:                               # MP_JOIN SYN: receiver token, sender random
            opts = b"\x02\x04\x05\xb4" + b"\x1e\x0c\x10\x00" + struct.pack("!II", (i * 2654435761 + 1) & 0xffffffff, i)
        w.add(t0 + i, packet(src, dst, sport, 443, i * 7919 & 0xffffffff, 0, 0x02, opts))
    w.close()

def series(m, d):
    os.makedirs(d, exist_ok=True)
    t = 1700000000 * 1000000
    for k in range(m):
        w = Writer(os.path.join(d, "t%05d.pcap" % k))
        c = addr((198 << 24) | (18 << 16), k)
        s = addr((198 << 24) | (19 << 16), 1)
        key = struct.pack("!Q", 0x0123456789abcdef ^ k)
        # a plain TCP flow and an MPTCP v0 connection, 6 packets each, to ports 80 and 443 plus one odd port
        skey = struct.pack("!Q", 0xfedcba9876543210 ^ k)
        for port, opts, sopts in ((80, b"", b""), (443, b"\x1e\x0c\x00\x81" + key, b"\x1e\x0c\x00\x81" + skey),
                                  (10000 + k % 5000, b"", b"")):
            w.add(t, packet(c, s, 40000, port, 1, 0, 0x02, opts)); t += 10
            w.add(t, packet(s, c, port, 40000, 9, 2, 0x12, sopts)); t += 10
            for j in range(4):
                w.add(t, packet(c, s, 40000, port, 2 + j * 100, 10, 0x18, b"", b"x" * 100)); t += 10
        w.close()
        t += 1000000

if __name__ == "__main__":
    kind, n, out = sys.argv[1], int(float(sys.argv[2])), sys.argv[3]
    if kind == "series":
        series(n, out)
    elif kind in ("tcp", "mpc", "join"):
        syn_flows(kind, n, out)
    else:
        sys.exit(__doc__ or "usage: pcap-synth.py tcp|mpc|join N OUT | series M DIR")
