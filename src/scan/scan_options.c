/* scan_options.c — `mpcensus scan` command line: the option table (ZMap-compatible flags, MPTCP probe settings) and its checks. */
#include "scan/scan_config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli/args.h"
#include "cli/filter.h"
#include "scan/output_filter.h"
#include "scan/scan.h"

/* What the table writes; copied into a struct scan_config after parsing.
 * Static, so the table itself is static and `help --man` can render it. */
struct key_arg {
    bool per_target;
    uint64_t key;
};

static struct {
    struct port_list ports, sports;
    struct addr_ranges sources;
    uint64_t rate, bandwidth, max_targets, seed;
    unsigned shards, shard, cooldown, max_runtime, probes, threads, mss, window, ttl, mpc_flags;
    int wscale, tx_mode, format;
    const char *blocklist, *allowlist, *output, *fields, *iface, *ipv6_targets, *filter, *metadata;
    uint8_t gw_mac[6];
    const struct probe_module *probe;
    struct key_arg key;
    bool dryrun, no_sack, no_timestamps, output_repeats, quiet, list_fields, list_probes, bench, no_bypass;
    bool seen_seed, seen_gw, seen_flags, seen_sports;
} o;

static bool parse_probe_module(const char *v, void *dest, char *why, size_t len)
{
    const struct probe_module *m = probe_find(v);
    if (!m) {
        size_t n = (size_t)snprintf(why, len, "one of");
        for (size_t i = 0; probe_modules[i] && n < len; i++)
            n += (size_t)snprintf(why + n, len - n, "%s %s", i ? "," : "", probe_modules[i]->name);
        return false;
    }
    *(const struct probe_module **)dest = m;
    return true;
}

static bool parse_mptcp_version(const char *v, void *dest, char *why, size_t len)
{
    static const char *const versions[] = {"0", "1", NULL};
    int i;
    if (!args_parse_choice(v, versions, &i, why, len))
        return false;
    *(const struct probe_module **)dest = i ? &probe_mptcp_v1 : &probe_mptcp_v0;
    return true;
}

static bool parse_key(const char *v, void *dest, char *why, size_t len)
{
    struct key_arg *k = dest;
    if (!strcmp(v, "per-target")) {
        k->per_target = true;
        return true;
    }
    if (!args_parse_key64(v, &k->key, why, len)) {
        size_t n = strlen(why);
        snprintf(why + n, len - n, " (or 'per-target')");
        return false;
    }
    k->per_target = false;
    return true;
}

/* -s: one port or one range LO-HI (a port list that is one run). */
static bool parse_source_ports(const char *v, void *dest, char *why, size_t len)
{
    struct port_list pl;
    if (!args_parse_ports(v, &pl, why, len))
        return false;
    bool one_run = pl.n > 0 && !strchr(v, ',') && pl.ports[pl.n - 1] - pl.ports[0] + 1u == pl.n;
    if (!one_run) {
        snprintf(why, len, "one port or one range LO-HI");
        args_ports_free(&pl);
        return false;
    }
    args_ports_free((struct port_list *)dest);
    *(struct port_list *)dest = pl;
    return true;
}

static bool parse_output_module(const char *v, void *dest, char *why, size_t len)
{
    enum rec_format f;
    if (!rec_format_parse(v, &f)) {
        snprintf(why, len, "csv or json");
        return false;
    }
    *(int *)dest = f == REC_CSV ? OUTPUT_CSV : OUTPUT_JSON;
    return true;
}

static const char *const tx_modes[] = {"auto", "ring", "sendmmsg", NULL};

#define G_TARGETS "Targets (at least one source; never defaults to the whole Internet)"
#define G_ORDER "Order and sharding"
#define G_PROBE "Probe"
#define G_SEND "Sending"
#define G_OUT "Receiving and output"

