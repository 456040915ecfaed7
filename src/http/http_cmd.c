/* http_cmd.c — `mpcensus http` command line: option table, target input, kernel capability checks, output files, exit status. */
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

#include "cli/args.h"
#include "http/http_driver.h"
#include "http/mptcp_mibs.h"
#include "http/http_output.h"
#include "http/http_run.h"
#include "http/http_summary.h"
#include "http/http_targets.h"
#include "io/pace.h"
#include "io/record.h"

#define HTTP_USER_AGENT "mpcensus-http/0.1 (MPTCP measurement)"

static const char *const scheme_choices[] = {"auto", "http", "https", NULL};
static const char *const transport_choices[] = {"both", "mptcp", "tcp", NULL};
enum { SCHEME_AUTO, SCHEME_HTTP, SCHEME_HTTPS };

struct http_cli {
    const char *targets_file, *input, *verdicts, *classes, *addr_field, *port_field;
    struct port_list ports;
    bool ports_seen;
    int scheme, transport;
    const char *host, *path, *user_agent, *cacert;
    bool verify;
    uint64_t max_body;
    double timeout, linger;
    unsigned runs, concurrency;
    uint64_t rate;
    struct addr_ranges sources;
    const char *output, *format, *fields, *summary, *cdf;
    bool list_fields, quiet, no_events;
};

static struct http_cli cli;

static const struct arg_opt opts[] = {
    {'f', "targets-file", "FILE", ARG_STRING, &cli.targets_file,
     "targets, one per line: ADDR, ADDR:PORT or [V6]:PORT ('#' comments; '-' = standard input)", "Targets"},
    {'I', "input", "FILE", ARG_STRING, &cli.input,
     "scan or trace output (CSV with header or JSON lines, gz/zstd/xz too): address from the column target or "
     "saddr, port from port or sport (or -p), the row's class or verdict as the record's label"},
    {0, "verdict", "LIST", ARG_STRING, &cli.verdicts, "with --input: only rows whose verdict is in LIST (scan: mptcp,...)"},
    {0, "class", "LIST", ARG_STRING, &cli.classes, "with --input: only rows whose class is in LIST (trace: mptcp,middlebox,...)"},
    {0, "address-field", "NAME", ARG_STRING, &cli.addr_field, "with --input: the address column"},
    {0, "port-field", "NAME", ARG_STRING, &cli.port_field, "with --input: the port column"},
    {'p', "target-ports", "PORTS", ARG_PORTS, &cli.ports,
     "ports of targets given without one (default 80); with --input it replaces the rows' ports", NULL, .seen = &cli.ports_seen},

    {0, "scheme", "auto|http|https", ARG_CHOICE, &cli.scheme,
     "auto (default): HTTPS on ports 443 and 8443, HTTP elsewhere", "Request", .choices = scheme_choices},
    {0, "host", "NAME", ARG_STRING, &cli.host, "Host header and TLS SNI (default: the address, no SNI); the connection still goes to the target address"},
    {0, "path", "PATH", ARG_STRING, &cli.path, "path to GET (default /)"},
    {0, "user-agent", "TEXT", ARG_STRING, &cli.user_agent, "User-Agent header (default " HTTP_USER_AGENT ")"},
    {0, "verify", NULL, ARG_FLAG, &cli.verify,
     "refuse bad certificates (error tls). Default: no verification (a measurement, not a browser); the verdict is "
     "recorded in tls_verify either way"},
    {0, "cacert", "FILE", ARG_STRING, &cli.cacert, "extra CA certificates (PEM) to verify against"},
    {0, "max-body", "BYTES", ARG_SI, &cli.max_body, "stop a transfer after BYTES of body (error body-limit; default 10M, 0 = unlimited)"},
    {0, "timeout", "DURATION", ARG_DURATION, &cli.timeout,
     "limit of one transfer, connect included (default 10s); an unreachable target gives an error row after it",
     .dmin = 0.001, .dmax = 3600},
    {0, "linger", "DURATION", ARG_DURATION, &cli.linger,
     "keep each MPTCP socket open this long after its transfer before the final kernel query, so that late "
     "ADD_ADDRs and joins count (default 0)", .dmin = 0, .dmax = 600},

    {0, "runs", "N", ARG_UINT, &cli.runs, "runs per target (default 10); the mptcp and tcp transfers of a run start together", "Schedule",
     .min = 1, .max = 65535},
    {0, "transport", "both|mptcp|tcp", ARG_CHOICE, &cli.transport, "which transfers a run has (default both)",
     .choices = transport_choices},
    {'r', "rate", "CONN/S", ARG_SI, &cli.rate, "new connections per second over all targets (default 100, 0 = unlimited)"},
    {0, "concurrency", "N", ARG_UINT, &cli.concurrency, "connections in flight at most (default 512)", .min = 1, .max = 1000000},
    {'S', "source-ip", "ADDR[,ADDR]", ARG_ADDRS, &cli.sources, "bind to this IPv4 and/or IPv6 address"},
    {0, "no-events", NULL, ARG_FLAG, &cli.no_events,
     "do not listen to the kernel's MPTCP netlink events (the kernel then skips making them): add_addr counts "
     "only the addresses our path manager accepted"},

    {'o', "output-file", "FILE", ARG_STRING, &cli.output, "records to FILE (default '-': standard output)", "Output"},
    {'O', "output-module", "csv|json", ARG_STRING, &cli.format, "csv (header = field names) or json (one object per line)"},
    {0, "output-fields", "LIST", ARG_STRING, &cli.fields, "comma-separated fields in this order, '*' = all (default all)"},
    {0, "list-output-fields", NULL, ARG_FLAG, &cli.list_fields, "print the field names and exit"},
    {0, "summary", "FILE", ARG_STRING, &cli.summary,
     "per target and metric (connect, tls, ttfb, total): median mptcp and tcp times and the median of the per-run "
     "differences mptcp - tcp (same format as -O)"},
    {0, "cdf", "FILE", ARG_STRING, &cli.cdf,
     "CDF points of the per-target median differences, per metric and label (the paper's Fig. 10)"},
    {'q', "quiet", NULL, ARG_FLAG, &cli.quiet, "no status line, no summary on standard error"},
    ARG_END,
};

