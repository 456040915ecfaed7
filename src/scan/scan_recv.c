/* scan_recv.c — receiver thread: TPACKET_V3 ring, probe validation (net/syn_probe), classification, dedup and output. */
#include "scan/scan_engine.h"

#include <string.h>
#include <sys/socket.h>

#include "io/afpacket.h"
#include "net/packet.h"

void scan_handle_frame(struct scan_run *run, const uint8_t *frame, size_t caplen, uint64_t ts_nsec)
{
    struct pkt_view pkt;
    atomic_fetch_add_explicit(&run->c.recv_frames, 1, memory_order_relaxed);
    if (pkt_decode(LINK_ETHERNET, frame, caplen, &pkt) != NET_OK || pkt.proto != 6 || pkt.fragment) {
        atomic_fetch_add_explicit(&run->c.recv_other, 1, memory_order_relaxed);
        return;
    }
    const struct ip_addr *ours = pkt.dst.family == AF_INET6 ? &run->src6 : &run->src4;
    bool have = pkt.dst.family == AF_INET6 ? run->have_src6 : run->have_src4;
    if (!have || !ip_addr_equal(&pkt.dst, ours)) {
        atomic_fetch_add_explicit(&run->c.recv_other, 1, memory_order_relaxed);
        return;
    }
    /* stateless validation: the probe's cookie, recomputed from the reply */
    struct probe_target t;
    struct probe_sig sig;
    if (!probe_validate(run->cfg->probe, &run->pcfg, run->cookie, &pkt, &t, &sig)) {
        atomic_fetch_add_explicit(&run->c.recv_invalid, 1, memory_order_relaxed);
        return;
    }
    struct scan_record rec;
    if (!scan_classify(&pkt, &sig, &rec)) {
        atomic_fetch_add_explicit(&run->c.recv_other, 1, memory_order_relaxed);
        return;
    }
    rec.ts_nsec = ts_nsec;
    rec.cooldown = atomic_load_explicit(&run->senders_running, memory_order_relaxed) == 0;
    uint64_t idx;
    int fresh = 1;
    if (target_space_index(&run->space, &pkt.src, pkt.tcp.sport, &idx))
        fresh = seen_set_add(&run->seen, idx);
    if (fresh == 0) {
        atomic_fetch_add_explicit(&run->c.recv_repeats, 1, memory_order_relaxed);
        if (!run->cfg->output_repeats)
            return;
        rec.repeat = true;
    } else {
        atomic_fetch_add_explicit(&run->c.recv_unique, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&run->c.verdicts[rec.verdict], 1, memory_order_relaxed);
    }
    if (output_write(&run->out, &rec) < 0 && !atomic_exchange(&run->output_failed, 1)) {
        /* the records are the census: stop rather than lose them */
        atomic_store(&run->stop_sending, 1);
        atomic_store(&run->stop_receiving, 1);
    }
}

static void on_frame(void *user, const struct afp_frame *f)
{
    if (f->outgoing)
        return;
    scan_handle_frame(user, f->data, f->caplen, f->ts_nsec);
}

void *scan_receiver_main(void *arg)
{
    struct scan_run *run = arg;
    const struct scan_config *cfg = run->cfg;
    char filter[512], a4[IP_ADDR_STRLEN], a6[IP_ADDR_STRLEN], err[256];
    /* only TCP to our source addresses reaches the ring */
    if (run->have_src4 && run->have_src6)
        snprintf(filter, sizeof(filter), "(ip and tcp and dst host %s) or (ip6 and tcp and dst host %s)",
                 ip_addr_format(&run->src4, a4, sizeof(a4)), ip_addr_format(&run->src6, a6, sizeof(a6)));
    else if (run->have_src4)
        snprintf(filter, sizeof(filter), "ip and tcp and dst host %s", ip_addr_format(&run->src4, a4, sizeof(a4)));
    else
        snprintf(filter, sizeof(filter), "ip6 and tcp and dst host %s", ip_addr_format(&run->src6, a6, sizeof(a6)));
    struct afp_rx_cfg rc = {.ifname = cfg->iface, .filter = filter, .ignore_outgoing = true, .snaplen = 256};
    struct afp_rx *rx = NULL;
    if (afp_rx_open(&rx, &rc, err, sizeof(err)) < 0) {
        snprintf(run->receiver_error, sizeof(run->receiver_error), "%s", err);
        atomic_store(&run->receiver_ready, -1);
        return NULL;
    }
    atomic_store(&run->receiver_ready, 1);
    uint64_t next_flush = scan_now_ns() + 1000000000ull;
    while (!atomic_load(&run->stop_receiving)) {
        /* hand whole lines to the file every second, so it can be followed while the scan runs */
        if (scan_now_ns() >= next_flush) {
            if (output_flush(&run->out) < 0 && !atomic_exchange(&run->output_failed, 1)) {
                atomic_store(&run->stop_sending, 1);
                atomic_store(&run->stop_receiving, 1);
            }
            next_flush += 1000000000ull;
            /* a getsockopt: once a second, as often as the status line reads it */
            struct afp_rx_stats st;
            afp_rx_get_stats(rx, &st);
            atomic_store(&run->c.kernel_drops, st.kernel_drops);
        }
        if (afp_rx_poll(rx, 100, on_frame, run, err, sizeof(err)) < 0) {
            snprintf(run->receiver_error, sizeof(run->receiver_error), "%s", err);
            break;
        }
    }
    /* drain what is already in the ring */
    afp_rx_poll(rx, 0, on_frame, run, err, sizeof(err));
    struct afp_rx_stats st;
    afp_rx_get_stats(rx, &st);
    atomic_store(&run->c.kernel_drops, st.kernel_drops);
    afp_rx_close(rx);
    return NULL;
}
