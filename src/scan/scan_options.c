/* scan_options.c — `mpcensus scan` command line: ZMap-compatible flags, MPTCP probe settings, and the usage text. */
#include "scan/scan_config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/afpacket.h"

void scan_usage(FILE *out)
{
    fprintf(out,
"usage: mpcensus scan [options] [TARGET_CIDR ...]\n"
"\n"
"Stateless MP_CAPABLE SYN scan (ZMap-style) of IPv4 ranges and IPv6 hitlists.\n"
"Every target (address, port) gets a SYN carrying MP_CAPABLE v0 or v1; every\n"
"SYN-ACK or RST is validated by a keyed cookie in the sequence number and\n"
"source port (no per-target state), classified, deduplicated and written as\n"
"one record. Needs root (AF_PACKET) unless --dryrun.\n"
"\n"
"Targets (at least one source; never defaults to the whole Internet):\n"
"  TARGET_CIDR ...           IPv4/IPv6 prefixes or addresses on the command line\n"
"  -w, --allowlist-file=FILE prefixes to scan, one per line ('#' comments)\n"
"      --ipv6-targets=FILE|- IPv6 hitlist, one address (or prefix) per line\n"
"  -b, --blocklist-file=FILE prefixes never to probe. REPLACES the built-in\n"
"                            default list (IANA IPv4/IPv6 special-purpose\n"
"                            registries + multicast, which includes the lab's\n"
"                            198.18.0.0/15 and 2001:db8::/32); refused ranges\n"
"                            are printed with the entry that refused them\n"
"  -p, --target-ports=P[,P]  TCP ports (default 80); each address x each port\n"
"  -n, --max-targets=N       stop after N targets (per shard)\n"
"\n"
"Order and sharding:\n"
"      --seed=N              seed of the permutation (cyclic group mod a prime);\n"
"                            required with --shards so that shards agree\n"
"      --shards=N --shard=I  scan only shard I of N (0-based); the N shards of\n"
"                            one seed are disjoint and cover every target\n"
"\n"
"Probe:\n"
"      --mptcp-version=0|1   MP_CAPABLE version (default 0): v0 = 12 bytes with\n"
"                            a sender key, v1 = 4 bytes without key\n"
"  -M, --probe-module=NAME   mptcp_v0, mptcp_v1 or tcp_syn (plain SYN baseline)\n"
"      --key=HEX|per-target  v0 sender key (default 0c0c0c0c0c0c0c0c, Hamming\n"
"                            weight 16), or a keyed hash of each target\n"
"      --mptcp-flags=HEX     MP_CAPABLE flags byte (default v0 0x81, v1 0x01:\n"
"                            what Linux sends)\n"
"      --mss=N               MSS option (default 1460, 0 = omit)\n"
"      --wscale=N            window scale option (default 7, -1 = omit)\n"
"      --no-sack             omit SACK_PERM\n"
"      --no-timestamps       omit the timestamp option\n"
"      --window=N            TCP window (default 64240)\n"
"      --ttl=N               IP TTL / hop limit (default 64)\n"
"  -s, --source-port=P|LO-HI source ports (default 32768-61000)\n"
"\n"
"Sending:\n"
"  -i, --interface=IFACE     interface to send on (required unless --dryrun)\n"
"  -S, --source-ip=ADDR[,ADDR] source IPv4 and/or IPv6 address\n"
"  -G, --gateway-mac=MAC     next-hop MAC (required unless --dryrun)\n"
"  -r, --rate=PPS            packets per second (default 10000, 0 = unlimited)\n"
"  -B, --bandwidth=BPS       bits per second, suffixes K, M, G (overrides -r)\n"
"  -P, --probes=N            SYNs per target (default 1)\n"
"  -T, --sender-threads=N    sending threads (default 1)\n"
"      --tx-mode=MODE        ring (PACKET_TX_RING, zero copy), sendmmsg (batches\n"
"                            of 64 copied frames) or auto (default: sendmmsg on\n"
"                            veth, whose peer must copy ring frames, else ring)\n"
"      --no-qdisc-bypass     let frames pass the qdisc layer\n"
"  -d, --dryrun              print each probe (one line with the frame in hex)\n"
"                            instead of sending it\n"
"\n"
"Receiving and output:\n"
"  -c, --cooldown-time=SECS  keep receiving after the last probe (default 8)\n"
"  -t, --max-runtime=SECS    stop sending after SECS seconds\n"
"  -o, --output-file=FILE    records to FILE (default '-': stdout)\n"
"  -O, --output-module=FMT   csv (header = field names) or json (one object per line)\n"
"  -f, --output-fields=LIST  comma-separated fields, '*' = all (default all)\n"
"      --output-repeats      also write duplicate replies (repeat=1)\n"
"  -q, --quiet               no status line\n"
"      --list-output-fields  print the field names and exit\n"
"      --list-probes         print the probe modules and exit\n"
"      --bench-permutation   time the permutation over the full IPv4 space\n"
"                            (no packets; prints addresses/s) and exit\n"
"  -h, --help                this text\n"
"\n"
"Output fields: saddr,sport (the responder), daddr,dport (us), ttl, ipid, window,\n"
"tcp_flags, classification (synack|rst), probe_version, mptcp_option (hex of the\n"
"raw MP_CAPABLE option), mptcp_version, mptcp_flags, mptcp_key (16 hex digits),\n"
"key_hamming, verdict, repeat, cooldown, timestamp (UTC, microseconds).\n"
"\n"
"Verdicts: mptcp (MP_CAPABLE of the probed version, key not ours), mirrored\n"
"(v0: our key came back; v1: our option came back byte for byte),\n"
"version-mismatch (MP_CAPABLE of another version), malformed (MP_CAPABLE of a\n"
"wrong length), tcp (SYN-ACK without MP_CAPABLE), closed (RST).\n"
"\n"
"A status line goes to stderr every second; a summary per verdict at the end.\n"
"SIGINT stops sending, waits the cooldown and flushes whole records; a second\n"
"SIGINT ends the cooldown.\n"
"\n"
"Example (lab):\n"
"  mpcensus scan -i veth0 -S 198.18.0.2,2001:db8::2 -G 02:00:00:00:00:01 \\\n"
"      -b lab-blocklist.txt -p 80,443 --mptcp-version 1 -r 50000 -c 2 \\\n"
"      -o out.csv 198.18.16.0/20 2001:db8:10::/120\n");
}

