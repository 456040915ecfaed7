/* analyzer.h — turns the packets of one trace into flows, MPTCP connections and trace statistics. */
#ifndef PCAP_ANALYZER_H
#define PCAP_ANALYZER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "io/capture.h"
#include "pcap/app_ports.h"
#include "pcap/input_order.h"
struct pcap_csv;
#include "pcap/trace_stats.h"

struct analyzer_cfg {
    uint64_t min_packets;         /* flows/connections with fewer packets are not counted */
    uint64_t idle_timeout_us;
    uint64_t closed_linger_us;
    size_t max_flows;
    uint64_t expire_every;        /* packets between idle scans (0: 4096; the fuzzer uses 1) */
    struct pcap_csv *flows_csv;   /* optional: one record per counted flow */
    struct pcap_csv *conns_csv;   /* optional: one record per counted MPTCP connection */
    const struct app_ports *apps; /* optional: names in the CSV */
    const atomic_bool *stop;      /* optional: set (e.g. by SIGINT) to stop reading; the trace's error
                                     is then "interrupted" and what was read stays counted */
    struct input_order *inputs;   /* optional: inputs opened once while ordering (pipes, FIFOs, stdin) */
    size_t top_apps;              /* ports kept per trace for the report (trace_stats_compact) */
    struct trace_stats *totals;   /* optional: series totals, merged into by analyzer_finish */
    pthread_mutex_t *totals_lock; /* guards totals (analyzers finish in parallel) */
};

struct analyzer;

/* trace names the trace in CSV lines. */
struct analyzer *analyzer_new(const struct analyzer_cfg *cfg, const char *trace);
/* Reads every packet of path into the analyzer (several files may feed one
 * analyzer: --concat). Returns 0, or -1 when reading stopped early; then the
 * stats say why and what was read stays counted. progress (may be NULL) is
 * called about every second of wall time. */
typedef void (*analyzer_progress_fn)(void *ctx, const char *path, const struct trace_stats *s,
                                     uint64_t bytes_flows);
int analyzer_read_file(struct analyzer *a, const char *path, analyzer_progress_fn progress, void *pctx);
/* Feeds one captured frame of the given link type. */
void analyzer_packet(struct analyzer *a, int link, const struct capture_pkt *p);
/* Evicts every flow, computes the shares, merges the trace into cfg->totals,
 * then frees the flow table and everything per flow or per port (only the
 * report's figures stay: a few KB); stats stay valid until analyzer_free. */
struct trace_stats *analyzer_finish(struct analyzer *a);
/* The statistics so far (flows still in the table not yet counted). */
const struct trace_stats *analyzer_stats(const struct analyzer *a);
void analyzer_free(struct analyzer *a);


#endif
