/* analyzer.c — per-packet TCP/MPTCP state machine over the flow table; feeds trace_stats and the CSVs. */
#include "pcap/analyzer.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "net/mptcp.h"
#include "net/packet.h"
#include "net/tcpopt.h"
#include "pcap/flow_table.h"
#include "pcap/mptcp_conn.h"
#include "pcap/pcap_csv.h"

#define EXPIRE_EVERY 4096 /* packets between idle scans */

struct analyzer {
    struct analyzer_cfg cfg;
    char trace[512];
    struct flow_table *flows;
    struct mptcp_conn_table *conns;
    struct trace_stats stats;
    uint64_t now_us;
    uint64_t since_expire;
    bool finished;
};

static void finish_conn(struct analyzer *a, struct mptcp_conn *c);

/* ---- output helpers ---- */

/* The port that names the application: the responder's, when the handshake
 * was seen; else the lower of the two (servers tend to use low ports). */
static uint16_t flow_service_port(const struct flow *f)
{
    if (f->saw_syn || f->saw_synack)
        return f->initiator_is_a ? f->key.port_b : f->key.port_a;
    return f->key.port_a < f->key.port_b ? f->key.port_a : f->key.port_b;
}

static enum flow_kind flow_kind_of(const struct flow *f)
{
    if (f->conn) {
        if (!f->conn->handshake)
            return FLOW_MPTCP_UNLINKED;
        if (f->conn->fallback)
            return FLOW_MPTCP_FALLBACK;
        return f->initial_subflow ? FLOW_MPTCP_INITIAL : FLOW_MPTCP_JOIN;
    }
    return f->mptcp_other ? FLOW_MPTCP_MIDSTREAM : FLOW_TCP;
}

static void on_flow_evict(void *ctx, struct flow *f)
{
    struct analyzer *a = ctx;
    enum flow_kind kind = flow_kind_of(f);
    uint16_t port = flow_service_port(f);
    struct mptcp_conn *c = f->conn;
    int version = c ? c->version : f->version;
    if (f->packets >= a->cfg.min_packets) {
        trace_stats_add_flow(&a->stats, kind, kind == FLOW_TCP || kind == FLOW_MPTCP_FALLBACK ? -1 : version,
                             f->packets, f->ip_bytes, f->first_us, f->last_us, port);
        if (a->cfg.flows_csv)
            pcap_csv_flow(a->cfg.flows_csv, a->trace, f, kind,
                          kind == FLOW_TCP || kind == FLOW_MPTCP_FALLBACK ? -1 : version, c, a->cfg.apps, port);
    } else {
        a->stats.below_min_flows++;
    }
    if (c && --c->live_subflows == 0)
        finish_conn(a, c);
}

static void finish_conn(struct analyzer *a, struct mptcp_conn *c)
{
    uint16_t port = c->client_is_a ? c->initial_key.port_b : c->initial_key.port_a;
    if (c->packets >= a->cfg.min_packets) {
        if (c->handshake && c->fallback)
            a->stats.mptcp_fallbacks++;
        else if (!c->handshake)
            a->stats.mptcp_unlinked_connections++;
        else {
            trace_stats_add_conn(&a->stats, c->version, c->subflows, c->packets, c->ip_bytes, c->first_us,
                                 c->last_us, port);
            if (a->cfg.conns_csv)
                pcap_csv_conn(a->cfg.conns_csv, a->trace, c, a->cfg.apps, port);
        }
    }
    mptcp_conn_retire(a->conns, c);
    mptcp_conn_free(a->conns, c);
}

/* ---- MPTCP state ---- */

static void link_subflow(struct flow *f, struct mptcp_conn *c, uint64_t now_us)
{
    f->conn = c;
    c->subflows++;
    c->live_subflows++;
    if (!c->first_us || f->first_us < c->first_us)
        c->first_us = f->first_us;
    if (now_us > c->last_us)
        c->last_us = now_us;
    /* Counts of packets before the link (e.g. a SYN retransmitted before
     * the MP_CAPABLE one) join the connection too. */
    c->packets += f->packets;
    c->ip_bytes += f->ip_bytes;
    c->payload_bytes += f->payload_bytes;
}

static struct mptcp_conn *new_handshake_conn(struct analyzer *a, struct flow *f, int version, uint64_t now_us)
{
    struct mptcp_conn *c = mptcp_conn_create(a->conns, true, version);
    if (!c)
        return NULL;
    c->initial_key = f->key;
    c->client_is_a = f->initiator_is_a;
    f->initial_subflow = true;
    link_subflow(f, c, now_us);
    return c;
}

/* Which side of the connection (0 client, 1 server) sent a packet going in
 * flow direction dir (0: from the flow's initiator). */