static const struct arg_opt opts[] = {
    {'w', "allowlist-file", "FILE", ARG_STRING, &o.allowlist, "prefixes to scan, one per line ('#' comments)",
     G_TARGETS},
    {0, "whitelist-file", "FILE", ARG_STRING, &o.allowlist, "alias of --allowlist-file (ZMap's old name)",
     .hidden = true},
    {0, "ipv6-targets", "FILE|-", ARG_STRING, &o.ipv6_targets,
     "IPv6 hitlist, one address (or prefix) per line; '-' reads standard input"},
    {'b', "blocklist-file", "FILE", ARG_STRING, &o.blocklist,
     "prefixes never to probe. REPLACES the built-in default list (IANA IPv4/IPv6 special-purpose registries + "
     "multicast, which includes the lab's 198.18.0.0/15 and 2001:db8::/32); refused ranges are printed with the "
     "entry that refused them. -b /dev/null disables blocking"},
    {0, "blacklist-file", "FILE", ARG_STRING, &o.blocklist, "alias of --blocklist-file (ZMap's old name)",
     .hidden = true},
    {'p', "target-ports", "P[,P|LO-HI...]", ARG_PORTS, &o.ports,
     "TCP ports (default 80), any number: 80,443 or 1-65535; each address is probed on each port"},
    {'n', "max-targets", "N", ARG_U64, &o.max_targets, "stop after N targets (per shard)", .min = 1},
    {0, "seed", "N", ARG_U64, &o.seed,
     "seed of the permutation (cyclic group mod a prime); required with --shards so that shards agree", G_ORDER,
     .seen = &o.seen_seed},
    {0, "shards", "N", ARG_UINT, &o.shards, "split the scan into N shards (1-65535)", .min = 1, .max = 65535},
    {0, "shard", "I", ARG_UINT, &o.shard,
     "scan only shard I (0-based); the N shards of one seed are disjoint and cover every target", .max = 65534},
    {0, "mptcp-version", "0|1", ARG_CALL, &o.probe,
     "MP_CAPABLE version (default 0): v0 = 12 bytes with a sender key, v1 = 4 bytes without key", G_PROBE,
     .call = parse_mptcp_version},
    {'M', "probe-module", "NAME", ARG_CALL, &o.probe, "mptcp_v0, mptcp_v1 or tcp_syn (plain SYN baseline)",
     .call = parse_probe_module},
    {0, "key", "HEX|per-target", ARG_CALL, &o.key,
     "v0 sender key, 16 hex digits (default 0c0c0c0c0c0c0c0c, Hamming weight 16), or a keyed hash of each "
     "target",
     .call = parse_key},
    {0, "mptcp-flags", "HEX", ARG_UINT, &o.mpc_flags,
     "MP_CAPABLE flags byte (default v0 0x81, v1 0x01: what Linux sends)", .max = 255, .seen = &o.seen_flags},
    {0, "mss", "N", ARG_UINT, &o.mss, "MSS option (default 1460, 0 = omit)", .max = 65535},
    {0, "wscale", "N", ARG_INT, &o.wscale, "window scale option (default 7, -1 = omit)", .imin = -1, .imax = 14},
    {0, "no-sack", NULL, ARG_FLAG, &o.no_sack, "omit SACK_PERM"},
    {0, "no-timestamps", NULL, ARG_FLAG, &o.no_timestamps, "omit the timestamp option"},
    {0, "window", "N", ARG_UINT, &o.window, "TCP window (default 64240)", .max = 65535},
    {0, "ttl", "N", ARG_UINT, &o.ttl, "IP TTL / hop limit (default 64)", .min = 1, .max = 255},
    {'s', "source-port", "P|LO-HI", ARG_CALL, &o.sports, "source ports (default 32768-61000)",
     .call = parse_source_ports, .seen = &o.seen_sports},
    {'i', "interface", "IFACE", ARG_STRING, &o.iface,
     "interface to send on (default: the interface of the kernel's route to the first target, as ZMap)", G_SEND},
    {'S', "source-ip", "ADDR|LO-HI|CIDR[,...]", ARG_ADDRS, &o.sources,
     "our addresses, IPv4 and/or IPv6: single addresses, ranges (198.19.255.1-198.19.255.4, "
     "2001:db8:ffff::1-2001:db8:ffff::4) or prefixes, comma-separated or in repeated -S. Each target is probed "
     "from one of its family's addresses (a hash of the target picks it, so its probes spread evenly over them); "
     "a reply to any of them is validated. The addresses must be ours (the kernel must route the replies to this "
     "host). Default, per family: the preferred source of the kernel's route to the first target of that family, "
     "else the first address of the interface"},
    {'G', "gateway-mac", "MAC", ARG_MAC, o.gw_mac,
     "next-hop MAC (default: the kernel's route to the first target names the next hop, the neighbour table its "
     "MAC; an entry that is missing is resolved by ARP / neighbour discovery first, as ZMap does)",
     .seen = &o.seen_gw},
    {'r', "rate", "PPS", ARG_SI, &o.rate, "packets per second (default 10000, 0 = unlimited; k, M suffixes)",
     .max = 100000000000ull},
    {'B', "bandwidth", "BPS", ARG_SI, &o.bandwidth, "bits per second, suffixes K, M, G (overrides -r)", .min = 1,
     .max = 1000000000000ull, .unit = 'b'},
    {'P', "probes", "N", ARG_UINT, &o.probes, "SYNs per target (default 1)", .min = 1, .max = 1000},
    {'T', "sender-threads", "N", ARG_UINT, &o.threads, "sending threads (default 1)", .min = 1, .max = 64},
    {0, "tx-mode", "MODE", ARG_CHOICE, &o.tx_mode,
     "ring (PACKET_TX_RING, zero copy), sendmmsg (batches of 64 copied frames) or auto (default: sendmmsg on "
     "veth, whose peer must copy ring frames, else ring)",
     .choices = tx_modes},
    {0, "no-qdisc-bypass", NULL, ARG_FLAG, &o.no_bypass, "let frames pass the qdisc layer"},
    {'d', "dryrun", NULL, ARG_FLAG, &o.dryrun,
     "write each probe as a record (daddr, dport, sport, seq, ipid, mptcp_option, frame in hex; -O, -o apply) "
     "instead of sending it"},
    {'c', "cooldown-time", "SECS", ARG_UINT, &o.cooldown, "keep receiving after the last probe (default 8)", G_OUT,
     .max = 86400},
    {'t', "max-runtime", "SECS", ARG_UINT, &o.max_runtime, "stop sending after SECS seconds", .min = 1,
     .max = 100000000},
    {'o', "output-file", "FILE", ARG_STRING, &o.output, "records to FILE (default '-': stdout)"},
    {'O', "output-module", "FMT", ARG_CALL, &o.format,
     "csv (header = field names) or json (one object per line)", .call = parse_output_module},
    {'f', "output-fields", "LIST", ARG_STRING, &o.fields, "comma-separated fields, '*' = all (default all)"},
    {0, "output-filter", "EXPR", ARG_STRING, &o.filter,
     "write only the replies EXPR matches, in ZMap's filter syntax (a subset: see Output filter below), e.g. "
     "'verdict = mptcp || verdict = mirrored'. The summary and the metadata still count every reply"},
    {'m', "metadata-file", "FILE", ARG_STRING, &o.metadata,
     "write the scan's parameters and results to FILE as one JSON document (see Metadata below) when the scan "
     "ends ('-' = standard output, when -o names a file)"},
    {0, "output-repeats", NULL, ARG_FLAG, &o.output_repeats, "also write duplicate replies (repeat=1)"},
    {'q', "quiet", NULL, ARG_FLAG, &o.quiet, "no status line"},
    {0, "list-output-fields", NULL, ARG_FLAG, &o.list_fields, "print the field names and exit"},
    {0, "list-probes", NULL, ARG_FLAG, &o.list_probes, "print the probe modules and exit"},
    {0, "bench-permutation", NULL, ARG_FLAG, &o.bench,
     "time the permutation over the full IPv4 space (no packets; prints addresses/s) and exit"},
    ARG_END,
};

