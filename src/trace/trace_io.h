/* trace_io.h — the tracer's packet I/O: raw IP sockets through the kernel's routing (default), or AF_PACKET on one interface (-i/-S/-G). */
#ifndef TRACE_IO_H
#define TRACE_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/addr.h"

struct trace_io;

/* Raw sockets for the families asked for (sending and receiving ICMP/TCP). */
int trace_io_open_raw(struct trace_io **out, bool v4, bool v6, char *err, size_t errlen);
/* AF_PACKET on iface: frames out through sendmmsg batches, in through a
 * TPACKET_V3 ring filtered to ICMP/ICMPv6/TCP addressed to src4/src6. */
int trace_io_open_afpacket(struct trace_io **out, const char *iface, const struct ip_addr *src4,
                           const struct ip_addr *src6, char *err, size_t errlen);
/* True when send() takes Ethernet frames (AF_PACKET), false for IP packets. */
bool trace_io_ether(const struct trace_io *io);

int trace_io_send(struct trace_io *io, const uint8_t *pkt, size_t len, char *err, size_t errlen);
int trace_io_flush(struct trace_io *io, char *err, size_t errlen);
/* Receives for up to timeout_ms; fn sees IP packets (link header removed)
 * with the receive time on CLOCK_MONOTONIC. Returns packets seen or -1. */
typedef void (*trace_rx_fn)(void *user, const uint8_t *ip, size_t len, uint64_t mono_ns);
int trace_io_poll(struct trace_io *io, int timeout_ms, trace_rx_fn fn, void *user, char *err, size_t errlen);

struct trace_io_stats {
    uint64_t sent, send_errors, received, kernel_drops;
    int last_errno;
};
void trace_io_stats(struct trace_io *io, struct trace_io_stats *st);
void trace_io_close(struct trace_io *io);

#endif
