/* an_pcap.c — passive MPTCP shares per trace, top-N concentration, and an EWMA (a = 0.2) across the archive's traces (Figs. 11-14). */
#include <stdio.h>

#include "archive/analysis.h"

#define EWMA_ALPHA 0.2

static const struct rec_field pcap_fields[] = {
    {"month", REC_STR, "YYYY-MM"},
    {"trace", REC_STR, "trace name"},
    {"first_ts", REC_NUM, "first packet, Unix seconds"},
    {"tcp_flows", REC_NUM, "TCP flows"},
    {"mptcp_flows", REC_NUM, "flows carrying MPTCP"},
    {"flow_share", REC_NUM, "mptcp_flows / tcp_flows"},
    {"tcp_bytes", REC_NUM, "IP bytes of TCP"},
    {"mptcp_bytes", REC_NUM, "IP bytes of MPTCP flows"},
    {"byte_share", REC_NUM, "mptcp_bytes / tcp_bytes"},
    {"mptcp_connections", REC_NUM, "MPTCP connections"},
    {"mptcp_v0", REC_NUM, "of them v0"},
    {"mptcp_v1", REC_NUM, "of them v1"},
    {"top1_share", REC_NUM, "share of MPTCP bytes in the largest MPTCP flow"},
    {"top5_share", REC_NUM, "... in the 5 largest"},
    {"top50pct_share", REC_NUM, "... in the largest 50 %"},
    {"ewma_flow_share", REC_NUM, "EWMA (a = 0.2) of flow_share over the traces in time order"},
    {"ewma_byte_share", REC_NUM, "EWMA of byte_share"},
    {"ewma_mptcp_flows", REC_NUM, "EWMA of mptcp_flows"},
    {"ewma_tcp_flows", REC_NUM, "EWMA of tcp_flows"},
};
static const struct rec_schema pcap_schema = {"archive-pcap", pcap_fields, sizeof pcap_fields / sizeof pcap_fields[0]};

struct ewma_ctx {
    query_row_fn fn;
    void *user;
    bool started[4];
    double e[4];
};

static int pcap_row(void *user, const struct qval *in, unsigned n)
{
    struct ewma_ctx *c = user;
    struct qval row[19];
    for (unsigned i = 0; i < 15 && i < n; i++)
        row[i] = in[i];
    /* e1 = x1; e_i = a x_i + (1 - a) e_(i-1); a trace without the value keeps the previous EWMA */
    const unsigned src[4] = {5, 8, 4, 3};
    for (int k = 0; k < 4; k++) {
        const struct qval *x = &in[src[k]];
        if (x->t == QV_INT || x->t == QV_REAL) {
            double v = x->t == QV_INT ? (double)x->i : x->d;
            c->e[k] = c->started[k] ? EWMA_ALPHA * v + (1.0 - EWMA_ALPHA) * c->e[k] : v;
            c->started[k] = true;
        }
        row[15 + k] = c->started[k] ? qv_real(c->e[k]) : qv_null();
    }
    return c->fn(c->user, row, 19);
}

static int run_pcap(struct archive *a, const struct query_params *p, query_row_fn fn, void *user, char *err,
                    size_t errlen)
{
    struct ewma_ctx c = {fn, user, {false}, {0}};
    return query_sql_rows(a,
                          "SELECT month_text(month), trace, first_ts, tcp_flows, mptcp_flows, flow_share, tcp_bytes,"
                          " mptcp_bytes, byte_share, mptcp_connections, mptcp_v0, mptcp_v1, top1_share, top5_share,"
                          " top50pct_share FROM pcap_traces WHERE month BETWEEN ?1 AND ?2"
                          " ORDER BY first_ts, file_id, rowid",
                          p, NULL, pcap_row, &c, err, errlen);
}

const struct query_def query_pcap = {
    "pcap", "passive MPTCP flow/byte shares, top-N concentration and EWMA (a = 0.2) per trace",
    "From pcap_traces: one row per imported trace in time order (first packet), its flow and byte shares, "
    "absolute volumes, MPTCP connections by version and the shares of MPTCP bytes in the largest 1, 5 and 50 % "
    "of MPTCP flows; and the EWMA with a = 0.2 (e1 = x1, e_i = 0.2 x_i + 0.8 e_(i-1)) of flow_share, byte_share, "
    "mptcp_flows and tcp_flows across every trace in the range.",
    &pcap_schema, run_pcap};
