/* trace_engine.c — keeps a pool of probes from many targets filled, sends them in random order under a token bucket, and drives every target's rounds. */
#include "trace/trace_engine.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "io/pace.h"
#include "net/bytes.h"

struct pool_item {
    uint32_t slot;
    uint8_t ttl;
    bool echo;
};

struct timeout_entry {
    uint64_t deadline;
    uint32_t slot, round;
};
struct timeout_fifo {
    struct timeout_entry *v;
    size_t cap, head, n;     /* ring buffer */
};
struct replan_entry {
    uint32_t slot, round;
};
struct replan_q {
    struct replan_entry *v;
    size_t n, cap;
};

#define MAX_BURST 256
#define BUILD_CAP 256

/* ------------------------------------------------------------ containers */

static bool fifo_push(struct timeout_fifo *f, uint64_t deadline, uint32_t slot, uint32_t round)
{
    if (f->n == f->cap) {
        size_t ncap = f->cap ? f->cap * 2 : 4096;
        struct timeout_entry *nv = malloc(ncap * sizeof *nv);
        if (!nv)
            return false;
        for (size_t i = 0; i < f->n; i++)
            nv[i] = f->v[(f->head + i) % f->cap];
        free(f->v);
        f->v = nv;
        f->cap = ncap;
        f->head = 0;
    }
    f->v[(f->head + f->n) % f->cap] = (struct timeout_entry){deadline, slot, round};
    f->n++;
    return true;
}

static bool replan_push(struct replan_q *q, uint32_t slot, uint32_t round)
{
    if (q->n == q->cap) {
        size_t ncap = q->cap ? q->cap * 2 : 1024;
        struct replan_entry *nv = realloc(q->v, ncap * sizeof *nv);
        if (!nv)
            return false;
        q->v = nv;
        q->cap = ncap;
    }
    q->v[q->n++] = (struct replan_entry){slot, round};
    return true;
}

static bool pool_push(struct trace_run *r, uint32_t slot, const struct ts_item *it)
{
    if (r->n_pool == r->pool_cap) {
        size_t ncap = r->pool_cap ? r->pool_cap * 2 : 4096;
        struct pool_item *nv = realloc(r->pool, ncap * sizeof *nv);
        if (!nv)
            return false;
        r->pool = nv;
        r->pool_cap = ncap;
    }
    r->pool[r->n_pool++] = (struct pool_item){slot, it->ttl, it->echo};
    return true;
}

static uint64_t rng_next(uint64_t *s)
{
    /* xorshift64*: the draw order only needs to look random to routers */
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545f4914f6cdd1dull;
}

static void fail(struct trace_run *r, const char *what, const char *err)
{
    if (!r->error[0])
        snprintf(r->error, sizeof r->error, "%s: %s", what, err);
}

/* ------------------------------------------------------------ targets */

static void finalize(struct trace_run *r, uint32_t slot)
{
    struct tstate *st = r->slots[slot];
    struct trace_target *t = &r->targets->v[st->target];
    struct trace_verdict v;
    ts_verdict(st, &r->params, &v);
    r->st.classes[v.cls]++;
    r->st.done++;
    if (trace_emit(r->out, &r->emit, t, st, &v) < 0)
        fail(r, "output", rec_error(r->out));
    t->slot = TARGET_DONE;
    ts_free(st);
    r->slots[slot] = NULL;
    r->free_slots[r->n_free++] = slot;
    r->n_active--;
}

/* Plans the slot's next round; finalizes it when nothing is left to send. */
static void replan(struct trace_run *r, uint32_t slot)
{
    struct tstate *st = r->slots[slot];
    struct ts_item items[TRACE_MAX_TTL + 2];
    unsigned n = ts_plan(st, &r->params, items, TRACE_MAX_TTL + 2);
    if (n == 0) {
        finalize(r, slot);
        return;
    }
    for (unsigned i = 0; i < n; i++)
        if (!pool_push(r, slot, &items[i])) {
            fail(r, "trace", "out of memory");
            return;
        }
}

static bool activate(struct trace_run *r)
{
    uint64_t idx;
    if (!perm_next(&r->order, &idx))
        return false;
    r->activated++;
    struct trace_target *t = &r->targets->v[idx];
    uint32_t slot = r->free_slots[--r->n_free];
    struct trace_keys k;
    trace_keys_of(&r->enc, &t->addr, t->port, &k);
    struct tstate *st = ts_new(&r->params, (uint32_t)idx, &k, t->hint, pace_now_ns());
    if (!st) {
        r->n_free++;
        fail(r, "trace", "out of memory");
        return false;
    }
    r->slots[slot] = st;
    t->slot = (int32_t)slot;
    r->n_active++;
    replan(r, slot);
    return true;
}

/* ------------------------------------------------------------ sending */

