/* http_options.c — `mpcensus http` command line: option table, help and man text, defaults, usage errors. */
#include "http/http_options.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define HTTP_USER_AGENT "mpcensus-http/0.1 (MPTCP measurement)"

static const char *const scheme_choices[] = {"auto", "http", "https", NULL};
static const char *const transport_choices[] = {"both", "mptcp", "tcp", NULL};

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

int http_parse_options(int argc, char **argv, struct http_cli **out, int *first)
{
    defaults();
    int rc = args_parse(&http_cmd, argc, argv, first);
    if (rc == ARGS_EXIT)
        return 0;
    if (rc != ARGS_OK)
        return 2;
    *out = &cli;
    return -1;
}

int http_usage_error(const char *fmt, ...)
{
    char why[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return args_usage_error(&http_cmd, "%s", why);
}

void http_options_free(struct http_cli *c)
{
    args_ports_free(&c->ports);
    args_addr_ranges_free(&c->sources);
}