enum {
    OPT_SEED = 256, OPT_SHARDS, OPT_SHARD, OPT_IPV6_TARGETS, OPT_MPTCP_VERSION, OPT_KEY, OPT_MPTCP_FLAGS,
    OPT_MSS, OPT_WSCALE, OPT_NO_SACK, OPT_NO_TS, OPT_WINDOW, OPT_TTL, OPT_OUTPUT_REPEATS, OPT_LIST_FIELDS,
    OPT_LIST_PROBES, OPT_BENCH_PERM, OPT_SENDMMSG, OPT_NO_BYPASS
};

static const struct option long_opts[] = {
    {"target-ports", required_argument, NULL, 'p'},
    {"rate", required_argument, NULL, 'r'},
    {"bandwidth", required_argument, NULL, 'B'},
    {"max-targets", required_argument, NULL, 'n'},
    {"blocklist-file", required_argument, NULL, 'b'},
    {"blacklist-file", required_argument, NULL, 'b'},
    {"allowlist-file", required_argument, NULL, 'w'},
    {"whitelist-file", required_argument, NULL, 'w'},
    {"output-file", required_argument, NULL, 'o'},
    {"output-module", required_argument, NULL, 'O'},
    {"output-fields", required_argument, NULL, 'f'},
    {"seed", required_argument, NULL, OPT_SEED},
    {"shards", required_argument, NULL, OPT_SHARDS},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"cooldown-time", required_argument, NULL, 'c'},
    {"max-runtime", required_argument, NULL, 't'},
    {"probes", required_argument, NULL, 'P'},
    {"interface", required_argument, NULL, 'i'},
    {"source-ip", required_argument, NULL, 'S'},
    {"source-port", required_argument, NULL, 's'},
    {"gateway-mac", required_argument, NULL, 'G'},
    {"sender-threads", required_argument, NULL, 'T'},
    {"dryrun", no_argument, NULL, 'd'},
    {"probe-module", required_argument, NULL, 'M'},
    {"ipv6-targets", required_argument, NULL, OPT_IPV6_TARGETS},
    {"mptcp-version", required_argument, NULL, OPT_MPTCP_VERSION},
    {"key", required_argument, NULL, OPT_KEY},
    {"mptcp-flags", required_argument, NULL, OPT_MPTCP_FLAGS},
    {"mss", required_argument, NULL, OPT_MSS},
    {"wscale", required_argument, NULL, OPT_WSCALE},
    {"no-sack", no_argument, NULL, OPT_NO_SACK},
    {"no-timestamps", no_argument, NULL, OPT_NO_TS},
    {"window", required_argument, NULL, OPT_WINDOW},
    {"ttl", required_argument, NULL, OPT_TTL},
    {"output-repeats", no_argument, NULL, OPT_OUTPUT_REPEATS},
    {"quiet", no_argument, NULL, 'q'},
    {"list-output-fields", no_argument, NULL, OPT_LIST_FIELDS},
    {"list-probes", no_argument, NULL, OPT_LIST_PROBES},
    {"bench-permutation", no_argument, NULL, OPT_BENCH_PERM},
    {"tx-mode", required_argument, NULL, OPT_SENDMMSG},
    {"no-qdisc-bypass", no_argument, NULL, OPT_NO_BYPASS},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "mpcensus scan: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(try 'mpcensus scan --help')\n");
    return 2;
}