static const struct arg_section sections[] = {
    {"Output fields", "saddr/sport are the responder, daddr/dport the scanner, as in ZMap.", &scan_record_schema},
    {"Dry-run fields", "With --dryrun, one record per probe:", &scan_dryrun_schema},
    {"Output filter",
     "ZMap's --output-filter grammar: a comparison is FIELD OP VALUE with OP one of = (or ==), !=, <, >, <=, "
     ">=; comparisons are joined with && and || (&& binds tighter) and grouped with parentheses. Text fields "
     "(saddr, daddr, tcp_flags, classification, mptcp_option, mptcp_flags, mptcp_key, verdict) take = and != "
     "with a bare word or a \"quoted\" value; verdict and classification refuse a value outside their set, so "
     "a typo is an error. Number fields: sport, dport, ttl, ipid, window, probe_version, mptcp_version, "
     "key_hamming, repeat, cooldown, and ZMap's success (1 for a SYN-ACK, 0 for a RST). A reply without a value "
     "for a field (mptcp_version of a reply without MP_CAPABLE) matches no comparison on it. Duplicate replies "
     "reach the filter only with --output-repeats. A bad expression is a usage error naming the offset. "
     "Examples:\n"
     "  --output-filter 'verdict = mptcp || verdict = mirrored'\n"
     "  --output-filter 'classification = synack && (ttl > 60 || mptcp_version = 1)'\n"
     "  --output-filter 'success = 1 && repeat = 0'      (ZMap's own default)",
     NULL},
    {"Metadata",
     "-m FILE writes one JSON object (multi-line) when the scan ends, like ZMap's -m: tool, version, "
     "command_line; the parameters (probe_module, mptcp_version, mptcp_flags, key, target_ports, source_ports, "
     "rate, bandwidth, probes, sender_threads, cooldown_secs, max_targets, max_runtime, seed, seed_provided, "
     "shard, shards, dryrun); the network (interface, interface_from, source_mac, gateway_mac, gateway_mac_from, "
     "gateway_ip, source_addresses {ipv4, ipv6, count_ipv4, count_ipv6, ipv4_from, ipv6_from}; each _from says "
     "option, route, interface-address or neighbour-table); targets {arguments, allowlist_file, ipv6_targets, addresses, targets}; blocklist "
     "{file (null: the built-in list), entries, refused_ranges, refused_addresses}; output {file, format, "
     "fields, filter, repeats}; start_time and end_time (UTC, ISO 8601), duration_s; and the results: "
     "targets_sent, packets_sent, send_errors, send_secs, send_rate_pps, replies {unique, repeats, failed_validation, "
     "other}, kernel_drops, hit_rate (percent), verdicts {mptcp, mirrored, version-mismatch, malformed, tcp, "
     "closed}, records_written, records_filtered, interrupted. The figures are those of the summary lines.",
     NULL},
    {"Verdicts",
     "mptcp (MP_CAPABLE of the probed version, key not ours), mirrored (v0: our key came back; v1: our option "
     "came back byte for byte), version-mismatch (MP_CAPABLE of another version), malformed (MP_CAPABLE of a "
     "wrong length, or cut by the option area), tcp (SYN-ACK without MP_CAPABLE), closed (RST); checked in the "
     "order closed, tcp, mirrored, malformed, version-mismatch, mptcp.",
     NULL},
    {"Status and signals",
     "A status line goes to stderr every second (elapsed, % done, send and receive rates, kernel drops, hit "
     "rate = unique replies / targets sent); a summary per verdict at the end. SIGINT or SIGTERM stops "
     "sending, waits the cooldown and flushes whole records; a second one ends the cooldown.",
     NULL},
    {"Exit status",
     "0 the scan ran (every record written); 1 runtime failure (the output file cannot be created or written "
     "-- the scan stops and says which file and why --, sending or receiving failed); 2 usage error (bad "
     "option, unreadable target, allowlist or blocklist file, no target left).",
     NULL},
    {"Example (lab)",
     "  mpcensus scan -b lab-blocklist.txt -p 80,443 -m scan.meta.json -o out.csv 198.18.16.0/20\n"
     "  mpcensus scan -i veth0 -S 198.18.0.2,2001:db8::2 -G 02:00:00:00:00:01 \\\n"
     "      -b lab-blocklist.txt -p 80,443 --mptcp-version 1 -r 50000 -c 2 \\\n"
     "      -o out.csv 198.18.16.0/20 2001:db8:10::/120\n"
     "  mpcensus scan --dryrun -b /dev/null --seed 7 -O json 198.18.0.0/30",
     NULL},
    {NULL, NULL, NULL},
};

