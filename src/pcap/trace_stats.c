/* trace_stats.c — accumulates per-trace counts and derives the shares the paper reports. */
#include "pcap/trace_stats.h"

#include <stdlib.h>
#include <string.h>

static const char *const skip_names[SKIP_COUNT] = {
    [SKIP_TRUNCATED] = "truncated",
    [SKIP_BAD_HEADER] = "bad-header",
    [SKIP_BAD_VERSION] = "bad-version",
    [SKIP_UNSUPPORTED_LINK] = "unsupported-link",
    [SKIP_FRAGMENT] = "fragment",
    [SKIP_BAD_TCP_OPTIONS] = "bad-tcp-options",
    [SKIP_TCP_OPTIONS_CUT] = "tcp-options-cut",
    [SKIP_MPTCP_OPTION_BAD] = "mptcp-option-malformed",
    [SKIP_FILE_TRUNCATED] = "file-truncated",
    [SKIP_READ_ERROR] = "read-error",
};

const char *skip_reason_name(enum skip_reason r) { return r < SKIP_COUNT ? skip_names[r] : "unknown"; }

bool trace_stats_init(struct trace_stats *s)
{
    memset(s, 0, sizeof *s);
    s->ports = calloc(1, sizeof *s->ports);
    return s->ports != NULL;
}

static void ports_free(struct port_counts *pc)
{
    if (!pc)
        return;
    for (size_t i = 0; i < 256; i++)
        free(pc->page[i]);
    free(pc);
}

/* The counters of port, allocating its page; NULL when out of memory. */
static struct port_count *port_at(struct port_counts *pc, uint16_t port)
{
    struct port_count **pg = &pc->page[port >> 8];
    if (!*pg && !(*pg = calloc(256, sizeof **pg))) {
        pc->oom = true;
        return NULL;
    }
    return &(*pg)[port & 0xff];
}

const struct port_count *trace_stats_port(const struct trace_stats *s, uint16_t port)
{
    if (!s->ports || !s->ports->page[port >> 8])
        return NULL;
    return &s->ports->page[port >> 8][port & 0xff];
}

void trace_stats_free(struct trace_stats *s)
{
    ports_free(s->ports);
    size_dist_free(&s->mptcp_flow_sizes);
    free(s->apps);
    free(s->mptcp_apps);
    s->ports = NULL;
    s->apps = s->mptcp_apps = NULL;
    s->n_apps = s->n_mptcp_apps = 0;
}

/* Total order of the "largest" lists: bytes descending, then the other
 * fields, so that series totals merged in any order (parallel jobs) list
 * the same entries. */
static int top_cmp(const struct top_entry *a, const struct top_entry *b)
{
#define BY(f, desc) if (a->f != b->f) return (a->f < b->f) == (desc) ? 1 : -1
    BY(bytes, true);
    BY(packets, true);
    BY(first_us, false);
    BY(last_us, false);
    BY(port, false);
    BY(version, false);
    BY(kind, false);
    BY(subflows, false);
#undef BY
    return 0;
}

/* Keeps the n largest entries, largest first. */
static void top_insert(struct top_entry *top, size_t *n, const struct top_entry *e)
{
    if (*n == TRACE_TOP_N && top_cmp(&top[TRACE_TOP_N - 1], e) <= 0)
        return;
    size_t i = *n < TRACE_TOP_N ? (*n)++ : TRACE_TOP_N - 1;
    while (i > 0 && top_cmp(&top[i - 1], e) > 0) {
        top[i] = top[i - 1];
        i--;
    }
    top[i] = *e;
}

static bool kind_is_mptcp(enum flow_kind k)
{
    return k == FLOW_MPTCP_INITIAL || k == FLOW_MPTCP_JOIN || k == FLOW_MPTCP_UNLINKED ||
           k == FLOW_MPTCP_MIDSTREAM;
}

