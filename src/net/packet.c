/* packet.c — bounds-checked, zero-copy decode of link layers, IPv4/IPv6 (with extension headers) and TCP. */
#include "net/packet.h"

#include <string.h>
#include <sys/socket.h>

#include "net/bytes.h"

#define ETHERTYPE_IP 0x0800
#define ETHERTYPE_IP6 0x86DD
#define ETHERTYPE_8021Q 0x8100
#define ETHERTYPE_8021AD 0x88A8
#define ETHERTYPE_QINQ_OLD 0x9100 /* pre-802.1ad stacked VLAN, still seen */
#define ETHERTYPE_PPPOE_SESSION 0x8864

#define PPP_PROTO_IP 0x0021
#define PPP_PROTO_IP6 0x0057

#define IPPROTO_NUM_TCP 6

static const char *const status_names[NET_STATUS_COUNT] = {
    [NET_OK] = "ok",
    [NET_TRUNCATED] = "truncated",
    [NET_BAD_HEADER] = "bad-header",
    [NET_BAD_VERSION] = "bad-version",
    [NET_UNSUPPORTED_LINK] = "unsupported-link",
    [NET_NOT_IP] = "not-ip",
    [NET_NOT_TCP] = "not-tcp",
    [NET_FRAGMENT] = "fragment",
};

const char *net_status_name(enum net_status s)
{
    if ((unsigned)s >= NET_STATUS_COUNT)
        return "unknown";
    return status_names[s];
}

enum link_type link_from_dlt(int dlt)
{
    switch (dlt) {
    case 0:   /* DLT_NULL */
    case 108: /* DLT_LOOP */
        return LINK_NULL;
    case 1:   /* DLT_EN10MB */
        return LINK_ETHERNET;
    case 9:   /* DLT_PPP */
    case 50:  /* DLT_PPP_SERIAL / LINKTYPE_PPP_HDLC */
        return LINK_PPP;
    case 12:  /* DLT_RAW on most systems */
    case 14:  /* DLT_RAW on OpenBSD */
    case 101: /* LINKTYPE_RAW as stored in files */
        return LINK_RAW;
    case 113: /* LINKTYPE_LINUX_SLL */
        return LINK_SLL;
    case 228: /* LINKTYPE_IPV4 */
        return LINK_IPV4;
    case 229: /* LINKTYPE_IPV6 */
        return LINK_IPV6;
    case 276: /* LINKTYPE_LINUX_SLL2 */
        return LINK_SLL2;
    default:
        return LINK_UNKNOWN;
    }
}

const char *link_type_name(enum link_type t)
{
    switch (t) {
    case LINK_ETHERNET: return "ethernet";
    case LINK_RAW: return "raw";
    case LINK_IPV4: return "ipv4";
    case LINK_IPV6: return "ipv6";
    case LINK_SLL: return "sll";
    case LINK_SLL2: return "sll2";
    case LINK_PPP: return "ppp";
    case LINK_NULL: return "null";
    default: return "unknown";
    }
}

const char *tcp_flags_format(uint8_t flags, char *buf)
{
    static const char letters[8] = {'F', 'S', 'R', 'P', 'A', 'U', 'E', 'C'};
    size_t n = 0;
    for (unsigned bit = 0; bit < 8; bit++)
        if (flags & (1u << bit))
            buf[n++] = letters[bit];
    if (n == 0)
        buf[n++] = '-'; /* an empty string would be easy to miss in output */
    buf[n] = '\0';
    return buf;
}

/* IP version the link header announces: 4, 6, or 0 when the version must be
 * read from the IP header itself (raw IP). */
static enum net_status version_from_ethertype(uint16_t type, uint8_t *version)
{
    if (type == ETHERTYPE_IP)
        *version = 4;
    else if (type == ETHERTYPE_IP6)
        *version = 6;
    else
        return NET_NOT_IP;
    return NET_OK;
}

static enum net_status version_from_ppp_proto(uint16_t proto, uint8_t *version)
{
    if (proto == PPP_PROTO_IP)
        *version = 4;
    else if (proto == PPP_PROTO_IP6)
        *version = 6;
    else
        return NET_NOT_IP;
    return NET_OK;
}