/* Unsigned decimal (or 0x hex) within [lo, hi]. */
static bool parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    if (!s || !*s || *s == '-' || isspace((unsigned char)*s))
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static bool parse_bandwidth(const char *s, uint64_t *out)
{
    errno = 0;
    char *end;
    if (!s || !isdigit((unsigned char)*s))
        return false;
    double v = strtod(s, &end);
    if (errno || end == s)
        return false;
    switch (toupper((unsigned char)*end)) {
    case 'K': v *= 1e3; end++; break;
    case 'M': v *= 1e6; end++; break;
    case 'G': v *= 1e9; end++; break;
    default: break;
    }
    if (*end == 'b' || *end == 'B')
        end++;
    if (*end || v < 1 || v > 1e12)
        return false;
    *out = (uint64_t)v;
    return true;
}

static bool parse_ports(const char *s, struct scan_config *cfg)
{
    char buf[512];
    if (strlen(s) >= sizeof(buf))
        return false;
    strcpy(buf, s);
    cfg->n_ports = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        uint64_t lo, hi;
        char *dash = strchr(tok, '-');
        if (dash) {
            *dash = '\0';
            if (!parse_u64(tok, 1, 65535, &lo) || !parse_u64(dash + 1, lo, 65535, &hi))
                return false;
        } else {
            if (!parse_u64(tok, 1, 65535, &lo))
                return false;
            hi = lo;
        }
        for (uint64_t p = lo; p <= hi; p++) {
            for (unsigned i = 0; i < cfg->n_ports; i++)
                if (cfg->ports[i] == p)
                    goto dup;
            if (cfg->n_ports == SCAN_MAX_PORTS)
                return false;
            cfg->ports[cfg->n_ports++] = (uint16_t)p;
        dup:;
        }
    }
    return cfg->n_ports > 0;
}

static bool parse_key(const char *s, struct scan_config *cfg)
{
    if (!strcmp(s, "per-target")) {
        cfg->probe_cfg.key_per_target = true;
        return true;
    }
    if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2))
        s += 2;
    if (strlen(s) != 16)
        return false;
    uint64_t k = 0;
    for (const char *p = s; *p; p++) {
        if (!isxdigit((unsigned char)*p))
            return false;
        k = k << 4 | (uint64_t)(isdigit((unsigned char)*p) ? *p - '0' : tolower((unsigned char)*p) - 'a' + 10);
    }
    cfg->probe_cfg.key = k;
    cfg->probe_cfg.key_per_target = false;
    return true;
}

static void defaults(struct scan_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->ports[0] = 80;
    cfg->n_ports = 1;
    cfg->shards = 1;
    cfg->probe = &probe_mptcp_v0;
    cfg->probe_cfg.key = 0x0c0c0c0c0c0c0c0cull;
    cfg->probe_cfg.syn = (struct syn_opts_cfg){.mss = 1460, .wscale = 7, .sack_perm = true, .timestamps = true};
    cfg->probe_cfg.window = 64240;
    cfg->probe_cfg.ttl = 64;
    cfg->probe_cfg.sport_lo = 32768;
    cfg->probe_cfg.sport_hi = 61000;
    cfg->rate = 10000;
    cfg->probes = 1;
    cfg->send_threads = 1;
    cfg->qdisc_bypass = true;
    cfg->cooldown_secs = 8;
    cfg->output_file = "-";
    cfg->output_format = OUTPUT_CSV;
}

