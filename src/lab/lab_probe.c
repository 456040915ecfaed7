/* lab_probe.c — `mpcensus lab probe`: builds SYN probes with src/net and sends them with src/io (raw IP socket or AF_PACKET frames), for the lab's own tests. */
#include "lab/lab_probe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli/args.h"
#include "io/outfile.h"
#include "io/pace.h"
#include "io/rawip.h"
#include "io/route.h"
#include "lab/pktio.h"
#include "net/build.h"
#include "net/mptcp.h"
#include "net/packet.h"
#include "net/tcpopt.h"

struct lab_probe_cfg {
    struct ip_addr src, dst;
    uint16_t sport, dport;
    int version;          /* 0, 1, or -1 for no MP_CAPABLE */
    uint64_t key;
    uint8_t ttl;
    unsigned count;
    struct pktio *link;   /* non-NULL: send Ethernet frames to gw_mac on this interface */
    uint8_t gw_mac[6];
    struct outfile *out;  /* one "sent ..." line per probe */
};

/* Source address the kernel would use toward dst (its route, asked through io/route). */
static int pick_source(const struct ip_addr *dst, struct ip_addr *src, char *err, size_t errlen)
{
    struct route_info ri;
    if (route_lookup(dst, &ri, err, errlen) < 0)
        return -1;
    if (ri.src.family != dst->family) {
        char text[IP_ADDR_STRLEN];
        snprintf(err, errlen, "no source address toward %s (give --src)", ip_addr_format(dst, text, sizeof text));
        return -1;
    }
    *src = ri.src;
    return 0;
}

static int send_probe(struct rawip *raw, const struct lab_probe_cfg *c, uint16_t sport, uint32_t seq, char *err, size_t errlen)
{
    uint8_t mpc[16], opts[40], pkt[128];
    size_t mpc_len = 0;
    if (c->version == 0)
        mpc_len = mptcp_put_capable_v0(mpc, MPTCP_CAP_A | MPTCP_CAP_H, c->key);
    else if (c->version == 1)
        mpc_len = mptcp_put_capable_v1_syn(mpc, MPTCP_CAP_H);
    struct syn_opts_cfg oc = {.mss = 1460, .wscale = 7, .sack_perm = true, .timestamps = true, .tsval = seq ^ 0x5a5a5a5a};
    size_t opts_len = tcpopt_build_syn(opts, sizeof opts, &oc, mpc, mpc_len);
    if (opts_len == 0) {
        snprintf(err, errlen, "option area too long");
        return -1;
    }
    struct tcp_build b = {
        .src = c->src, .dst = c->dst, .sport = sport, .dport = c->dport, .seq = seq,
        .flags = TCP_SYN, .window = 64240, .ttl = c->ttl, .ip_id = (uint16_t)seq,
        .dont_fragment = true, .opts = opts, .opts_len = opts_len,
    };
    size_t len = pkt_build_tcp(pkt, sizeof pkt, &b);
    if (len == 0) {
        snprintf(err, errlen, "pkt_build_tcp failed");
        return -1;
    }
    if (c->link) {
        /* straight onto the wire, like a ZMap-style scanner: the kernel's
         * routing (which would keep a probe to its own address local) is bypassed */
        uint8_t *slot = pktio_slot(c->link);
        eth_build(slot, c->gw_mac, c->link->mac, c->dst.family == AF_INET ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6);
        memcpy(slot + ETH_HDR_LEN, pkt, len);
        pktio_commit(c->link, ETH_HDR_LEN + len);
        pktio_flush(c->link);
        if (c->link->tx_errors) {
            snprintf(err, errlen, "AF_PACKET send failed");
            return -1;
        }
        return 0;
    }
    return rawip_send(raw, &c->dst, pkt, len, err, errlen);
}

static int report_sent(const struct lab_probe_cfg *c, uint16_t sport, uint32_t seq)
{
    char s[IP_ADDR_STRLEN], d[IP_ADDR_STRLEN];
    return outfile_printf(c->out, "sent %s %u %s %u ttl=%u mptcp=%s key=%016llx seq=%u\n",
                          ip_addr_format(&c->src, s, sizeof s), sport, ip_addr_format(&c->dst, d, sizeof d), c->dport,
                          c->ttl, c->version < 0 ? "none" : c->version ? "v1" : "v0", (unsigned long long)c->key, seq);
}

