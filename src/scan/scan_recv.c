/* scan_recv.c — receiver thread: TPACKET_V3 ring, probe validation (net/syn_probe), classification, dedup and output. */
#include "scan/scan_engine.h"

#include <string.h>
#include <sys/socket.h>

#include "io/afpacket.h"
#include "net/packet.h"
#include "scan/output_filter.h"

/* Only TCP to our addresses reaches the ring: each family's pool as CIDR
 * blocks, or the family alone when they would be too many terms for a
 * filter (source_pool_contains then decides). */
void scan_bpf_filter(const struct scan_run *run, char *buf, size_t len)
{
    char t4[3000], t6[4000];
    const struct source_pool *p4 = &run->net.src4, *p6 = &run->net.src6;
    bool b4 = p4->n && source_pool_bpf(p4, 64, t4, sizeof t4);
    bool b6 = p6->n && source_pool_bpf(p6, 64, t6, sizeof t6);
    char f4[3100] = "", f6[4100] = "";
    if (p4->n)
        snprintf(f4, sizeof f4, b4 ? "(ip and tcp and (%s))" : "(ip and tcp)", t4);
    if (p6->n)
        snprintf(f6, sizeof f6, b6 ? "(ip6 and tcp and (%s))" : "(ip6 and tcp)", t6);
    snprintf(buf, len, "%s%s%s", f4, p4->n && p6->n ? " or " : "", f6);
}

void scan_handle_frame(struct scan_run *run, const uint8_t *frame, size_t caplen, uint64_t ts_nsec)
{
    struct pkt_view pkt;
    atomic_fetch_add_explicit(&run->c.recv_frames, 1, memory_order_relaxed);
    if (pkt_decode(LINK_ETHERNET, frame, caplen, &pkt) != NET_OK || pkt.proto != 6 || pkt.fragment) {
        atomic_fetch_add_explicit(&run->c.recv_other, 1, memory_order_relaxed);
        return;
    }
    /* to one of our addresses (the BPF filter may let more in when -S lists many ranges) */
    if (!source_pool_contains(pkt.dst.family == AF_INET6 ? &run->net.src6 : &run->net.src4, &pkt.dst)) {
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
    if (!scan_filter_match(run->cfg->output_filter, &rec)) {
        atomic_fetch_add_explicit(&run->c.records_filtered, 1, memory_order_relaxed);
        return;
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
    char err[256];
    static _Thread_local char filter[8192];
    scan_bpf_filter(run, filter, sizeof filter);
    struct afp_rx_cfg rc = {.ifname = run->net.iface, .filter = filter, .ignore_outgoing = true, .snaplen = 256};
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