static int conn_side(const struct flow *f, int dir) { return f->join_reversed ? !dir : dir; }

static void handle_capable(struct analyzer *a, struct flow *f, int dir, uint8_t flags, const struct mptcp_opt *o)
{
    bool syn = flags & TCP_SYN, ack = flags & TCP_ACK;
    /* A SYN-ACK's MP_CAPABLE carries the server's key (12 bytes in v0 and v1). One without it, such as a
     * middlebox echoing a v1 SYN's 4-byte option, is no answer a client stack accepts (it falls back to
     * TCP), so the SYN-ACK counts as a plain one. */
    if (syn && ack && !o->has_sendkey)
        return;
    if (syn && !ack)
        f->mptcp_syn = true;
    else if (syn)
        f->mptcp_synack = true;
    if (o->version >= 0 && (f->version < 0 || (syn && ack)))
        f->version = (int8_t)o->version; /* the SYN-ACK's version is the negotiated one */
    struct mptcp_conn *c = f->conn;
    if (!c) {
        if (f->join)
            return;
        c = new_handshake_conn(a, f, o->version, a->now_us);
        if (!c)
            return;
    }
    if (!c->handshake)
        return;
    if (syn && ack && o->version >= 0)
        c->version = o->version;
    else if (c->version < 0)
        c->version = o->version;
    int side = conn_side(f, dir);
    if (o->has_sendkey)
        mptcp_conn_set_key(a->conns, c, side, o->sendkey);
    if (o->has_recvkey)
        mptcp_conn_set_key(a->conns, c, !side, o->recvkey);
    /* v1: the first data rides on the MP_CAPABLE ACK with an implicit DSN of IDSN+1. */
    if (o->has_datalvllen && c->data[side].have_idsn)
        mptcp_dataflow_map(&c->data[side], c->data[side].idsn + 1, true, o->datalvllen, false);
}

static void handle_join(struct analyzer *a, struct flow *f, uint8_t flags, const struct mptcp_opt *o)
{
    bool syn = flags & TCP_SYN, ack = flags & TCP_ACK;
    if (!(syn && !ack) || !o->has_recvtok) {
        if (!f->join && !f->conn)
            f->mptcp_other = true; /* join handshake seen only from its middle */
        return;
    }
    f->join = true;
    f->join_token = o->recvtok;
    if (f->conn)
        return;
    int side;
    struct mptcp_conn *c = mptcp_conn_by_token(a->conns, o->recvtok, &side);
    if (c) {
        /* The token names the key of the host receiving the JOIN SYN. */
        f->join_reversed = c->handshake && side == 0;
        link_subflow(f, c, a->now_us);
        if (f->version < 0)
            f->version = (int8_t)c->version;
        return;
    }
    c = mptcp_conn_create(a->conns, false, -1);
    if (!c)
        return;
    c->initial_key = f->key;
    c->client_is_a = f->initiator_is_a;
    mptcp_conn_add_token(a->conns, c, 1, o->recvtok);
    link_subflow(f, c, a->now_us);
}

static void handle_dss(struct flow *f, int dir, const struct mptcp_opt *o)
{
    struct mptcp_conn *c = f->conn;
    if (!c) {
        f->mptcp_other = true;
        return;
    }
    if (o->has_dsn && o->has_datalvllen)
        mptcp_dataflow_map(&c->data[conn_side(f, dir)], o->rawdataseqno, (o->flags & MPTCP_DSS_m) != 0,
                           o->datalvllen, (o->flags & MPTCP_DSS_F) != 0);
}

static void handle_options(struct analyzer *a, struct flow *f, int dir, const struct tcp_view *t)
{
    struct tcpopt_iter it;
    struct tcp_opt opt;
    tcpopt_iter_init(&it, t->opts, t->opts_len);
    while (tcpopt_next(&it, &opt)) {
        if (opt.kind != TCPOPT_MPTCP)
            continue;
        struct mptcp_opt mo;
        if (!mptcp_opt_decode(opt.data, opt.len, &mo) || mo.truncated) {
            a->stats.skipped[SKIP_MPTCP_OPTION_BAD]++;
            continue;
        }
        switch (mo.subtype) {
        case MPTCP_SUB_CAPABLE:
            handle_capable(a, f, dir, t->flags, &mo);
            break;
        case MPTCP_SUB_JOIN:
            handle_join(a, f, t->flags, &mo);
            break;
        case MPTCP_SUB_DSS:
            handle_dss(f, dir, &mo);
            break;
        default:
            if (!f->conn)
                f->mptcp_other = true;
            break;
        }
    }
    if (it.error != TCPOPT_ERR_NONE && !tcpopt_cut_by_capture(&it, tcpopt_wire_len(t->doff)))
        a->stats.skipped[SKIP_BAD_TCP_OPTIONS]++;
}

