/* rawsock.h — raw IP sockets through the kernel's routing: send whole IPv4/IPv6 packets in batches, receive ICMP/ICMPv6/TCP as whole IP packets. */
#ifndef IO_RAWSOCK_H
#define IO_RAWSOCK_H

/*
 * For stages that probe without -i/-S/-G (trace): the kernel picks the
 * interface and next hop, the caller builds the complete IP packet. IPv4 uses
 * IPPROTO_RAW (IP_HDRINCL; the kernel fills the header checksum and, only when
 * it is 0, the IP ID); IPv6 uses IPPROTO_RAW too, which implies IPV6_HDRINCL
 * (the header leaves as written, flow label included).
 *
 * Receiving: one raw socket per (family, protocol) asked for. IPv4 raw sockets
 * deliver the IP header; IPv6 ones do not, so an IPv6 header is rebuilt in
 * front of each message from the source address, IPV6_PKTINFO (destination)
 * and IPV6_HOPLIMIT. ICMP sockets are filtered in the kernel to error types
 * and echo replies. The callback always sees a whole IP packet.
 *
 * Nothing here prints; every function returns 0 / -1 with a reason in err.
 * Sockets need CAP_NET_RAW and live in the current network namespace.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rawsock;

struct rawsock_cfg {
    bool v4, v6;              /* families to open */
    bool recv_icmp;           /* ICMP / ICMPv6 errors and echo replies */
    bool recv_tcp;            /* every TCP segment arriving at this host */
    unsigned rcvbuf;          /* SO_RCVBUF(FORCE) bytes per receive socket; 0 = 8 MiB */
};

int rawsock_open(struct rawsock **out, const struct rawsock_cfg *cfg, char *err, size_t errlen);

/* Queues one IP packet (copied; destination taken from its header); sends
 * the batch when it is full. Returns 0, or -1 when a send failed hard. */
int rawsock_queue(struct rawsock *rs, const uint8_t *ip, size_t len, char *err, size_t errlen);
/* Sends every queued packet (sendmmsg per family). */
int rawsock_flush(struct rawsock *rs, char *err, size_t errlen);

/* Waits up to timeout_ms (0: no wait) for packets and calls fn for each,
 * with the receive time (CLOCK_MONOTONIC ns, taken per batch). Returns the
 * number of packets delivered or -1. */
typedef void (*rawsock_rx_fn)(void *user, const uint8_t *ip, size_t len, uint64_t mono_ns);
int rawsock_poll(struct rawsock *rs, int timeout_ms, rawsock_rx_fn fn, void *user, char *err, size_t errlen);

struct rawsock_stats {
    uint64_t sent;            /* packets the kernel accepted */
    uint64_t send_errors;     /* packets refused (no route, buffer full after retries, ...) */
    int last_errno;           /* errno of the last refused packet */
    uint64_t received;
    uint64_t rx_drops;        /* SO_RXQ_OVFL: dropped by the kernel before we read them */
};
void rawsock_get_stats(const struct rawsock *rs, struct rawsock_stats *st);
void rawsock_close(struct rawsock *rs);

#endif
