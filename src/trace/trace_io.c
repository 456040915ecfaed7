/* trace_io.c — one interface over io/rawsock (kernel routing) and io/afpacket (ZMap-style frames) for the tracer. */
#include "trace/trace_io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/afpacket.h"
#include "io/pace.h"
#include "io/rawsock.h"
#include "net/packet.h"

struct trace_io {
    struct rawsock *raw;
    struct afp_tx *tx;
    struct afp_rx *rx;
    trace_rx_fn fn;
    void *user;
    uint64_t received;
};

int trace_io_open_raw(struct trace_io **out, bool v4, bool v6, char *err, size_t errlen)
{
    struct trace_io *io = calloc(1, sizeof *io);
    if (!io) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    struct rawsock_cfg cfg = {.v4 = v4, .v6 = v6, .recv_icmp = true, .recv_tcp = true};
    if (rawsock_open(&io->raw, &cfg, err, errlen) != 0) {
        free(io);
        return -1;
    }
    *out = io;
    return 0;
}

int trace_io_open_afpacket(struct trace_io **out, const char *iface, const struct ip_addr *src4,
                           const struct ip_addr *src6, char *err, size_t errlen)
{
    struct trace_io *io = calloc(1, sizeof *io);
    if (!io) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    char filter[512], a4[IP_ADDR_STRLEN], a6[IP_ADDR_STRLEN];
    if (src4 && src6)
        snprintf(filter, sizeof filter, "(ip and (icmp or tcp) and dst host %s) or (ip6 and (icmp6 or tcp) and dst host %s)",
                 ip_addr_format(src4, a4, sizeof a4), ip_addr_format(src6, a6, sizeof a6));
    else if (src4)
        snprintf(filter, sizeof filter, "ip and (icmp or tcp) and dst host %s", ip_addr_format(src4, a4, sizeof a4));
    else
        snprintf(filter, sizeof filter, "ip6 and (icmp6 or tcp) and dst host %s",
                 src6 ? ip_addr_format(src6, a6, sizeof a6) : "::");
    /* ICMP errors quote up to 1280 bytes (IPv6): keep whole frames */
    struct afp_rx_cfg rc = {.ifname = iface, .filter = filter, .ignore_outgoing = true, .snaplen = 1600,
                            .block_timeout_ms = 2};
    struct afp_tx_cfg tc = {.ifname = iface, .qdisc_bypass = false, .no_ring = true};
    if (afp_rx_open(&io->rx, &rc, err, errlen) != 0 || afp_tx_open(&io->tx, &tc, err, errlen) != 0) {
        trace_io_close(io);
        return -1;
    }
    *out = io;
    return 0;
}

bool trace_io_ether(const struct trace_io *io)
{
    return io->tx != NULL;
}

int trace_io_send(struct trace_io *io, const uint8_t *pkt, size_t len, char *err, size_t errlen)
{
    if (io->raw)
        return rawsock_queue(io->raw, pkt, len, err, errlen);
    return afp_tx_send(io->tx, pkt, len, err, errlen);
}

int trace_io_flush(struct trace_io *io, char *err, size_t errlen)
{
    if (io->raw)
        return rawsock_flush(io->raw, err, errlen);
    return afp_tx_flush(io->tx, false, err, errlen);
}

static void on_frame(void *user, const struct afp_frame *f)
{
    struct trace_io *io = user;
    if (f->outgoing)
        return;
    struct pkt_view pv;
    /* the link layer only: the matcher decodes IP on its own */
    enum net_status st = pkt_decode(LINK_ETHERNET, f->data, f->caplen, &pv);
    if (!pv.l3 || st == NET_NOT_IP || st == NET_UNSUPPORTED_LINK || st == NET_BAD_VERSION)
        return;
    io->received++;
    io->fn(io->user, pv.l3, f->caplen - (size_t)(pv.l3 - f->data), pace_now_ns());
}

int trace_io_poll(struct trace_io *io, int timeout_ms, trace_rx_fn fn, void *user, char *err, size_t errlen)
{
    if (io->raw)
        return rawsock_poll(io->raw, timeout_ms, fn, user, err, errlen);
    io->fn = fn;
    io->user = user;
    return afp_rx_poll(io->rx, timeout_ms, on_frame, io, err, errlen);
}

void trace_io_stats(struct trace_io *io, struct trace_io_stats *st)
{
    memset(st, 0, sizeof *st);
    if (io->raw) {
        struct rawsock_stats r;
        rawsock_get_stats(io->raw, &r);
        st->sent = r.sent;
        st->send_errors = r.send_errors;
        st->received = r.received;
        st->kernel_drops = r.rx_drops;
        st->last_errno = r.last_errno;
        return;
    }
    struct afp_tx_stats t;
    struct afp_rx_stats r;
    afp_tx_get_stats(io->tx, &t);
    afp_rx_get_stats(io->rx, &r);
    st->sent = t.frames;
    st->send_errors = t.errors;
    st->received = io->received;
    st->kernel_drops = r.kernel_drops;
}

void trace_io_close(struct trace_io *io)
{
    if (!io)
        return;
    rawsock_close(io->raw);
    afp_tx_close(io->tx);
    afp_rx_close(io->rx);
    free(io);
}