void trace_stats_add_flow(struct trace_stats *s, enum flow_kind kind, int version, uint64_t packets,
                          uint64_t ip_bytes, uint64_t first_us, uint64_t last_us, uint16_t port)
{
    s->tcp_flows++;
    s->tcp_bytes += ip_bytes;
    s->tcp_packets += packets;
    s->flows_by_kind[kind]++;
    s->bytes_by_kind[kind] += ip_bytes;
    struct port_count *pc = port_at(s->ports, port);
    if (pc) {
        pc->tcp_flows++;
        pc->tcp_bytes += ip_bytes;
    }
    if (kind_is_mptcp(kind)) {
        s->mptcp_flows++;
        s->mptcp_bytes += ip_bytes;
        size_dist_add(&s->mptcp_flow_sizes, ip_bytes);
        if (pc)
            pc->mptcp_bytes += ip_bytes;
        if (kind == FLOW_MPTCP_INITIAL || kind == FLOW_MPTCP_JOIN)
            s->mptcp_subflows++;
    }
    struct top_entry e = {.bytes = ip_bytes, .packets = packets, .first_us = first_us,
                          .last_us = last_us, .port = port, .version = (int8_t)version,
                          .kind = (uint8_t)kind};
    top_insert(s->top_flows, &s->n_top_flows, &e);
}

void trace_stats_add_conn(struct trace_stats *s, int version, unsigned subflows, uint64_t packets,
                          uint64_t ip_bytes, uint64_t first_us, uint64_t last_us, uint16_t port)
{
    s->mptcp_connections++;
    if (version == 0 || version == 1)
        s->mptcp_conn_by_version[version]++;
    s->mptcp_conn_bytes += ip_bytes;
    struct port_count *pc = port_at(s->ports, port);
    if (pc)
        pc->mptcp_conns++;
    struct top_entry e = {.bytes = ip_bytes, .packets = packets, .first_us = first_us,
                          .last_us = last_us, .port = port, .version = (int8_t)version,
                          .kind = FLOW_MPTCP_INITIAL, .subflows = subflows};
    top_insert(s->top_conns, &s->n_top_conns, &e);
}

void trace_stats_finish(struct trace_stats *s)
{
    s->flow_share = s->tcp_flows ? (double)s->mptcp_flows / (double)s->tcp_flows : 0.0;
    s->byte_share = s->tcp_bytes ? (double)s->mptcp_bytes / (double)s->tcp_bytes : 0.0;
    struct size_dist *d = &s->mptcp_flow_sizes;
    s->top1_share = size_dist_top_share(d, 1);
    s->top5_share = size_dist_top_share(d, 5);
    s->top50pct_share = size_dist_top_share(d, (d->n + 1) / 2);
}

struct port_rank {
    uint32_t port;
    uint64_t key;
};

static int cmp_rank(const void *x, const void *y)
{
    const struct port_rank *a = x, *b = y;
    return a->key < b->key ? 1 : a->key > b->key ? -1 : (a->port > b->port) - (a->port < b->port);
}

/* The top ports by key (mptcp: MPTCP bytes; else all TCP bytes) as rows. */
static bool top_ports(const struct port_counts *pc, struct port_rank *r, size_t top, bool mptcp,
                      struct port_row **out, size_t *n_out)
{
    size_t n = 0;
    for (uint32_t pg = 0; pg < 256; pg++) {
        const struct port_count *c = pc->page[pg];
        for (uint32_t i = 0; c && i < 256; i++) {
            uint64_t k = mptcp ? c[i].mptcp_bytes : c[i].tcp_bytes;
            if (k || (mptcp ? c[i].mptcp_conns : c[i].tcp_flows))
                r[n++] = (struct port_rank){pg << 8 | i, k};
        }
    }
    qsort(r, n, sizeof *r, cmp_rank);
    if (n > top)
        n = top;
    *out = n ? calloc(n, sizeof **out) : NULL;
    if (n && !*out)
        return false;
    for (size_t i = 0; i < n; i++) {
        const struct port_count *c = &pc->page[r[i].port >> 8][r[i].port & 0xff];
        (*out)[i] = (struct port_row){r[i].port, c->tcp_flows, c->tcp_bytes, c->mptcp_conns, c->mptcp_bytes};
    }
    *n_out = n;
    return true;
}

