/* trace_engine.h — the tracer's event loop: activates targets, draws their probes in random order at the rate, matches replies, plans rounds. */
#ifndef TRACE_ENGINE_H
#define TRACE_ENGINE_H

#include <signal.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdint.h>

#include "io/record.h"
#include "target/permutation.h"
#include "trace/trace_io.h"
#include "trace/trace_match.h"
#include "trace/trace_output.h"
#include "trace/trace_probe.h"
#include "trace/trace_state.h"
#include "trace/trace_targets.h"

struct trace_stats {
    uint64_t probes, syn_probes, echo_probes, skipped_items, send_errors;
    uint64_t packets, matched, late, duplicates;
    uint64_t skip[SKIP_COUNT];
    uint64_t classes[CLASS_COUNT];
    uint64_t done;
};

struct trace_run {
    /* set up by the caller */
    struct trace_enc enc;
    struct ts_params params;
    struct target_table *targets;
    struct trace_io *io;
    struct rec_writer *out;
    uint64_t rate;               /* probes/s, 0 unlimited */
    uint64_t wait_ns;
    uint64_t seed;
    bool quiet;
    volatile sig_atomic_t *stop; /* 1: finish active targets, start no more; 2: stop now */
    /* engine state */
    struct trace_matcher matcher;
    struct trace_emit_ctx emit;
    struct perm perm;
    struct perm_iter order;
    uint64_t activated;
    struct tstate **slots;
    uint32_t n_slots, *free_slots, n_free, n_active, max_active;
    struct pool_item *pool;
    size_t n_pool, pool_cap, pool_target;
    struct timeout_fifo *timeouts;
    struct replan_q *replan;
    uint64_t rng;
    uint32_t batch;              /* send batches so far (replies are read between batches) */
    uint64_t deferred;
    uint64_t t_start_ns;
    struct trace_stats st;
    char error[512];             /* a send/receive/output failure that ended the run */
};

/* Runs until every target is done (or *stop). Returns 0, or -1 with run->error. */
int trace_engine_run(struct trace_run *run);
/* The end-of-run summary (stderr). */
void trace_summary(FILE *out, const struct trace_run *run);

#endif
