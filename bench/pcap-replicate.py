#!/usr/bin/env python3
# pcap-replicate.py — builds a large trace for bench/pcap.sh by repeating a (lab) pcap with shifted lab addresses and timestamps.
# usage: pcap-replicate.py IN.pcap OUT.pcap MIN_BYTES
# Each copy moves IPv4 198.18.x.y to 198.18/19.(x+2i).y and IPv6 2001:db8:N:: to
# 2001:db8:(N+i)::, so every copy's flows are distinct; timestamps move by the
# capture's duration + 1 s per copy. Checksums are not fixed (nothing checks them).
import struct, sys

def read_pcap(path):
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic not in (0xa1b2c3d4, 0xa1b23c4d):
        sys.exit("need a little-endian pcap (not pcapng): %s" % path)
    nano = magic == 0xa1b23c4d
    link = struct.unpack("<I", data[20:24])[0]
    off, pkts = 24, []
    while off + 16 <= len(data):
        sec, frac, caplen, wirelen = struct.unpack("<IIII", data[off:off + 16])
        body = data[off + 16:off + 16 + caplen]
        if len(body) < caplen:
            break
        pkts.append((sec, frac, wirelen, body))
        off += 16 + caplen
    return data[:24], nano, link, pkts

def l3_offset(link, body):
    if link == 1:          # Ethernet (no VLAN in lab captures)
        return 14, struct.unpack(">H", body[12:14])[0]
    if link == 276:        # Linux SLL2
        return 20, struct.unpack(">H", body[0:2])[0]
    if link == 113:        # Linux SLL
        return 16, struct.unpack(">H", body[14:16])[0]
    if link in (12, 101):  # raw IP
        v = body[0] >> 4
        return 0, 0x0800 if v == 4 else 0x86dd
    sys.exit("unsupported link type %d" % link)

def main():
    src, dst, min_bytes = sys.argv[1], sys.argv[2], int(float(sys.argv[3]))
    header, nano, link, pkts = read_pcap(src)
    if not pkts:
        sys.exit("empty capture")
    t0 = pkts[0][0] + pkts[0][1] / (1e9 if nano else 1e6)
    t1 = pkts[-1][0] + pkts[-1][1] / (1e9 if nano else 1e6)
    shift = int(t1 - t0) + 1
    prepared = []
    for sec, frac, wirelen, body in pkts:
        off, et = l3_offset(link, body)
        prepared.append((sec, frac, wirelen, bytearray(body), off, et))
    written, copy = 0, 0
    with open(dst, "wb") as out:
        out.write(header)
        written = len(header)
        while written < min_bytes:
            step = 2 * copy
            for sec, frac, wirelen, body, off, et in prepared:
                b = bytearray(body)
                if et == 0x0800 and len(b) >= off + 20:
                    for a in (off + 12, off + 16):
                        if b[a] == 198 and b[a + 1] in (18, 19):
                            x = b[a + 2] + step
                            b[a + 1] = 18 + (x // 256) % 2
                            b[a + 2] = x % 256
                elif et == 0x86dd and len(b) >= off + 40:
                    for a in (off + 8, off + 24):
                        if b[a:a + 4] == b"\x20\x01\x0d\xb8":
                            n = (struct.unpack(">H", b[a + 4:a + 6])[0] + copy) & 0xffff
                            b[a + 4:a + 6] = struct.pack(">H", n)
                rec = struct.pack("<IIII", sec + copy * shift, frac, len(b), wirelen) + b
                out.write(rec)
                written += len(rec)
            copy += 1
    print("%s: %d copies of %d packets, %d bytes" % (dst, copy, len(pkts), written))

main()
