/* pcap_report.c — JSON for the per-trace summary, the series totals and the EWMA of flow counts (io/json layouts). */
#include "pcap/pcap_report.h"

#include <stdlib.h>
#include <string.h>

/* A largest flow / connection: one line each. */
static void top_json(struct json *j, const struct top_entry *e, size_t n, const struct app_ports *apps, bool conns)
{
    json_arr_begin(j, JSON_MULTILINE);
    for (size_t i = 0; i < n; i++) {
        json_obj_begin(j, JSON_SPACED);
        json_kv_u64(j, "bytes", e[i].bytes);
        json_kv_u64(j, "packets", e[i].packets);
        json_kv_double(j, "duration_s", (double)(e[i].last_us - e[i].first_us) / 1e6, 6);
        json_kv_double(j, "start_ts", (double)e[i].first_us / 1e6, 6);
        if (conns)
            json_kv_u64(j, "subflows", e[i].subflows);
        else
            json_kv_str(j, "kind", flow_kind_name((enum flow_kind)e[i].kind));
        if (e[i].version >= 0)
            json_kv_i64(j, "mptcp_version", e[i].version);
        else
            json_kv_null(j, "mptcp_version");
        json_kv_u64(j, "port", e[i].port);
        json_kv_str(j, "service", app_ports_iana(apps, e[i].port));
        json_kv_str(j, "apple_service", app_ports_apple(apps, e[i].port));
        json_obj_end(j);
    }
    json_arr_end(j);
}

/* The top ports: the rows trace_stats_compact chose (already cut to --top-apps). */
static void apps_json(struct json *j, const struct port_row *r, size_t n, const struct app_ports *apps)
{
    json_arr_begin(j, JSON_MULTILINE);
    for (size_t i = 0; i < n; i++) {
        uint16_t p = (uint16_t)r[i].port;
        json_obj_begin(j, JSON_SPACED);
        json_kv_u64(j, "port", p);
        json_kv_str(j, "service", app_ports_iana(apps, p));
        json_kv_str(j, "apple_service", app_ports_apple(apps, p));
        json_kv_u64(j, "tcp_flows", r[i].tcp_flows);
        json_kv_u64(j, "tcp_bytes", r[i].tcp_bytes);
        json_kv_u64(j, "mptcp_connections", r[i].mptcp_conns);
        json_kv_u64(j, "mptcp_bytes", r[i].mptcp_bytes);
        json_obj_end(j);
    }
    json_arr_end(j);
}

/* The counts of one trace or of the series total (members of an open object). */
static void fields_json(struct json *j, const struct trace_stats *s, const struct app_ports *apps)
{
    json_kv_double(j, "first_ts", s->first_us / 1e6, 6);
    json_kv_double(j, "last_ts", s->last_us / 1e6, 6);
    json_kv_double(j, "duration_s", (s->last_us - s->first_us) / 1e6, 6);
    json_kv_u64(j, "packets", s->packets);
    json_kv_u64(j, "non_tcp_packets", s->non_tcp_packets);
    json_kv_u64(j, "tcp_packets", s->tcp_packets);
    json_kv_u64(j, "tcp_flows", s->tcp_flows);
    json_kv_u64(j, "tcp_bytes", s->tcp_bytes);
    json_kv_u64(j, "mptcp_connections", s->mptcp_connections);
    json_key(j, "mptcp_connections_by_version");
    json_obj_begin(j, JSON_SPACED);
    json_kv_u64(j, "0", s->mptcp_conn_by_version[0]);
    json_kv_u64(j, "1", s->mptcp_conn_by_version[1]);
    json_obj_end(j);
    json_kv_u64(j, "mptcp_subflows", s->mptcp_subflows);
    json_kv_u64(j, "mptcp_flows", s->mptcp_flows);
    json_kv_u64(j, "mptcp_bytes", s->mptcp_bytes);
    json_kv_u64(j, "mptcp_connection_bytes", s->mptcp_conn_bytes);
    json_kv_u64(j, "mptcp_midstream_flows", s->flows_by_kind[FLOW_MPTCP_MIDSTREAM]);
    json_kv_u64(j, "mptcp_unlinked_join_flows", s->flows_by_kind[FLOW_MPTCP_UNLINKED]);
    json_kv_u64(j, "mptcp_unlinked_connections", s->mptcp_unlinked_connections);
    json_kv_u64(j, "mptcp_fallbacks", s->mptcp_fallbacks);
    json_kv_u64(j, "flows_below_min_packets", s->below_min_flows);
    json_kv_double(j, "flow_share", s->flow_share, 6);
    json_kv_double(j, "byte_share", s->byte_share, 6);
    json_kv_double(j, "top1_share", s->top1_share, 6);
    json_kv_double(j, "top5_share", s->top5_share, 6);
    json_kv_double(j, "top50pct_share", s->top50pct_share, 6);
    json_key(j, "flows_by_kind");
    json_obj_begin(j, JSON_SPACED);
    for (int k = 0; k < FLOW_KIND_COUNT; k++) {
        json_key(j, flow_kind_name((enum flow_kind)k));
        json_obj_begin(j, JSON_SPACED);
        json_kv_u64(j, "flows", s->flows_by_kind[k]);
        json_kv_u64(j, "bytes", s->bytes_by_kind[k]);
        json_obj_end(j);
    }
    json_obj_end(j);
    json_key(j, "skipped");
    json_obj_begin(j, JSON_SPACED);
    for (int r = 0; r < SKIP_COUNT; r++)
        json_kv_u64(j, skip_reason_name((enum skip_reason)r), s->skipped[r]);
    json_obj_end(j);
    json_key(j, "largest_flows");
    top_json(j, s->top_flows, s->n_top_flows, apps, false);
    json_key(j, "largest_mptcp_connections");
    top_json(j, s->top_conns, s->n_top_conns, apps, true);
    json_key(j, "applications");
    apps_json(j, s->apps, s->n_apps, apps);
    json_key(j, "mptcp_applications");
    apps_json(j, s->mptcp_apps, s->n_mptcp_apps, apps);
}