static const struct arg_section sections[] = {
    {"OUTPUT FIELDS",
     "One record per transfer: target, port, scheme, host, run, transport (mptcp|tcp), label, mptcp_active, "
     "mptcp_at_connect, fallback, subflows, add_addr, add_addr_accepted, add_addr_complete, announced, paths, token, "
     "connect_ms, tls_ms, ttfb_ms, total_ms, http_status, bytes, tls_verify, local_addr, local_port, info_errno, "
     "error, timestamp. 'mpcensus http --list-output-fields' prints them; README.md says what each means.\n"
     "\n"
     "Error classes (the error field starts with one): mptcp-unavailable, timeout, refused, unreachable, reset, tls, "
     "http, body-limit, interrupted, connect, other."},
    {"KERNEL",
     "mptcp_active and fallback come from getsockopt(SOL_MPTCP, MPTCP_INFO / MPTCP_FULL_INFO) and TCP_IS_MPTCP after "
     "the handshake and when libcurl closes the socket; after a fallback the kernel answers SOL_MPTCP with EOPNOTSUPP "
     "(IPv4) or ENOPROTOOPT (IPv6), told apart from an old kernel by asking an unconnected MPTCP socket at start. "
     "add_addr counts the server's ADD_ADDRs from the kernel's MPTCP netlink events (needs CAP_NET_ADMIN), accepted "
     "or not; 'ip mptcp limits set add_addr_accepted N subflows N' lets the path manager also open subflows to "
     "them. If this namespace refuses MPTCP sockets (net.mptcp.enabled=0) the command stops with an error instead "
     "of timing TCP as MPTCP."},
    {"EXIT STATUS",
     "0 every run was timed (transfers may have errors: they are measurements); 1 runtime failure (output, MPTCP "
     "unavailable, bad rows in --input) or interrupted by SIGINT (the records written are whole); 2 usage error."},
    {"EXAMPLES",
     "  ip netns exec $VANTAGE_NS mpcensus http -p 80,443 --runs 10 -o runs.csv --summary sum.csv 198.18.0.5 2001:db8:1::5\n"
     "  mpcensus http -I scan.csv --verdict mptcp --runs 5 -r 50 -O json -o runs.json\n"
     "  mpcensus http -I trace.json --class mptcp,middlebox -p 443 --host www.example.org --cdf cdf.csv"},
    {NULL, NULL},
};