/* One probe per CSV line "daddr,dport,version[,...]" (the CSV of `lab truth`; its header is skipped). */
static int probe_targets(struct lab_probe_cfg *base, const char *path, uint16_t sport0, uint64_t rate, bool have_src)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
    if (!f) {
        fprintf(stderr, "mpcensus lab probe: %s: %s\n", path, strerror(errno));
        return 1;
    }
    static const char *const versions[] = {"0", "1", "none", NULL};
    struct rawip raw;
    rawip_init(&raw);
    char line[512], err[256];
    unsigned lineno = 0, sent = 0;
    int rc = 0;
    uint64_t t0 = pace_now_ns();
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *save = NULL, *addr = strtok_r(line, ",\n", &save), *port = strtok_r(NULL, ",\n", &save),
             *ver = strtok_r(NULL, ",\n", &save);
        struct lab_probe_cfg c = *base;
        if (!addr || !ip_addr_parse(addr, &c.dst)) {
            if (lineno == 1)
                continue; /* header */
            fprintf(stderr, "mpcensus lab probe: %s:%u: bad address '%s'\n", path, lineno, addr ? addr : "");
            rc = 1;
            break;
        }
        uint64_t p;
        int vi;
        char why[128];
        if (!port || !args_parse_u64(port, 1, 65535, &p, why, sizeof why)) {
            fprintf(stderr, "mpcensus lab probe: %s:%u: bad port '%s': %s\n", path, lineno, port ? port : "",
                    port ? why : "missing (daddr,dport,0|1|none)");
            rc = 1;
            break;
        }
        if (!ver || !args_parse_choice(ver, versions, &vi, why, sizeof why)) {
            fprintf(stderr, "mpcensus lab probe: %s:%u: bad version '%s': %s\n", path, lineno, ver ? ver : "",
                    ver ? why : "missing (daddr,dport,0|1|none)");
            rc = 1;
            break;
        }
        c.dport = (uint16_t)p;
        c.version = vi == 2 ? -1 : vi;
        if (!have_src && pick_source(&c.dst, &c.src, err, sizeof err) != 0) {
            fprintf(stderr, "mpcensus lab probe: %s:%u: %s\n", path, lineno, err);
            rc = 1;
            break;
        }
        uint16_t sp = (uint16_t)(sport0 + sent);
        uint32_t seq = 0x10000000u + sent * 7919u;
        if (send_probe(&raw, &c, sp, seq, err, sizeof err) != 0) {
            fprintf(stderr, "mpcensus lab probe: %s\n", err);
            rc = 1;
            break;
        }
        report_sent(&c, sp, seq);
        sent++;
        pace_wait(t0, sent, rate);   /* probe i leaves no earlier than i/rate seconds after the first */
    }
    rawip_close(&raw);
    if (f != stdin)
        fclose(f);
    return rc;
}

static struct {
    struct ip_addr dst, src;
    unsigned port, sport, ttl, count;
    int version;
    uint64_t key, rate;
    const char *targets, *iface;
    uint8_t gw_mac[6];
    bool have_dst, have_src, have_sport, have_gw;
} po;

static bool parse_address(const char *v, void *dest, char *why, size_t len)
{
    return args_parse_addr(v, dest, why, len);
}

static const char *const probe_versions[] = {"0", "1", "none", NULL};

static const struct arg_opt probe_opts[] = {
    {'d', "dst", "ADDR", ARG_CALL, &po.dst, "destination address", "Probe", .call = parse_address,
     .seen = &po.have_dst},
    {'p', "port", "P", ARG_UINT, &po.port, "destination port", .min = 1, .max = 65535},
    {'v', "mptcp-version", "0|1|none", ARG_CHOICE, &po.version,
     "MP_CAPABLE v0 (12 bytes, key --key), v1 (4 bytes) or none (default 0)", .choices = probe_versions},
    {'t', "ttl", "N", ARG_UINT, &po.ttl, "IP TTL / hop limit (default 64)", .min = 1, .max = 255},
    {'k', "key", "HEX", ARG_KEY64, &po.key, "v0 sender key, 16 hex digits (default 0c0c0c0c0c0c0c0c)"},
    {'s', "src", "ADDR", ARG_CALL, &po.src, "source address (default: the kernel's route to --dst)",
     .call = parse_address, .seen = &po.have_src},
    {'P', "sport", "P", ARG_UINT, &po.sport, "source port of the first probe (default random; --targets: 20000)",
     .min = 1, .max = 65535, .seen = &po.have_sport},
    {'c', "count", "N", ARG_UINT, &po.count, "probes to send, source port +1 each (default 1)", .min = 1,
     .max = 100000},
    {'T', "targets", "FILE", ARG_STRING, &po.targets,
     "one probe per line 'daddr,dport,version[,...]' (the CSV of `mpcensus lab truth` works; a header line is "
     "skipped), source port BASE+i for line i",
     "Many targets"},
    {'r', "rate", "PPS", ARG_SI, &po.rate, "probes per second with --targets (default 2000)", .min = 1,
     .max = 1000000},
    {'i', "iface", "IF", ARG_STRING, &po.iface, "send Ethernet frames on this interface (AF_PACKET, ZMap-style)",
     "Ethernet frames instead of a raw IP socket (all three go together)"},
    {'G', "gateway-mac", "MAC", ARG_MAC, po.gw_mac, "next-hop MAC of those frames", .seen = &po.have_gw},
    ARG_END,
};

