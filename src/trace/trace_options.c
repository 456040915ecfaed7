/* trace_options.c — the option table of `mpcensus trace` (it renders --help and the man page) and its parse into struct trace_config. */
#include "trace/trace_options.h"

#include <stdio.h>
#include <string.h>

#include "cli/args.h"
#include "trace/trace.h"
#include "trace/trace_output.h"
#include "trace/trace_probe.h"

static bool parse_key(const char *v, void *dest, char *why, size_t whylen)
{
    struct probe_cfg *pc = dest;
    if (!strcmp(v, "per-target")) {
        pc->key_per_target = true;
        return true;
    }
    pc->key_per_target = false;
    return args_parse_key64(v, &pc->key, why, whylen);
}

static bool parse_sports(const char *v, void *dest, char *why, size_t whylen)
{
    struct probe_cfg *pc = dest;
    struct port_list pl;
    if (!args_parse_ports(v, &pl, why, whylen))
        return false;
    bool ok = true;
    uint16_t lo = pl.ports[0], hi = pl.ports[0];
    for (size_t i = 1; i < pl.n; i++) {
        lo = pl.ports[i] < lo ? pl.ports[i] : lo;
        hi = pl.ports[i] > hi ? pl.ports[i] : hi;
    }
    if ((size_t)(hi - lo) + 1 != pl.n) {
        snprintf(why, whylen, "give one port or one range LO-HI");
        ok = false;
    }
    args_ports_free(&pl);
    if (ok) {
        pc->sport_lo = lo;
        pc->sport_hi = hi;
    }
    return ok;
}

static const char *const versions[] = {"0", "1", NULL};
static const char *const formats[] = {"json", "csv", NULL};

static struct trace_config cfg;
static int version_index, format_index;
static int wscale_arg = 7;
static unsigned mss_arg = 1460, window_arg = 64240, flags_arg;
static bool no_sack, no_ts, no_proxy_check, full_path, flags_given, list_fields;