/* Returns true when a probe left (skipped items cost no rate). */
static bool send_item(struct trace_run *r, const struct pool_item *p, uint64_t now)
{
    bool sent = false;
    struct tstate *st = r->slots[p->slot];
    struct ts_item it = {p->ttl, p->echo};
    if (!it.echo && !st->est && st->batch == r->batch && it.ttl > st->batch_ttl) {
        /* While the distance is unknown, a second SYN of one batch above the
         * first may reach the host as well before the first one's answer can
         * be read: it waits for a later batch (no reply is read within one). */
        if (!pool_push(r, p->slot, &it))
            fail(r, "trace", "out of memory");
        r->deferred++;
        return false;
    }
    if (st->pending)
        st->pending--;
    if (ts_still_needed(st, &it)) {
        const struct trace_target *t = &r->targets->v[st->target];
        uint8_t buf[BUILD_CAP];
        size_t off, len = 0;
        unsigned attempt, serial;
        if (!ts_sent(st, &it, now, &attempt, &serial))
            len = 0;
        else if (it.echo)
            len = trace_build_echo(&r->enc, &t->addr, t->port, &st->keys, it.ttl, buf, sizeof buf, &off);
        else
            len = trace_build_syn(&r->enc, &t->addr, t->port, &st->keys, it.ttl, attempt, serial, buf, sizeof buf,
                                  &off, NULL);
        char err[256];
        if (!len) {
            r->st.send_errors++;
        } else if (trace_io_send(r->io, buf, len, err, sizeof err) != 0) {
            fail(r, "send", err);
        } else {
            sent = true;
            if (!it.echo) {
                st->batch = r->batch;
                st->batch_ttl = it.ttl;
            }
            r->st.probes++;
            if (it.echo)
                r->st.echo_probes++;
            else
                r->st.syn_probes++;
        }
    } else {
        r->st.skipped_items++;
    }
    if (st->pending == 0) {
        bool ok = st->outstanding == 0 ? replan_push(r->replan, p->slot, st->round)
                                       : fifo_push(r->timeouts, now + r->wait_ns, p->slot, st->round);
        if (!ok)
            fail(r, "trace", "out of memory");
    }
    return sent;
}

static struct pool_item draw(struct trace_run *r)
{
    size_t i = (size_t)(rng_next(&r->rng) % r->n_pool);
    struct pool_item p = r->pool[i];
    r->pool[i] = r->pool[--r->n_pool];
    return p;
}

/* ------------------------------------------------------------ receiving */

static void on_packet(void *user, const uint8_t *ip, size_t len, uint64_t now)
{
    struct trace_run *r = user;
    struct trace_match m;
    enum trace_skip why;
    r->st.packets++;
    if (!trace_match(&r->matcher, ip, len, &m, &why)) {
        r->st.skip[why]++;
        return;
    }
    struct trace_target *t = &r->targets->v[m.target];
    if (t->slot < 0) {
        r->st.late++;  /* the target is done (or not started): a very late or forged answer */
        return;
    }
    r->st.matched++;
    struct tstate *st = r->slots[t->slot];
    bool cleared = false;
    if ((m.kind == MATCH_DEST || m.kind == MATCH_SYN_ICMP) && !ts_resolve(st, m.ttl, &m.serial, &m.attempt)) {
        r->st.skip[SKIP_BAD_CHECK]++; /* names a probe this target never got */
        r->st.matched--;
        return;
    }
    switch (m.kind) {
    case MATCH_DEST: {
        struct probe_sig sig;
        struct probe_target pt = {.dst = t->addr, .dport = t->port,
                                  .cookie = {st->keys.c[0], st->keys.c[1], st->keys.c[2], st->keys.c[3]}};
        r->enc.probe->make_sig(&r->enc.pcfg, &pt, &sig);
        struct trace_end_reply er;
        if (!trace_end_judge(&m.pv, &sig, &er))
            return;
        cleared = ts_on_dest(st, m.ttl, m.attempt, &er, now);
        break;
    }
    case MATCH_SYN_ICMP: {
        uint8_t buf[BUILD_CAP];
        size_t off, n = trace_build_syn(&r->enc, &t->addr, t->port, &st->keys, m.ttl, (unsigned)m.attempt,
                                        (unsigned)m.serial, buf, sizeof buf, &off, NULL);
        struct trace_diff d;
        bool diffed = n && trace_diff_quote(buf + off, n - off, &m.err, &d);
        if (!diffed)
            memset(&d, 0, sizeof d);
        cleared = ts_on_icmp(st, m.ttl, m.attempt, &m.err, &d, diffed, now);
        break;
    }
    case MATCH_ECHO_REPLY:
        cleared = ts_on_echo(st, m.ttl, true, NULL, now);
        break;
    case MATCH_ECHO_ICMP:
        cleared = ts_on_echo(st, m.ttl, false, &m.err, now);
        break;
    }
    if (!cleared)
        r->st.duplicates++;
    else if (st->pending == 0 && st->outstanding == 0 && !replan_push(r->replan, (uint32_t)t->slot, st->round))
        fail(r, "trace", "out of memory");
}