/* ---- packet path ---- */

static void count_skip(struct analyzer *a, enum net_status s)
{
    switch (s) {
    case NET_NOT_IP:
    case NET_NOT_TCP:
        a->stats.non_tcp_packets++;
        break;
    case NET_TRUNCATED:
        a->stats.skipped[SKIP_TRUNCATED]++;
        break;
    case NET_BAD_VERSION:
        a->stats.skipped[SKIP_BAD_VERSION]++;
        break;
    case NET_UNSUPPORTED_LINK:
        a->stats.skipped[SKIP_UNSUPPORTED_LINK]++;
        break;
    case NET_FRAGMENT:
        a->stats.skipped[SKIP_FRAGMENT]++;
        break;
    default:
        a->stats.skipped[SKIP_BAD_HEADER]++;
        break;
    }
}

void analyzer_packet(struct analyzer *a, int link, const struct capture_pkt *p)
{
    struct trace_stats *s = &a->stats;
    s->packets++;
    if (!s->first_us || p->ts_usec < s->first_us)
        s->first_us = p->ts_usec;
    if (p->ts_usec > s->last_us)
        s->last_us = p->ts_usec;
    if (p->ts_usec > a->now_us)
        a->now_us = p->ts_usec;
    if (++a->since_expire >= a->cfg.expire_every) {
        a->since_expire = 0;
        flow_table_expire(a->flows, a->now_us);
    }

    struct pkt_view pv;
    enum net_status st = pkt_decode((enum link_type)link, p->data, p->caplen, &pv);
    if (st != NET_OK) {
        count_skip(a, st);
        return;
    }
    if (pv.proto != 6) {
        a->stats.non_tcp_packets++;
        return;
    }
    s->tcp_packets_all++; /* fragments never get here: pkt_decode returns NET_FRAGMENT */
    const struct tcp_view *t = &pv.tcp;
    bool src_is_a, created;
    struct flow_key key;
    flow_key_make(&key, &pv.src, t->sport, &pv.dst, t->dport, &src_is_a);
    struct flow *f = flow_table_get(a->flows, &key, a->now_us, &created);
    if (!f)
        return;
    bool syn = t->flags & TCP_SYN, ack = t->flags & TCP_ACK;
    int end = src_is_a ? 0 : 1;
    if (!created && syn && !ack && f->base_set[end] && f->base_seq[end] != t->seq) {
        /* A SYN with a new initial sequence number: the 5-tuple now carries
         * a new connection (tshark starts a new tcp.stream on the same rule). */
        flow_table_evict(a->flows, f);
        f = flow_table_get(a->flows, &key, a->now_us, &created);
        if (!f)
            return;
    }
    if (!f->base_set[end]) {
        f->base_set[end] = true;
        f->base_seq[end] = syn ? t->seq : t->seq - 1;
    }
    if (created)
        f->initiator_is_a = syn && ack ? !src_is_a : src_is_a;
    else if (syn && !ack && !f->saw_syn && f->packets && !f->conn)
        f->initiator_is_a = src_is_a; /* the first packets were from the middle of a retransmitted handshake */
    int dir = src_is_a == f->initiator_is_a ? 0 : 1;
    f->packets++;
    f->ip_bytes += pv.ip_len;
    f->ip_bytes_dir[dir] += pv.ip_len;
    f->payload_bytes += t->payload_wire_len;
    if (syn && !ack)
        f->saw_syn = true;
    else if (syn)
        f->saw_synack = true;
    if (t->opts_truncated)
        s->skipped[SKIP_TCP_OPTIONS_CUT]++;
    bool was_mptcp_synack = f->mptcp_synack;
    struct mptcp_conn *linked_before = f->conn;
    if (t->opts_len)
        handle_options(a, f, dir, t);
    struct mptcp_conn *c = f->conn;
    if (syn && ack && f->mptcp_syn && !f->mptcp_synack && !was_mptcp_synack) {
        f->plain_synack = true;
        if (c && c->handshake && f->initial_subflow)
            c->fallback = true;
    }
    if (c && c == linked_before) { /* link_subflow() counted this packet already */
        c->packets++;
        c->ip_bytes += pv.ip_len;
        c->payload_bytes += t->payload_wire_len;
        if (a->now_us > c->last_us)
            c->last_us = a->now_us;
    }
    if (t->flags & TCP_RST) {
        f->rst = true;
        flow_table_mark_closed(a->flows, f);
    } else if (t->flags & TCP_FIN) {
        f->fin[dir] = true;
        if (f->fin[0] && f->fin[1])
            flow_table_mark_closed(a->flows, f);
    }
}