/* PPP protocol field after an optional HDLC address/control (0xff 0x03); the
 * field may be compressed to one byte (RFC 1661 §6.5: odd first byte). */
static enum net_status link_ppp(const uint8_t *f, size_t caplen, size_t *off, uint8_t *version)
{
    size_t o = 0;
    if (caplen < 2)
        return NET_TRUNCATED;
    if (f[0] == 0xff && f[1] == 0x03) {
        o = 2;
    } else if ((f[0] == 0x0f || f[0] == 0x8f) && f[1] == 0x00) {
        /* Cisco HDLC inside DLT_PPP_SERIAL: address, control, ethertype */
        if (caplen < 4)
            return NET_TRUNCATED;
        *off = 4;
        return version_from_ethertype(load_be16(f + 2), version);
    }
    if (caplen < o + 1)
        return NET_TRUNCATED;
    uint16_t proto;
    if (f[o] & 1) {
        proto = f[o];
        o += 1;
    } else {
        if (caplen < o + 2)
            return NET_TRUNCATED;
        proto = load_be16(f + o);
        o += 2;
    }
    *off = o;
    return version_from_ppp_proto(proto, version);
}

static enum net_status link_ethernet(const uint8_t *f, size_t caplen, size_t *off, uint8_t *version)
{
    if (caplen < 14)
        return NET_TRUNCATED;
    size_t o = 12;
    uint16_t type = load_be16(f + o);
    /* Each tag is 4 bytes, so the loop ends within caplen / 4 steps. */
    while (type == ETHERTYPE_8021Q || type == ETHERTYPE_8021AD || type == ETHERTYPE_QINQ_OLD) {
        o += 4;
        if (caplen < o + 2)
            return NET_TRUNCATED;
        type = load_be16(f + o);
    }
    o += 2;
    if (type == ETHERTYPE_PPPOE_SESSION) {
        /* 6-byte PPPoE header, then the 2-byte PPP protocol */
        if (caplen < o + 8)
            return NET_TRUNCATED;
        *off = o + 8;
        return version_from_ppp_proto(load_be16(f + o + 6), version);
    }
    *off = o;
    return version_from_ethertype(type, version);
}

/* BSD loopback: a 4-byte address family in the capturing host's byte order
 * (DLT_NULL) or big-endian (DLT_LOOP). AF_INET6 differs per OS. */
static enum net_status link_null(const uint8_t *f, size_t caplen, size_t *off, uint8_t *version)
{
    if (caplen < 4)
        return NET_TRUNCATED;
    uint32_t fam = load_be32(f);
    if ((fam & 0xffff) == 0) /* little-endian writer: the value sits in the first bytes */
        fam = (uint32_t)f[0] | (uint32_t)f[1] << 8 | (uint32_t)f[2] << 16 | (uint32_t)f[3] << 24;
    *off = 4;
    switch (fam) {
    case 2: /* AF_INET everywhere */
        *version = 4;
        return NET_OK;
    case 10: /* Linux */
    case 24: /* NetBSD, OpenBSD, BSD/OS */
    case 28: /* FreeBSD, DragonFly */
    case 30: /* Darwin */
        *version = 6;
        return NET_OK;
    default:
        return NET_NOT_IP;
    }
}

/* Finds the IP header inside a frame: *off is its offset, *version the IP
 * version the link layer announces (0: read from the IP header). */
static enum net_status link_decode(enum link_type link, const uint8_t *f, size_t caplen, size_t *off,
                                   uint8_t *version)
{
    *off = 0;
    *version = 0;
    switch (link) {
    case LINK_ETHERNET:
        return link_ethernet(f, caplen, off, version);
    case LINK_RAW:
        return NET_OK;
    case LINK_IPV4:
        *version = 4;
        return NET_OK;
    case LINK_IPV6:
        *version = 6;
        return NET_OK;
    case LINK_SLL: /* 16 bytes; protocol (an ethertype for IP) at offset 14 */
        if (caplen < 16)
            return NET_TRUNCATED;
        *off = 16;
        return version_from_ethertype(load_be16(f + 14), version);
    case LINK_SLL2: /* 20 bytes; protocol at offset 0 */
        if (caplen < 20)
            return NET_TRUNCATED;
        *off = 20;
        return version_from_ethertype(load_be16(f), version);
    case LINK_PPP:
        return link_ppp(f, caplen, off, version);
    case LINK_NULL:
        return link_null(f, caplen, off, version);
    default:
        return NET_UNSUPPORTED_LINK;
    }
}

