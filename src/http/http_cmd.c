/* http_cmd.c — `mpcensus http`: targets from the command line and files, kernel capability checks, the timing run, output files, exit status (options in http_options.c). */
#include "http/http.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "http/http_driver.h"
#include "http/http_options.h"
#include "http/mptcp_mibs.h"
#include "http/http_output.h"
#include "http/http_run.h"
#include "http/http_summary.h"
#include "http/http_targets.h"
#include "io/pace.h"
#include "io/record.h"

static void raise_fd_limit(unsigned want)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
        return;
    rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
    setrlimit(RLIMIT_NOFILE, &rl);
}

static bool pick_sources(const struct http_cli *cli, struct http_driver_opts *d, char *src4, char *src6, char *why, size_t whylen)
{
    for (size_t i = 0; i < cli->sources.n; i++) {
        const struct addr_range *r = &cli->sources.r[i];
        if (!ip_addr_equal(&r->lo, &r->hi)) {
            snprintf(why, whylen, "--source-ip takes addresses, not ranges");
            return false;
        }
        char *dst = r->lo.family == AF_INET6 ? src6 : src4;
        if (*dst) {
            snprintf(why, whylen, "--source-ip: one address per family");
            return false;
        }
        ip_addr_format(&r->lo, dst, IP_ADDR_STRLEN);
    }
    d->source4 = *src4 ? src4 : NULL;
    d->source6 = *src6 ? src6 : NULL;
    return true;
}

/* The clear error when MPTCP sockets are refused: never time TCP as MPTCP. */
static bool mptcp_usable(const struct mptcp_caps *caps, const struct http_targets *tl)
{
    bool v4 = false, v6 = false;
    for (size_t i = 0; i < tl->n; i++) {
        if (tl->t[i].addr.family == AF_INET6)
            v6 = true;
        else
            v4 = true;
    }
    int e = v4 && !caps->socket_v4 ? caps->socket_errno_v4 : v6 && !caps->socket_v6 ? caps->socket_errno_v6 : 0;
    if (!e)
        return true;
    fprintf(stderr,
            "mpcensus http: this network namespace refuses MPTCP sockets: socket(%s, SOCK_STREAM, IPPROTO_MPTCP): "
            "%s%s\n",
            v4 && !caps->socket_v4 ? "AF_INET" : "AF_INET6", strerror(e),
            e == ENOPROTOOPT ? " (net.mptcp.enabled=0 here: 'sysctl -w net.mptcp.enabled=1', or time TCP only "
                               "with --transport tcp)"
            : e == EPROTONOSUPPORT ? " (kernel built without MPTCP, or the module is not loaded)"
            : e == EINVAL ? " (kernel without MPTCP, before Linux 5.6)" : "");
    return false;
}

static void print_summary(const struct http_progress *p, size_t targets, double secs)
{
    fprintf(stderr,
            "summary: %zu targets, %" PRIu64 " transfers in %.1f s (mptcp %" PRIu64 ": %" PRIu64 " active, %" PRIu64
            " fallback; tcp %" PRIu64 "), %" PRIu64 " errors",
            targets, p->done, secs, p->mptcp_done, p->mptcp_active, p->fallback, p->tcp_done, p->errors);
    const char *sep = " (";
    for (int e = 1; e < HTTP_E_COUNT; e++)
        if (p->errors_by[e]) {
            fprintf(stderr, "%s%s %" PRIu64, sep, http_error_name((enum http_error)e), p->errors_by[e]);
            sep = ", ";
        }
    fprintf(stderr, "%s\n", *sep == ',' ? ")" : "");
}

static int write_summaries(const struct http_cli *cli, struct http_summary *sum, const struct http_targets *tl, enum rec_format fmt)
{
    int rc = 0;
    char err[512];
    for (int k = 0; k < 2; k++) {
        const char *path = k == 0 ? cli->summary : cli->cdf;
        if (!path)
            continue;
        struct rec_opts ro = {.path = path, .format = fmt};
        struct rec_writer *w = rec_open(k == 0 ? &http_summary_schema : &http_cdf_schema, &ro, err, sizeof err);
        if (!w) {
            fprintf(stderr, "mpcensus http: %s\n", err);
            rc = 1;
            continue;
        }
        if (k == 0)
            http_summary_write(sum, tl, w);
        else
            http_summary_write_cdf(sum, tl, w);
        if (rec_close(w, err, sizeof err) < 0) {
            fprintf(stderr, "mpcensus http: %s\n", err);
            rc = 1;
        }
    }
    return rc;
}