static const struct arg_cmd http_cmd = {
    "http",
    "HTTP(S) GET timing over MPTCP and TCP side by side, with the kernel's view of each connection",
    "[options] [ADDR | ADDR:PORT | [V6]:PORT ...]",
    "Fetches the same page over an MPTCP socket (IPPROTO_MPTCP) and a TCP socket, started together, --runs times "
    "per target, with libcurl (HTTP/1.1, HTTPS; one fresh connection per transfer), and records the four times "
    "curl -w reports (%{time_connect}, %{time_appconnect}, %{time_starttransfer}, %{time_total}) plus what the "
    "kernel says about the MPTCP connection: still MPTCP or fallen back to TCP, subflows, announced addresses.\n"
    "\n"
    "Many targets are timed at once (--concurrency) under a global connection rate (-r). A status line goes to "
    "standard error every second. SIGINT stops starting transfers and waits for the ones in flight (a second SIGINT "
    "aborts them, recorded with error interrupted); the output only ever holds whole records.",
    opts,
    sections,
};

static void defaults(void)
{
    memset(&cli, 0, sizeof cli);
    cli.runs = 10;
    cli.rate = 100;
    cli.concurrency = 512;
    cli.timeout = 10;
    cli.max_body = 10u << 20;
    cli.path = "/";
    cli.user_agent = HTTP_USER_AGENT;
}

static void raise_fd_limit(unsigned want)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
        return;
    rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
    setrlimit(RLIMIT_NOFILE, &rl);
}

