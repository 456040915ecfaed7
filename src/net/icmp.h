/* icmp.h — ICMPv4/ICMPv6 error messages: the quoted packet inside them, and RFC 4884 extensions. */
#ifndef NET_ICMP_H
#define NET_ICMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "net/packet.h"

/* How much of the offending packet's transport header the router quoted. */
enum quote_extent {
    QUOTE_NONE,     /* no transport bytes (only (part of) the IP header) */
    QUOTE_8,        /* exactly the first 8 transport bytes (RFC 792 minimum) */
    QUOTE_PARTIAL,  /* more than 8 bytes but less than the whole TCP header (options cut) */
    QUOTE_FULL,     /* the whole TCP header with options (RFC 1812 / RFC 4443 style) */
};
const char *quote_extent_name(enum quote_extent q); /* "none", "8", "partial", "full" */

struct icmp_ext_object {      /* RFC 4884 / RFC 4950 object */
    uint8_t class_num, c_type;
    const uint8_t *data;
    size_t len;               /* payload length, header excluded */
};
#define ICMP_MAX_EXT_OBJECTS 8

struct icmp_error {
    uint8_t family;           /* AF_INET / AF_INET6 of the ICMP message */
    uint8_t type, code;
    bool is_error;            /* time exceeded, unreachable, param problem, packet too big */
    struct ip_addr reporter;  /* source of the ICMP message: the hop */
    uint8_t reporter_ttl;
    /* the quoted (offending) packet */
    const uint8_t *quote;
    size_t quote_len;         /* bytes of quote (before any RFC 4884 extension) */
    struct pkt_view inner;    /* inner IP header decoded; inner.tcp valid if quoted far enough:
                                 sport, dport, seq from 8 transport bytes on, all from 20 */
    enum net_status inner_status;
    size_t transport_quoted;  /* transport bytes present in the quote */
    enum quote_extent extent;
    bool inner_tcp_header;    /* at least 20 TCP bytes present: inner.tcp fields valid */
    /* RFC 4884 */
    bool has_extension;
    bool ext_checksum_ok;
    unsigned n_ext_objects;
    struct icmp_ext_object ext[ICMP_MAX_EXT_OBJECTS];
};

/* Parses an ICMP or ICMPv6 message held in an already decoded packet
 * (pkt->proto == 1 or 58). Returns NET_NOT_TCP if the packet is not ICMP,
 * NET_OK also when the message is not an error (err->is_error false). */
enum net_status icmp_parse(const struct pkt_view *pkt, struct icmp_error *err);

/* Builds an ICMP(v6) time-exceeded message from `reporter` to the source of
 * the offending IP packet `orig` (orig_len bytes), quoting `quote_transport`
 * bytes of its transport header (SIZE_MAX: as much as fits in 576/1280 bytes).
 * Writes a complete IP packet into buf; returns its length or 0. Used by the
 * lab's emulated routers. */
size_t icmp_build_time_exceeded(uint8_t *buf, size_t cap, const struct ip_addr *reporter,
                                const uint8_t *orig, size_t orig_len, size_t quote_transport,
                                uint8_t ttl);

#endif
