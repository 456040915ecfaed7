#!/usr/bin/env python3
"""decode_synth.py — writes a pcap holding every MPTCP option layout, and malformed ones, byte by byte from the RFCs.

Usage: decode_synth.py OUT.pcap
The kernel never sends some layouts (MP_FAIL, ADD_ADDR with a port, v0 IPv6
ADD_ADDR, 8-byte DSN/ack, MP_CAPABLE ACK+data without checksum, odd TCPRST
flags) and real captures rarely hold malformed ones. This builds them from the
RFC 6824 / RFC 8684 figures, independently of mpcensus' encoder, so that the
decoder can be compared with tshark on them. One option set per packet, on
Ethernet/IPv4 and Ethernet/IPv6 (lab addresses), some with an 802.1Q tag.
"""
import struct
import sys

SYN, SYNACK, ACK, PSHACK, RSTACK = 0x02, 0x12, 0x10, 0x18, 0x14
K1 = bytes.fromhex("0123456789abcdef")
K2 = bytes.fromhex("fedcba9876543210")
V4 = bytes([198, 18, 0, 2])
V6 = bytes.fromhex("20010db8000000000000000000000002")


def mp(subtype_byte, body):
    """One MPTCP option: kind 30, length, subtype octet, body."""
    return bytes([30, 3 + len(body), subtype_byte]) + body


def dss(flags, csum):
    body = bytes([flags])
    if flags & 0x01:
        body += (K1 if flags & 0x02 else K1[:4])
    if flags & 0x04:
        body += (K2 if flags & 0x08 else K2[:4]) + struct.pack(">IH", 7, 1400)
        if csum:
            body += b"\xbe\xef"
    return mp(0x20, body)


def add_addr(nibble, addr, port=None, hmac=False, addrid=3):
    body = bytes([addrid]) + addr
    if port is not None:
        body += struct.pack(">H", port)
    if hmac:
        body += K2
    return mp(0x30 | nibble, body)