static bool pick_sources(struct http_driver_opts *d, char *src4, char *src6, char *why, size_t whylen)
{
    for (size_t i = 0; i < cli.sources.n; i++) {
        const struct addr_range *r = &cli.sources.r[i];
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

static int write_summaries(struct http_summary *sum, const struct http_targets *tl, enum rec_format fmt)
{
    int rc = 0;
    char err[512];
    for (int k = 0; k < 2; k++) {
        const char *path = k == 0 ? cli.summary : cli.cdf;
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

static int run(int argc, char **argv, int first)
{
    char err[512], why[256];
    enum rec_format fmt = REC_CSV;
    if (cli.format && !rec_format_parse(cli.format, &fmt))
        return args_usage_error(&http_cmd, "bad --output-module '%s': one of csv, json", cli.format);
    if (cli.list_fields) {
        char buf[2048];
        rec_list_fields(&http_schema, buf, sizeof buf);
        printf("%s\n", buf);
        return 0;
    }
    if ((cli.verdicts || cli.classes || cli.addr_field || cli.port_field) && !cli.input)
        return args_usage_error(&http_cmd, "--verdict, --class, --address-field and --port-field need --input");
    if (cli.path[0] != '/')
        return args_usage_error(&http_cmd, "bad --path '%s': must start with '/'", cli.path);

    uint16_t default_port = 80;
    struct port_list defaults_ports = {&default_port, 1};
    const struct port_list *ports = cli.ports_seen ? &cli.ports : &defaults_ports;
    struct http_targets tl;
    targets_init(&tl);
    int status = 0;
    for (int i = first; i < argc; i++)
        if (!targets_add_text(&tl, argv[i], ports, NULL, why, sizeof why)) {
            targets_free(&tl);
            return args_usage_error(&http_cmd, "bad target '%s': %s", argv[i], why);
        }
    if (cli.targets_file && !targets_load_file(&tl, cli.targets_file, ports, err, sizeof err)) {
        fprintf(stderr, "mpcensus http: %s\n", err);
        targets_free(&tl);
        return 1;
    }
    if (cli.input) {
        struct record_select sel = {cli.addr_field, cli.port_field, cli.ports_seen ? &cli.ports : NULL,
                                    &defaults_ports, cli.verdicts, cli.classes};
        struct record_stats st;
        if (!targets_load_records(&tl, cli.input, &sel, &st, err, sizeof err)) {
            fprintf(stderr, "mpcensus http: %s\n", err);
            targets_free(&tl);
            return 1;
        }
        if (!cli.quiet || st.bad_rows)
            fprintf(stderr, "http: %s: %llu rows, %llu chosen, %llu filtered out, %llu bad%s%s\n", cli.input, st.rows,
                    st.kept, st.filtered, st.bad_rows, st.bad_rows ? "; first: " : "", st.first_bad);
        if (st.bad_rows)
            status = 1;
    }
    if (first >= argc && !cli.targets_file && !cli.input) {
        targets_free(&tl);
        return args_usage_error(&http_cmd, "no targets (addresses, -f FILE or -I FILE)");
    }
    for (size_t i = 0; i < tl.n; i++) {
        uint16_t p = tl.t[i].port;
        tl.t[i].tls = cli.scheme == SCHEME_HTTPS || (cli.scheme == SCHEME_AUTO && (p == 443 || p == 8443));
    }
    if (tl.n == 0) {
        fprintf(stderr, "mpcensus http: no target left to time\n");
        targets_free(&tl);
        return 1;
    }

    struct mptcp_caps caps;
    mptcp_caps_probe(&caps);
    if (cli.transport != TRANSPORT_TCP && !mptcp_usable(&caps, &tl)) {
        targets_free(&tl);
        return 1;
    }
    if (cli.transport != TRANSPORT_TCP && !caps.info && !caps.is_mptcp)
        fprintf(stderr, "mpcensus http: warning: this kernel answers neither MPTCP_INFO nor TCP_IS_MPTCP (before "
                        "Linux 5.16): mptcp_active and fallback will be null\n");
    struct mptcp_events *events = NULL;
    if (cli.transport != TRANSPORT_TCP && !cli.no_events) {
        events = mptcp_events_open(err, sizeof err);
        if (!events && !cli.quiet)
            fprintf(stderr, "mpcensus http: warning: no MPTCP netlink events (%s): add_addr counts only the "
                            "addresses our path manager accepted\n", err);
    }

    struct http_driver_opts dopts = {
        .timeout_s = cli.timeout, .linger_s = cli.linger, .verify = cli.verify, .cacert = cli.cacert,
        .user_agent = cli.user_agent, .max_body = cli.max_body, .caps = &caps, .events = events,
    };
    char src4[IP_ADDR_STRLEN] = "", src6[IP_ADDR_STRLEN] = "";
    if (!pick_sources(&dopts, src4, src6, why, sizeof why)) {
        mptcp_events_close(events);
        targets_free(&tl);
        return args_usage_error(&http_cmd, "%s", why);
    }
    struct rec_opts ro = {.path = cli.output, .format = fmt, .fields = cli.fields};
    struct rec_writer *w = rec_open(&http_schema, &ro, err, sizeof err);
    if (!w) {
        mptcp_events_close(events);
        targets_free(&tl);
        bool unknown_field = strstr(err, "field") != NULL;
        if (unknown_field)
            return args_usage_error(&http_cmd, "%s", err);
        fprintf(stderr, "mpcensus http: %s\n", err);
        return 1;
    }
    struct http_summary *sum = NULL;
    if (cli.summary || cli.cdf || !cli.quiet) {
        sum = http_summary_new(tl.n, cli.runs);
        if (!sum && (cli.summary || cli.cdf)) {
            fprintf(stderr, "mpcensus http: out of memory for --summary (%zu targets x %u runs)\n", tl.n, cli.runs);
            rec_close(w, err, sizeof err);
            mptcp_events_close(events);
            targets_free(&tl);
            return 1;
        }
    }

    raise_fd_limit(cli.concurrency * 2 + 64);
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
        .runs = cli.runs, .rate = cli.rate, .concurrency = cli.concurrency < 2 ? 2 : cli.concurrency,
        .transport = (enum http_transport)cli.transport, .host = cli.host, .path = cli.path, .quiet = cli.quiet,
        .signal_fd = sfd,
    };
    if (cli.transport != TRANSPORT_BOTH && cli.concurrency < 2)
        o.concurrency = cli.concurrency;
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
    if (!cli.quiet) {
        print_summary(&p, tl.n, secs);
        if (events && mptcp_events_lost(events))
            fprintf(stderr, "summary: %" PRIu64 " netlink event overruns: add_addr of the transfers running then "
                            "counts accepted addresses only (add_addr_complete false)\n", mptcp_events_lost(events));
        if (mib0.ok && mib1.ok && cli.transport != TRANSPORT_TCP)
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
    if (sum && write_summaries(sum, &tl, fmt) != 0)
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
    defaults();
    int first;
    int rc = args_parse(&http_cmd, argc, argv, &first);
    if (rc == ARGS_EXIT)
        return 0;
    if (rc != ARGS_OK)
        return 2;
    rc = run(argc, argv, first);
    args_ports_free(&cli.ports);
    args_addr_ranges_free(&cli.sources);
    return rc;
}
