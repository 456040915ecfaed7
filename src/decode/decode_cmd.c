/* decode_cmd.c — `mpcensus decode`: prints every MPTCP option of pcap/pcapng captures, as text or JSON lines. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "decode/decode.h"
#include "decode/decode_format.h"
#include "io/capture.h"
#include "io/json.h"
#include "net/mptcp.h"
#include "net/packet.h"
#include "net/tcpopt.h"

static const char usage_text[] =
    "usage: mpcensus decode [--json] FILE...\n"
    "\n"
    "Reads pcap or pcapng captures (plain or gzip/zstd/xz-compressed, told by\n"
    "their first bytes; \"-\" is standard input, FIFOs work too) and prints every\n"
    "Multipath TCP option (TCP option kind 30) of every\n"
    "packet: MP_CAPABLE (v0 and v1), MP_JOIN, DSS, ADD_ADDR (v0 and v1),\n"
    "REMOVE_ADDR, MP_PRIO, MP_FAIL, MP_FASTCLOSE and MP_TCPRST.\n"
    "\n"
    "Link layers: Ethernet (with VLAN tags), Linux cooked SLL and SLL2, raw IP,\n"
    "PPP and BSD loopback; IPv4 and IPv6 (extension headers are walked).\n"
    "\n"
    "options:\n"
    "  --json      one JSON object per line for each packet that carries MPTCP:\n"
    "              {\"frame\":N,\"mptcp\":[{...},...]}; N is the 1-based packet\n"
    "              number as tshark counts it (a \"file\" key is added when more\n"
    "              than one FILE is given). Option keys are tshark's short names\n"
    "              (tcp.options.mptcp.KEY): subtype, version (MP_CAPABLE), flags,\n"
    "              reserved, sendkey, recvkey, ipver, echo, addrid (a list for\n"
    "              REMOVE_ADDR), recvtok, sendtrunchmac, addaddrtrunchmac, sendrand,\n"
    "              sendhmac, rawdataack, rawdataseqno (also MP_FAIL), subflowseqno,\n"
    "              datalvllen, checksum, ipv4, ipv6, port, rst_reason. Keys and\n"
    "              HMACs are hex strings, other values numbers, addresses text.\n"
    "              MP_CAPABLE with a key also gets expected_token and\n"
    "              expected_idsn, derived from sendkey (SHA-1 v0, SHA-256 v1) and\n"
    "              named like tshark's mptcp.expected_*.\n"
    "              \"inferred_version\" gives ADD_ADDR's version told by its layout;\n"
    "              \"truncated\":true marks an option too short for its layout.\n"
    "              For MP_JOIN, MP_PRIO and MP_TCPRST, flags is the low nibble\n"
    "              of the subtype octet.\n"
    "  -h, --help  show this text\n"
    "\n"
    "Without --json, one line per MPTCP packet:\n"
    "  FRAME SRC:PORT > DST:PORT [TCPFLAGS] OPTION fields...; OPTION ...\n"
    "\n"
    "A summary (packets read, packets with MPTCP, packets skipped by reason) goes\n"
    "to standard error.\n"
    "\n"
    "exit status: 0 all files read; 1 a file could not be opened or read\n"
    "(the others are still decoded); 2 usage error.\n"
    "\n"
    "example: mpcensus decode --json trace.pcap.gz | head\n";

static const char usage_hint[] = "usage: mpcensus decode [--json] FILE...  (see 'mpcensus decode --help')\n";

struct decode_stats {
    uint64_t packets, mptcp_packets, options, truncated_options, malformed_areas;
    uint64_t skipped[NET_STATUS_COUNT];
    uint64_t skipped_unsupported_link;
};

struct decode_ctx {
    bool json, many_files;
    const char *path;
    struct decode_stats st;
};

static void print_endpoint(const struct ip_addr *a, uint16_t port)
{
    char text[IP_ADDR_STRLEN];
    ip_addr_format(a, text, sizeof text);
    if (a->family == AF_INET6)
        printf("[%s]:%u", text, port);
    else
        printf("%s:%u", text, port);
}

static void packet_start(struct decode_ctx *ctx, const struct capture_pkt *cp, const struct pkt_view *pv)
{
    if (ctx->json) {
        printf("{\"frame\":%" PRIu64, cp->frame);
        if (ctx->many_files) {
            printf(",\"file\":");
            json_write_string(stdout, ctx->path);
        }
        printf(",\"mptcp\":[");
        return;
    }
    char flags[16];
    if (ctx->many_files)
        printf("%s:", ctx->path);
    printf("%" PRIu64 " ", cp->frame);
    print_endpoint(&pv->src, pv->tcp.sport);
    printf(" > ");
    print_endpoint(&pv->dst, pv->tcp.dport);
    printf(" [%s] ", tcp_flags_format(pv->tcp.flags, flags));
}

static void print_option(struct decode_ctx *ctx, const struct mptcp_opt *o)
{
    if (ctx->json)
        mptcp_opt_write_json(stdout, o);
    else
        mptcp_opt_write_text(stdout, o);
    ctx->st.options++;
    if (o->truncated)
        ctx->st.truncated_options++;
}

/* A kind-30 option whose length byte (2) leaves no room for the subtype. */
static void print_empty_option(struct decode_ctx *ctx)
{
    fputs(ctx->json ? "{\"truncated\":true}" : "MPTCP (no subtype) TRUNCATED", stdout);
    ctx->st.options++;
    ctx->st.truncated_options++;
}