/* ------------------------------------------------------------ status */

struct status_mark {
    uint64_t t, probes, packets;
};

static void status_line(struct trace_run *r, struct status_mark *last, uint64_t now)
{
    double dt = (double)(now - last->t) / 1e9, el = (double)(now - r->t_start_ns) / 1e9;
    if (dt <= 0)
        dt = 1;
    char pr[32], rr[32];
    double pct = r->targets->n ? 100.0 * (double)r->st.done / (double)r->targets->n : 100.0;
    fprintf(stderr,
            "trace: %5.0fs %" PRIu64 "/%zu done (%.1f%%), %u active; send %s, recv %s; mptcp %" PRIu64
            " middlebox %" PRIu64 " no-mptcp %" PRIu64 " unreachable %" PRIu64 "\n",
            el, r->st.done, r->targets->n, pct, r->n_active,
            pace_rate_text((double)(r->st.probes - last->probes) / dt, "p", pr, sizeof pr),
            pace_rate_text((double)(r->st.packets - last->packets) / dt, "p", rr, sizeof rr),
            r->st.classes[CLASS_MPTCP], r->st.classes[CLASS_MIDDLEBOX], r->st.classes[CLASS_NO_MPTCP],
            r->st.classes[CLASS_UNREACHABLE]);
    *last = (struct status_mark){now, r->st.probes, r->st.packets};
}

void trace_summary(FILE *out, const struct trace_run *r)
{
    double el = (double)(pace_now_ns() - r->t_start_ns) / 1e9;
    if (el <= 0)
        el = 1e-9;
    fprintf(out,
            "summary: targets %zu, done %" PRIu64 " in %.2f s (%.0f targets/min); probes %" PRIu64 " (%" PRIu64
            " SYN, %" PRIu64 " echo, %.0f probes/s, %.2f per target)\n",
            r->targets->n, r->st.done, el, (double)r->st.done * 60.0 / el, r->st.probes, r->st.syn_probes,
            r->st.echo_probes, (double)r->st.probes / el, r->st.done ? (double)r->st.probes / (double)r->st.done : 0.0);
    fprintf(out, "summary: classes: mptcp %" PRIu64 ", middlebox %" PRIu64 ", no-mptcp %" PRIu64 ", unreachable %" PRIu64 "\n",
            r->st.classes[CLASS_MPTCP], r->st.classes[CLASS_MIDDLEBOX], r->st.classes[CLASS_NO_MPTCP],
            r->st.classes[CLASS_UNREACHABLE]);
    fprintf(out, "summary: packets received %" PRIu64 ", matched %" PRIu64 " (duplicates %" PRIu64 ", late %" PRIu64 "); skipped:",
            r->st.packets, r->st.matched, r->st.duplicates, r->st.late);
    bool any = false;
    for (int i = 0; i < SKIP_COUNT; i++)
        if (r->st.skip[i]) {
            fprintf(out, "%s %s %" PRIu64, any ? "," : "", trace_skip_name((enum trace_skip)i), r->st.skip[i]);
            any = true;
        }
    fprintf(out, "%s\n", any ? "" : " none");
    struct trace_io_stats io;
    trace_io_stats(r->io, &io);
    if (io.send_errors || io.kernel_drops || r->st.send_errors)
        fprintf(out, "summary: send errors %" PRIu64 " (last: %s), receive drops in the kernel %" PRIu64 "\n",
                io.send_errors + r->st.send_errors, io.last_errno ? strerror(io.last_errno) : "-", io.kernel_drops);
}

/* ------------------------------------------------------------ the loop */