static size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

/* Hands the transport part to the TCP decoder when it is TCP. */
static enum net_status decode_transport(struct pkt_view *pkt)
{
    if (pkt->fragment)
        return NET_FRAGMENT;
    if (pkt->proto != IPPROTO_NUM_TCP)
        return NET_OK;
    size_t wire = pkt->l4_len;
    if (pkt->ip_len_from_capture) {
        /* No length on the wire to check against: a short capture is just short. */
        if (pkt->l4_caplen < 20)
            return NET_TRUNCATED;
        size_t hlen = (size_t)(pkt->l4[12] >> 4) * 4;
        if (wire < hlen)
            wire = hlen;
    }
    return tcp_decode(pkt->l4, pkt->l4_caplen, wire, &pkt->tcp);
}

static enum net_status decode_ipv4(const uint8_t *p, size_t caplen, struct pkt_view *pkt)
{
    if (caplen < 20)
        return NET_TRUNCATED;
    size_t ihl = (size_t)(p[0] & 0x0f) * 4;
    if (ihl < 20)
        return NET_BAD_HEADER;
    size_t total = load_be16(p + 2);
    /* Captures taken before segmentation offload carry total length 0;
     * the captured bytes are then all we know (as Wireshark assumes). */
    if (total == 0) {
        total = caplen;
        pkt->ip_len_from_capture = true;
    }
    if (total < ihl)
        return pkt->ip_len_from_capture ? NET_TRUNCATED : NET_BAD_HEADER;
    if (caplen < ihl)
        return NET_TRUNCATED;
    pkt->tos = p[1];
    pkt->ip_len = (uint32_t)total;
    pkt->ip_id = load_be16(p + 4);
    uint16_t frag = load_be16(p + 6);
    pkt->more_fragments = (frag & 0x2000) != 0;
    pkt->fragment = (frag & 0x1fff) != 0;
    pkt->ttl = p[8];
    pkt->proto = p[9];
    ip_addr_from_v4(&pkt->src, load_be32(p + 12));
    ip_addr_from_v4(&pkt->dst, load_be32(p + 16));
    /* Bytes past the IP length (Ethernet padding) are not part of the packet. */
    pkt->l3_caplen = min_size(caplen, total);
    pkt->l4 = p + ihl;
    pkt->l4_caplen = pkt->l3_caplen - ihl;
    pkt->l4_len = total - ihl;
    return decode_transport(pkt);
}

static bool ipv6_is_extension(uint8_t nh)
{
    switch (nh) {
    case 0:   /* hop-by-hop options */
    case 43:  /* routing */
    case 44:  /* fragment */
    case 51:  /* authentication header */
    case 60:  /* destination options */
    case 135: /* mobility */
    case 139: /* HIP */
    case 140: /* shim6 */
        return true;
    default:
        return false;
    }
}