static const struct arg_opt opts[] = {
    {'f', "target-file", "FILE", ARG_STRING, &cfg.target_file,
     "Targets from FILE: `mpcensus scan` output (CSV with header or JSON lines; saddr/sport), trace output "
     "(target/port), `lab truth` CSV (daddr/dport), or a plain list of addresses, one per line (optionally "
     "ADDR,PORT). gzip, zstd and xz are read too; '-' is standard input. Bad rows are counted and skipped.",
     "Targets"},
    {'p', "target-ports", "PORTS", ARG_PORTS, &cfg.ports,
     "TCP ports for addresses given without one (operands, plain lists, rows without a port column). Default 80."},
    {0, "verdict", "LIST", ARG_STRING, &cfg.verdicts,
     "Keep only input rows whose verdict (scan) or class (trace) is in LIST, e.g. mptcp,mirrored."},
    {0, "mptcp-version", "0|1", ARG_CHOICE, &version_index,
     "MP_CAPABLE version of the SYN probes: 0 (RFC 6824, 12 bytes with the sender key) or 1 (RFC 8684, 4 bytes). "
     "Default 0, as scan.",
     "Probe (the scanner's SYN)", .choices = versions},
    {0, "key", "HEX|per-target", ARG_CALL, &cfg.pcfg,
     "v0 sender key: 16 hex digits (default 0c0c0c0c0c0c0c0c) or per-target (a keyed hash of each target, so an "
     "echoed key is recognised per target).",
     .call = parse_key},
    {0, "mptcp-flags", "N", ARG_UINT, &flags_arg, "MP_CAPABLE flags byte (default v0 0x81, v1 0x01, what Linux sends).",
     .max = 255, .seen = &flags_given},
    {0, "mss", "N", ARG_UINT, &mss_arg, "MSS option value (default 1460, 0 omits the option).", .max = 65535},
    {0, "wscale", "N", ARG_INT, &wscale_arg, "Window scale shift (default 7, -1 omits the option).", .imin = -1, .imax = 14},
    {0, "no-sack", NULL, ARG_FLAG, &no_sack, "Omit SACK_PERM."},
    {0, "no-timestamps", NULL, ARG_FLAG, &no_ts, "Omit the timestamp option."},
    {0, "window", "N", ARG_UINT, &window_arg, "TCP window (default 64240).", .max = 65535},
    {'s', "source-port", "P|LO-HI", ARG_CALL, &cfg.pcfg,
     "Source ports (default 32768-61000). Each target keeps one port for all its probes.", .call = parse_sports},
    {0, "max-ttl", "N", ARG_UINT, &cfg.max_ttl, "Highest TTL / hop limit probed (default 32, at most 64).",
     "Tracing", .min = 1, .max = TRACE_MAX_TTL},
    {0, "retries", "N", ARG_UINT, &cfg.retries,
     "Probes again a TTL that stayed silent, up to N more times (default 2, at most 3).", .max = TRACE_MAX_ATTEMPTS - 1},
    {0, "gap-limit", "N", ARG_UINT, &cfg.gap_limit,
     "Stop after N silent TTLs past the last hop that answered (default 5).", .min = 1, .max = TRACE_MAX_TTL},
    {0, "wait", "SECS", ARG_DURATION, &cfg.wait_s,
     "How long a round of probes waits for its last answers (default 2s; a round whose probes are all answered "
     "ends at once).",
     .dmin = 0.01, .dmax = 60},
    {0, "no-proxy-check", NULL, ARG_FLAG, &no_proxy_check,
     "Do not send the ICMP echo that tells a proxy (a box answering SYNs in front of the host) from the host."},
    {0, "full-path", NULL, ARG_FLAG, &full_path,
     "Probe every TTL up to the host, as traceroute does. Default: reach the host with one SYN, then walk back "
     "from it one TTL at a time and stop at the first hop whose quote is whole and equal to the probe (no hop "
     "before it can have changed the packet); TTLs below it read \"skipped\"."},
    {0, "seed", "N", ARG_U64, &cfg.seed, "Seed of the target order (default random).", .seen = &cfg.seed_given},
    {'r', "rate", "PPS", ARG_SI, &cfg.rate, "Probes per second over all targets (default 2000; k/M suffixes; 0 = unlimited).",
     "Sending"},
    {'i', "interface", "IFACE", ARG_STRING, &cfg.iface,
     "Send Ethernet frames on IFACE through AF_PACKET (needs -S and -G, as scan). Default: raw IP sockets through "
     "the kernel's routing, source address chosen by the kernel for the first target of each family."},
    {'S', "source-ip", "ADDR[,ADDR]", ARG_ADDRS, &cfg.sources,
     "Source IPv4 and/or IPv6 address. Targets of a family without one are skipped (and counted)."},
    {'G', "gateway-mac", "MAC", ARG_MAC, cfg.gw_mac, "Next-hop MAC for -i.", .seen = &cfg.gw_mac_given},
    {'o', "output-file", "FILE", ARG_STRING, &cfg.output, "Records to FILE (default '-': standard output).", "Output"},
    {'O', "output-module", "json|csv", ARG_CHOICE, &format_index,
     "json (default): one object per target with its hops; csv: one summary row per target (same field names, "
     "hops as JSON text).",
     .choices = formats},
    {0, "output-fields", "LIST", ARG_STRING, &cfg.fields, "Fields to write, comma-separated (default all)."},
    {'q', "quiet", NULL, ARG_FLAG, &cfg.quiet, "No status line."},
    {0, "list-output-fields", NULL, ARG_FLAG, &list_fields, "Print the output fields with their meaning and exit."},
    ARG_END,
};

static const struct arg_section sections[] = {
    {"Classes",
     "A closed set, checked in this order:\n"
     "  middlebox    a quote shows MP_CAPABLE removed or altered (key, version, flags, length),\n"
     "               or a proxy answered the SYN in front of the host (hop: where)\n"
     "  unreachable  no SYN-ACK or RST from the host (ICMP unreachable codes in end_icmp)\n"
     "  mptcp        path clean up to the last quote; the host's SYN-ACK carries MP_CAPABLE of\n"
     "               the probed version with a key that is not ours (v0) / not our bytes (v1)\n"
     "  no-mptcp     reached, path clean; the host answered without MP_CAPABLE, with our option\n"
     "               echoed (a mirror), another version, a malformed one, or RST\n"
     "\n"
     "Other changes (NAT, MSS clamping, sequence number rewriting) are listed in changes and in the hops but "
     "do not change the class. A hop whose quote is too short to show the options (8 bytes, partial) is never "
     "read as a removal: the change is attributed to the first hop whose quote shows it."},
    {"Output fields", "One JSON object per target (-O csv: one summary row, changes and hops as JSON text):",
     &trace_schema},
    {"Status and signals",
     "A status line goes to stderr every second (targets done and active, send and receive rates, classes so "
     "far); a summary at the end (targets/min, probes per target, packets matched, skipped by reason). SIGINT or "
     "SIGTERM stops starting new targets and finishes the active ones; a second one writes what the active ones "
     "have (end: interrupted) and ends.",
     NULL},
    {"Exit status", "0 every target traced; 1 a send, receive or output failure (the message names it); 2 a "
                    "usage error (bad option, unreadable target file, no target left).", NULL},
    {"Examples",
     "  # the scan's MPTCP and mirrored candidates, in the lab\n"
     "  ip netns exec $VANTAGE_NS mpcensus trace -f scan-v1.csv --verdict mptcp,mirrored \\\n"
     "      --mptcp-version 1 -r 5000 -o trace-v1.json\n"
     "  # two addresses on port 443, CSV summary\n"
     "  mpcensus trace -p 443 -O csv 198.18.0.10 2001:db8:1::10"},
    {NULL, NULL, NULL},
};