def cases():
    """(tcp flags, option bytes, ipv6?, vlan?, snap cut) per packet."""
    c = []
    add = lambda flags, opts, v6=False, vlan=False, cut=0: c.append((flags, opts, v6, vlan, cut))  # noqa: E731
    # MP_CAPABLE, every layout of both versions. Each packet is its own
    # connection with its own keys: tshark ties connections together by key
    # (and then reports no token for the second one), real peers never reuse one.
    key = lambda n: bytes.fromhex("5eed%012x" % (n * 0x10001))  # noqa: E731
    add(SYN, mp(0x00, b"\x81" + key(1)))
    add(SYNACK, mp(0x00, b"\x81" + key(2)))
    add(ACK, mp(0x00, b"\x81" + key(3) + key(4)))
    add(SYN, mp(0x01, b"\x81"))
    add(SYN, mp(0x01, b"\x01"), v6=True)
    add(SYNACK, mp(0x01, b"\x21" + key(5)))
    add(ACK, mp(0x01, b"\x01" + key(6) + key(7)))
    add(PSHACK, mp(0x01, b"\x01" + key(8) + key(9) + b"\x05\x78"))
    add(PSHACK, mp(0x01, b"\x81" + key(10) + key(11) + b"\x05\x78\x12\x34"), v6=True)
    # MP_JOIN SYN, SYN-ACK, ACK (with and without B)
    for b in (0, 1):
        add(SYN, mp(0x10 | b, bytes([5]) + bytes.fromhex("deadbeef01020304")))
        add(SYNACK, mp(0x10 | b, bytes([5]) + K1 + bytes.fromhex("cafebabe")), v6=True)
    add(ACK, mp(0x10, b"\x00" + K1 + K2 + bytes.fromhex("11223344")))
    # DSS: every combination of F, m, M, a, A, with and without checksum
    for flags in range(32):
        add(PSHACK, dss(flags, False), v6=bool(flags & 0x10))
        if flags & 0x04:
            add(PSHACK, dss(flags, True), vlan=True)
    # ADD_ADDR v0 (IPVer 4/6) and v1 (E=0 with HMAC, E=1 echo), port or not
    for port in (None, 8080):
        add(ACK, add_addr(4, V4, port))
        add(ACK, add_addr(6, V6, port), v6=True)
        add(ACK, add_addr(0, V4, port, hmac=True))
        add(ACK, add_addr(0, V6, port, hmac=True), v6=True)
        add(ACK, add_addr(1, V4, port))
        add(ACK, add_addr(1, V6, port), v6=True)
    # REMOVE_ADDR with 1, 3 and 8 ids
    for ids in ([1], [1, 2, 3], list(range(10, 18))):
        add(ACK, mp(0x40, bytes(ids)))
    # MP_PRIO with and without address id
    add(ACK, mp(0x51, b""))
    add(ACK, mp(0x50, b"\x02"))
    # MP_FAIL, MP_FASTCLOSE
    add(ACK, mp(0x60, b"\x00" + K1))
    add(ACK, mp(0x70, b"\x00" + K2), v6=True)
    # MP_TCPRST: every U/V/W/T combination
    for nib in range(16):
        add(RSTACK, mp(0x80 | nib, bytes([nib % 7])))
    # several options in one packet
    add(PSHACK, add_addr(0, V4, None, hmac=True) + dss(0x05, False) + mp(0x51, b""))
    add(ACK, mp(0x40, b"\x04") + dss(0x01, False))
    # unknown / experimental subtypes
    add(ACK, mp(0xf0, b"\x01\x02\x03"))
    add(ACK, mp(0x90, b""))
    # malformed: length too short / not a layout of the subtype
    add(SYN, bytes([30, 3, 0x20]))                    # DSS with no flags (CVE-2017-13040 shape)
    add(SYN, mp(0x01, b"\x81" + key(12)[:6]))          # MP_CAPABLE length 10
    add(SYN, mp(0x11, b"\x05" + K1[:7]))               # MP_JOIN length 11
    add(ACK, mp(0x20, b"\x01" + K1[:4] + b"\x00"))    # DSS with a stray octet
    add(ACK, mp(0x20, b"\x05" + K1[:4]))               # DSS M set, mapping missing
    add(ACK, mp(0x30, b"\x01" + V4 + b"\x00\x00\x00\x00"))  # ADD_ADDR length 12
    add(ACK, mp(0x60, b"\x00" + K1[:4]))               # MP_FAIL length 8
    add(RSTACK, bytes([30, 3, 0x80]))                  # MP_TCPRST without reason
    # cut options: the length byte runs past the option area, or the capture
    # (snap length) ends inside the option
    add(ACK, b"\x01\x01\x01\x01" + bytes([30, 20, 0x20, 0x05]) + K1)  # 12-byte area, DSS says 20
    add(ACK, bytes([30, 2, 0x20, 0x01]))               # length byte 2: no room for a subtype
    add(ACK, bytes([30, 1, 0x20, 0x01]))               # length byte 1: walk cannot go on
    add(ACK, bytes([1, 1, 1, 30]))                     # kind at the last octet: no length byte
    add(PSHACK, dss(0x05, True), cut=6)                 # snap length ends 6 bytes into the DSS
    return c


def ip_checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(">%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def frame(i, flags, opts, v6, vlan):
    opts += b"\x01" * (-len(opts) % 4)               # NOP padding to a 32-bit boundary
    assert len(opts) <= 40, len(opts)
    tcp = struct.pack(">HHIIBBHHH", 40000 + i, 5001, 1000 + i, 2000 if flags & 0x10 else 0,
                      (5 + len(opts) // 4) << 4, flags, 64240, 0, 0) + opts
    if v6:
        ip = struct.pack(">IHBB", 6 << 28, len(tcp), 6, 64) + bytes.fromhex(
            "20010db8000000000000000000000001") + V6
        etype = 0x86DD
    else:
        hdr = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), i & 0xffff, 0x4000, 64, 6, 0,
                          bytes([198, 18, 0, 1]), V4)
        ip = hdr[:10] + struct.pack(">H", ip_checksum(hdr)) + hdr[12:]
        etype = 0x0800
    eth = bytes.fromhex("020000000002020000000001")
    if vlan:
        eth += struct.pack(">HH", 0x8100, 42)
    return eth + struct.pack(">H", etype) + ip + tcp


def main():
    out = open(sys.argv[1], "wb")
    out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))  # LINKTYPE_ETHERNET
    for i, (flags, opts, v6, vlan, cut) in enumerate(cases(), 1):
        f = frame(i, flags, opts, v6, vlan)
        data = f[:len(f) - cut] if cut else f
        out.write(struct.pack("<IIII", 1700000000 + i, 0, len(data), len(f)) + data)
    out.close()


if __name__ == "__main__":
    main()