int scan_parse_options(int argc, char **argv, struct scan_config *cfg)
{
    defaults(cfg);
    bool shard_given = false;
    uint64_t v;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":p:r:B:n:b:w:o:O:f:c:t:P:i:S:s:G:T:dM:qh", long_opts, NULL)) != -1) {
        const char *a = optarg;
        switch (c) {
        case 'p':
            if (!parse_ports(a, cfg))
                return usage_error("bad port list '%s' (ports 1-65535, ranges LO-HI, at most 64)", a);
            break;
        case 'r':
            if (!parse_u64(a, 0, 100000000000ull, &cfg->rate))
                return usage_error("bad rate '%s' (packets per second, 0 = unlimited)", a);
            break;
        case 'B':
            if (!parse_bandwidth(a, &cfg->bandwidth))
                return usage_error("bad bandwidth '%s' (bits per second, e.g. 10M)", a);
            break;
        case 'n':
            if (!parse_u64(a, 1, UINT64_MAX, &cfg->max_targets))
                return usage_error("bad --max-targets '%s'", a);
            break;
        case 'b': cfg->blocklist_file = a; break;
        case 'w': cfg->allowlist_file = a; break;
        case 'o': cfg->output_file = a; break;
        case 'O':
            if (!strcmp(a, "csv"))
                cfg->output_format = OUTPUT_CSV;
            else if (!strcmp(a, "json"))
                cfg->output_format = OUTPUT_JSON;
            else
                return usage_error("unknown output module '%s' (csv or json)", a);
            break;
        case 'f': cfg->output_fields = a; break;
        case OPT_SEED:
            if (!parse_u64(a, 0, UINT64_MAX, &cfg->seed))
                return usage_error("bad seed '%s'", a);
            cfg->seed_given = true;
            break;
        case OPT_SHARDS:
            if (!parse_u64(a, 1, 65535, &v))
                return usage_error("bad --shards '%s' (1-65535)", a);
            cfg->shards = (unsigned)v;
            break;
        case OPT_SHARD:
            if (!parse_u64(a, 0, 65534, &v))
                return usage_error("bad --shard '%s'", a);
            cfg->shard = (unsigned)v;
            shard_given = true;
            break;
        case 'c':
            if (!parse_u64(a, 0, 86400, &v))
                return usage_error("bad cooldown '%s' (seconds)", a);
            cfg->cooldown_secs = (unsigned)v;
            break;
        case 't':
            if (!parse_u64(a, 1, 100000000, &v))
                return usage_error("bad --max-runtime '%s' (seconds)", a);
            cfg->max_runtime_secs = (unsigned)v;
            break;
        case 'P':
            if (!parse_u64(a, 1, 1000, &v))
                return usage_error("bad --probes '%s' (1-1000)", a);
            cfg->probes = (unsigned)v;
            break;
        case 'i': cfg->iface = a; break;
        case 'S': {
            char buf[256];
            snprintf(buf, sizeof(buf), "%s", a);
            for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
                if (cfg->n_src_args == 2)
                    return usage_error("at most one IPv4 and one IPv6 source address ('%s')", a);
                snprintf(cfg->src_args[cfg->n_src_args++], sizeof(cfg->src_args[0]), "%s", tok);
            }
            break;
        }
        case 's': {
            uint64_t lo, hi;
            char buf[64];
            snprintf(buf, sizeof(buf), "%s", a);
            char *dash = strchr(buf, '-');
            if (dash)
                *dash = '\0';
            if (!parse_u64(buf, 1, 65535, &lo) || (dash ? !parse_u64(dash + 1, lo, 65535, &hi) : (hi = lo, false)))
                return usage_error("bad source port(s) '%s' (PORT or LO-HI)", a);
            cfg->probe_cfg.sport_lo = (uint16_t)lo;
            cfg->probe_cfg.sport_hi = (uint16_t)hi;
            break;
        }
        case 'G':
            if (!afp_parse_mac(a, cfg->probe_cfg.gw_mac))
                return usage_error("bad gateway MAC '%s' (aa:bb:cc:dd:ee:ff)", a);
            cfg->gw_mac_given = true;
            break;
        case 'T':
            if (!parse_u64(a, 1, 64, &v))
                return usage_error("bad --sender-threads '%s' (1-64)", a);
            cfg->send_threads = (unsigned)v;
            break;
        case 'd': cfg->dryrun = true; break;
        case 'M':
            if (!(cfg->probe = probe_find(a)))
                return usage_error("unknown probe module '%s' (see --list-probes)", a);
            break;
        case OPT_IPV6_TARGETS: cfg->ipv6_targets = a; break;
        case OPT_MPTCP_VERSION:
            if (!strcmp(a, "0"))
                cfg->probe = &probe_mptcp_v0;
            else if (!strcmp(a, "1"))
                cfg->probe = &probe_mptcp_v1;
            else
                return usage_error("bad --mptcp-version '%s' (0 or 1)", a);
            break;
        case OPT_KEY:
            if (!parse_key(a, cfg))
                return usage_error("bad --key '%s' (16 hex digits or 'per-target')", a);
            break;
        case OPT_MPTCP_FLAGS:
            if (!parse_u64(a, 0, 255, &v))
                return usage_error("bad --mptcp-flags '%s' (0-255, e.g. 0x81)", a);
            cfg->probe_cfg.mpc_flags = (uint8_t)v;
            cfg->mpc_flags_given = true;
            break;
        case OPT_MSS:
            if (!parse_u64(a, 0, 65535, &v))
                return usage_error("bad --mss '%s' (0-65535, 0 = omit)", a);
            cfg->probe_cfg.syn.mss = (uint16_t)v;
            break;
        case OPT_WSCALE:
            if (!strcmp(a, "-1"))
                cfg->probe_cfg.syn.wscale = -1;
            else if (parse_u64(a, 0, 14, &v))
                cfg->probe_cfg.syn.wscale = (int)v;
            else
                return usage_error("bad --wscale '%s' (0-14, -1 = omit)", a);
            break;
        case OPT_NO_SACK: cfg->probe_cfg.syn.sack_perm = false; break;
        case OPT_NO_TS: cfg->probe_cfg.syn.timestamps = false; break;
        case OPT_WINDOW:
            if (!parse_u64(a, 0, 65535, &v))
                return usage_error("bad --window '%s'", a);
            cfg->probe_cfg.window = (uint16_t)v;
            break;
        case OPT_TTL:
            if (!parse_u64(a, 1, 255, &v))
                return usage_error("bad --ttl '%s'", a);
            cfg->probe_cfg.ttl = (uint8_t)v;
            break;
        case OPT_OUTPUT_REPEATS: cfg->output_repeats = true; break;
        case 'q': cfg->quiet = true; break;
        case OPT_LIST_FIELDS: printf("%s\n", output_all_fields()); return 1;
        case OPT_LIST_PROBES:
            for (size_t i = 0; probe_modules[i]; i++)
                printf("%-10s %s\n", probe_modules[i]->name, probe_modules[i]->help);
            return 1;
        case OPT_BENCH_PERM: cfg->bench_permutation = true; break;
        case OPT_SENDMMSG:
            if (!strcmp(a, "auto"))
                cfg->tx_mode = TX_AUTO;
            else if (!strcmp(a, "ring"))
                cfg->tx_mode = TX_RING;
            else if (!strcmp(a, "sendmmsg"))
                cfg->tx_mode = TX_SENDMMSG;
            else
                return usage_error("bad --tx-mode '%s' (auto, ring or sendmmsg)", a);
            break;
        case OPT_NO_BYPASS: cfg->qdisc_bypass = false; break;
        case 'h': scan_usage(stdout); return 1;
        case ':': return usage_error("option '%s' needs a value", argv[optind - 1]);
        default: return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    cfg->target_args = argv + optind;
    cfg->n_target_args = argc - optind;
    if (!cfg->mpc_flags_given)
        cfg->probe_cfg.mpc_flags = cfg->probe->default_flags;
    if (cfg->shard >= cfg->shards)
        return usage_error("--shard must be below --shards (%s)", "shards are numbered from 0");
    if (cfg->shards > 1 && !cfg->seed_given)
        return usage_error("%s", "--shards needs --seed so that every shard uses the same permutation");
    (void)shard_given;
    if (cfg->bench_permutation)
        return 0;
    if (cfg->n_target_args == 0 && !cfg->allowlist_file && !cfg->ipv6_targets)
        return usage_error("%s", "no targets: give CIDRs, -w FILE or --ipv6-targets FILE");
    if (!cfg->dryrun) {
        if (!cfg->iface)
            return usage_error("%s", "-i IFACE is required (or --dryrun)");
        if (!cfg->gw_mac_given)
            return usage_error("%s", "-G GATEWAY_MAC is required (or --dryrun)");
        if (cfg->n_src_args == 0)
            return usage_error("%s", "-S SOURCE_IP is required (or --dryrun)");
    }
    return 0;
}