static const struct arg_cmd scan_cmd = {
    .name = "scan",
    .summary = "stateless MP_CAPABLE SYN scan of IPv4 ranges and IPv6 hitlists (ZMap-style)",
    .synopsis = "[options] [TARGET_CIDR ...]",
    .description =
        "Stateless MP_CAPABLE SYN scan (ZMap-style) of IPv4 ranges and IPv6 hitlists. Every target (address, "
        "port) gets a SYN carrying MP_CAPABLE v0 or v1; every SYN-ACK or RST is validated by a keyed cookie in "
        "the sequence number and source port (no per-target state), classified, deduplicated and written as one "
        "record. Needs root (AF_PACKET) unless --dryrun. Without -i, -S and -G the kernel's routing and neighbour "
        "tables give the interface, our address per family and the next hop's MAC (the defaults are printed).\n"
        "\n"
        "TARGET_CIDR ...: IPv4/IPv6 prefixes or addresses on the command line (host bits are cleared, as ZMap "
        "does); -w and --ipv6-targets add more. Nothing is scanned without an explicit target.",
    .opts = opts,
    .sections = sections,
};

const struct arg_cmd *scan_arg_cmd(void) { return &scan_cmd; }

void scan_usage(FILE *out) { args_usage(scan_arg_cmd(), out); }