void report_trace_json(struct json *j, const struct report_trace *t, const struct app_ports *apps)
{
    json_obj_begin(j, JSON_MULTILINE);
    json_kv_str(j, "trace", t->name);
    json_key(j, "files");
    json_arr_begin(j, JSON_SPACED);
    for (size_t i = 0; i < t->n_files; i++)
        json_str(j, t->files[i]);
    json_arr_end(j);
    json_kv_str(j, "error", t->stats->error ? t->stats->error_text : NULL);
    fields_json(j, t->stats, apps);
    json_obj_end(j);
}

/* The EWMA of the three flow counts across the series, one line per trace. */
static void ewma_json(struct json *j, const struct report_trace *traces, size_t n, double alpha)
{
    double *x[3], *e[3];
    for (int k = 0; k < 3; k++) {
        x[k] = calloc(n ? n : 1, sizeof(double));
        e[k] = calloc(n ? n : 1, sizeof(double));
    }
    json_arr_begin(j, JSON_MULTILINE);
    if (x[0] && x[1] && x[2] && e[0] && e[1] && e[2]) {
        for (size_t i = 0; i < n; i++) {
            x[0][i] = (double)traces[i].stats->tcp_flows;
            x[1][i] = (double)traces[i].stats->mptcp_flows;
            x[2][i] = (double)traces[i].stats->mptcp_connections;
        }
        for (int k = 0; k < 3; k++)
            ewma_series(x[k], n, alpha, e[k]);
        for (size_t i = 0; i < n; i++) {
            json_obj_begin(j, JSON_SPACED);
            json_kv_str(j, "trace", traces[i].name);
            json_kv_u64(j, "tcp_flows", traces[i].stats->tcp_flows);
            json_kv_u64(j, "mptcp_flows", traces[i].stats->mptcp_flows);
            json_kv_u64(j, "mptcp_connections", traces[i].stats->mptcp_connections);
            json_kv_double(j, "ewma_tcp_flows", e[0][i], 3);
            json_kv_double(j, "ewma_mptcp_flows", e[1][i], 3);
            json_kv_double(j, "ewma_mptcp_connections", e[2][i], 3);
            json_obj_end(j);
        }
    } else {
        j->failed = true;   /* out of memory: the document would be incomplete */
    }
    json_arr_end(j);
    for (int k = 0; k < 3; k++) {
        free(x[k]);
        free(e[k]);
    }
}

void report_json(struct json *j, const struct report_trace *traces, size_t n, const struct trace_stats *totals,
                 const struct app_ports *apps, unsigned long long min_packets, double ewma_alpha,
                 const char *error)
{
    json_obj_begin(j, JSON_MULTILINE);
    json_kv_str(j, "tool", "mpcensus pcap");
    if (error)
        json_kv_str(j, "error", error);
    json_kv_u64(j, "min_packets", min_packets);
    json_kv_str(j, "apple_ports_source", app_ports_apple_source(apps));
    json_key(j, "traces");
    json_arr_begin(j, JSON_MULTILINE);
    for (size_t i = 0; i < n; i++)
        report_trace_json(j, &traces[i], apps);
    json_arr_end(j);
    json_key(j, "series");
    json_obj_begin(j, JSON_MULTILINE);
    json_kv_u64(j, "traces", n);
    json_kv_double(j, "ewma_alpha", ewma_alpha, 3);
    json_key(j, "ewma");
    ewma_json(j, traces, n, ewma_alpha);
    if (totals) {
        json_key(j, "total");
        json_obj_begin(j, JSON_MULTILINE);
        fields_json(j, totals, apps);
        json_obj_end(j);
    }
    json_obj_end(j);
    json_obj_end(j);
}
