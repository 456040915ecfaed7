/* http_run.h — schedules the runs of every target: MPTCP and TCP twins started together, a global connection rate, a cap on connections in flight, SIGINT. */
#ifndef HTTP_HTTP_RUN_H
#define HTTP_HTTP_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "http/http_driver.h"
#include "http/http_summary.h"
#include "http/http_targets.h"
#include "io/record.h"

enum http_transport { TRANSPORT_BOTH, TRANSPORT_MPTCP, TRANSPORT_TCP };

struct http_run_opts {
    unsigned runs;
    uint64_t rate;              /* connections per second, 0: unlimited */
    unsigned concurrency;       /* connections in flight at most */
    enum http_transport transport;
    const char *host, *path;
    bool quiet;
    int signal_fd;              /* signalfd of SIGINT/SIGTERM (also given as http_driver_opts.wake_fd) */
};

/* What happened, for the summary line and the exit status. */
struct http_progress {
    uint64_t started, done, errors, mptcp_done, mptcp_active, fallback, tcp_done;
    uint64_t errors_by[HTTP_E_COUNT];
    uint64_t targets_done;
    unsigned signals;
    bool interrupted, aborted, output_failed;
};

/* Runs everything through a driver made from dopts; records go to w,
 * results into sum (may be NULL). Returns 0, or -1 with err when the driver
 * could not be made or failed. */
int http_run(const struct http_driver_opts *dopts, struct http_targets *tl, const struct http_run_opts *o,
             struct rec_writer *w, struct http_summary *sum, struct http_progress *p, char *err, size_t errlen);

/* Status line text (no newline) for the elapsed time. */
void http_status_format(const struct http_progress *p, size_t targets, size_t in_flight, double elapsed_s,
                        double conn_per_s, char *buf, size_t len);

#endif
