/* decode_cmd.c — `mpcensus decode`: prints every MPTCP option of pcap/pcapng captures, as text or JSON lines. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "decode/decode.h"
#include "decode/decode_format.h"
#include "decode/decode_options.h"
#include "io/capture.h"
#include "io/interrupt.h"
#include "io/json.h"
#include "io/outfile.h"
#include "net/mptcp.h"
#include "net/packet.h"
#include "net/tcpopt.h"

struct decode_stats {
    uint64_t packets, mptcp_packets, options, truncated_options, malformed_areas;
    uint64_t skipped[NET_STATUS_COUNT];
    uint64_t skipped_unsupported_link;
};

struct decode_ctx {
    bool json, many_files;
    const char *path;
    struct decode_stats st;
    struct outfile *out;      /* standard output: whole lines, checked writes */
    struct json j;            /* the current packet's JSON line */
};

static void print_endpoint(struct outfile *out, const struct ip_addr *a, uint16_t port)
{
    char text[IP_ADDR_STRLEN];
    ip_addr_format(a, text, sizeof text);
    if (a->family == AF_INET6)
        outfile_printf(out, "[%s]:%u", text, port);
    else
        outfile_printf(out, "%s:%u", text, port);
}

static void packet_start(struct decode_ctx *ctx, const struct capture_pkt *cp, const struct pkt_view *pv)
{
    if (ctx->json) {
        json_reset(&ctx->j);
        json_obj_begin(&ctx->j, JSON_COMPACT);
        json_kv_u64(&ctx->j, "frame", cp->frame);
        if (ctx->many_files)
            json_kv_str(&ctx->j, "file", ctx->path);
        json_key(&ctx->j, "mptcp");
        json_arr_begin(&ctx->j, JSON_COMPACT);
        return;
    }
    char flags[16];
    if (ctx->many_files)
        outfile_printf(ctx->out, "%s:", ctx->path);
    outfile_printf(ctx->out, "%" PRIu64 " ", cp->frame);
    print_endpoint(ctx->out, &pv->src, pv->tcp.sport);
    outfile_puts(ctx->out, " > ");
    print_endpoint(ctx->out, &pv->dst, pv->tcp.dport);
    outfile_printf(ctx->out, " [%s] ", tcp_flags_format(pv->tcp.flags, flags));
}

static void print_option(struct decode_ctx *ctx, const struct mptcp_opt *o)
{
    if (ctx->json)
        mptcp_opt_json(&ctx->j, o);
    else
        mptcp_opt_write_text(ctx->out, o);
    ctx->st.options++;
    if (o->truncated)
        ctx->st.truncated_options++;
}

/* A kind-30 option whose length byte (2) leaves no room for the subtype. */
static void print_empty_option(struct decode_ctx *ctx)
{
    if (ctx->json) {
        json_obj_begin(&ctx->j, JSON_COMPACT);
        json_kv_bool(&ctx->j, "truncated", true);
        json_obj_end(&ctx->j);
    } else {
        outfile_puts(ctx->out, "MPTCP (no subtype) TRUNCATED");
    }
    ctx->st.options++;
    ctx->st.truncated_options++;
}

/* Starts the packet's line before its first option, separates the others
 * (JSON: the builder does). */
static void begin_option(struct decode_ctx *ctx, const struct capture_pkt *cp, const struct pkt_view *pv,
                         unsigned *n)
{
    if (*n == 0)
        packet_start(ctx, cp, pv);
    else if (!ctx->json)
        outfile_puts(ctx->out, "; ");
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
        if (mptcp_opt_decode(opt.data, opt.len, &m))
            print_option(ctx, &m);
        else
            print_empty_option(ctx);
    }
    /* net/tcpopt's one rule: the walk ran into the end of the captured bytes,
     * not of the option area the header declares; the packet itself is fine. */
    bool cut_by_capture = tcpopt_cut_by_capture(&it, tcpopt_wire_len(t->doff));
    if (it.error != TCPOPT_ERR_NONE && !cut_by_capture)
        ctx->st.malformed_areas++;
    size_t avail;
    const uint8_t *cut = cut_by_capture ? tcpopt_stopped_at(&it, &avail) : NULL;
    if (cut && cut[0] == TCPOPT_MPTCP && mptcp_opt_decode(cut, avail, &m)) {
        begin_option(ctx, cp, pv, &n);
        print_option(ctx, &m);
    }
    if (n == 0)
        return;
    ctx->st.mptcp_packets++;
    if (ctx->json) {
        json_arr_end(&ctx->j);
        json_obj_end(&ctx->j);
        outfile_write(ctx->out, json_data(&ctx->j), json_len(&ctx->j));
    }
    outfile_puts(ctx->out, "\n");
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
    int rc = 0;
    while (!interrupt_requested() && !outfile_failed(ctx->out) && (rc = capture_next(c, &cp)) == 1) {
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

static void print_summary(const struct decode_stats *st, bool interrupted)
{
    fprintf(stderr,
            "mpcensus decode: %s%" PRIu64 " packets, %" PRIu64 " with MPTCP (%" PRIu64 " options, %" PRIu64
            " truncated), %" PRIu64 " malformed option areas; skipped:",
            interrupted ? "interrupted after " : "", st->packets, st->mptcp_packets, st->options,
            st->truncated_options, st->malformed_areas);
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
    struct decode_args a;
    int prc = decode_parse_options(argc, argv, &a);
    if (prc)
        return prc == 1 ? 0 : 2;
    struct decode_ctx ctx = {.json = a.json, .many_files = a.n_files > 1};
    char err[640];
    if (!(ctx.out = outfile_open("-", err, sizeof err))) {
        fprintf(stderr, "mpcensus decode: %s\n", err);
        return 1;
    }
    json_init(&ctx.j);
    interrupt_install();
    int status = 0;
    for (int i = 0; i < a.n_files && !interrupt_requested() && !outfile_failed(ctx.out); i++)
        if (decode_file(&ctx, a.files[i]))
            status = 1;
    bool interrupted = interrupt_requested();
    interrupt_restore();
    if (outfile_close(ctx.out, err, sizeof err) < 0) {
        fprintf(stderr, "mpcensus decode: %s\n", err);
        status = 1;
    }
    json_free(&ctx.j);
    print_summary(&ctx.st, interrupted);
    return interrupted ? 1 : status;
}
