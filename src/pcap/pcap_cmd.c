/* pcap_cmd.c — `mpcensus pcap`: CLI, ordering of the input files, worker threads, output files. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pcap/pcap_cmd.h"
#include "io/capture.h"
#include "io/interrupt.h"
#include "io/json.h"
#include "io/outfile.h"
#include "pcap/analyzer.h"
#include "pcap/app_ports.h"
#include "pcap/input_order.h"
#include "pcap/pcap_csv.h"
#include "pcap/pcap_options.h"
#include "pcap/pcap_report.h"

#define EWMA_ALPHA 0.2

struct trace_job {
    const char **files;
    size_t n_files;
    struct analyzer *an;
    struct trace_stats *stats;
};

struct run {
    struct trace_job *jobs;
    size_t n_jobs;
    atomic_size_t next;
    struct analyzer_cfg cfg;
    bool progress;
    bool quiet;
    pthread_mutex_t err_lock;
    atomic_bool stop;          /* a signal came: workers stop reading and take no new trace */
    pthread_t watcher;
};

static void on_progress(void *ctx, const char *path, const struct trace_stats *s, uint64_t live_flows)
{
    struct run *r = ctx;
    pthread_mutex_lock(&r->err_lock);
    fprintf(stderr, "mpcensus pcap: %s: %llu packets, %llu flows done, %llu in table, %llu MPTCP connections\n",
            path, (unsigned long long)s->packets, (unsigned long long)(s->tcp_flows + s->below_min_flows),
            (unsigned long long)live_flows, (unsigned long long)s->mptcp_connections);
    pthread_mutex_unlock(&r->err_lock);
}

static void run_job(struct run *r, struct trace_job *j)
{
    j->an = analyzer_new(&r->cfg, j->files[0]);
    if (!j->an)
        return;
    for (size_t i = 0; i < j->n_files; i++) {
        if (atomic_load(&r->stop))
            break;
        if (analyzer_read_file(j->an, j->files[i], r->progress ? on_progress : NULL, r) < 0) {
            if (!r->quiet && !atomic_load(&r->stop)) {
                pthread_mutex_lock(&r->err_lock);
                const struct trace_stats *st = analyzer_stats(j->an);
                if (st->packets)
                    fprintf(stderr, "mpcensus pcap: %s (the %llu packets before it are counted)\n",
                            st->error_text, (unsigned long long)st->packets);
                else
                    fprintf(stderr, "mpcensus pcap: %s\n", st->error_text);
                pthread_mutex_unlock(&r->err_lock);
            }
            /* --concat: a bad file ends that trace's file but not the series. */
        }
    }
    j->stats = analyzer_finish(j->an);
    /* the trace's records are complete: hand them to the files now */
    pcap_csv_flush(r->cfg.flows_csv);
    pcap_csv_flush(r->cfg.conns_csv);
}

static void *worker(void *arg)
{
    struct run *r = arg;
    for (;;) {
        if (atomic_load(&r->stop))
            return NULL;   /* interrupted: traces not started are not reported */
        size_t i = atomic_fetch_add(&r->next, 1);
        if (i >= r->n_jobs)
            return NULL;
        run_job(r, &r->jobs[i]);
    }
}

