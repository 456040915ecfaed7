/* pcap_options.c — the option table, help text and checks of `mpcensus pcap`. */
#include "pcap/pcap_options.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/args.h"
#include "pcap/pcap_cmd.h"
#include "pcap/pcap_csv.h"

static struct pcap_args o;
static bool no_sort;

static const struct arg_opt opts[] = {
    {'o', "output", "FILE", ARG_STRING, &o.output, "write the JSON summary to FILE (default stdout)", "Output"},
    {0, "flows", "FILE", ARG_STRING, &o.flows, "per-flow CSV (flows passing --min-packets)"},
    {0, "connections", "FILE", ARG_STRING, &o.connections,
     "per-MPTCP-connection CSV, with data_bytes_c2s/s2c: application bytes from the data sequence numbers"},
    {0, "top-apps", "N", ARG_UINT, &o.top_apps, "applications listed per trace (default 20)"},
    {0, "apple-ports", "FILE", ARG_STRING, &o.apple_ports,
     "Apple service-port list (default apple-ports.tsv from the data directory: $MPCENSUS_DATA, the installed "
     "share/mpcensus, or the build tree's data/; the JSON names the file used as apple_ports_source; a FILE given "
     "here must be readable)"},
    {0, "services", "FILE", ARG_STRING, &o.services,
     "services table (default /etc/services; a FILE given here must be readable)"},
    {'m', "min-packets", "N", ARG_U64, &o.min_packets,
     "count only flows (and connections) with at least N packets (default 5; 1 counts everything)", "Flows"},
    {0, "idle-timeout", "SEC", ARG_DURATION, &o.idle_timeout, "evict a flow idle this long (default 300)"},
    {0, "close-linger", "SEC", ARG_DURATION, &o.close_linger,
     "keep a closed (FIN both ways / RST) flow this long for trailing packets (default 30)"},
    {0, "max-flows", "N", ARG_U64, &o.max_flows,
     "flow table size cap; the oldest flow is evicted beyond it (default 2000000)", .min = 1},
    {0, "concat", NULL, ARG_FLAG, &o.concat, "treat all FILEs as one continuous trace", "Input"},
    {0, "no-sort", NULL, ARG_FLAG, &no_sort, "keep the command-line order of the FILEs"},
    {'j', "jobs", "N", ARG_UINT, &o.jobs, "traces analysed in parallel (default: CPUs)", .min = 1, .max = 1024},
    {0, "progress", NULL, ARG_FLAG, &o.progress, "progress on stderr even when it is not a terminal"},
    {'q', "quiet", NULL, ARG_FLAG, &o.quiet, "no progress and no warnings on stderr"},
    ARG_END,
};

static const struct arg_section sections[] = {
    {"JSON keys per trace",
     "After the --min-packets filter: packets, tcp_packets, tcp_flows (MPTCP subflows included), tcp_bytes, "
     "mptcp_connections, mptcp_connections_by_version {\"0\",\"1\"}, mptcp_subflows, mptcp_flows (subflows, unlinked "
     "joins, mid-stream), mptcp_bytes, flow_share, byte_share, top1_share, top5_share, top50pct_share (share of "
     "MPTCP bytes in the largest 1, 5 and 50 % of MPTCP flows), skipped {reason: count}, largest_flows, "
     "largest_mptcp_connections (with durations), applications and mptcp_applications (by server port, IANA and "
     "Apple names), error.",
     NULL},
    {"Fields of --flows", NULL, &pcap_flow_schema},
    {"Fields of --connections", NULL, &pcap_conn_schema},
    {"Signals",
     "SIGINT or SIGTERM stops reading: the JSON is still complete for what was read (each trace cut short has "
     "\"error\": \"interrupted\", and so has the document), the CSVs end on whole lines, the exit status is 1. A "
     "second signal ends the process at once.",
     NULL},
    {"Exit status",
     "0 all input read cleanly; 1 some input was bad (truncated, bad magic...: the summary still covers what was "
     "read, error says why), an output file could not be written (the message names it), or a signal stopped the "
     "run; 2 usage error (also a --services or --apple-ports file that cannot be read).",
     NULL},
    {"Examples",
     "  mpcensus pcap trace.pcap.gz > summary.json\n"
     "  mpcensus pcap --flows flows.csv --connections conns.csv -o month.json mawi/2024*.pcap.gz\n"
     "  mpcensus pcap -m 1 capture.pcapng",
     NULL},
    {NULL, NULL, NULL},
};

static const struct arg_cmd cmd = {
    .name = "pcap",
    .summary = "passive MPTCP traffic-share analysis of pcap/pcapng traces (plain, gzip, zstd, xz)",
    .synopsis = "[options] FILE...",
    .description =
        "Passive MPTCP traffic-share analysis of pcap/pcapng traces, plain or compressed with gzip, zstd or xz "
        "(told by the first bytes, read and decompressed in a second thread; FILE - is standard input, given once; "
        "FIFOs work too, compressed or not: each input is read exactly once). Every TCP "
        "flow (5-tuple, both directions) is tracked; a flow is MPTCP when its handshake carries MP_CAPABLE (version "
        "from the option); MP_JOIN subflows are linked to their connection through the token (SHA-1 of the key for "
        "v0, SHA-256 for v1); flows showing MPTCP options without a handshake count as mptcp-midstream. Bytes are "
        "IP bytes (IPv4 total length, IPv6 payload length + 40), so snaplen-cut traces count right.\n"
        "\n"
        "Each FILE is one trace (sorted by first packet time unless --no-sort); the JSON document on stdout holds "
        "one object per trace and a series section with the EWMA (a = 0.2) of flow counts across traces.",
    .opts = opts,
    .sections = sections,
};

const struct arg_cmd *pcap_arg_cmd(void) { return &cmd; }

/* A table file named on the command line must be there (the defaults may be missing). */
static bool readable(const char *opt, const char *path)
{
    if (!path || access(path, R_OK) == 0)
        return true;
    args_usage_error(&cmd, "bad --%s '%s': %s", opt, path, strerror(errno));
    return false;
}

int pcap_parse_options(int argc, char **argv, struct pcap_args *a)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    memset(&o, 0, sizeof o);
    no_sort = false;
    o.min_packets = 5;
    o.idle_timeout = 300;
    o.close_linger = 30;
    o.max_flows = 2000000;
    o.top_apps = 20;
    o.jobs = cpus > 0 ? (unsigned)cpus : 1;
    o.progress = isatty(2);
    int first, rc = args_parse(&cmd, argc, argv, &first);
    if (rc != ARGS_OK)
        return rc == ARGS_EXIT ? 1 : 2;
    if (first >= argc)
        return args_usage_error(&cmd, "no input file");
    if (!readable("services", o.services) || !readable("apple-ports", o.apple_ports))
        return 2;
    o.sort = !no_sort;
    if (o.quiet)
        o.progress = false;
    o.files = argv + first;
    o.n_files = argc - first;
    *a = o;
    return 0;
}