/* Starts the packet's line before its first option, separates the others. */
static void begin_option(struct decode_ctx *ctx, const struct capture_pkt *cp, const struct pkt_view *pv,
                         unsigned *n)
{
    if (*n == 0)
        packet_start(ctx, cp, pv);
    else
        fputs(ctx->json ? "," : "; ", stdout);
    (*n)++;
}

/* Prints the MPTCP options of one TCP packet.
 * What counts as an option follows the TCP header, as tshark does: length
 * byte 2 is an (empty) option; length 0 or 1, a missing length byte, or a
 * length running past the data offset end the walk and are no option (the
 * packet counts as a malformed option area). An option the *capture* cut
 * (snap length), though whole on the wire, is shown as truncated. */
static void decode_options(struct decode_ctx *ctx, const struct capture_pkt *cp, const struct pkt_view *pv)
{
    const struct tcp_view *t = &pv->tcp;
    struct tcpopt_iter it;
    struct tcp_opt opt;
    struct mptcp_opt m;
    unsigned n = 0;

    tcpopt_iter_init(&it, t->opts, t->opts_len);
    while (tcpopt_next(&it, &opt)) {
        if (opt.kind != TCPOPT_MPTCP)
            continue;
        begin_option(ctx, cp, pv, &n);
        if (mptcp_decode(opt.data, opt.len, t->flags, &m))
            print_option(ctx, &m);
        else
            print_empty_option(ctx);
    }
    /* The walk ran into the end of the captured bytes, not of the option area
     * the header declares: the capture cut it, the packet itself is fine. */
    size_t wire_area = t->doff > 5 ? (size_t)t->doff * 4 - 20 : 0;
    const uint8_t *bad = it.error != TCPOPT_ERR_NONE ? it.area + it.bad_off : NULL;
    bool cut_by_capture = t->opts_truncated &&
                          ((it.error == TCPOPT_ERR_OVERRUN && it.bad_off + bad[1] <= wire_area) ||
                           it.error == TCPOPT_ERR_NO_LENGTH);
    if (it.error != TCPOPT_ERR_NONE && !cut_by_capture)
        ctx->st.malformed_areas++;
    if (it.error == TCPOPT_ERR_OVERRUN && cut_by_capture && bad[0] == TCPOPT_MPTCP &&
        mptcp_decode(bad, it.len - it.bad_off, t->flags, &m)) {
        begin_option(ctx, cp, pv, &n);
        print_option(ctx, &m);
    }
    if (n == 0)
        return;
    ctx->st.mptcp_packets++;
    fputs(ctx->json ? "]}\n" : "\n", stdout);
}