/* Turns the signal flag (set by the handler) into the workers' stop flag. */
static void *watch_signals(void *arg)
{
    struct run *r = arg;
    while (!atomic_load(&r->stop)) {
        if (interrupt_requested())
            atomic_store(&r->stop, true);
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

/* Closes one output; a failure is reported with the file's name and turns the exit status to 1. */
static void close_csv(struct pcap_csv *c, int *status)
{
    char err[640];
    if (pcap_csv_close(c, err, sizeof err) < 0) {
        fprintf(stderr, "mpcensus pcap: %s\n", err);
        *status = 1;
    }
}

int cmd_pcap(int argc, char **argv)
{
    struct pcap_args a;
    int prc = pcap_parse_options(argc, argv, &a);
    if (prc)
        return prc == 1 ? 0 : 2;
    size_t n_files = (size_t)a.n_files;
    const char **files = calloc(n_files, sizeof *files);
    struct app_ports *apps = app_ports_load(a.services, a.apple_ports);
    if (!files || !apps) {
        fprintf(stderr, "mpcensus pcap: out of memory\n");
        free(files);
        app_ports_free(apps);
        return 1;
    }
    for (size_t i = 0; i < n_files; i++)
        files[i] = a.files[i];
    struct input_order *inputs = NULL;
    char order_err[256];
    int order_rc = input_order_open(&inputs, files, n_files, a.sort, order_err, sizeof order_err);
    if (order_rc != 0) {
        fprintf(stderr, "mpcensus pcap: %s\n", order_err);
        free(files);
        app_ports_free(apps);
        return order_rc;
    }

    int status = 0;
    char err[640];
    struct outfile *out = outfile_open(a.output, err, sizeof err);
    struct pcap_csv *flows_csv = NULL, *conns_csv = NULL;
    if (!out)
        fprintf(stderr, "mpcensus pcap: %s\n", err);
    else if (a.flows && !(flows_csv = pcap_csv_open(&pcap_flow_schema, a.flows, err, sizeof err)))
        fprintf(stderr, "mpcensus pcap: %s\n", err);
    else if (a.connections && !(conns_csv = pcap_csv_open(&pcap_conn_schema, a.connections, err, sizeof err)))
        fprintf(stderr, "mpcensus pcap: %s\n", err);
    if (!out || (a.flows && !flows_csv) || (a.connections && !conns_csv)) {
        status = 1;
        goto done_files;
    }

    struct run r = {.progress = a.progress, .quiet = a.quiet};
    pthread_mutex_init(&r.err_lock, NULL);
    /* each trace is merged into the totals as it finishes, then shrunk to its report figures */
    struct trace_stats totals;
    bool have_totals = trace_stats_init(&totals);
    pthread_mutex_t totals_lock = PTHREAD_MUTEX_INITIALIZER;
    atomic_init(&r.stop, false);
    r.cfg = (struct analyzer_cfg){.min_packets = a.min_packets,
                                  .idle_timeout_us = (uint64_t)(a.idle_timeout * 1e6),
                                  .closed_linger_us = (uint64_t)(a.close_linger * 1e6),
                                  .max_flows = (size_t)a.max_flows,
                                  .flows_csv = flows_csv,
                                  .conns_csv = conns_csv,
                                  .apps = apps,
                                  .stop = &r.stop,
                                  .inputs = inputs,
                                  .top_apps = (size_t)a.top_apps,
                                  .totals = have_totals ? &totals : NULL,
                                  .totals_lock = &totals_lock};
    r.n_jobs = a.concat ? 1 : n_files;
    r.jobs = calloc(r.n_jobs, sizeof *r.jobs);
    if (!r.jobs) {
        status = 1;
        if (have_totals)
            trace_stats_free(&totals);
        goto done_files;
    }
    for (size_t i = 0; i < r.n_jobs; i++) {
        r.jobs[i].files = a.concat ? files : &files[i];
        r.jobs[i].n_files = a.concat ? n_files : 1;
    }
    atomic_init(&r.next, 0);
    interrupt_install();
    bool watching = pthread_create(&r.watcher, NULL, watch_signals, &r) == 0;
    size_t n_threads = a.jobs < r.n_jobs ? (size_t)a.jobs : r.n_jobs;
    pthread_t *tids = calloc(n_threads, sizeof *tids);
    size_t started = 0;
    for (size_t i = 1; tids && i < n_threads; i++)
        if (pthread_create(&tids[i], NULL, worker, &r) == 0)
            started = i;
    worker(&r); /* this thread works too */
    for (size_t i = 1; i <= started; i++)
        pthread_join(tids[i], NULL);
    free(tids);
    bool interrupted = interrupt_requested() || atomic_load(&r.stop);
    atomic_store(&r.stop, true);
    if (watching)
        pthread_join(r.watcher, NULL);
    interrupt_restore();

    struct report_trace *rt = calloc(r.n_jobs, sizeof *rt);
    for (size_t i = 0; rt && i < r.n_jobs; i++) {
        struct trace_job *j = &r.jobs[i];
        if (!j->stats) {
            if (!interrupted) {
                fprintf(stderr, "mpcensus pcap: out of memory analysing %s\n", j->files[0]);
                status = 1;
            }
            continue;
        }
        rt[i] = (struct report_trace){j->files[0], j->files, j->n_files, j->stats};
        if (j->stats->error)
            status = 1;
    }
    if (rt) {
        if (have_totals) {
            trace_stats_finish(&totals);
            trace_stats_compact(&totals, (size_t)a.top_apps);
        }
        size_t n_ok = 0;
        for (size_t i = 0; i < r.n_jobs; i++)
            if (rt[i].stats)
                rt[n_ok++] = rt[i];
        struct json j;
        json_init(&j);
        report_json(&j, rt, n_ok, have_totals ? &totals : NULL, apps, a.min_packets, EWMA_ALPHA,
                    interrupted ? "interrupted" : NULL);
        if (json_failed(&j)) {
            fprintf(stderr, "mpcensus pcap: out of memory writing the summary\n");
            status = 1;
        } else {
            outfile_write(out, json_data(&j), json_len(&j));
            outfile_puts(out, "\n");
        }
        json_free(&j);
    } else {
        fprintf(stderr, "mpcensus pcap: out of memory writing the summary\n");
        status = 1;
    }
    if (interrupted) {
        fprintf(stderr, "mpcensus pcap: interrupted: the summary covers what was read\n");
        status = 1;
    }
    if (have_totals)
        trace_stats_free(&totals);
    free(rt);
    for (size_t i = 0; i < r.n_jobs; i++)
        analyzer_free(r.jobs[i].an);
    free(r.jobs);
    pthread_mutex_destroy(&r.err_lock);

done_files:
    if (outfile_close(out, err, sizeof err) < 0) {
        fprintf(stderr, "mpcensus pcap: %s\n", err);
        status = 1;
    }
    close_csv(flows_csv, &status);
    close_csv(conns_csv, &status);
    input_order_free(inputs);
    free(files);
    app_ports_free(apps);
    return status;
}
