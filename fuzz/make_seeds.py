#!/usr/bin/env python3
"""make_seeds.py — seed corpora for the libFuzzer targets from the shared captures (pcap and pcapng) plus crafted ICMP errors.

usage: make_seeds.py PCAP_DIR OUT_DIR
Writes OUT_DIR/corpus-fuzz_packet (link byte + frame),
OUT_DIR/corpus-fuzz_icmp (IP packets, and ICMP errors quoting them),
OUT_DIR/corpus-fuzz_tcpopt (TCP option areas),
OUT_DIR/corpus-fuzz_pcap_flow (link byte, config byte, then runs of consecutive
frames as [len16le][time step][frame], frames cut to 160 bytes),
OUT_DIR/corpus-fuzz_mptcp_event (MPTCP netlink events built from the UAPI layout) and
OUT_DIR/corpus-fuzz_output_filter (scan --output-filter expressions).
"""
import glob
import hashlib
import os
import struct
import sys

# enum link_type order in src/net/packet.h: the first byte of a fuzz_packet input.
LINK_ETHERNET, LINK_RAW, LINK_IPV4, LINK_IPV6, LINK_SLL, LINK_SLL2, LINK_PPP, LINK_NULL = range(8)
DLT_TO_LINK = {1: LINK_ETHERNET, 12: LINK_RAW, 14: LINK_RAW, 101: LINK_RAW, 228: LINK_IPV4, 229: LINK_IPV6,
               113: LINK_SLL, 276: LINK_SLL2, 9: LINK_PPP, 50: LINK_PPP, 0: LINK_NULL, 108: LINK_NULL}
MAX_PER_FILE = 200
MAX_LEN = 4096


def read_pcap(data):
    """Yields (linktype, frame) from a classic pcap file."""
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        return
    linktype = struct.unpack(e + "I", data[20:24])[0] & 0x0FFFFFFF
    off = 24
    while off + 16 <= len(data):
        caplen = struct.unpack(e + "I", data[off + 8:off + 12])[0]
        yield linktype, data[off + 16:off + 16 + caplen]
        off += 16 + caplen


def read_pcapng(data):
    """Yields (linktype, frame) from a pcapng file (enhanced and simple packet blocks)."""
    off, e, links = 0, "<", []
    while off + 12 <= len(data):
        btype = struct.unpack(e + "I", data[off:off + 4])[0]
        if btype == 0x0A0D0D0A:  # section header: byte order, new interface list
            e = "<" if data[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            links = []
        blen = struct.unpack(e + "I", data[off + 4:off + 8])[0]
        if blen < 12:
            return
        body = data[off + 8:off + blen - 4]
        if btype == 1:
            links.append(struct.unpack(e + "H", body[0:2])[0])
        elif btype == 6 and len(body) >= 20:
            ifid, _, _, caplen = struct.unpack(e + "IIII", body[0:16])
            if ifid < len(links):
                yield links[ifid], body[20:20 + caplen]
        elif btype == 3 and links:
            yield links[0], body[4:]
        off += blen


def ip_offset(link, frame):
    """Offset of the IP header in a frame, or None."""
    if link == LINK_ETHERNET:
        off = 12
        while off + 2 <= len(frame) and frame[off:off + 2] in (b"\x81\x00", b"\x88\xa8"):
            off += 4
        return off + 2 if frame[off:off + 2] in (b"\x08\x00", b"\x86\xdd") else None
    if link == LINK_SLL:
        return 16
    if link == LINK_SLL2:
        return 20
    if link == LINK_PPP:
        return 4 if frame[:2] == b"\xff\x03" else 2
    if link == LINK_NULL:
        return 4
    return 0


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def icmp_error(ip, with_ext):
    """An ICMP(v6) time exceeded quoting ip, optionally with an RFC 4884 MPLS extension."""
    v6 = ip[0] >> 4 == 6
    quote = ip[:128].ljust(128, b"\0") if with_ext else ip[:548]
    hdr = bytearray(8)
    hdr[0] = 3 if v6 else 11
    ext = b""
    if with_ext:
        if v6:
            hdr[4] = 16
        else:
            hdr[5] = 32
        obj = struct.pack("!HBBI", 8, 1, 1, (16005 << 12) | (1 << 8) | 1)
        e = bytearray(b"\x20\0\0\0" + obj)
        e[2:4] = struct.pack("!H", csum(bytes(e)))
        ext = bytes(e)
    body = bytes(hdr) + quote + ext
    if v6:
        src, dst = b"\x20\x01\x0d\xb8" + b"\0" * 11 + b"\x01", ip[8:24]
        pseudo = src + dst + struct.pack("!I", len(body)) + b"\0\0\0\x3a"
        body = body[:2] + struct.pack("!H", csum(pseudo + body)) + body[4:]
        return struct.pack("!IHBB", 0x60000000, len(body), 58, 64) + src + dst + body
    body = body[:2] + struct.pack("!H", csum(body)) + body[4:]
    iph = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0xC0, 20 + len(body), 0, 0, 64, 1, 0,
                                bytes([198, 18, 0, 1]), ip[12:16]))
    iph[10:12] = struct.pack("!H", csum(bytes(iph)))
    return bytes(iph) + body


