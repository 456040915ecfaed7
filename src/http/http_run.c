/* http_run.c — the scheduling loop: targets in turn, one run (MPTCP + TCP twin) in flight per target, paced connection starts, whole records on SIGINT. */
#include "http/http_run.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "http/http_output.h"
#include "io/pace.h"

#define STATUS_NS 1000000000ull
#define PACE_SLACK_NS 100000000ull   /* a late loop may catch up at most 100 ms of starts */

struct tstate {
    uint32_t next_run;      /* runs started */
    uint8_t in_flight;
    bool finished;
};

struct run_state {
    struct http_driver *d;
    struct http_targets *tl;
    const struct http_run_opts *o;
    struct rec_writer *w;
    struct http_summary *sum;
    struct http_progress *p;
    struct tstate *ts;
    size_t *fifo, head, count;
};

static void fifo_push(struct run_state *rs, size_t t)
{
    rs->fifo[(rs->head + rs->count) % rs->tl->n] = t;
    rs->count++;
}

static size_t fifo_pop(struct run_state *rs)
{
    size_t t = rs->fifo[rs->head];
    rs->head = (rs->head + 1) % rs->tl->n;
    rs->count--;
    return t;
}

static void *tag_of(size_t target, unsigned run)
{
    return (void *)(uintptr_t)((uint64_t)target << 16 | run);
}

static void on_result(void *user, const struct http_result *r)
{
    struct run_state *rs = user;
    uintptr_t tag = (uintptr_t)r->tag;
    size_t t = (size_t)(tag >> 16);
    unsigned run = (unsigned)(tag & 0xffff);
    struct http_progress *p = rs->p;
    const struct http_target *tg = &rs->tl->t[t];
    if (!p->output_failed && http_output_write(rs->w, tg, run, rs->o->host, r) < 0)
        p->output_failed = true;
    http_summary_add(rs->sum, t, run, r);
    p->done++;
    if (r->error != HTTP_OK) {
        p->errors++;
        p->errors_by[r->error]++;
    }
    if (r->req->mptcp) {
        p->mptcp_done++;
        p->mptcp_active += http_result_mptcp_active(r);
        p->fallback += http_result_fallback(r);
    } else {
        p->tcp_done++;
    }
    struct tstate *s = &rs->ts[t];
    if (--s->in_flight == 0) {
        if (s->next_run < rs->o->runs) {
            fifo_push(rs, t);
        } else {
            s->finished = true;
            p->targets_done++;
        }
    }
}

void http_status_format(const struct http_progress *p, size_t targets, size_t in_flight, double elapsed_s,
                        double conn_per_s, char *buf, size_t len)
{
    char rate[32];
    unsigned secs = (unsigned)elapsed_s;
    snprintf(buf, len,
             "%u:%02u targets %" PRIu64 "/%zu done; transfers %" PRIu64 " done, %zu in flight (%s); mptcp %" PRIu64
             " active, %" PRIu64 " fallback of %" PRIu64 "; errors %" PRIu64,
             secs / 60, secs % 60, p->targets_done, targets, p->done, in_flight,
             pace_rate_text(conn_per_s, "conn", rate, sizeof rate), p->mptcp_active, p->fallback, p->mptcp_done,
             p->errors);
}

static bool start_run(struct run_state *rs, size_t t, char *err, size_t errlen)
{
    const struct http_target *tg = &rs->tl->t[t];
    struct tstate *s = &rs->ts[t];
    unsigned run = ++s->next_run;
    for (int k = 0; k < 2; k++) {
        bool mptcp = k == 0;
        if ((mptcp && rs->o->transport == TRANSPORT_TCP) || (!mptcp && rs->o->transport == TRANSPORT_MPTCP))
            continue;
        struct http_request req = {
            .addr = tg->addr, .port = tg->port, .tls = tg->tls, .mptcp = mptcp,
            .host = rs->o->host, .path = rs->o->path,
        };
        if (http_driver_start(rs->d, &req, tag_of(t, run), err, errlen) != 0)
            return false;
        s->in_flight++;
        rs->p->started++;
    }
    return true;
}

