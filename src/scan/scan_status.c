/* scan_status.c — ZMap-like progress line (elapsed, % done, send/receive rates, drops, hit rate) and per-verdict summary. */
#include "scan/scan_status.h"

#include <inttypes.h>

#include "io/pace.h"

/* Unique replies per target sent, in %. Clamped as a safeguard only: a
 * reply from an address outside the target space (never counted as a
 * target) would otherwise push it past 100 %. */
double scan_hit_rate(uint64_t unique, uint64_t targets)
{
    if (!targets)
        return 0.0;
    double r = 100.0 * (double)unique / (double)targets;
    return r > 100.0 ? 100.0 : r;
}

void scan_status_line(FILE *out, struct scan_run *run, struct status_state *st)
{
    uint64_t now = scan_now_ns();
    /* replies first, then targets: every reply counted here is for a target
     * already counted (the senders publish a target before its SYN leaves),
     * so the hit rate cannot pass 100 % */
    uint64_t recv = atomic_load(&run->c.recv_unique);
    uint64_t targets = scan_targets_sent(run);
    uint64_t sent = scan_frames_sent(run);
    uint64_t first = atomic_load(&run->t_first_send_ns);
    double elapsed = (double)(now - run->t_start_ns) / 1e9;
    double dt = st->last_ns ? (double)(now - st->last_ns) / 1e9 : elapsed;
    if (dt <= 0)
        dt = 1e-9;
    double since_first = first ? (double)(now - first) / 1e9 : 0;
    double pct = run->expected_targets ? 100.0 * (double)targets / (double)run->expected_targets : 100.0;
    if (pct > 100.0)
        pct = 100.0;
    char r1[32], r2[32], r3[32], r4[32];
    unsigned secs = (unsigned)elapsed;
    fprintf(out, "%u:%02u %3.0f%%%s; send: %" PRIu64 " %s (%s avg); recv: %" PRIu64 " %s (%s avg); drops: %" PRIu64
                 "; hitrate: %.2f%%\n",
            secs / 60, secs % 60, pct, atomic_load(&run->senders_running) ? "" : " (cooldown)", sent,
            pace_rate_text((double)(sent - st->last_sent) / dt, "p", r1, sizeof(r1)),
            pace_rate_text(since_first > 0 ? (double)sent / since_first : 0, "p", r2, sizeof(r2)), recv,
            pace_rate_text((double)(recv - st->last_recv) / dt, "p", r3, sizeof(r3)),
            pace_rate_text(elapsed > 0 ? (double)recv / elapsed : 0, "p", r4, sizeof(r4)), atomic_load(&run->c.kernel_drops),
            scan_hit_rate(recv, targets));
    fflush(out);
    st->last_ns = now;
    st->last_sent = sent;
    st->last_recv = recv;
}

void scan_summary(FILE *out, struct scan_run *run)
{
    uint64_t uniq = atomic_load(&run->c.recv_unique);
    uint64_t sent = scan_frames_sent(run);
    uint64_t first = atomic_load(&run->t_first_send_ns);
    uint64_t end = atomic_load(&run->t_send_end_ns);
    double send_secs = first && end > first ? (double)(end - first) / 1e9 : 0;
    uint64_t targets = scan_targets_sent(run);
    fprintf(out, "summary: targets %" PRIu64 ", sent %" PRIu64 " in %.3f s, send rate %.0f pps, send errors %" PRIu64 "\n",
            targets, sent, send_secs, send_secs > 0 ? (double)sent / send_secs : 0.0,
            atomic_load(&run->c.send_errors));
    if (run->cfg->dryrun) {
        fflush(out);
        return;     /* nothing was received */
    }
    fprintf(out, "summary: replies %" PRIu64 " unique, %" PRIu64 " repeats, %" PRIu64 " failed validation, %" PRIu64
                 " other, %" PRIu64 " kernel drops, hit rate %.4f%%\n",
            uniq, atomic_load(&run->c.recv_repeats), atomic_load(&run->c.recv_invalid),
            atomic_load(&run->c.recv_other), atomic_load(&run->c.kernel_drops),
            scan_hit_rate(uniq, targets));
    for (int v = 0; v < VERDICT_COUNT; v++)
        fprintf(out, "summary: verdict %-16s %" PRIu64 "\n", scan_verdict_name((enum scan_verdict)v),
                atomic_load(&run->c.verdicts[v]));
    fprintf(out, "summary: records written %llu", run->out.records);
    if (run->cfg->output_filter)
        fprintf(out, ", %" PRIu64 " kept out by --output-filter", atomic_load(&run->c.records_filtered));
    fputc('\n', out);
    fflush(out);
}
