/* icmp_echo.c — builds ICMP/ICMPv6 echo requests and reads echo replies and quoted echo requests. */
#include "net/icmp_echo.h"

#include <string.h>
#include <sys/socket.h>

#include "net/bytes.h"
#include "net/checksum.h"

#define ICMP_ECHO_HDR 8

size_t icmp_build_echo_request(uint8_t *buf, size_t cap, const struct icmp_echo_build *b)
{
    if (!buf || !b || b->src.family != b->dst.family || (b->payload_len && !b->payload))
        return 0;
    bool v6 = b->src.family == AF_INET6;
    if (!v6 && b->src.family != AF_INET)
        return 0;
    size_t ip_hdr = v6 ? 40 : 20;
    size_t icmp_len = ICMP_ECHO_HDR + b->payload_len;
    size_t total = ip_hdr + icmp_len;
    if (total > cap || total > 65535)
        return 0;
    uint8_t *icmp = buf + ip_hdr;
    icmp[0] = v6 ? 128 : 8;
    icmp[1] = 0;
    store_be16(icmp + 2, 0);
    store_be16(icmp + 4, b->id);
    store_be16(icmp + 6, b->seq);
    if (b->payload_len)
        memcpy(icmp + ICMP_ECHO_HDR, b->payload, b->payload_len);
    if (v6) {
        store_be32(buf, 0x60000000u | (b->flow_label & 0xfffffu));
        store_be16(buf + 4, (uint16_t)icmp_len);
        buf[6] = 58;
        buf[7] = b->ttl;
        memcpy(buf + 8, b->src.bytes, 16);
        memcpy(buf + 24, b->dst.bytes, 16);
        store_be16(icmp + 2, csum_l4(&b->src, &b->dst, 58, icmp, icmp_len));
    } else {
        buf[0] = 0x45;
        buf[1] = 0;
        store_be16(buf + 2, (uint16_t)total);
        store_be16(buf + 4, b->ip_id);
        store_be16(buf + 6, 0x4000); /* DF, like the SYN probes */
        buf[8] = b->ttl;
        buf[9] = 1;
        store_be16(buf + 10, 0);
        memcpy(buf + 12, b->src.bytes, 4);
        memcpy(buf + 16, b->dst.bytes, 4);
        store_be16(buf + 10, csum_fold(csum_partial(buf, 20, 0)));
        store_be16(icmp + 2, csum_fold(csum_partial(icmp, icmp_len, 0)));
    }
    return total;
}

bool icmp_echo_reply_parse(const struct pkt_view *pkt, struct icmp_echo_reply *out)
{
    bool v6 = pkt->ip_version == 6;
    if (!pkt->l4 || pkt->fragment || pkt->proto != (v6 ? 58 : 1) || pkt->l4_caplen < ICMP_ECHO_HDR)
        return false;
    if (pkt->l4[0] != (v6 ? 129 : 0) || pkt->l4[1] != 0)
        return false;
    out->id = load_be16(pkt->l4 + 4);
    out->seq = load_be16(pkt->l4 + 6);
    out->payload = pkt->l4 + ICMP_ECHO_HDR;
    size_t wire = pkt->l4_len < pkt->l4_caplen ? pkt->l4_len : pkt->l4_caplen;
    out->payload_len = wire > ICMP_ECHO_HDR ? wire - ICMP_ECHO_HDR : 0;
    return true;
}

bool icmp_quoted_echo(const struct pkt_view *inner, uint16_t *id, uint16_t *seq)
{
    bool v6 = inner->ip_version == 6;
    if (!inner->l4 || inner->fragment || inner->proto != (v6 ? 58 : 1) || inner->l4_caplen < ICMP_ECHO_HDR)
        return false;
    if (inner->l4[0] != (v6 ? 128 : 8))
        return false;
    *id = load_be16(inner->l4 + 4);
    *seq = load_be16(inner->l4 + 6);
    return true;
}
