/* build.c — encoders for IPv4/IPv6 + TCP probes with valid checksums, checksum repair, and Ethernet headers. */
#include "net/build.h"

#include <string.h>
#include <sys/socket.h>

#include "net/bytes.h"
#include "net/checksum.h"
#include "net/packet.h"

#define IPV4_HDR_LEN 20
#define IPV6_HDR_LEN 40
#define TCP_HDR_LEN 20

static size_t write_ipv4_header(uint8_t *p, const struct tcp_build *b, size_t total)
{
    p[0] = 0x45;
    p[1] = 0;
    store_be16(p + 2, (uint16_t)total);
    store_be16(p + 4, b->ip_id);
    store_be16(p + 6, b->dont_fragment ? 0x4000 : 0);
    p[8] = b->ttl;
    p[9] = 6;
    store_be16(p + 10, 0);
    memcpy(p + 12, b->src.bytes, 4);
    memcpy(p + 16, b->dst.bytes, 4);
    store_be16(p + 10, csum_fold(csum_partial(p, IPV4_HDR_LEN, 0)));
    return IPV4_HDR_LEN;
}

static size_t write_ipv6_header(uint8_t *p, const struct tcp_build *b, size_t l4_len)
{
    store_be32(p, 0x60000000u); /* version 6, traffic class and flow label 0 */
    store_be16(p + 4, (uint16_t)l4_len);
    p[6] = 6;
    p[7] = b->ttl;
    memcpy(p + 8, b->src.bytes, 16);
    memcpy(p + 24, b->dst.bytes, 16);
    return IPV6_HDR_LEN;
}

size_t pkt_build_tcp(uint8_t *buf, size_t cap, const struct tcp_build *b)
{
    if (!buf || !b || b->src.family != b->dst.family)
        return 0;
    if (b->src.family != AF_INET && b->src.family != AF_INET6)
        return 0;
    if (b->opts_len % 4 || b->opts_len > 40 || (b->opts_len && !b->opts))
        return 0;
    if (b->payload_len && !b->payload)
        return 0;
    bool v6 = b->src.family == AF_INET6;
    size_t ip_hdr = v6 ? IPV6_HDR_LEN : IPV4_HDR_LEN;
    size_t tcp_hdr = TCP_HDR_LEN + b->opts_len;
    if (b->payload_len > 65535)
        return 0;
    size_t l4_len = tcp_hdr + b->payload_len;
    size_t total = ip_hdr + l4_len;
    /* IPv4 counts its header in the 16-bit length, IPv6 does not */
    if ((v6 ? l4_len : total) > 65535 || total > cap)
        return 0;

    uint8_t *t = buf + ip_hdr;
    store_be16(t, b->sport);
    store_be16(t + 2, b->dport);
    store_be32(t + 4, b->seq);
    store_be32(t + 8, b->ack);
    t[12] = (uint8_t)((tcp_hdr / 4) << 4);
    t[13] = b->flags;
    store_be16(t + 14, b->window);
    store_be16(t + 16, 0);
    store_be16(t + 18, 0);
    if (b->opts_len)
        memcpy(t + TCP_HDR_LEN, b->opts, b->opts_len);
    if (b->payload_len)
        memcpy(t + tcp_hdr, b->payload, b->payload_len);
    store_be16(t + 16, csum_l4(&b->src, &b->dst, 6, t, l4_len));

    if (v6)
        write_ipv6_header(buf, b, l4_len);
    else
        write_ipv4_header(buf, b, total);
    return total;
}

/* Offset of the checksum field inside a transport header, or -1 if the
 * protocol has none we maintain. */
static int l4_checksum_offset(uint8_t proto)
{
    switch (proto) {
    case 6: return 16;   /* TCP */
    case 17: return 6;   /* UDP */
    case 1:              /* ICMP */
    case 58: return 2;   /* ICMPv6 */
    default: return -1;
    }
}

void pkt_fix_checksums(uint8_t *ip, size_t ip_len)
{
    struct pkt_view pv;
    if (!ip || ip_len < 1)
        return;
    /* decode only to locate headers; a bad TCP header is still re-summed */
    enum net_status st = pkt_decode_ip(ip, ip_len, &pv);
    if (st == NET_TRUNCATED || st == NET_BAD_VERSION || pv.l4 == NULL)
        return;
    if (pv.ip_version == 4) {
        size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
        store_be16(ip + 10, 0);
        store_be16(ip + 10, csum_fold(csum_partial(ip, ihl, 0)));
    }
    /* a fragment, or a packet shorter than its IP length, cannot be summed */
    if (pv.fragment || pv.more_fragments || pv.l4_caplen < pv.l4_len)
        return;
    int off = l4_checksum_offset(pv.proto);
    if (off < 0 || pv.l4_len < (size_t)off + 2)
        return;
    uint8_t *l4 = ip + (pv.l4 - pv.l3);
    store_be16(l4 + off, 0);
    uint16_t sum;
    if (pv.proto == 1) /* ICMPv4 has no pseudo-header */
        sum = csum_fold(csum_partial(l4, pv.l4_len, 0));
    else
        sum = csum_l4(&pv.src, &pv.dst, pv.proto, l4, pv.l4_len);
    if (pv.proto == 17 && sum == 0)
        sum = 0xffff; /* UDP: 0 means "no checksum" (RFC 768) */
    store_be16(l4 + off, sum);
}

void eth_build(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6], uint16_t ethertype)
{
    memcpy(buf, dst, 6);
    memcpy(buf + 6, src, 6);
    store_be16(buf + 12, ethertype);
}