static void drain_signals(int fd, struct http_progress *p)
{
    struct signalfd_siginfo si;
    while (read(fd, &si, sizeof si) == (ssize_t)sizeof si)
        p->signals++;
}

int http_run(const struct http_driver_opts *dopts, struct http_targets *tl, const struct http_run_opts *o,
             struct rec_writer *w, struct http_summary *sum, struct http_progress *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    struct run_state rs = {.tl = tl, .o = o, .w = w, .sum = sum, .p = p};
    if (tl->n == 0)
        return 0;
    rs.ts = calloc(tl->n, sizeof *rs.ts);
    rs.fifo = malloc(tl->n * sizeof *rs.fifo);
    if (!rs.ts || !rs.fifo) {
        free(rs.ts);
        free(rs.fifo);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    rs.d = http_driver_new(dopts, on_result, &rs, err, errlen);
    if (!rs.d) {
        free(rs.ts);
        free(rs.fifo);
        return -1;
    }
    for (size_t t = 0; t < tl->n; t++)
        fifo_push(&rs, t);

    unsigned width = o->transport == TRANSPORT_BOTH ? 2 : 1;
    uint64_t t0 = pace_now_ns(), next_due = t0, next_status = t0 + STATUS_NS;
    uint64_t interval = o->rate ? 1000000000ull / o->rate : 0;
    uint64_t last_started = 0, last_status_ns = t0;
    int rc = 0;
    bool stopping = false;
    for (;;) {
        if (p->signals >= 1 && !stopping) {
            stopping = p->interrupted = true;
            if (!o->quiet)
                fprintf(stderr, "http: interrupted: no new transfers; waiting for %zu in flight (SIGINT again aborts them)\n",
                        http_driver_active(rs.d));
        }
        if (p->output_failed && !stopping)
            stopping = true;
        if (p->signals >= 2 && !p->aborted) {
            p->aborted = true;
            http_driver_abort(rs.d);
        }
        uint64_t now = pace_now_ns();
        uint64_t wait = next_status > now ? next_status - now : 0;
        while (!stopping && rs.count > 0 && http_driver_active(rs.d) + width <= o->concurrency) {
            if (interval) {
                if (next_due + PACE_SLACK_NS < now)
                    next_due = now - PACE_SLACK_NS;
                /* the twin's second connection is due too */
                uint64_t due = next_due + (width - 1) * interval;
                if (due > now) {
                    if (due - now < wait)
                        wait = due - now;
                    break;
                }
                next_due += width * interval;
            }
            if (!start_run(&rs, fifo_pop(&rs), err, errlen)) {
                rc = -1;
                stopping = true;
                break;
            }
        }
        if (http_driver_active(rs.d) == 0 && (rs.count == 0 || stopping))
            break;
        int step = http_driver_step(rs.d, wait);
        if (step < 0) {
            snprintf(err, errlen, "epoll: %s", strerror(errno));
            rc = -1;
            http_driver_abort(rs.d);
            break;
        }
        if (step > 0)
            drain_signals(o->signal_fd, p);
        now = pace_now_ns();
        if (now >= next_status) {
            if (!o->quiet) {
                char line[400];
                double dt = (double)(now - last_status_ns) / 1e9;
                http_status_format(p, tl->n, http_driver_active(rs.d), (double)(now - t0) / 1e9,
                                   dt > 0 ? (double)(p->started - last_started) / dt : 0, line, sizeof line);
                fprintf(stderr, "%s\n", line);
            }
            if (rec_flush(w) < 0)
                p->output_failed = true;
            last_started = p->started;
            last_status_ns = now;
            next_status = now + STATUS_NS;
        }
    }
    http_driver_free(rs.d);
    free(rs.ts);
    free(rs.fifo);
    return rc;
}
