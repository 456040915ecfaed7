/* trace_cmd.c — `mpcensus trace` command line: option table, target loading, source addresses, sockets, output, and the run. */
#include "trace/trace.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli/args.h"
#include "io/afpacket.h"
#include "io/route.h"
#include "net/mptcp.h"
#include "trace/trace_config.h"
#include "trace/trace_engine.h"

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    (void)sig;
    if (g_stop < 2)
        g_stop++;
}

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
static bool no_sack, no_ts, no_proxy_check, flags_given, list_fields;

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
    {"CLASSES",
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
    {"EXIT STATUS", "0 every target traced; 1 a send, receive or output failure; 2 a usage error (bad option, no "
                    "target left)."},
    {"EXAMPLES",
     "  # the scan's MPTCP and mirrored candidates, in the lab\n"
     "  ip netns exec $VANTAGE_NS mpcensus trace -f scan-v1.csv --verdict mptcp,mirrored \\\n"
     "      --mptcp-version 1 -r 5000 -o trace-v1.json\n"
     "  # two addresses on port 443, CSV summary\n"
     "  mpcensus trace -p 443 -O csv 198.18.0.10 2001:db8:1::10"},
    {NULL, NULL},
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

/* ------------------------------------------------------------ sources */

struct sources {
    struct trace_enc *enc;
    bool raw;
    bool tried4, tried6;
    char why4[160], why6[160];
};

static bool family_ok(void *user, const struct ip_addr *a)
{
    struct sources *s = user;
    bool v6 = a->family == AF_INET6;
    if (v6 ? s->enc->have6 : s->enc->have4)
        return true;
    if (!s->raw || (v6 ? s->tried6 : s->tried4))
        return false;
    /* the kernel's choice for the first target of this family serves them all */
    struct route_info ri;
    char err[160];
    if (v6)
        s->tried6 = true;
    else
        s->tried4 = true;
    if (route_lookup(a, &ri, err, sizeof err) != 0 || ri.src.family != a->family) {
        snprintf(v6 ? s->why6 : s->why4, sizeof s->why4, "%s", err[0] ? err : "no source address");
        return false;
    }
    if (v6) {
        s->enc->src6 = ri.src;
        s->enc->have6 = true;
    } else {
        s->enc->src4 = ri.src;
        s->enc->have4 = true;
    }
    return true;
}

static int set_sources(struct trace_enc *enc, const struct addr_ranges *ar)
{
    for (size_t i = 0; i < ar->n; i++) {
        const struct ip_addr *a = &ar->r[i].lo;
        if (!ip_addr_equal(&ar->r[i].lo, &ar->r[i].hi)) {
            fprintf(stderr, "mpcensus trace: -S takes single addresses, not ranges\n");
            return -1;
        }
        bool v6 = a->family == AF_INET6;
        if (v6 ? enc->have6 : enc->have4) {
            fprintf(stderr, "mpcensus trace: -S: two IPv%d source addresses\n", v6 ? 6 : 4);
            return -1;
        }
        if (v6) {
            enc->src6 = *a;
            enc->have6 = true;
        } else {
            enc->src4 = *a;
            enc->have4 = true;
        }
    }
    return 0;
}

/* ------------------------------------------------------------ main */

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
    no_sack = no_ts = no_proxy_check = flags_given = list_fields = false;
}

static void report_load(const struct tt_load *l, const struct sources *s)
{
    if (l->bad_rows)
        fprintf(stderr, "mpcensus trace: skipped %llu bad input rows (first: %s)\n", l->bad_rows, l->first_bad);
    if (l->no_source) {
        const char *why = s->why6[0] ? s->why6 : s->why4[0] ? s->why4 : "give it with -S";
        fprintf(stderr, "mpcensus trace: skipped %llu targets of a family without a source address (first: %s; %s)\n",
                l->no_source, l->first_no_source, why);
    }
    if (l->filtered)
        fprintf(stderr, "mpcensus trace: %llu input rows left out by --verdict\n", l->filtered);
}