/* ---- lifecycle ---- */

struct analyzer *analyzer_new(const struct analyzer_cfg *cfg, const char *trace)
{
    struct analyzer *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->cfg = *cfg;
    if (!a->cfg.expire_every)
        a->cfg.expire_every = EXPIRE_EVERY;
    snprintf(a->trace, sizeof a->trace, "%s", trace);   /* the CSV writer quotes it when needed */
    struct flow_table_cfg fc = {.idle_timeout_us = cfg->idle_timeout_us,
                                .closed_linger_us = cfg->closed_linger_us,
                                .max_flows = cfg->max_flows};
    a->flows = flow_table_new(&fc, on_flow_evict, a);
    a->conns = mptcp_conn_table_new();
    if (!a->flows || !a->conns || !trace_stats_init(&a->stats)) {
        analyzer_free(a);
        return NULL;
    }
    return a;
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int analyzer_read_file(struct analyzer *a, const char *path, analyzer_progress_fn progress, void *pctx)
{
    char err[512];
    struct capture *cap = NULL;
    if (!input_order_take(a->cfg.inputs, path, &cap, err, sizeof err))
        cap = capture_open(path, err, sizeof err);
    if (!cap) {
        a->stats.error = true;
        a->stats.skipped[SKIP_READ_ERROR]++;
        if (strncmp(err, path, strlen(path)) == 0)
            snprintf(a->stats.error_text, sizeof a->stats.error_text, "%s", err);
        else
            snprintf(a->stats.error_text, sizeof a->stats.error_text, "%s: %s", path, err);
        return -1;
    }
    int dlt = capture_dlt(cap);
    enum link_type link = link_from_dlt(dlt);
    if (link == LINK_UNKNOWN) {
        a->stats.error = true;
        a->stats.skipped[SKIP_UNSUPPORTED_LINK]++;
        snprintf(a->stats.error_text, sizeof a->stats.error_text, "%s: unsupported link type %d", path, dlt);
        capture_close(cap);
        return -1;
    }
    struct capture_pkt p;
    int rc;
    double next_report = progress ? wall_now() + 1.0 : 0;
    uint64_t n = 0;
    while ((rc = capture_next(cap, &p)) == 1) {
        if (a->cfg.stop && atomic_load_explicit(a->cfg.stop, memory_order_relaxed)) {
            a->stats.error = true;
            snprintf(a->stats.error_text, sizeof a->stats.error_text, "interrupted");
            capture_close(cap);
            return -1;
        }
        analyzer_packet(a, link, &p);
        if (progress && (++n & 0xffff) == 0 && wall_now() >= next_report) {
            next_report += 1.0;
            progress(pctx, path, &a->stats, flow_table_size(a->flows));
        }
    }
    int result = 0;
    if (rc < 0) {
        const char *why = capture_error(cap);
        a->stats.error = true;
        bool cut = strstr(why, "truncated") || strstr(why, "unexpected end") || strstr(why, "gzip");
        a->stats.skipped[cut ? SKIP_FILE_TRUNCATED : SKIP_READ_ERROR]++;
        snprintf(a->stats.error_text, sizeof a->stats.error_text, "%s: %s", path, why);
        result = -1;
    }
    capture_close(cap);
    return result;
}

struct trace_stats *analyzer_finish(struct analyzer *a)
{
    if (!a->finished) {
        mptcp_conn_table_closing(a->conns);
        flow_table_flush(a->flows);
        trace_stats_finish(&a->stats);
        if (a->cfg.totals) {
            if (a->cfg.totals_lock)
                pthread_mutex_lock(a->cfg.totals_lock);
            trace_stats_merge(a->cfg.totals, &a->stats);
            if (a->cfg.totals_lock)
                pthread_mutex_unlock(a->cfg.totals_lock);
        }
        trace_stats_compact(&a->stats, a->cfg.top_apps);
        /* a series keeps every finished trace: nothing per flow may stay */
        flow_table_free(a->flows);
        mptcp_conn_table_free(a->conns);
        a->flows = NULL;
        a->conns = NULL;
        a->finished = true;
    }
    return &a->stats;
}

const struct trace_stats *analyzer_stats(const struct analyzer *a) { return &a->stats; }

void analyzer_free(struct analyzer *a)
{
    if (!a)
        return;
    if (a->flows)
        flow_table_free(a->flows); /* evicts what is left: connections finish too */
    mptcp_conn_table_free(a->conns);
    trace_stats_free(&a->stats);
    free(a);
}
