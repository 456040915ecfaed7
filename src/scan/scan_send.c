/* scan_send.c — sender thread: walks its sub-shard of the permutation, builds SYNs in the TX ring (or writes them as dry-run records), paces to the rate. */
#include "scan/scan_engine.h"

#include <string.h>

#include "io/afpacket.h"
#include "io/pace.h"

#define FLUSH_BATCH 64

uint64_t scan_now_ns(void) { return pace_now_ns(); }

uint64_t scan_targets_sent(struct scan_run *run)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < SCAN_MAX_THREADS; i++)
        n += atomic_load_explicit(&run->progress[i].targets, memory_order_acquire);
    return n;
}

uint64_t scan_frames_sent(struct scan_run *run)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < SCAN_MAX_THREADS; i++)
        n += atomic_load_explicit(&run->progress[i].sent, memory_order_relaxed);
    return n;
}

/* A dry-run probe as one record; the senders share the writer. */
static bool dryrun_write(struct scan_run *run, const struct probe_target *t, const struct probe_sig *sig,
                         const uint8_t *frame, size_t len)
{
    pthread_mutex_lock(&run->dryrun_lock);
    int rc = output_write_probe(&run->out, &run->pcfg, t, sig, frame, len);
    pthread_mutex_unlock(&run->dryrun_lock);
    if (rc < 0) {
        atomic_store(&run->output_failed, 1);
        atomic_store(&run->stop_sending, 1);
        return false;
    }
    return true;
}

static void sender_failed(struct scan_run *run, const char *err)
{
    snprintf(run->sender_error, sizeof(run->sender_error), "%s", err);
    atomic_store(&run->stop_sending, 1);
}

void *scan_sender_main(void *argp)
{
    struct sender_arg *arg = argp;
    struct scan_run *run = arg->run;
    const struct scan_config *cfg = run->cfg;
    struct sender_progress *me = &run->progress[arg->thread];
    struct afp_tx *tx = NULL;
    char err[256];

    if (!cfg->dryrun) {
        bool mmsg = cfg->tx_mode == TX_SENDMMSG;
        char drv[64];
        /* a veth peer must copy the ring's zero-copy pages (a page allocation
         * per frame): plain copies in sendmmsg batches are cheaper there */
        if (cfg->tx_mode == TX_AUTO && afp_if_driver(run->net.iface, drv, sizeof(drv), NULL, 0) == 0 &&
            !strcmp(drv, "veth"))
            mmsg = true;
        struct afp_tx_cfg tc = {.ifname = run->net.iface, .qdisc_bypass = cfg->qdisc_bypass, .no_ring = mmsg};
        if (afp_tx_open(&tx, &tc, err, sizeof(err)) < 0) {
            sender_failed(run, err);
            goto done;
        }
    }
    struct perm_iter it;
    perm_iter_init(&run->perm, cfg->shards, cfg->shard, cfg->send_threads, arg->thread, &it);
    uint64_t limit = UINT64_MAX;
    if (cfg->max_targets) {
        limit = cfg->max_targets / cfg->send_threads + (arg->thread < cfg->max_targets % cfg->send_threads);
    }
    uint64_t rate = run->rate_per_thread;
    uint64_t t0 = 0, sent = 0, targets = 0, unflushed = 0;
    uint64_t idx;
    struct probe_target t;
    memset(&t, 0, sizeof(t));
    uint8_t dry[2048];

    while (targets < limit && !atomic_load_explicit(&run->stop_sending, memory_order_relaxed) &&
           perm_next(&it, &idx)) {
        target_space_get(&run->space, idx, &t.dst, &t.dport, NULL);
        const struct source_pool *pool = t.dst.family == 10 ? &run->net.src6 : &run->net.src4;
        if (!pool->n)
            continue;
        source_pool_pick(pool, run->source_seed, &t.dst, t.dport, &t.src);
        cookie_compute(run->cookie, &t.src, &t.dst, t.dport, t.cookie);
        /* published before its SYN leaves: no reply can be counted ahead of its target */
        atomic_store_explicit(&me->targets, ++targets, memory_order_release);
        for (unsigned k = 0; k < cfg->probes; k++) {
            struct probe_sig sig;
            if (cfg->dryrun) {
                size_t len = probe_build_frame(cfg->probe, &run->pcfg, &t, dry, sizeof(dry), &sig);
                if (!len) {
                    atomic_fetch_add_explicit(&run->c.send_errors, 1, memory_order_relaxed);
                    continue;
                }
                if (!dryrun_write(run, &t, &sig, dry, len))
                    goto out;
            } else {
                size_t cap;
                uint8_t *slot;
                unsigned spins = 0;
                /* a non-blocking flush may leave frames queued in the ring with no
                 * syscall pending; from the second try on, wait for the kernel */
                while (!(slot = afp_tx_slot(tx, &cap))) {
                    if (afp_tx_flush(tx, spins++ > 0, err, sizeof(err)) < 0) {
                        sender_failed(run, err);
                        goto out;
                    }
                    unflushed = 0;
                }
                size_t len = probe_build_frame(cfg->probe, &run->pcfg, &t, slot, cap, &sig);
                if (!len) {
                    atomic_fetch_add_explicit(&run->c.send_errors, 1, memory_order_relaxed);
                    continue;
                }
                afp_tx_commit(tx, len);
                if (++unflushed >= FLUSH_BATCH) {
                    if (afp_tx_flush(tx, false, err, sizeof(err)) < 0) {
                        sender_failed(run, err);
                        goto out;
                    }
                    unflushed = 0;
                }
            }
            if (sent == 0) {
                t0 = scan_now_ns();
                uint64_t zero = 0;
                atomic_compare_exchange_strong(&run->t_first_send_ns, &zero, t0);
            }
            atomic_store_explicit(&me->sent, ++sent, memory_order_relaxed);
            if (rate && (sent & 15) == 0)
                pace_wait(t0, sent, rate);
        }
    }
out:
    if (tx) {
        afp_tx_flush(tx, true, err, sizeof(err));
        struct afp_tx_stats st;
        afp_tx_get_stats(tx, &st);
        atomic_fetch_add(&run->c.send_errors, st.errors);
        afp_tx_close(tx);
    }
done:
    if (atomic_fetch_sub(&run->senders_running, 1) == 1)
        atomic_store(&run->t_send_end_ns, scan_now_ns());
    return NULL;
}
