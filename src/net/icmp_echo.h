/* icmp_echo.h — ICMP/ICMPv6 echo request builder and echo reply reader (the tracer's distance probe). */
#ifndef NET_ICMP_ECHO_H
#define NET_ICMP_ECHO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "net/addr.h"
#include "net/packet.h"

struct icmp_echo_build {
    struct ip_addr src, dst;     /* same family: IPv4 ICMP or ICMPv6 */
    uint8_t ttl;                 /* TTL / hop limit */
    uint16_t ip_id;              /* IPv4 only */
    uint32_t flow_label;         /* IPv6 only (20 bits) */
    uint16_t id, seq;            /* echo identifier and sequence number */
    const uint8_t *payload;
    size_t payload_len;
};

/* Writes the whole IP packet (header, echo request, payload) with valid
 * checksums into buf. Returns its length, or 0 if cap is too small or the
 * addresses are of different families. */
size_t icmp_build_echo_request(uint8_t *buf, size_t cap, const struct icmp_echo_build *b);

/* An echo reply in a decoded packet (ICMP type 0 / ICMPv6 type 129). */
struct icmp_echo_reply {
    uint16_t id, seq;
    const uint8_t *payload;
    size_t payload_len;          /* captured payload bytes */
};
/* True when pkt is an echo reply with its 8-byte header captured. */
bool icmp_echo_reply_parse(const struct pkt_view *pkt, struct icmp_echo_reply *out);

/* id and seq of an echo request inside an ICMP error quote: the quoted
 * packet's protocol must be ICMP (1) / ICMPv6 (58) with the echo request
 * type, and at least 8 transport bytes quoted. */
bool icmp_quoted_echo(const struct pkt_view *inner, uint16_t *id, uint16_t *seq);

#endif