static int setup(struct trace_run *r)
{
    char err[256];
    r->matcher = (struct trace_matcher){&r->enc, r->targets, r->params.max_ttl};
    if (perm_init(&r->perm, r->targets->n, r->seed, err, sizeof err) != 0 ||
        perm_iter_init(&r->perm, 1, 0, 1, 0, &r->order) != 0) {
        fail(r, "permutation", err);
        return -1;
    }
    r->pool_target = r->rate ? r->rate / 4 : 65536;
    if (r->pool_target < 256)
        r->pool_target = 256;
    if (r->pool_target > 65536)
        r->pool_target = 65536;
    if (!r->max_active)
        r->max_active = 32768;
    r->slots = calloc(r->max_active, sizeof *r->slots);
    r->free_slots = malloc(r->max_active * sizeof *r->free_slots);
    r->timeouts = calloc(1, sizeof *r->timeouts);
    r->replan = calloc(1, sizeof *r->replan);
    if (!r->slots || !r->free_slots || !r->timeouts || !r->replan) {
        fail(r, "trace", "out of memory");
        return -1;
    }
    for (uint32_t i = 0; i < r->max_active; i++)
        r->free_slots[i] = r->max_active - 1 - i;
    r->n_free = r->max_active;
    r->rng = r->seed ^ 0x9e3779b97f4a7c15ull;
    if (!r->rng)
        r->rng = 1;
    struct timeval tv;
    gettimeofday(&tv, NULL);
    r->t_start_ns = pace_now_ns();
    r->emit.enc = &r->enc;
    r->emit.params = &r->params;
    r->emit.probe_version = r->enc.probe->mptcp_version;
    r->emit.wall_base_us = (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
    r->emit.mono_base_ns = r->t_start_ns;
    json_init(&r->emit.j);
    json_init(&r->emit.jc);
    return 0;
}

static void teardown(struct trace_run *r)
{
    for (uint32_t i = 0; r->slots && i < r->max_active; i++)
        if (r->slots[i]) {
            r->slots[i]->interrupted = true;
            finalize(r, i);
        }
    free(r->slots);
    free(r->free_slots);
    if (r->timeouts)
        free(r->timeouts->v);
    free(r->timeouts);
    if (r->replan)
        free(r->replan->v);
    free(r->replan);
    free(r->pool);
    json_free(&r->emit.j);
    json_free(&r->emit.jc);
    r->slots = NULL;
}

static void expire_timeouts(struct trace_run *r, uint64_t now)
{
    struct timeout_fifo *f = r->timeouts;
    while (f->n && f->v[f->head].deadline <= now) {
        struct timeout_entry e = f->v[f->head];
        f->head = (f->head + 1) % f->cap;
        f->n--;
        struct tstate *st = r->slots[e.slot];
        /* stale when the round ended early (all answered) and a new one began */
        if (st && st->round == e.round && st->pending == 0) {
            for (unsigned t = 0; t <= st->max_ttl; t++) {
                st->hop[t].waiting = false;
                if (st->echo)
                    st->echo[t].waiting = false;
            }
            st->outstanding = 0;
            replan(r, e.slot);
        }
    }
}

static void run_replans(struct trace_run *r)
{
    /* replanning may finalize targets and push new entries: walk by index */
    for (size_t i = 0; i < r->replan->n; i++) {
        struct replan_entry e = r->replan->v[i];
        struct tstate *st = r->slots[e.slot];
        if (st && st->round == e.round && st->pending == 0 && st->outstanding == 0)
            replan(r, e.slot);
    }
    r->replan->n = 0;
}

int trace_engine_run(struct trace_run *r)
{
    if (setup(r) != 0) {
        teardown(r);
        return -1;
    }
    char err[256];
    double credit = 0;
    double burst = r->rate ? (double)r->rate / 200.0 : MAX_BURST; /* 5 ms worth */
    if (burst < 1)
        burst = 1;
    if (burst > MAX_BURST)
        burst = MAX_BURST;
    uint64_t last = r->t_start_ns, next_status = r->t_start_ns + 1000000000ull;
    struct status_mark mark = {r->t_start_ns, 0, 0};
    bool more = r->targets->n > 0;
    while (!r->error[0]) {
        if (*r->stop >= 2)
            break;
        if (*r->stop)
            more = false;
        while (more && r->n_pool < r->pool_target && r->n_free > 0)
            more = activate(r);
        if (!more && r->n_active == 0)
            break;
        uint64_t now = pace_now_ns();
        if (r->rate) {
            credit += (double)(now - last) * (double)r->rate / 1e9;
            if (credit > burst)
                credit = burst;
        } else {
            credit = MAX_BURST;
        }
        last = now;
        unsigned sent = 0, drawn = 0;
        r->batch++;
        while (r->n_pool && credit >= 1 && sent < MAX_BURST && drawn < 16 * MAX_BURST) {
            struct pool_item p = draw(r);
            drawn++;
            if (send_item(r, &p, now)) {
                credit -= 1;
                sent++;
            }
        }
        if (sent && trace_io_flush(r->io, err, sizeof err) != 0)
            fail(r, "send", err);
        int timeout = r->n_pool ? (credit >= 1 ? 0 : 1) : 5;
        if (trace_io_poll(r->io, timeout, on_packet, r, err, sizeof err) < 0)
            fail(r, "receive", err);
        now = pace_now_ns();
        expire_timeouts(r, now);
        run_replans(r);
        if (now >= next_status) {
            if (!r->quiet)
                status_line(r, &mark, now);
            if (rec_flush(r->out) < 0)
                fail(r, "output", rec_error(r->out));
            next_status += 1000000000ull;
            if (next_status < now)
                next_status = now + 1000000000ull;
        }
    }
    teardown(r);
    return r->error[0] ? -1 : 0;
}