/* Returns 0 if the whole file was read, 1 otherwise (message on stderr). */
static int decode_file(struct decode_ctx *ctx, const char *path)
{
    char err[512];
    struct capture *c = capture_open(path, err, sizeof err);
    if (!c) {
        if (strstr(err, path)) /* libpcap's messages often name the file already */
            fprintf(stderr, "mpcensus decode: %s\n", err);
        else
            fprintf(stderr, "mpcensus decode: %s: %s\n", path, err);
        return 1;
    }
    uint64_t read_here = 0;
    ctx->path = path;
    int dlt = capture_dlt(c);
    enum link_type link = link_from_dlt(dlt);
    struct capture_pkt cp;
    int rc;
    while ((rc = capture_next(c, &cp)) == 1) {
        ctx->st.packets++;
        read_here++;
        if (link == LINK_UNKNOWN) {
            ctx->st.skipped_unsupported_link++;
            continue;
        }
        struct pkt_view pv;
        enum net_status s = pkt_decode(link, cp.data, cp.caplen, &pv);
        if (s == NET_OK && pv.proto != 6)
            s = NET_NOT_TCP;
        if (s == NET_OK && pv.fragment)
            s = NET_FRAGMENT;
        if (s != NET_OK) {
            ctx->st.skipped[s < NET_STATUS_COUNT ? s : NET_BAD_HEADER]++;
            continue;
        }
        decode_options(ctx, &cp, &pv);
    }
    int status = 0;
    if (link == LINK_UNKNOWN) {
        fprintf(stderr, "mpcensus decode: %s: link type %d is not supported\n", path, dlt);
        status = 1;
    }
    if (rc < 0) {
        fprintf(stderr, "mpcensus decode: %s: read error after %" PRIu64 " packets: %s\n", path, read_here,
                capture_error(c));
        status = 1;
    }
    capture_close(c);
    return status;
}

static void print_summary(const struct decode_stats *st)
{
    fprintf(stderr,
            "mpcensus decode: %" PRIu64 " packets, %" PRIu64 " with MPTCP (%" PRIu64 " options, %" PRIu64
            " truncated), %" PRIu64 " malformed option areas; skipped:",
            st->packets, st->mptcp_packets, st->options, st->truncated_options, st->malformed_areas);
    bool any = false;
    for (int s = 0; s < NET_STATUS_COUNT; s++) {
        if (!st->skipped[s])
            continue;
        fprintf(stderr, " %s %" PRIu64, net_status_name((enum net_status)s), st->skipped[s]);
        any = true;
    }
    if (st->skipped_unsupported_link) {
        fprintf(stderr, " unsupported-link %" PRIu64, st->skipped_unsupported_link);
        any = true;
    }
    fprintf(stderr, "%s\n", any ? "" : " none");
}

int cmd_decode(int argc, char **argv)
{
    struct decode_ctx ctx = {0};
    int n_files = 0, n_stdin = 0;
    bool options_done = false;
    /* First pass: options may come anywhere before "--"; files are counted. */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (options_done || a[0] != '-' || a[1] == '\0') {
            n_files++;
            if (!strcmp(a, "-") && ++n_stdin > 1) {
                fprintf(stderr, "mpcensus decode: '-' (standard input) given twice: it can be read only once\n%s",
                        usage_hint);
                return 2;
            }
        } else if (!strcmp(a, "--")) {
            options_done = true;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage_text, stdout);
            return 0;
        } else if (!strcmp(a, "--json")) {
            ctx.json = true;
        } else {
            fprintf(stderr, "mpcensus decode: unknown option '%s'\n%s", a, usage_hint);
            return 2;
        }
    }
    if (n_files == 0) {
        fprintf(stderr, "mpcensus decode: no capture file given\n%s", usage_hint);
        return 2;
    }
    ctx.many_files = n_files > 1;
    int status = 0;
    options_done = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!options_done && a[0] == '-' && a[1] != '\0') {
            options_done = !strcmp(a, "--");
            continue;
        }
        if (decode_file(&ctx, a))
            status = 1;
    }
    fflush(stdout);
    print_summary(&ctx.st);
    if (ferror(stdout)) {
        fprintf(stderr, "mpcensus decode: error writing output\n");
        status = 1;
    }
    return status;
}
