/* lab_probe.c — builds SYN probes with src/net and sends them through a raw socket, for the lab's own tests. */
#include "lab/lab_probe.h"
#include "io/afpacket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lab/pktio.h"
#include "net/build.h"
#include "net/mptcp.h"
#include "net/packet.h"
#include "net/tcpopt.h"

struct probe_cfg {
    struct ip_addr src, dst;
    uint16_t sport, dport;
    int version;          /* 0, 1, or -1 for no MP_CAPABLE */
    uint64_t key;
    uint8_t ttl;
    unsigned count;
    struct pktio *link;   /* non-NULL: send Ethernet frames to gw_mac on this interface */
    uint8_t gw_mac[6];
};

/* Source address the kernel would use toward dst (connected UDP socket trick). */
static int pick_source(const struct ip_addr *dst, struct ip_addr *src)
{
    int fd = socket(dst->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_storage ss = {0};
    socklen_t len;
    if (dst->family == AF_INET) {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        s4->sin_family = AF_INET;
        s4->sin_port = htons(9);
        memcpy(&s4->sin_addr, dst->bytes, 4);
        len = sizeof *s4;
    } else {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons(9);
        memcpy(&s6->sin6_addr, dst->bytes, 16);
        len = sizeof *s6;
    }
    int rc = connect(fd, (struct sockaddr *)&ss, len);
    if (rc == 0) {
        len = sizeof ss;
        rc = getsockname(fd, (struct sockaddr *)&ss, &len);
    }
    close(fd);
    if (rc != 0)
        return -1;
    if (dst->family == AF_INET) {
        uint8_t b[16] = {0};
        memcpy(b, &((struct sockaddr_in *)&ss)->sin_addr, 4);
        *src = (struct ip_addr){.family = AF_INET};
        memcpy(src->bytes, b, 4);
    } else {
        ip_addr_from_v6(src, ((struct sockaddr_in6 *)&ss)->sin6_addr.s6_addr);
    }
    return 0;
}

static int send_probe(int fd, const struct probe_cfg *c, uint16_t sport, uint32_t seq, char *err, size_t errlen)
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
    struct sockaddr_storage ss = {0};
    socklen_t slen;
    if (c->dst.family == AF_INET) {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        s4->sin_family = AF_INET;
        memcpy(&s4->sin_addr, c->dst.bytes, 4);
        slen = sizeof *s4;
    } else {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        s6->sin6_family = AF_INET6;
        memcpy(&s6->sin6_addr, c->dst.bytes, 16);
        slen = sizeof *s6;
    }
    if (sendto(fd, pkt, len, 0, (struct sockaddr *)&ss, slen) != (ssize_t)len) {
        snprintf(err, errlen, "sendto: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* One probe per CSV line "daddr,dport,version[,...]". */
static int probe_targets(struct probe_cfg *base, const char *path, uint16_t sport0, long rate, bool have_src)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
    if (!f) {
        fprintf(stderr, "mpcensus lab probe: %s: %s\n", path, strerror(errno));
        return 1;
    }
    int fds[2] = {-1, -1}; /* per family */
    char line[512], err[256];
    unsigned lineno = 0, sent = 0;
    int rc = 0;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *save = NULL, *addr = strtok_r(line, ",\n", &save), *port = strtok_r(NULL, ",\n", &save),
             *ver = strtok_r(NULL, ",\n", &save);
        struct probe_cfg c = *base;
        char *end;
        if (!addr || !ip_addr_parse(addr, &c.dst)) {
            if (lineno == 1)
                continue; /* header */
            fprintf(stderr, "mpcensus lab probe: %s:%u: bad address\n", path, lineno);
            rc = 1;
            break;
        }
        long p = port ? strtol(port, &end, 10) : 0;
        if (!port || *end || p <= 0 || p > 65535 || !ver || (strcmp(ver, "0") && strcmp(ver, "1") && strcmp(ver, "none"))) {
            fprintf(stderr, "mpcensus lab probe: %s:%u: expected daddr,dport,0|1|none\n", path, lineno);
            rc = 1;
            break;
        }
        c.dport = (uint16_t)p;
        c.version = !strcmp(ver, "none") ? -1 : ver[0] - '0';
        if (!have_src && pick_source(&c.dst, &c.src) != 0) {
            fprintf(stderr, "mpcensus lab probe: %s:%u: no route: %s\n", path, lineno, strerror(errno));
            rc = 1;
            break;
        }
        int fi = c.dst.family == AF_INET ? 0 : 1;
        if (fds[fi] < 0 && (fds[fi] = socket(c.dst.family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW)) < 0) {
            fprintf(stderr, "mpcensus lab probe: raw socket: %s\n", strerror(errno));
            rc = 1;
            break;
        }
        uint16_t sp = (uint16_t)(sport0 + sent);
        uint32_t seq = 0x10000000u + sent * 7919u;
        if (send_probe(fds[fi], &c, sp, seq, err, sizeof err) != 0) {
            fprintf(stderr, "mpcensus lab probe: %s\n", err);
            rc = 1;
            break;
        }
        char s[IP_ADDR_STRLEN], d[IP_ADDR_STRLEN];
        printf("sent %s %u %s %u ttl=%u mptcp=%s key=%016llx seq=%u\n", ip_addr_format(&c.src, s, sizeof s), sp,
               ip_addr_format(&c.dst, d, sizeof d), c.dport, c.ttl, c.version < 0 ? "none" : c.version ? "v1" : "v0",
               (unsigned long long)c.key, seq);
        sent++;
        /* pace: probe i leaves no earlier than i/rate seconds after the first */
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double due = (double)sent / (double)rate;
        double elapsed = (double)(now.tv_sec - start.tv_sec) + (double)(now.tv_nsec - start.tv_nsec) / 1e9;
        if (due > elapsed)
            usleep((useconds_t)((due - elapsed) * 1e6));
    }
    for (int i = 0; i < 2; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    if (f != stdin)
        fclose(f);
    return rc;
}

static int usage(const char *msg)
{
    fprintf(stderr, "mpcensus lab probe: %s\n(see 'mpcensus lab --help')\n", msg);
    return 2;
}

int cmd_lab_probe(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"dst", required_argument, NULL, 'd'}, {"port", required_argument, NULL, 'p'},
        {"mptcp-version", required_argument, NULL, 'v'}, {"ttl", required_argument, NULL, 't'},
        {"key", required_argument, NULL, 'k'}, {"src", required_argument, NULL, 's'},
        {"sport", required_argument, NULL, 'P'}, {"count", required_argument, NULL, 'c'},
        {"targets", required_argument, NULL, 'T'}, {"rate", required_argument, NULL, 'r'},
        {"iface", required_argument, NULL, 'i'}, {"gateway-mac", required_argument, NULL, 'G'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    struct probe_cfg c = {.version = 0, .key = 0x0c0c0c0c0c0c0c0cull, .ttl = 64, .count = 1};
    bool have_dst = false, have_src = false;
    long sport = -1, rate = 2000;
    const char *targets = NULL, *iface = NULL;
    bool have_gw = false;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "d:p:v:t:k:s:P:c:T:r:i:G:h", longopts, NULL)) != -1) {
        char *end;
        long v;
        switch (opt) {
        case 'd':
            if (!ip_addr_parse(optarg, &c.dst))
                return usage("--dst: bad address");
            have_dst = true;
            break;
        case 's':
            if (!ip_addr_parse(optarg, &c.src))
                return usage("--src: bad address");
            have_src = true;
            break;
        case 'p':
            v = strtol(optarg, &end, 10);
            if (*end || v <= 0 || v > 65535)
                return usage("--port: 1-65535");
            c.dport = (uint16_t)v;
            break;
        case 'P':
            sport = strtol(optarg, &end, 10);
            if (*end || sport <= 0 || sport > 65535)
                return usage("--sport: 1-65535");
            break;
        case 'v':
            if (!strcmp(optarg, "0")) c.version = 0;
            else if (!strcmp(optarg, "1")) c.version = 1;
            else if (!strcmp(optarg, "none")) c.version = -1;
            else return usage("--mptcp-version: 0, 1 or none");
            break;
        case 't':
            v = strtol(optarg, &end, 10);
            if (*end || v <= 0 || v > 255)
                return usage("--ttl: 1-255");
            c.ttl = (uint8_t)v;
            break;
        case 'k':
            errno = 0;
            c.key = strtoull(optarg, &end, 16);
            if (errno || *end || !*optarg)
                return usage("--key: up to 16 hex digits");
            break;
        case 'c':
            v = strtol(optarg, &end, 10);
            if (*end || v <= 0 || v > 100000)
                return usage("--count: 1-100000");
            c.count = (unsigned)v;
            break;
        case 'T':
            targets = optarg;
            break;
        case 'i':
            iface = optarg;
            break;
        case 'G':
            if (!afp_parse_mac(optarg, c.gw_mac))
                return usage("--gateway-mac: aa:bb:cc:dd:ee:ff");
            have_gw = true;
            break;
        case 'r':
            rate = strtol(optarg, &end, 10);
            if (*end || rate <= 0 || rate > 1000000)
                return usage("--rate: 1-1000000 probes per second");
            break;
        case 'h':
            printf("usage: mpcensus lab probe --dst ADDR --port P [--mptcp-version 0|1|none] [--ttl N]\n"
                   "                          [--key HEX] [--src ADDR] [--sport P] [--count N]\n"
                   "       mpcensus lab probe --targets FILE [--sport BASE] [--rate PPS] [--key HEX] [--ttl N]\n"
                   "       add --iface IF --gateway-mac MAC --src ADDR to send Ethernet frames (AF_PACKET)\n\n"
                   "Sends SYN probes like a Linux client's (MSS, SACK_PERM, timestamps, window\n"
                   "scale) plus MP_CAPABLE v0 (12 bytes, key --key, default 0c0c0c0c0c0c0c0c)\n"
                   "or v1 (4 bytes) through a raw socket of the current namespace. Run it in\n"
                   "the lab's vantage namespace. Prints one line per probe sent.\n"
                   "--targets FILE sends one probe per line `daddr,dport,version[,...]` (the CSV\n"
                   "of `mpcensus lab truth` works; a header line is skipped), source port BASE+i\n"
                   "(default 20000) for line i, at --rate probes per second (default 2000).\n");
            return 0;
        default:
            return usage("bad option");
        }
    }
    if ((iface != NULL) != have_gw || (iface && !have_src))
        return usage("--iface, --gateway-mac and --src go together");
    static struct pktio link;
    if (iface) {
        char err[256];
        if (pktio_open(&link, iface, "less 1", false, err, sizeof err) != 0) {
            fprintf(stderr, "mpcensus lab probe: %s\n", err);
            return 1;
        }
        c.link = &link;
    }
    if (targets) {
        if (optind != argc || have_dst)
            return usage("--targets excludes --dst");
        return probe_targets(&c, targets, sport > 0 ? (uint16_t)sport : 20000, rate, have_src);
    }
    if (optind != argc || !have_dst || c.dport == 0)
        return usage("--dst and --port are required");
    if (!have_src && pick_source(&c.dst, &c.src) != 0) {
        fprintf(stderr, "mpcensus lab probe: no route to the destination: %s\n", strerror(errno));
        return 1;
    }
    if (c.src.family != c.dst.family)
        return usage("--src and --dst of different families");
    int fd = socket(c.dst.family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
    if (fd < 0) {
        fprintf(stderr, "mpcensus lab probe: raw socket: %s\n", strerror(errno));
        return 1;
    }
    uint32_t rnd[2];
    if (getrandom(rnd, sizeof rnd, 0) != sizeof rnd)
        rnd[0] = (uint32_t)getpid(), rnd[1] = (uint32_t)getpid() * 2654435761u;
    uint16_t base = sport > 0 ? (uint16_t)sport : (uint16_t)(32768 + rnd[0] % 28000);
    char s[IP_ADDR_STRLEN], d[IP_ADDR_STRLEN], err[256];
    ip_addr_format(&c.src, s, sizeof s);
    ip_addr_format(&c.dst, d, sizeof d);
    for (unsigned i = 0; i < c.count; i++) {
        uint16_t sp = (uint16_t)(base + i);
        uint32_t seq = rnd[1] + i * 7919u;
        if (send_probe(fd, &c, sp, seq, err, sizeof err) != 0) {
            fprintf(stderr, "mpcensus lab probe: %s\n", err);
            close(fd);
            return 1;
        }
        printf("sent %s %u %s %u ttl=%u mptcp=%s key=%016llx seq=%u\n", s, sp, d, c.dport, c.ttl,
               c.version < 0 ? "none" : c.version ? "v1" : "v0", (unsigned long long)c.key, seq);
    }
    close(fd);
    return 0;
}
