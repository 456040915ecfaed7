/* pcap_cmd.c — `mpcensus pcap`: CLI, ordering of the input files, worker threads, output files. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcap/pcap_cmd.h"
#include "io/capture.h"
#include "pcap/analyzer.h"
#include "pcap/app_ports.h"
#include "pcap/input_order.h"
#include "pcap/pcap_report.h"

#define EWMA_ALPHA 0.2

static void usage(FILE *out)
{
    fputs(
        "usage: mpcensus pcap [options] FILE...\n"
        "\n"
        "Passive MPTCP traffic-share analysis of pcap/pcapng traces, plain or\n"
        "compressed with gzip, zstd or xz (read and decompressed in a second\n"
        "thread; FILE - is standard input, FIFOs work too: each is read once). Every TCP flow (5-tuple,\n"
        "both directions) is tracked; a flow is MPTCP when its handshake carries\n"
        "MP_CAPABLE (version from the option); MP_JOIN subflows are linked to their\n"
        "connection through the token (SHA-1 of the key for v0, SHA-256 for v1);\n"
        "flows showing MPTCP options without a handshake count as mptcp-midstream.\n"
        "Bytes are IP bytes (IPv4 total length, IPv6 payload length + 40), so\n"
        "snaplen-cut traces count right.\n"
        "\n"
        "Each FILE is one trace (sorted by first packet time unless --no-sort);\n"
        "the JSON document on stdout holds one object per trace and a series\n"
        "section with the EWMA (a = 0.2) of flow counts across traces.\n"
        "\n"
        "options:\n"
        "  -o, --output FILE        write the JSON summary to FILE (default stdout)\n"
        "      --flows FILE         per-flow CSV (flows passing --min-packets)\n"
        "      --connections FILE   per-MPTCP-connection CSV, with data_bytes_c2s/s2c:\n"
        "                           application bytes from the data sequence numbers\n"
        "  -m, --min-packets N      count only flows (and connections) with at least\n"
        "                           N packets (default 5; 1 counts everything)\n"
        "      --idle-timeout SEC   evict a flow idle this long (default 300)\n"
        "      --close-linger SEC   keep a closed (FIN both ways / RST) flow this long\n"
        "                           for trailing packets (default 30)\n"
        "      --max-flows N        flow table size cap; the oldest flow is evicted\n"
        "                           beyond it (default 2000000)\n"
        "      --concat             treat all FILEs as one continuous trace\n"
        "      --no-sort            keep the command-line order of the FILEs\n"
        "  -j, --jobs N             traces analysed in parallel (default: CPUs)\n"
        "      --top-apps N         applications listed per trace (default 20)\n"
        "      --apple-ports FILE   Apple service-port list (default data/apple-ports.tsv)\n"
        "      --services FILE      services table (default /etc/services)\n"
        "      --progress           progress on stderr even when it is not a terminal\n"
        "  -q, --quiet              no progress and no warnings on stderr\n"
        "  -h, --help               this text\n"
        "\n"
        "JSON keys per trace (after the --min-packets filter): packets, tcp_packets,\n"
        "tcp_flows (MPTCP subflows included), tcp_bytes, mptcp_connections,\n"
        "mptcp_connections_by_version {\"0\",\"1\"}, mptcp_subflows, mptcp_flows (subflows,\n"
        "unlinked joins, mid-stream), mptcp_bytes, flow_share, byte_share, top1_share,\n"
        "top5_share, top50pct_share (share of MPTCP bytes in the largest 1, 5 and\n"
        "50 % of MPTCP flows), skipped {reason: count}, largest_flows,\n"
        "largest_mptcp_connections (with durations), applications and\n"
        "mptcp_applications (by server port, IANA and Apple names), error.\n"
        "\n"
        "exit status: 0 all input read cleanly; 1 some input was bad (truncated,\n"
        "bad magic...: the summary still covers what was read, error says why);\n"
        "2 usage error.\n",
        out);
}

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
        if (analyzer_read_file(j->an, j->files[i], r->progress ? on_progress : NULL, r) < 0) {
            if (!r->quiet) {
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
}

static void *worker(void *arg)
{
    struct run *r = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&r->next, 1);
        if (i >= r->n_jobs)
            return NULL;
        run_job(r, &r->jobs[i]);
    }
}

static bool parse_u64(const char *s, unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-')
        return false;
    *out = v;
    return true;
}

static FILE *open_out(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        fprintf(stderr, "mpcensus pcap: %s: %s\n", path, strerror(errno));
    return f;
}

int cmd_pcap(int argc, char **argv)
{
    enum { O_FLOWS = 256, O_CONNS, O_IDLE, O_LINGER, O_MAXFLOWS, O_CONCAT, O_NOSORT, O_TOPAPPS, O_APPLE,
           O_SERVICES, O_PROGRESS };
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},      {"flows", required_argument, NULL, O_FLOWS},
        {"connections", required_argument, NULL, O_CONNS}, {"min-packets", required_argument, NULL, 'm'},
        {"idle-timeout", required_argument, NULL, O_IDLE}, {"close-linger", required_argument, NULL, O_LINGER},
        {"max-flows", required_argument, NULL, O_MAXFLOWS}, {"concat", no_argument, NULL, O_CONCAT},
        {"no-sort", no_argument, NULL, O_NOSORT},       {"jobs", required_argument, NULL, 'j'},
        {"top-apps", required_argument, NULL, O_TOPAPPS}, {"apple-ports", required_argument, NULL, O_APPLE},
        {"services", required_argument, NULL, O_SERVICES}, {"progress", no_argument, NULL, O_PROGRESS},
        {"quiet", no_argument, NULL, 'q'},              {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *output = NULL, *flows_path = NULL, *conns_path = NULL, *apple = NULL, *services = NULL;
    unsigned long long min_packets = 5, idle = 300, linger = 30, max_flows = 2000000, top_apps = 20;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned long long jobs = cpus > 0 ? (unsigned long long)cpus : 1;
    bool concat = false, sort = true, progress = isatty(2), quiet = false;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:m:j:qh", longopts, NULL)) != -1) {
        unsigned long long *num = NULL;
        switch (opt) {
        case 'o': output = optarg; break;
        case O_FLOWS: flows_path = optarg; break;
        case O_CONNS: conns_path = optarg; break;
        case 'm': num = &min_packets; break;
        case O_IDLE: num = &idle; break;
        case O_LINGER: num = &linger; break;
        case O_MAXFLOWS: num = &max_flows; break;
        case 'j': num = &jobs; break;
        case O_TOPAPPS: num = &top_apps; break;
        case O_CONCAT: concat = true; break;
        case O_NOSORT: sort = false; break;
        case O_APPLE: apple = optarg; break;
        case O_SERVICES: services = optarg; break;
        case O_PROGRESS: progress = true; break;
        case 'q': quiet = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
        if (num && !parse_u64(optarg, num)) {
            fprintf(stderr, "mpcensus pcap: bad number '%s'\n", optarg);
            return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "mpcensus pcap: no input file (see --help)\n");
        return 2;
    }
    if (quiet)
        progress = false;
    if (jobs == 0 || max_flows == 0) {
        fprintf(stderr, "mpcensus pcap: --jobs and --max-flows must be at least 1\n");
        return 2;
    }
    size_t n_files = (size_t)(argc - optind);
    const char **files = calloc(n_files, sizeof *files);
    struct app_ports *apps = app_ports_load(services, apple);
    if (!files || !apps) {
        fprintf(stderr, "mpcensus pcap: out of memory\n");
        free(files);
        app_ports_free(apps);
        return 1;
    }
    for (size_t i = 0; i < n_files; i++)
        files[i] = argv[optind + (int)i];
    struct input_order *inputs = NULL;
    char order_err[256];
    int order_rc = input_order_open(&inputs, files, n_files, sort, order_err, sizeof order_err);
    if (order_rc != 0) {
        fprintf(stderr, "mpcensus pcap: %s\n", order_err);
        free(files);
        app_ports_free(apps);
        return order_rc;
    }

    int status = 0;
    FILE *out = output ? open_out(output) : stdout;
    FILE *flows_csv = flows_path ? open_out(flows_path) : NULL;
    FILE *conns_csv = conns_path ? open_out(conns_path) : NULL;
    if (!out || (flows_path && !flows_csv) || (conns_path && !conns_csv)) {
        status = 1;
        goto done_files;
    }
    if (flows_csv)
        analyzer_write_flow_csv_header(flows_csv);
    if (conns_csv)
        analyzer_write_conn_csv_header(conns_csv);

    struct run r = {.progress = progress, .quiet = quiet};
    pthread_mutex_init(&r.err_lock, NULL);
    /* each trace is merged into the totals as it finishes, then shrunk to its report figures */
    struct trace_stats totals;
    bool have_totals = trace_stats_init(&totals);
    pthread_mutex_t totals_lock = PTHREAD_MUTEX_INITIALIZER;
    r.cfg = (struct analyzer_cfg){.min_packets = min_packets, .idle_timeout_us = idle * 1000000ULL,
                                  .closed_linger_us = linger * 1000000ULL, .max_flows = (size_t)max_flows,
                                  .flows_csv = flows_csv, .conns_csv = conns_csv, .apps = apps,
                                  .inputs = inputs, .top_apps = (size_t)top_apps,
                                  .totals = have_totals ? &totals : NULL, .totals_lock = &totals_lock};
    r.n_jobs = concat ? 1 : n_files;
    r.jobs = calloc(r.n_jobs, sizeof *r.jobs);
    if (!r.jobs) {
        status = 1;
        if (have_totals)
            trace_stats_free(&totals);
        goto done_files;
    }
    for (size_t i = 0; i < r.n_jobs; i++) {
        r.jobs[i].files = concat ? files : &files[i];
        r.jobs[i].n_files = concat ? n_files : 1;
    }
    atomic_init(&r.next, 0);
    size_t n_threads = jobs < r.n_jobs ? (size_t)jobs : r.n_jobs;
    pthread_t *tids = calloc(n_threads, sizeof *tids);
    size_t started = 0;
    for (size_t i = 1; tids && i < n_threads; i++)
        if (pthread_create(&tids[i], NULL, worker, &r) == 0)
            started = i;
    worker(&r); /* this thread works too */
    for (size_t i = 1; i <= started; i++)
        pthread_join(tids[i], NULL);
    free(tids);

    struct report_trace *rt = calloc(r.n_jobs, sizeof *rt);
    for (size_t i = 0; rt && i < r.n_jobs; i++) {
        struct trace_job *j = &r.jobs[i];
        if (!j->stats) {
            fprintf(stderr, "mpcensus pcap: out of memory analysing %s\n", j->files[0]);
            status = 1;
            continue;
        }
        rt[i] = (struct report_trace){j->files[0], j->files, j->n_files, j->stats};
        if (j->stats->error)
            status = 1;
    }
    if (rt) {
        if (have_totals) {
            trace_stats_finish(&totals);
            trace_stats_compact(&totals, (size_t)top_apps);
        }
        size_t n_ok = 0;
        for (size_t i = 0; i < r.n_jobs; i++)
            if (rt[i].stats)
                rt[n_ok++] = rt[i];
        report_write(out, rt, n_ok, have_totals ? &totals : NULL, apps, (size_t)top_apps, min_packets, EWMA_ALPHA);
    }
    if (have_totals)
        trace_stats_free(&totals);
    free(rt);
    for (size_t i = 0; i < r.n_jobs; i++)
        analyzer_free(r.jobs[i].an);
    free(r.jobs);
    pthread_mutex_destroy(&r.err_lock);

done_files:
    if (out && out != stdout && fclose(out) != 0)
        status = 1;
    if (flows_csv && fclose(flows_csv) != 0)
        status = 1;
    if (conns_csv && fclose(conns_csv) != 0)
        status = 1;
    input_order_free(inputs);
    free(files);
    app_ports_free(apps);
    return status;
}