static int run(const struct http_cli *cli, int argc, char **argv, int first)
{
    char err[512], why[256];
    enum rec_format fmt = REC_CSV;
    if (cli->format && !rec_format_parse(cli->format, &fmt))
        return http_usage_error("bad --output-module '%s': one of csv, json", cli->format);
    if (cli->list_fields) {
        char buf[2048];
        rec_list_fields(&http_schema, buf, sizeof buf);
        printf("%s\n", buf);
        return 0;
    }
    if ((cli->verdicts || cli->classes || cli->addr_field || cli->port_field) && !cli->input)
        return http_usage_error("--verdict, --class, --address-field and --port-field need --input");
    if (cli->path[0] != '/')
        return http_usage_error("bad --path '%s': must start with '/'", cli->path);

    uint16_t default_port = 80;
    struct port_list defaults_ports = {&default_port, 1};
    const struct port_list *ports = cli->ports_seen ? &cli->ports : &defaults_ports;
    struct http_targets tl;
    targets_init(&tl);
    int status = 0;
    for (int i = first; i < argc; i++)
        if (!targets_add_text(&tl, argv[i], ports, NULL, why, sizeof why)) {
            targets_free(&tl);
            return http_usage_error("bad target '%s': %s", argv[i], why);
        }
    if (cli->targets_file && !targets_load_file(&tl, cli->targets_file, ports, err, sizeof err)) {
        fprintf(stderr, "mpcensus http: %s\n", err);
        targets_free(&tl);
        return 1;
    }
    if (cli->input) {
        struct record_select sel = {cli->addr_field, cli->port_field, cli->ports_seen ? &cli->ports : NULL,
                                    &defaults_ports, cli->verdicts, cli->classes};
        struct record_stats st;
        if (!targets_load_records(&tl, cli->input, &sel, &st, err, sizeof err)) {
            fprintf(stderr, "mpcensus http: %s\n", err);
            targets_free(&tl);
            return 1;
        }
        if (!cli->quiet || st.bad_rows)
            fprintf(stderr, "http: %s: %llu rows, %llu chosen, %llu filtered out, %llu bad%s%s\n", cli->input, st.rows,
                    st.kept, st.filtered, st.bad_rows, st.bad_rows ? "; first: " : "", st.first_bad);
        if (st.bad_rows)
            status = 1;
    }
    if (first >= argc && !cli->targets_file && !cli->input) {
        targets_free(&tl);
        return http_usage_error("no targets (addresses, -f FILE or -I FILE)");
    }
    for (size_t i = 0; i < tl.n; i++) {
        uint16_t p = tl.t[i].port;
        tl.t[i].tls = cli->scheme == SCHEME_HTTPS || (cli->scheme == SCHEME_AUTO && (p == 443 || p == 8443));
    }
    if (tl.n == 0) {
        fprintf(stderr, "mpcensus http: no target left to time\n");
        targets_free(&tl);
        return 1;
    }

    struct mptcp_caps caps;
    mptcp_caps_probe(&caps);
    if (cli->transport != TRANSPORT_TCP && !mptcp_usable(&caps, &tl)) {
        targets_free(&tl);
        return 1;
    }
    if (cli->transport != TRANSPORT_TCP && !caps.info && !caps.is_mptcp)
        fprintf(stderr, "mpcensus http: warning: this kernel answers neither MPTCP_INFO nor TCP_IS_MPTCP (before "
                        "Linux 5.16): mptcp_active and fallback will be null\n");
    struct mptcp_events *events = NULL;
    if (cli->transport != TRANSPORT_TCP && !cli->no_events) {
        events = mptcp_events_open(err, sizeof err);
        if (!events && !cli->quiet)
            fprintf(stderr, "mpcensus http: warning: no MPTCP netlink events (%s): add_addr counts only the "
                            "addresses our path manager accepted\n", err);
    }

    struct http_driver_opts dopts = {
        .timeout_s = cli->timeout, .linger_s = cli->linger, .verify = cli->verify, .cacert = cli->cacert,
        .user_agent = cli->user_agent, .max_body = cli->max_body, .caps = &caps, .events = events,
    };
    char src4[IP_ADDR_STRLEN] = "", src6[IP_ADDR_STRLEN] = "";
    if (!pick_sources(cli, &dopts, src4, src6, why, sizeof why)) {
        mptcp_events_close(events);
        targets_free(&tl);
        return http_usage_error("%s", why);
    }
    struct rec_opts ro = {.path = cli->output, .format = fmt, .fields = cli->fields};
    struct rec_writer *w = rec_open(&http_schema, &ro, err, sizeof err);
    if (!w) {
        mptcp_events_close(events);
        targets_free(&tl);
        bool unknown_field = strstr(err, "field") != NULL;
        if (unknown_field)
            return http_usage_error("%s", err);
        fprintf(stderr, "mpcensus http: %s\n", err);
        return 1;
    }
    struct http_summary *sum = NULL;
    if (cli->summary || cli->cdf || !cli->quiet) {
        sum = http_summary_new(tl.n, cli->runs);
        if (!sum && (cli->summary || cli->cdf)) {
            fprintf(stderr, "mpcensus http: out of memory for --summary (%zu targets x %u runs)\n", tl.n, cli->runs);
            rec_close(w, err, sizeof err);
            mptcp_events_close(events);
            targets_free(&tl);
            return 1;
        }
    }

    raise_fd_limit(cli->concurrency * 2 + 64);
    /* a shell starts background jobs with SIGINT ignored, and an ignored
     * signal never reaches a signalfd: take it back, as scan's handler does */
    struct sigaction dfl = {.sa_handler = SIG_DFL}, old_int, old_term;
    sigaction(SIGINT, &dfl, &old_int);
    sigaction(SIGTERM, &dfl, &old_term);
    sigset_t mask, old;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    sigprocmask(SIG_BLOCK, &mask, &old);
    int sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    signal(SIGPIPE, SIG_IGN);
    dopts.wake_fd = sfd;
    struct http_run_opts o = {
        .runs = cli->runs, .rate = cli->rate, .concurrency = cli->concurrency < 2 ? 2 : cli->concurrency,
        .transport = (enum http_transport)cli->transport, .host = cli->host, .path = cli->path, .quiet = cli->quiet,
        .signal_fd = sfd,
    };
    if (cli->transport != TRANSPORT_BOTH && cli->concurrency < 2)
        o.concurrency = cli->concurrency;
    struct http_progress p;
    struct mptcp_mibs mib0, mib1;
    mptcp_mibs_read(&mib0);
    uint64_t t0 = pace_now_ns();
    int rc = http_run(&dopts, &tl, &o, w, sum, &p, err, sizeof err);
    double secs = (double)(pace_now_ns() - t0) / 1e9;
    mptcp_mibs_read(&mib1);
    if (rc != 0) {
        fprintf(stderr, "mpcensus http: %s\n", err);
        status = 1;
    }
    if (rec_close(w, err, sizeof err) < 0) {
        fprintf(stderr, "mpcensus http: %s\n", err);
        status = 1;
    }
    if (p.interrupted)
        status = 1;
    if (!cli->quiet) {
        print_summary(&p, tl.n, secs);
        if (events && mptcp_events_lost(events))
            fprintf(stderr, "summary: %" PRIu64 " netlink event overruns: add_addr of the transfers running then "
                            "counts accepted addresses only (add_addr_complete false)\n", mptcp_events_lost(events));
        if (mib0.ok && mib1.ok && cli->transport != TRANSPORT_TCP)
            fprintf(stderr,
                    "summary: this namespace's kernel during the run: %" PRIu64 " MP_CAPABLE SYNs sent, %" PRIu64
                    " SYN-ACKs with MP_CAPABLE, %" PRIu64 " without (fallback), %" PRIu64
                    " connections retried without MP_CAPABLE after SYN retransmissions\n",
                    mib1.v[MIB_SYN_TX] - mib0.v[MIB_SYN_TX], mib1.v[MIB_SYNACK_RX] - mib0.v[MIB_SYNACK_RX],
                    mib1.v[MIB_FALLBACK_SYNACK] - mib0.v[MIB_FALLBACK_SYNACK],
                    mib1.v[MIB_SYN_TX_DROP] - mib0.v[MIB_SYN_TX_DROP]);
        if (sum)
            http_summary_print(sum, &tl, stderr);
    }
    uint64_t disabled = mib1.v[MIB_SYN_TX_DISABLED] - mib0.v[MIB_SYN_TX_DISABLED];
    if (mib0.ok && mib1.ok && disabled)
        fprintf(stderr,
                "mpcensus http: warning: this kernel sent %" PRIu64 " MPTCP connections as plain TCP because it had "
                "detected an MPTCP blackhole (MPTcpExtMPCapableSYNTXDisabled; %" PRIu64 " blackholes during the run): "
                "their fallback is ours, not the servers'. net.mptcp.blackhole_timeout is %ld s; 0 turns the "
                "detection off for measurements\n",
                disabled, mib1.v[MIB_BLACKHOLE] - mib0.v[MIB_BLACKHOLE], mptcp_blackhole_timeout());
    if (sum && write_summaries(cli, sum, &tl, fmt) != 0)
        status = 1;
    if (sfd >= 0)
        close(sfd);
    sigprocmask(SIG_SETMASK, &old, NULL);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    http_summary_free(sum);
    mptcp_events_close(events);
    targets_free(&tl);
    return status;
}

int cmd_http(int argc, char **argv)
{
    struct http_cli *cli;
    int first;
    int rc = http_parse_options(argc, argv, &cli, &first);
    if (rc >= 0)
        return rc;
    rc = run(cli, argc, argv, first);
    http_options_free(cli);
    return rc;
}