static void defaults(void)
{
    args_ports_free(&o.ports);
    args_ports_free(&o.sports);
    args_addr_ranges_free(&o.sources);
    memset(&o, 0, sizeof o);
    o.shards = 1;
    o.probe = &probe_mptcp_v0;
    o.key.key = 0x0c0c0c0c0c0c0c0cull;
    o.mss = 1460;
    o.wscale = 7;
    o.window = 64240;
    o.ttl = 64;
    o.rate = 10000;
    o.probes = 1;
    o.threads = 1;
    o.cooldown = 8;
    o.output = "-";
    o.format = OUTPUT_CSV;
    o.tx_mode = TX_AUTO;
}

/* -S: addresses and ranges of either family; no multicast, no unspecified address. */
static int take_sources(struct scan_config *cfg)
{
    const struct arg_cmd *cmd = scan_arg_cmd();
    for (size_t i = 0; i < o.sources.n; i++) {
        const struct addr_range *r = &o.sources.r[i];
        char a[IP_ADDR_STRLEN];
        ip_addr_format(&r->lo, a, sizeof a);
        bool v6 = r->lo.family == AF_INET6;
        bool multicast = v6 ? r->hi.bytes[0] == 0xff || r->lo.bytes[0] == 0xff
                            : (r->lo.bytes[0] >= 224 || r->hi.bytes[0] >= 224);
        static const uint8_t zero[16];
        bool unspecified = !memcmp(r->lo.bytes, zero, v6 ? 16 : 4);
        if (multicast || unspecified)
            return args_usage_error(cmd, "bad --source-ip: %s is not a unicast address we can send from", a);
    }
    cfg->sources = o.sources;
    o.sources = (struct addr_ranges){0};   /* the config owns them now */
    return 0;
}