def tcp_options(ip):
    """The TCP option area of an IPv4/IPv6 packet without extension headers, or None."""
    if len(ip) < 1:
        return None
    if ip[0] >> 4 == 4 and len(ip) >= 20 and ip[9] == 6:
        off = (ip[0] & 15) * 4
    elif ip[0] >> 4 == 6 and len(ip) >= 40 and ip[6] == 6:
        off = 40
    else:
        return None
    if len(ip) < off + 20:
        return None
    doff = (ip[off + 12] >> 4) * 4
    return ip[off + 20:off + doff] if doff > 20 else None


def write(dirname, blob):
    name = hashlib.sha1(blob).hexdigest()
    with open(os.path.join(dirname, name), "wb") as f:
        f.write(blob)


def nl_attr(kind, data):
    n = 4 + len(data)
    return struct.pack("<HH", n, kind) + data + b"\0" * ((4 - n % 4) % 4)


def mptcp_event_seeds(dirname):
    """MPTCP netlink events as include/uapi/linux/mptcp.h lays them out (family id 0x1d first)."""
    fam = 0x1D
    ev4 = nl_attr(1, struct.pack("<I", 0xC751779A)) + nl_attr(4, b"\x01") + nl_attr(7, bytes([198, 19, 255, 166]))
    ev4 += nl_attr(10, b"\x01\xbb")
    ev6 = nl_attr(1, struct.pack("<I", 7)) + nl_attr(4, b"\x02") + nl_attr(8, bytes(range(16)))
    sub = nl_attr(1, struct.pack("<I", 9)) + nl_attr(3, b"\x00") + nl_attr(4, b"\x01") + nl_attr(5, bytes(4))
    sub += nl_attr(7, bytes(4)) + nl_attr(9, b"\x9c\x40") + nl_attr(10, b"\x00\x50") + nl_attr(18, b"\x01")
    for cmd, body in ((6, ev4), (6, ev6), (10, sub), (3, nl_attr(1, struct.pack("<I", 9)))):
        payload = struct.pack("<BBH", cmd, 1, 0) + body
        msg = struct.pack("<IHHII", 16 + len(payload), fam, 0, 0, 0) + payload
        write(dirname, struct.pack("<H", fam) + msg)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    pcap_dir, out = sys.argv[1], sys.argv[2]
    pk, ic = os.path.join(out, "corpus-fuzz_packet"), os.path.join(out, "corpus-fuzz_icmp")
    to = os.path.join(out, "corpus-fuzz_tcpopt")
    pf = os.path.join(out, "corpus-fuzz_pcap_flow")
    ev = os.path.join(out, "corpus-fuzz_mptcp_event")
    for d in (pk, ic, to, pf, ev):
        os.makedirs(d, exist_ok=True)
    mptcp_event_seeds(ev)
    n = 0
    for path in sorted(glob.glob(os.path.join(pcap_dir, "**", "*.pcap*"), recursive=True)):
        with open(path, "rb") as f:
            data = f.read()
        reader = read_pcapng if data[:4] == b"\x0a\x0d\x0d\x0a" else read_pcap
        # runs of consecutive frames for the analyser (handshakes, joins, DSS in order)
        frames = list(reader(data))
        if frames and frames[0][0] in DLT_TO_LINK:
            for start in range(0, min(len(frames), 2000), 20):
                blob = bytearray([DLT_TO_LINK[frames[0][0]], 0x13 * (start // 20 + 1) & 0xff])
                for dlt, frame in frames[start:start + 40]:
                    fr = frame[:160]
                    if len(blob) + 3 + len(fr) > MAX_LEN:
                        break
                    blob += struct.pack("<HB", len(fr), 1) + fr
                write(pf, bytes(blob))
        for i, (dlt, frame) in enumerate(reader(data)):
            if dlt not in DLT_TO_LINK:
                break
            link = DLT_TO_LINK[dlt]
            frame = frame[:MAX_LEN]
            if i < MAX_PER_FILE:
                write(pk, bytes([link]) + frame)
            off = ip_offset(link, frame)
            if off is None or off >= len(frame):
                continue
            ip = frame[off:]
            opts = tcp_options(ip)
            if opts:  # every distinct option area: rare MPTCP subtypes sit late in files
                write(to, opts)
            if i >= MAX_PER_FILE:
                continue
            write(ic, ip)
            if i % 10 == 0 and ip[0] >> 4 in (4, 6):
                write(ic, icmp_error(ip, False))
                write(ic, icmp_error(ip, True))
            n += 1
    # scan --output-filter expressions (fuzz_output_filter): the grammar's every construct
    fo = os.path.join(out, "corpus-fuzz_output_filter")
    os.makedirs(fo, exist_ok=True)
    for expr in ("verdict = mptcp || verdict = mirrored", "success = 1 && repeat = 0",
                 "classification = synack && (ttl > 60 || mptcp_version = 1)", "saddr = \"198.18.0.1\"",
                 "key_hamming >= 16 && mptcp_key != 0c0c0c0c0c0c0c0c", "((sport <= 0x1bb))", "verdict == tcp",
                 "daddr = 2001:db8::1 || dport < 40000 && window != 0"):
        write(fo, expr.encode())
    print("seeds from %d frames in %s" % (n, pcap_dir))


if __name__ == "__main__":
    main()