static const struct arg_cmd trace_cmd = {
    .name = "trace",
    .summary = "stateless, parallel Tracebox-class middlebox detection with MP_CAPABLE v0/v1 SYN probes",
    .synopsis = "[options] [ADDRESS...] [-f FILE]",
    .description =
        "Sends the scanner's SYN (MP_CAPABLE v0 or v1) to every target at TTL / hop limit 1..--max-ttl, in a "
        "random order over all (target, TTL) pairs, and diffs the IP and TCP header (options included) each "
        "router quotes in its ICMP time-exceeded against the probe as sent. The destination's own SYN-ACK is "
        "judged separately. Each probe carries its TTL and a keyed check in the sequence number, source port "
        "and IP ID / flow label, so every answer maps back to its probe without per-probe state. Once the host "
        "answered, an ICMP echo at the TTL that reached it tells the host from a proxy answering SYNs in front "
        "of it (--no-proxy-check skips it). Needs root (raw sockets).\n\n"
        "A status line goes to stderr every second; a summary at the end. SIGINT stops starting new targets and "
        "finishes the active ones; a second SIGINT writes what the active ones have and ends.",
    .opts = opts,
    .sections = sections,
};

const struct arg_cmd *trace_arg_cmd(void) { return &trace_cmd; }

static void defaults(void)
{
    memset(&cfg, 0, sizeof cfg);
    cfg.pcfg.key = 0x0c0c0c0c0c0c0c0cull;
    cfg.pcfg.sport_lo = 32768;
    cfg.pcfg.sport_hi = 61000;
    cfg.max_ttl = 32;
    cfg.retries = 2;
    cfg.gap_limit = 5;
    cfg.wait_s = 2.0;
    cfg.rate = 2000;
    cfg.output = "-";
    version_index = 0;
    format_index = 0;
    wscale_arg = 7;
    mss_arg = 1460;
    window_arg = 64240;
    flags_arg = 0;
    no_sack = no_ts = no_proxy_check = full_path = flags_given = list_fields = false;
}


int trace_parse(int argc, char **argv, struct trace_config *out)
{
    defaults();
    int first;
    int rc = args_parse(&trace_cmd, argc, argv, &first);
    *out = cfg; /* what was allocated so far is freed through out */
    if (rc == ARGS_EXIT)
        return 1;
    if (rc != ARGS_OK)
        return 2;
    cfg.list_fields = list_fields;
    cfg.operands = argv + first;
    cfg.n_operands = argc - first;
    cfg.probe = version_index == 1 ? &probe_mptcp_v1 : &probe_mptcp_v0;
    cfg.format = format_index == 1 ? REC_CSV : REC_JSONL;
    cfg.proxy_check = !no_proxy_check;
    cfg.full_path = full_path;
    cfg.pcfg.mpc_flags = flags_given ? (uint8_t)flags_arg : cfg.probe->default_flags;
    cfg.pcfg.syn = (struct syn_opts_cfg){.mss = (uint16_t)mss_arg, .wscale = wscale_arg, .sack_perm = !no_sack,
                                         .timestamps = !no_ts};
    cfg.pcfg.window = (uint16_t)window_arg;
    cfg.pcfg.ttl = 64;
    memcpy(cfg.pcfg.gw_mac, cfg.gw_mac, 6);
    *out = cfg;
    if (list_fields)
        return 0;
    if (cfg.n_operands == 0 && !cfg.target_file)
        return args_usage_error(&trace_cmd, "no targets: give addresses or -f FILE");
    if (cfg.iface && (!cfg.gw_mac_given || cfg.sources.n == 0))
        return args_usage_error(&trace_cmd, "-i needs -S SOURCE and -G GATEWAY_MAC (as scan)");
    return 0;
}

void trace_config_free(struct trace_config *c)
{
    args_ports_free(&c->ports);
    args_addr_ranges_free(&c->sources);
}
