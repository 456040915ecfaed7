/* build.h — encoders: a complete IPv4/IPv6 + TCP packet with checksums, and Ethernet framing. */
#ifndef NET_BUILD_H
#define NET_BUILD_H

#include <stddef.h>
#include <stdint.h>
#include "net/addr.h"

struct tcp_build {
    struct ip_addr src, dst;      /* same family; selects IPv4 or IPv6 */
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;                /* TCP_SYN | ... */
    uint16_t window;
    uint8_t ttl;                  /* hop limit for IPv6 */
    uint16_t ip_id;               /* IPv4 only */
    bool dont_fragment;           /* IPv4 DF bit */
    const uint8_t *opts;          /* option area, multiple of 4 bytes, <= 40 */
    size_t opts_len;
    const uint8_t *payload;
    size_t payload_len;
};

/* Writes IP header + TCP header + options + payload with valid checksums.
 * Returns the packet length, or 0 if cap is too small / inputs invalid. */
size_t pkt_build_tcp(uint8_t *buf, size_t cap, const struct tcp_build *b);

/* Recomputes IP header (v4) and TCP checksums of a packet in place, e.g.
 * after an emulated middlebox rewrote an option. ip_len = whole IP packet. */
void pkt_fix_checksums(uint8_t *ip, size_t ip_len);

#define ETH_HDR_LEN 14
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86DD
#define ETHERTYPE_VLAN 0x8100
/* Writes a 14-byte Ethernet header. */
void eth_build(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6], uint16_t ethertype);

#endif
