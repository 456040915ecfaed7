/* emu_quote8.c — a router that answers TTL-expiring packets with ICMP time-exceeded quoting only 8 transport bytes (RFC 792 minimum). */
#include "lab/emu.h"

#include <string.h>
#include <sys/socket.h>

#include "net/build.h"
#include "net/icmp.h"
#include "net/packet.h"

static bool is_icmp_error(const struct pkt_view *v)
{
    if (v->l4_caplen < 1)
        return true; /* cannot tell: stay quiet */
    uint8_t type = v->l4[0];
    if (v->proto == 1)
        return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
    if (v->proto == 58)
        return type < 128;
    return false;
}

void quote8_frame(struct quote8 *q, const uint8_t *frame, size_t len)
{
    struct pkt_view v;
    if (pkt_decode(LINK_ETHERNET, frame, len, &v) != NET_OK || v.ttl > 1 || v.fragment)
        return;
    const struct ip_addr *self = v.ip_version == 4 ? &q->self4 : &q->self6;
    if (ip_addr_equal(&v.dst, self) || is_icmp_error(&v))
        return;
    /* only lab unicast destinations (never multicast or link-local control traffic) */
    if (v.ip_version == 6 && !(v.dst.bytes[0] == 0x20 && v.dst.bytes[1] == 0x01 &&
                               v.dst.bytes[2] == 0x0d && v.dst.bytes[3] == 0xb8))
        return;
    if (v.ip_version == 4 && (v.dst.bytes[0] & 0xf0) == 0xe0)
        return;
    uint8_t *slot = pktio_slot(&q->io);
    size_t ip_len = icmp_build_time_exceeded(slot + ETH_HDR_LEN, PKTIO_FRAME - ETH_HDR_LEN, self, v.l3,
                                             v.l3_caplen, 8, 64);
    if (ip_len == 0)
        return;
    eth_build(slot, frame + 6, q->io.mac, v.ip_version == 4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6);
    pktio_commit(&q->io, ETH_HDR_LEN + ip_len);
    q->sent++;
}