int cmd_trace(int argc, char **argv)
{
    defaults();
    int first;
    int rc = args_parse(&trace_cmd, argc, argv, &first);
    if (rc == ARGS_EXIT)
        return 0;
    if (rc != ARGS_OK)
        return 2;
    if (list_fields) {
        for (unsigned i = 0; i < trace_schema.n_fields; i++)
            printf("%-14s %s\n", trace_schema.fields[i].name, trace_schema.fields[i].help);
        return 0;
    }
    cfg.operands = argv + first;
    cfg.n_operands = argc - first;
    cfg.probe = version_index == 1 ? &probe_mptcp_v1 : &probe_mptcp_v0;
    cfg.format = format_index == 1 ? REC_CSV : REC_JSONL;
    cfg.proxy_check = !no_proxy_check;
    if (cfg.n_operands == 0 && !cfg.target_file)
        return args_usage_error(&trace_cmd, "no targets: give addresses or -f FILE");
    if (cfg.iface && (!cfg.gw_mac_given || cfg.sources.n == 0))
        return args_usage_error(&trace_cmd, "-i needs -S SOURCE and -G GATEWAY_MAC (as scan)");
    uint16_t default_port = 80;
    const uint16_t *ports = cfg.ports.n ? cfg.ports.ports : &default_port;
    size_t n_ports = cfg.ports.n ? cfg.ports.n : 1;

    int status = 1;
    char err[512];
    struct target_table targets;
    tt_init(&targets);
    struct trace_run *run = calloc(1, sizeof *run);
    struct rec_writer *out = NULL;
    if (!run) {
        fprintf(stderr, "mpcensus trace: out of memory\n");
        goto done;
    }
    struct trace_enc *enc = &run->enc;
    enc->probe = cfg.probe;
    enc->pcfg = cfg.pcfg;
    enc->pcfg.mpc_flags = flags_given ? (uint8_t)flags_arg : cfg.probe->default_flags;
    enc->pcfg.syn = (struct syn_opts_cfg){.mss = (uint16_t)mss_arg, .wscale = wscale_arg, .sack_perm = !no_sack,
                                          .timestamps = !no_ts};
    enc->pcfg.window = (uint16_t)window_arg;
    enc->pcfg.ttl = 64;
    memcpy(enc->pcfg.gw_mac, cfg.gw_mac, 6);
    enc->ether = cfg.iface != NULL;
    if (set_sources(enc, &cfg.sources) != 0) {
        status = 2;
        goto done;
    }
    if (cfg.iface && afp_if_mac(cfg.iface, enc->pcfg.src_mac, err, sizeof err) != 0) {
        fprintf(stderr, "mpcensus trace: %s\n", err);
        goto done;
    }

    /* with -S the given families are all there is; without, the kernel picks per family */
    struct sources src = {.enc = enc, .raw = !cfg.iface && cfg.sources.n == 0};
    struct tt_load load = {.ports = ports, .n_ports = n_ports, .verdicts = cfg.verdicts, .max_hint = cfg.max_ttl,
                           .family_ok = family_ok, .user = &src};
    for (int i = 0; i < cfg.n_operands; i++)
        if (tt_add_operand(&targets, &load, cfg.operands[i], err, sizeof err) != 0) {
            fprintf(stderr, "mpcensus trace: %s\n", err);
            status = 2;
            goto done;
        }
    if (cfg.target_file && tt_load_file(&targets, &load, cfg.target_file, err, sizeof err) != 0) {
        fprintf(stderr, "mpcensus trace: %s\n", err);
        status = 2;
        goto done;
    }
    report_load(&load, &src);
    if (targets.n == 0) {
        fprintf(stderr, "mpcensus trace: no target left to trace\n");
        status = 2;
        goto done;
    }

    uint32_t tsval;
    if (getrandom(&tsval, sizeof tsval, 0) != sizeof tsval)
        tsval = (uint32_t)time(NULL);
    enc->pcfg.syn.tsval = tsval;   /* one value for the run: the probe "as sent" can be rebuilt */
    if (!(enc->cookie = cookie_new(NULL))) {
        fprintf(stderr, "mpcensus trace: cannot initialise the validation cookie\n");
        goto done;
    }
    if (cfg.iface) {
        if (trace_io_open_afpacket(&run->io, cfg.iface, enc->have4 ? &enc->src4 : NULL, enc->have6 ? &enc->src6 : NULL,
                                   err, sizeof err) != 0) {
            fprintf(stderr, "mpcensus trace: %s\n", err);
            goto done;
        }
    } else if (trace_io_open_raw(&run->io, enc->have4, enc->have6, err, sizeof err) != 0) {
        fprintf(stderr, "mpcensus trace: %s\n", err);
        goto done;
    }
    struct rec_opts ro = {.path = cfg.output, .format = cfg.format, .fields = cfg.fields};
    if (!(out = rec_open(&trace_schema, &ro, err, sizeof err))) {
        fprintf(stderr, "mpcensus trace: %s\n", err);
        status = 2;
        goto done;
    }
    uint64_t seed = cfg.seed;
    if (!cfg.seed_given && getrandom(&seed, sizeof seed, 0) != sizeof seed)
        seed = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
    run->params = (struct ts_params){.max_ttl = cfg.max_ttl, .attempts = cfg.retries + 1, .gap_limit = cfg.gap_limit,
                                     .proxy_check = cfg.proxy_check};
    run->targets = &targets;
    run->out = out;
    run->rate = cfg.rate;
    run->wait_ns = (uint64_t)(cfg.wait_s * 1e9);
    run->seed = seed;
    run->quiet = cfg.quiet;
    run->stop = &g_stop;
    if (!cfg.quiet) {
        char a4[IP_ADDR_STRLEN] = "-", a6[IP_ADDR_STRLEN] = "-";
        if (enc->have4)
            ip_addr_format(&enc->src4, a4, sizeof a4);
        if (enc->have6)
            ip_addr_format(&enc->src6, a6, sizeof a6);
        fprintf(stderr,
                "mpcensus trace: %zu targets; probe %s (flags 0x%02x); TTL 1-%u, %u retries, gap limit %u, wait %.2f s, "
                "proxy check %s; rate %" PRIu64 "%s; %s%s; source %s %s\n",
                targets.n, cfg.probe->name, enc->pcfg.mpc_flags, cfg.max_ttl, cfg.retries, cfg.gap_limit, cfg.wait_s,
                cfg.proxy_check ? "on" : "off", cfg.rate, cfg.rate ? " probes/s" : " (unlimited)",
                cfg.iface ? "AF_PACKET on " : "raw sockets", cfg.iface ? cfg.iface : "", a4, a6);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    g_stop = 0;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    int erc = trace_engine_run(run);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    trace_summary(stderr, run);
    status = 0;
    if (erc != 0) {
        fprintf(stderr, "mpcensus trace: %s\n", run->error);
        status = 1;
    }
    if (rec_close(out, err, sizeof err) != 0) {
        fprintf(stderr, "mpcensus trace: %s\n", err);
        status = 1;
    }
    out = NULL;
done:
    if (out)
        rec_close(out, err, sizeof err);
    if (run) {
        trace_io_close(run->io);
        cookie_free(run->enc.cookie);
        free(run);
    }
    tt_free(&targets);
    args_ports_free(&cfg.ports);
    args_addr_ranges_free(&cfg.sources);
    return status;
}