static const struct arg_section probe_sections[] = {
    {"Exit status", "0 every probe was sent; 1 a socket, route or send failed (or a --targets line is bad); 2 usage "
                    "error.", NULL},
    {NULL, NULL, NULL},
};

static const struct arg_cmd probe_cmd = {
    .name = "lab probe",
    .summary = "send test SYN probes from the lab's vantage",
    .synopsis = "--dst ADDR --port P [--mptcp-version 0|1|none] [--ttl N] [--key HEX] [--src ADDR] [--sport P] "
                "[--count N]\n--targets FILE [--sport BASE] [--rate PPS] [--key HEX] [--ttl N]\n"
                "... --iface IF --gateway-mac MAC --src ADDR",
    .description =
        "Sends SYN probes like a Linux client's (MSS, SACK_PERM, timestamps, window scale) plus MP_CAPABLE v0 or v1 "
        "through a raw socket of the current namespace; run it in the lab's vantage namespace. A test tool for the "
        "lab itself: answers are to be captured with tcpdump. Prints one line per probe sent.",
    .opts = probe_opts,
    .sections = probe_sections,
};

const struct arg_cmd *lab_probe_arg_cmd(void) { return &probe_cmd; }

static int probe_main(struct lab_probe_cfg *c)
{
    if ((po.iface != NULL) != po.have_gw || (po.iface && !po.have_src))
        return args_usage_error(&probe_cmd, "--iface, --gateway-mac and --src go together");
    if (po.targets && po.have_dst)
        return args_usage_error(&probe_cmd, "--targets excludes --dst");
    if (!po.targets && (!po.have_dst || po.port == 0))
        return args_usage_error(&probe_cmd, "--dst and --port are required (or --targets FILE)");
    if (!po.targets && po.have_src && c->src.family != c->dst.family)
        return args_usage_error(&probe_cmd, "--src and --dst of different families");
    static struct pktio link;
    if (po.iface) {
        char err[256];
        if (pktio_open(&link, po.iface, "less 1", false, err, sizeof err) != 0) {
            fprintf(stderr, "mpcensus lab probe: %s\n", err);
            return 1;
        }
        c->link = &link;
    }
    if (po.targets)
        return probe_targets(c, po.targets, po.have_sport ? (uint16_t)po.sport : 20000, po.rate, po.have_src);
    char err[256];
    if (!po.have_src && pick_source(&c->dst, &c->src, err, sizeof err) != 0) {
        fprintf(stderr, "mpcensus lab probe: %s\n", err);
        return 1;
    }
    struct rawip raw;
    rawip_init(&raw);
    uint32_t rnd[2];
    if (getrandom(rnd, sizeof rnd, 0) != sizeof rnd)
        rnd[0] = (uint32_t)getpid(), rnd[1] = (uint32_t)getpid() * 2654435761u;
    uint16_t base = po.have_sport ? (uint16_t)po.sport : (uint16_t)(32768 + rnd[0] % 28000);
    int rc = 0;
    for (unsigned i = 0; i < c->count && rc == 0; i++) {
        uint16_t sp = (uint16_t)(base + i);
        uint32_t seq = rnd[1] + i * 7919u;
        if (send_probe(&raw, c, sp, seq, err, sizeof err) != 0) {
            fprintf(stderr, "mpcensus lab probe: %s\n", err);
            rc = 1;
        } else {
            report_sent(c, sp, seq);
        }
    }
    rawip_close(&raw);
    return rc;
}

int cmd_lab_probe(int argc, char **argv)
{
    memset(&po, 0, sizeof po);
    po.key = 0x0c0c0c0c0c0c0c0cull;
    po.ttl = 64;
    po.count = 1;
    po.rate = 2000;
    int first;
    int rc = args_parse(&probe_cmd, argc, argv, &first);
    if (rc != ARGS_OK)
        return rc == ARGS_EXIT ? 0 : 2;
    if (first != argc)
        return args_usage_error(&probe_cmd, "unexpected argument '%s'", argv[first]);
    char err[640];
    struct lab_probe_cfg c = {.src = po.src, .dst = po.dst, .dport = (uint16_t)po.port,
                              .version = po.version == 2 ? -1 : po.version, .key = po.key, .ttl = (uint8_t)po.ttl,
                              .count = po.count};
    memcpy(c.gw_mac, po.gw_mac, 6);
    if (!(c.out = outfile_open("-", err, sizeof err))) {
        fprintf(stderr, "mpcensus lab probe: %s\n", err);
        return 1;
    }
    rc = probe_main(&c);
    if (c.link)
        pktio_close(c.link);
    if (outfile_close(c.out, err, sizeof err) < 0) {
        fprintf(stderr, "mpcensus lab probe: %s\n", err);
        if (rc == 0)
            rc = 1;
    }
    return rc;
}