static enum net_status decode_ipv6(const uint8_t *p, size_t caplen, struct pkt_view *pkt)
{
    if (caplen < 40)
        return NET_TRUNCATED;
    size_t total = (size_t)load_be16(p + 4) + 40;
    uint8_t nh = p[6];
    /* Payload length 0: jumbogram or offloaded segment; trust the capture. */
    if (total == 40 && nh != 59) {
        total = caplen;
        pkt->ip_len_from_capture = true;
    }
    /* Running past an unknown length means the capture was short. */
    enum net_status past_end = pkt->ip_len_from_capture ? NET_TRUNCATED : NET_BAD_HEADER;
    pkt->tos = (uint8_t)(load_be16(p) >> 4);
    pkt->ip_len = (uint32_t)total;
    pkt->ttl = p[7];
    ip_addr_from_v6(&pkt->src, p + 8);
    ip_addr_from_v6(&pkt->dst, p + 24);
    pkt->l3_caplen = min_size(caplen, total);
    size_t cap = pkt->l3_caplen;
    size_t off = 40;
    while (ipv6_is_extension(nh)) {
        size_t hlen;
        if (cap < off + 2)
            return total < off + 2 ? past_end : NET_TRUNCATED;
        if (nh == 44)
            hlen = 8;
        else if (nh == 51) /* AH counts 4-byte units minus 2 (RFC 4302) */
            hlen = ((size_t)p[off + 1] + 2) * 4;
        else
            hlen = ((size_t)p[off + 1] + 1) * 8;
        if (total < off + hlen)
            return past_end;
        if (cap < off + hlen)
            return NET_TRUNCATED;
        uint8_t next = p[off];
        if (nh == 44) {
            uint16_t fo = load_be16(p + off + 2);
            pkt->more_fragments = (fo & 1) != 0;
            pkt->ip_id = (uint16_t)load_be32(p + off + 4);
            if (fo >> 3) {
                /* Later headers belong to the fragmentable part we lack. */
                pkt->fragment = true;
                nh = next;
                off += hlen;
                break;
            }
        }
        nh = next;
        off += hlen;
    }
    pkt->proto = nh;
    pkt->l4 = p + off;
    pkt->l4_caplen = cap - off;
    pkt->l4_len = total - off;
    return decode_transport(pkt);
}

/* Decodes an IP header; want_version 0 accepts either. */
static enum net_status decode_ip(const uint8_t *p, size_t caplen, uint8_t want_version, struct pkt_view *pkt)
{
    pkt->l3 = p;
    pkt->l3_caplen = caplen;
    if (caplen < 1)
        return NET_TRUNCATED;
    uint8_t version = p[0] >> 4;
    if ((version != 4 && version != 6) || (want_version && version != want_version))
        return NET_BAD_VERSION;
    pkt->ip_version = version; /* known even if a later check fails */
    return version == 4 ? decode_ipv4(p, caplen, pkt) : decode_ipv6(p, caplen, pkt);
}

enum net_status pkt_decode(enum link_type link, const uint8_t *frame, size_t caplen, struct pkt_view *pkt)
{
    memset(pkt, 0, sizeof(*pkt));
    pkt->link = link;
    size_t off;
    uint8_t version;
    enum net_status st = link_decode(link, frame, caplen, &off, &version);
    if (st != NET_OK)
        return st;
    return decode_ip(frame + off, caplen - off, version, pkt);
}

enum net_status pkt_decode_ip(const uint8_t *ip, size_t caplen, struct pkt_view *pkt)
{
    memset(pkt, 0, sizeof(*pkt));
    pkt->link = LINK_RAW;
    return decode_ip(ip, caplen, 0, pkt);
}

enum net_status tcp_decode(const uint8_t *p, size_t len, size_t wire_len, struct tcp_view *t)
{
    memset(t, 0, sizeof(*t));
    if (wire_len < 20)
        return NET_BAD_HEADER;
    if (len > wire_len)
        len = wire_len;
    if (len < 20)
        return NET_TRUNCATED;
    t->sport = load_be16(p);
    t->dport = load_be16(p + 2);
    t->seq = load_be32(p + 4);
    t->ack = load_be32(p + 8);
    t->doff = p[12] >> 4;
    t->flags = p[13];
    t->window = load_be16(p + 14);
    t->checksum = load_be16(p + 16);
    t->urgent = load_be16(p + 18);
    size_t hlen = (size_t)t->doff * 4;
    if (hlen < 20 || hlen > wire_len)
        return NET_BAD_HEADER;
    t->opts = p + 20;
    t->opts_len = min_size(hlen, len) - 20;
    t->opts_truncated = len < hlen;
    t->payload_wire_len = wire_len - hlen;
    if (len >= hlen) {
        t->payload = p + hlen;
        t->payload_len = len - hlen;
    }
    return NET_OK;
}
