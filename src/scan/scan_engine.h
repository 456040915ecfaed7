/* scan_engine.h — shared state of one running scan: targets, permutation, cookie, counters and the sender/receiver threads. */
#ifndef SCAN_SCAN_ENGINE_H
#define SCAN_SCAN_ENGINE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "net/cookie.h"
#include "scan/classify.h"
#include "scan/output.h"
#include "target/permutation.h"
#include "net/syn_probe.h"
#include "scan/scan_config.h"
#include "scan/scan_net.h"
#include "scan/seen_set.h"
#include "target/target_space.h"

#define SCAN_MAX_THREADS 64

/* What one sender thread has done, published by that thread alone (a
 * release store per target: no shared cache line is written), so the status
 * line sees exact figures: a reply can never be counted before its target. */
struct sender_progress {
    _Atomic uint64_t targets;   /* distinct targets probed */
    _Atomic uint64_t sent;      /* frames handed to the kernel (or written by --dryrun) */
    char pad[112];              /* 128-byte stride: two threads' counters never share a cache line */
};

struct scan_counters {
    _Atomic uint64_t send_errors;
    _Atomic uint64_t recv_frames;    /* frames that passed the BPF filter */
    _Atomic uint64_t recv_invalid;   /* TCP to us that failed the cookie check */
    _Atomic uint64_t recv_other;     /* undecodable / not SYN-ACK or RST */
    _Atomic uint64_t recv_unique;    /* first reply per target */
    _Atomic uint64_t recv_repeats;
    _Atomic uint64_t verdicts[VERDICT_COUNT];
    _Atomic uint64_t kernel_drops;
    _Atomic uint64_t records_filtered;  /* replies --output-filter kept out of the output */
};

struct scan_run {
    const struct scan_config *cfg;
    struct target_space space;
    struct perm perm;
    struct cookie_ctx *cookie;
    struct probe_cfg pcfg;           /* cfg->probe_cfg with MACs and tsval filled in */
    struct scan_net net;             /* interface, our addresses (one pool per family), MACs */
    uint64_t source_seed;            /* which of a pool's addresses probes a target */
    struct scan_output out;          /* reply records, or probe records with --dryrun */
    struct seen_set seen;
    struct scan_counters c;
    struct sender_progress progress[SCAN_MAX_THREADS];
    uint64_t expected_targets;       /* for % done */
    uint64_t rate_per_thread;        /* 0 = unlimited */
    atomic_int stop_sending;         /* SIGINT, -t */
    atomic_int senders_running;
    atomic_int stop_receiving;
    atomic_int receiver_ready;
    atomic_int output_failed;        /* writing records failed: the scan stops (out.error says why) */
    uint64_t t_start_ns;
    _Atomic uint64_t t_first_send_ns, t_send_end_ns;
    pthread_mutex_t dryrun_lock;     /* dry-run senders share `out` */
    char sender_error[256];
    char receiver_error[256];
};

uint64_t scan_now_ns(void);          /* CLOCK_MONOTONIC */
/* Sums of the senders' progress (exact while they run). */
uint64_t scan_targets_sent(struct scan_run *run);
uint64_t scan_frames_sent(struct scan_run *run);

struct sender_arg {
    struct scan_run *run;
    unsigned thread;
};
void *scan_sender_main(void *arg);   /* arg: struct sender_arg* */
void *scan_receiver_main(void *arg); /* arg: struct scan_run* */

/* The receive ring's BPF filter text: TCP to any of our addresses. */
void scan_bpf_filter(const struct scan_run *run, char *buf, size_t len);
/* Handles one received Ethernet frame (exposed so tests can feed frames). */
void scan_handle_frame(struct scan_run *run, const uint8_t *frame, size_t caplen, uint64_t ts_nsec);

#endif