int scan_parse_options(int argc, char **argv, struct scan_config *cfg)
{
    const struct arg_cmd *cmd = scan_arg_cmd();
    memset(cfg, 0, sizeof(*cfg));
    defaults();
    /* the command line as typed, for the metadata (parsing moves the operands to the end) */
    if ((cfg->argv = malloc(((size_t)argc + 1) * sizeof *cfg->argv))) {
        memcpy(cfg->argv, argv, (size_t)argc * sizeof *argv);
        cfg->argv[argc] = NULL;
        cfg->argc = argc;
    }
    int first;
    int rc = args_parse(cmd, argc, argv, &first);
    if (rc != ARGS_OK)
        return rc == ARGS_EXIT ? 1 : 2;
    if (o.list_fields) {
        printf("%s\n", output_all_fields());
        return 1;
    }
    if (o.list_probes) {
        for (size_t i = 0; probe_modules[i]; i++)
            printf("%-10s %s\n", probe_modules[i]->name, probe_modules[i]->help);
        return 1;
    }
    cfg->target_args = argv + first;
    cfg->n_target_args = argc - first;
    cfg->allowlist_file = o.allowlist;
    cfg->blocklist_file = o.blocklist;
    cfg->ipv6_targets = o.ipv6_targets;
    if (o.ports.n) {
        cfg->ports = o.ports.ports;
        cfg->n_ports = (unsigned)o.ports.n;
        o.ports = (struct port_list){0};   /* the config owns them now */
    } else {
        if (!(cfg->ports = malloc(sizeof *cfg->ports)))
            return args_usage_error(cmd, "out of memory");
        cfg->ports[0] = 80;
        cfg->n_ports = 1;
    }
    cfg->max_targets = o.max_targets;
    cfg->seed = o.seed;
    cfg->seed_given = o.seen_seed;
    cfg->shards = o.shards;
    cfg->shard = o.shard;
    cfg->probe = o.probe;
    cfg->probe_cfg = (struct probe_cfg){
        .key_per_target = o.key.per_target,
        .key = o.key.key,
        .syn = {.mss = (uint16_t)o.mss, .wscale = o.wscale, .sack_perm = !o.no_sack, .timestamps = !o.no_timestamps},
        .window = (uint16_t)o.window,
        .ttl = (uint8_t)o.ttl,
        .sport_lo = 32768,
        .sport_hi = 61000,
    };
    if (o.seen_sports) {
        cfg->probe_cfg.sport_lo = o.sports.ports[0];
        cfg->probe_cfg.sport_hi = o.sports.ports[o.sports.n - 1];
    }
    memcpy(cfg->probe_cfg.gw_mac, o.gw_mac, 6);
    cfg->gw_mac_given = o.seen_gw;
    cfg->mpc_flags_given = o.seen_flags;
    cfg->probe_cfg.mpc_flags = o.seen_flags ? (uint8_t)o.mpc_flags : cfg->probe->default_flags;
    cfg->rate = o.rate;
    cfg->bandwidth = o.bandwidth;
    cfg->probes = o.probes;
    cfg->send_threads = o.threads;
    cfg->iface = o.iface;
    cfg->dryrun = o.dryrun;
    cfg->qdisc_bypass = !o.no_bypass;
    cfg->tx_mode = o.tx_mode;
    cfg->cooldown_secs = o.cooldown;
    cfg->max_runtime_secs = o.max_runtime;
    cfg->output_file = o.output;
    cfg->output_format = (enum output_format)o.format;
    cfg->output_fields = o.fields;
    cfg->output_repeats = o.output_repeats;
    cfg->output_filter_text = o.filter;
    cfg->metadata_file = o.metadata;

    cfg->quiet = o.quiet;
    cfg->bench_permutation = o.bench;
    if (take_sources(cfg) != 0)
        return 2;
    if (cfg->shard >= cfg->shards)
        return args_usage_error(cmd, "--shard must be below --shards (shards are numbered from 0)");
    if (cfg->shards > 1 && !cfg->seed_given)
        return args_usage_error(cmd, "--shards needs --seed so that every shard uses the same permutation");
    if (cfg->bench_permutation)
        return 0;
    /* an unknown field name is a usage error, found before anything runs */
    char err[2300];
    if (!output_fields_valid(cfg->dryrun, cfg->output_fields, err, sizeof err))
        return args_usage_error(cmd, "%s", err);
    /* records and the JSON document interleaved on one stream could be parsed as neither */
    if (cfg->metadata_file && !strcmp(cfg->metadata_file, "-") && !strcmp(cfg->output_file, "-"))
        return args_usage_error(cmd, "-m - and the records (-o, default standard output) would share standard "
                                     "output: give -o FILE or -m FILE");
    if (cfg->n_target_args == 0 && !cfg->allowlist_file && !cfg->ipv6_targets)
        return args_usage_error(cmd, "no targets: give CIDRs, -w FILE or --ipv6-targets FILE");
    if (cfg->output_filter_text) {
        char why[1200];
        if (!(cfg->output_filter = scan_filter_compile(cfg->output_filter_text, why, sizeof why)))
            return args_usage_error(cmd, "bad --output-filter '%s': %s", cfg->output_filter_text, why);
        if (cfg->dryrun)
            return args_usage_error(cmd, "--output-filter applies to replies; a dry run writes probes");
    }
    return 0;
}

void scan_config_free(struct scan_config *cfg)
{
    filter_free(cfg->output_filter);
    free(cfg->argv);
    cfg->argv = NULL;
    cfg->output_filter = NULL;
    args_addr_ranges_free(&cfg->sources);
    free(cfg->ports);
    cfg->ports = NULL;
    cfg->n_ports = 0;
    args_ports_free(&o.ports);
    args_ports_free(&o.sports);
    args_addr_ranges_free(&o.sources);
}