bool trace_stats_compact(struct trace_stats *s, size_t top_apps)
{
    size_dist_free(&s->mptcp_flow_sizes);
    if (!s->ports)
        return true;
    size_t pages = 0;
    for (size_t i = 0; i < 256; i++)
        pages += s->ports->page[i] != NULL;
    struct port_rank *r = malloc((pages ? pages : 1) * 256 * sizeof *r);
    bool ok = r && top_ports(s->ports, r, top_apps, false, &s->apps, &s->n_apps) &&
              top_ports(s->ports, r, top_apps, true, &s->mptcp_apps, &s->n_mptcp_apps);
    free(r);
    ports_free(s->ports);
    s->ports = NULL;
    return ok;
}

bool trace_stats_merge(struct trace_stats *dst, const struct trace_stats *src)
{
    dst->packets += src->packets;
    dst->non_tcp_packets += src->non_tcp_packets;
    dst->tcp_packets_all += src->tcp_packets_all;
    for (int i = 0; i < SKIP_COUNT; i++)
        dst->skipped[i] += src->skipped[i];
    if (src->packets && (!dst->first_us || (src->first_us && src->first_us < dst->first_us)))
        dst->first_us = src->first_us;
    if (src->last_us > dst->last_us)
        dst->last_us = src->last_us;
    dst->error |= src->error;
    dst->tcp_flows += src->tcp_flows;
    dst->tcp_bytes += src->tcp_bytes;
    dst->tcp_packets += src->tcp_packets;
    for (int k = 0; k < FLOW_KIND_COUNT; k++) {
        dst->flows_by_kind[k] += src->flows_by_kind[k];
        dst->bytes_by_kind[k] += src->bytes_by_kind[k];
    }
    dst->mptcp_flows += src->mptcp_flows;
    dst->mptcp_bytes += src->mptcp_bytes;
    dst->mptcp_connections += src->mptcp_connections;
    dst->mptcp_conn_by_version[0] += src->mptcp_conn_by_version[0];
    dst->mptcp_conn_by_version[1] += src->mptcp_conn_by_version[1];
    dst->mptcp_conn_bytes += src->mptcp_conn_bytes;
    dst->mptcp_subflows += src->mptcp_subflows;
    dst->mptcp_unlinked_connections += src->mptcp_unlinked_connections;
    dst->mptcp_fallbacks += src->mptcp_fallbacks;
    dst->below_min_flows += src->below_min_flows;
    size_dist_merge(&dst->mptcp_flow_sizes, &src->mptcp_flow_sizes);
    for (size_t i = 0; i < src->n_top_flows; i++)
        top_insert(dst->top_flows, &dst->n_top_flows, &src->top_flows[i]);
    for (size_t i = 0; i < src->n_top_conns; i++)
        top_insert(dst->top_conns, &dst->n_top_conns, &src->top_conns[i]);
    if (dst->ports && src->ports)
        for (size_t pg = 0; pg < 256; pg++) {
            const struct port_count *c = src->ports->page[pg];
            for (size_t i = 0; c && i < 256; i++) {
                if (!(c[i].tcp_flows | c[i].tcp_bytes | c[i].mptcp_conns | c[i].mptcp_bytes))
                    continue;
                struct port_count *d = port_at(dst->ports, (uint16_t)(pg << 8 | i));
                if (!d)
                    continue;
                d->tcp_flows += c[i].tcp_flows;
                d->tcp_bytes += c[i].tcp_bytes;
                d->mptcp_conns += c[i].mptcp_conns;
                d->mptcp_bytes += c[i].mptcp_bytes;
            }
        }
    return true;
}

void ewma_series(const double *x, size_t n, double a, double *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = i == 0 ? x[0] : a * x[i] + (1.0 - a) * out[i - 1];
}
