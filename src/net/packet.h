/* packet.h — zero-copy, bounds-checked decode of link, IPv4/IPv6 and TCP headers. */
#ifndef NET_PACKET_H
#define NET_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "net/addr.h"

/* Status codes of every decoder in src/net. Stable: used as skip reasons. */
enum net_status {
    NET_OK = 0,
    NET_TRUNCATED,       /* header cut short by the capture (snaplen) */
    NET_BAD_HEADER,      /* header fields inconsistent (IHL < 5, doff < 5, ...) */
    NET_BAD_VERSION,     /* IP version not 4/6, or not matching the link type */
    NET_UNSUPPORTED_LINK,/* link type we do not decode */
    NET_NOT_IP,          /* link payload is not IPv4/IPv6 (ARP, LLDP, ...) */
    NET_NOT_TCP,         /* IP payload is not TCP (or ICMP when asked) */
    NET_FRAGMENT,        /* non-first fragment: no transport header */
    NET_STATUS_COUNT
};
const char *net_status_name(enum net_status s); /* "truncated", "bad-header", ... */

/* Link layers we decode; values are our own, see link_from_dlt(). */
enum link_type {
    LINK_ETHERNET,  /* DLT_EN10MB, with 802.1Q/802.1ad VLAN tags */
    LINK_RAW,       /* DLT_RAW / LINKTYPE_RAW (12, 14, 101): version from first nibble */
    LINK_IPV4,      /* LINKTYPE_IPV4 (228) */
    LINK_IPV6,      /* LINKTYPE_IPV6 (229) */
    LINK_SLL,       /* LINKTYPE_LINUX_SLL (113) */
    LINK_SLL2,      /* LINKTYPE_LINUX_SLL2 (276) */
    LINK_PPP,       /* DLT_PPP (9), DLT_PPP_SERIAL (50), PPP_HDLC */
    LINK_NULL,      /* DLT_NULL / DLT_LOOP (BSD loopback) */
    LINK_UNKNOWN
};
/* Maps a pcap DLT/LINKTYPE value to a link_type (LINK_UNKNOWN if unsupported). */
enum link_type link_from_dlt(int dlt);
const char *link_type_name(enum link_type t);

struct tcp_view {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t doff;          /* header length in 32-bit words */
    uint8_t flags;         /* FIN=0x01 SYN=0x02 RST=0x04 PSH=0x08 ACK=0x10 URG=0x20 ECE=0x40 CWR=0x80 */
    uint16_t window, checksum, urgent;
    const uint8_t *opts;   /* option bytes, opts_len = doff*4 - 20, clipped to what was captured */
    size_t opts_len;
    bool opts_truncated;   /* the capture cut the option area */
    const uint8_t *payload;/* captured payload bytes */
    size_t payload_len;    /* captured */
    size_t payload_wire_len; /* from IP length: what was on the wire */
};

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20
#define TCP_ECE 0x40
#define TCP_CWR 0x80

/* One decoded packet. All pointers point into the caller's buffer. */
struct pkt_view {
    enum link_type link;
    const uint8_t *l3;      /* first byte of the IP header */
    size_t l3_caplen;       /* captured bytes from l3 on */
    uint8_t ip_version;     /* 4 or 6 */
    struct ip_addr src, dst;
    uint8_t ttl;            /* IPv4 TTL / IPv6 hop limit */
    uint8_t tos;            /* IPv4 TOS / IPv6 traffic class */
    uint16_t ip_id;         /* IPv4 identification; low 16 bits of the fragment id for IPv6 */
    uint32_t ip_len;        /* IP bytes on the wire: IPv4 total length, IPv6 payload length + 40 */
    uint8_t proto;          /* upper-layer protocol after extension headers */
    bool fragment;          /* non-first fragment (no transport header follows) */
    bool more_fragments;
    bool ip_len_from_capture; /* IP length field was 0 (offloaded segment, jumbogram):
                                 ip_len and l4_len are then the captured bytes */
    const uint8_t *l4;      /* transport header */
    size_t l4_caplen;       /* captured bytes from l4 on */
    size_t l4_len;          /* transport bytes on the wire (from IP length) */
    struct tcp_view tcp;    /* valid when proto == 6 and decode returned NET_OK */
};

/* Decodes a captured frame of the given link type down to the transport
 * header. For TCP it fills pkt->tcp too. Returns NET_OK also for non-TCP IP
 * packets (pkt->proto says which): callers filter. */
enum net_status pkt_decode(enum link_type link, const uint8_t *frame, size_t caplen, struct pkt_view *pkt);
/* Same, starting at an IP header (raw socket, ICMP quote). */
enum net_status pkt_decode_ip(const uint8_t *ip, size_t caplen, struct pkt_view *pkt);
/* Decodes a TCP header at p (len = captured bytes, wire_len = bytes on the wire). */
enum net_status tcp_decode(const uint8_t *p, size_t len, size_t wire_len, struct tcp_view *t);

/* Formats TCP flags as "SA", "R", "FA"... into buf (>= 9 bytes). */
const char *tcp_flags_format(uint8_t flags, char *buf);

#endif
