/* pcap_report.c — JSON for the per-trace summary, the series totals and the EWMA of flow counts. */
#include "pcap/pcap_report.h"

#include <stdlib.h>
#include <string.h>

static void write_name_or_null(FILE *out, const char *s)
{
    if (s)
        json_write_string(out, s);
    else
        fputs("null", out);
}

static void write_top(FILE *out, const struct top_entry *e, size_t n, const struct app_ports *apps, bool conns,
                      const char *pad)
{
    fputs("[", out);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "%s\n%s  {\"bytes\": %llu, \"packets\": %llu, \"duration_s\": %.6f, \"start_ts\": %.6f, ",
                i ? "," : "", pad, (unsigned long long)e[i].bytes, (unsigned long long)e[i].packets,
                (double)(e[i].last_us - e[i].first_us) / 1e6, (double)e[i].first_us / 1e6);
        if (conns)
            fprintf(out, "\"subflows\": %u, ", e[i].subflows);
        else
            fprintf(out, "\"kind\": \"%s\", ", flow_kind_name((enum flow_kind)e[i].kind));
        if (e[i].version >= 0)
            fprintf(out, "\"mptcp_version\": %d, ", e[i].version);
        else
            fputs("\"mptcp_version\": null, ", out);
        fprintf(out, "\"port\": %u, \"service\": ", e[i].port);
        write_name_or_null(out, app_ports_iana(apps, e[i].port));
        fputs(", \"apple_service\": ", out);
        write_name_or_null(out, app_ports_apple(apps, e[i].port));
        fputs("}", out);
    }
    fprintf(out, "%s%s]", n ? "\n" : "", n ? pad : "");
}

/* The top ports (rows chosen by trace_stats_compact). */
static void write_apps(FILE *out, const struct port_row *r, size_t n, const struct app_ports *apps, const char *pad)
{
    fputs("[", out);
    for (size_t i = 0; i < n; i++) {
        uint32_t p = r[i].port;
        fprintf(out, "%s\n%s  {\"port\": %u, \"service\": ", i ? "," : "", pad, p);
        write_name_or_null(out, app_ports_iana(apps, (uint16_t)p));
        fputs(", \"apple_service\": ", out);
        write_name_or_null(out, app_ports_apple(apps, (uint16_t)p));
        fprintf(out, ", \"tcp_flows\": %llu, \"tcp_bytes\": %llu, \"mptcp_connections\": %llu, \"mptcp_bytes\": %llu}",
                (unsigned long long)r[i].tcp_flows, (unsigned long long)r[i].tcp_bytes,
                (unsigned long long)r[i].mptcp_conns, (unsigned long long)r[i].mptcp_bytes);
    }
    fprintf(out, "%s%s]", n ? "\n" : "", n ? pad : "");
}

static void write_fields(FILE *out, const struct trace_stats *s, const struct app_ports *apps, size_t top_apps,
                         const char *pad)
{
#define U(k, v) fprintf(out, "%s\"" k "\": %llu,\n", pad, (unsigned long long)(v))
#define D(k, v) fprintf(out, "%s\"" k "\": %.6f,\n", pad, (double)(v))
    D("first_ts", s->first_us / 1e6);
    D("last_ts", s->last_us / 1e6);
    D("duration_s", (s->last_us - s->first_us) / 1e6);
    U("packets", s->packets);
    U("non_tcp_packets", s->non_tcp_packets);
    U("tcp_packets", s->tcp_packets);
    U("tcp_flows", s->tcp_flows);
    U("tcp_bytes", s->tcp_bytes);
    U("mptcp_connections", s->mptcp_connections);
    fprintf(out, "%s\"mptcp_connections_by_version\": {\"0\": %llu, \"1\": %llu},\n", pad,
            (unsigned long long)s->mptcp_conn_by_version[0], (unsigned long long)s->mptcp_conn_by_version[1]);
    U("mptcp_subflows", s->mptcp_subflows);
    U("mptcp_flows", s->mptcp_flows);
    U("mptcp_bytes", s->mptcp_bytes);
    U("mptcp_connection_bytes", s->mptcp_conn_bytes);
    U("mptcp_midstream_flows", s->flows_by_kind[FLOW_MPTCP_MIDSTREAM]);
    U("mptcp_unlinked_join_flows", s->flows_by_kind[FLOW_MPTCP_UNLINKED]);
    U("mptcp_unlinked_connections", s->mptcp_unlinked_connections);
    U("mptcp_fallbacks", s->mptcp_fallbacks);
    U("flows_below_min_packets", s->below_min_flows);
    D("flow_share", s->flow_share);
    D("byte_share", s->byte_share);
    D("top1_share", s->top1_share);
    D("top5_share", s->top5_share);
    D("top50pct_share", s->top50pct_share);
    fprintf(out, "%s\"flows_by_kind\": {", pad);
    for (int k = 0; k < FLOW_KIND_COUNT; k++)
        fprintf(out, "%s\"%s\": {\"flows\": %llu, \"bytes\": %llu}", k ? ", " : "", flow_kind_name((enum flow_kind)k),
                (unsigned long long)s->flows_by_kind[k], (unsigned long long)s->bytes_by_kind[k]);
    fprintf(out, "},\n%s\"skipped\": {", pad);
    for (int r = 0; r < SKIP_COUNT; r++)
        fprintf(out, "%s\"%s\": %llu", r ? ", " : "", skip_reason_name((enum skip_reason)r),
                (unsigned long long)s->skipped[r]);
    fprintf(out, "},\n%s\"largest_flows\": ", pad);
    write_top(out, s->top_flows, s->n_top_flows, apps, false, pad);
    fprintf(out, ",\n%s\"largest_mptcp_connections\": ", pad);
    write_top(out, s->top_conns, s->n_top_conns, apps, true, pad);
    fprintf(out, ",\n%s\"applications\": ", pad);
    write_apps(out, s->apps, s->n_apps, apps, pad);
    fprintf(out, ",\n%s\"mptcp_applications\": ", pad);
    write_apps(out, s->mptcp_apps, s->n_mptcp_apps, apps, pad);
    fputs("\n", out);
#undef U
#undef D
}

void report_write_trace(FILE *out, const struct report_trace *t, const struct app_ports *apps, size_t top_apps,
                        int indent)
{
    char pad[32];
    snprintf(pad, sizeof pad, "%*s", indent + 2, "");
    fprintf(out, "%*s{\n%s\"trace\": ", indent, "", pad);
    json_write_string(out, t->name);
    fprintf(out, ",\n%s\"files\": [", pad);
    for (size_t i = 0; i < t->n_files; i++) {
        fputs(i ? ", " : "", out);
        json_write_string(out, t->files[i]);
    }
    fprintf(out, "],\n%s\"error\": ", pad);
    write_name_or_null(out, t->stats->error ? t->stats->error_text : NULL);
    fputs(",\n", out);
    write_fields(out, t->stats, apps, top_apps, pad);
    fprintf(out, "%*s}", indent, "");
}

void report_write(FILE *out, const struct report_trace *traces, size_t n, const struct trace_stats *totals,
                  const struct app_ports *apps, size_t top_apps, unsigned long long min_packets, double ewma_alpha)
{
    fprintf(out, "{\n  \"tool\": \"mpcensus pcap\",\n  \"min_packets\": %llu,\n  \"apple_ports_source\": ", min_packets);
    json_write_string(out, app_ports_apple_source(apps));
    fputs(",\n  \"traces\": [\n", out);
    for (size_t i = 0; i < n; i++) {
        report_write_trace(out, &traces[i], apps, top_apps, 4);
        fputs(i + 1 < n ? ",\n" : "\n", out);
    }
    fputs("  ],\n  \"series\": {\n", out);
    fprintf(out, "    \"traces\": %zu,\n    \"ewma_alpha\": %.3f,\n    \"ewma\": [", n, ewma_alpha);
    double *x[3], *e[3];
    for (int k = 0; k < 3; k++) {
        x[k] = calloc(n ? n : 1, sizeof(double));
        e[k] = calloc(n ? n : 1, sizeof(double));
    }
    if (x[0] && x[1] && x[2] && e[0] && e[1] && e[2]) {
        for (size_t i = 0; i < n; i++) {
            x[0][i] = (double)traces[i].stats->tcp_flows;
            x[1][i] = (double)traces[i].stats->mptcp_flows;
            x[2][i] = (double)traces[i].stats->mptcp_connections;
        }
        for (int k = 0; k < 3; k++)
            ewma_series(x[k], n, ewma_alpha, e[k]);
        for (size_t i = 0; i < n; i++) {
            fprintf(out, "%s\n      {\"trace\": ", i ? "," : "");
            json_write_string(out, traces[i].name);
            fprintf(out, ", \"tcp_flows\": %llu, \"mptcp_flows\": %llu, \"mptcp_connections\": %llu, "
                         "\"ewma_tcp_flows\": %.3f, \"ewma_mptcp_flows\": %.3f, \"ewma_mptcp_connections\": %.3f}",
                    (unsigned long long)traces[i].stats->tcp_flows, (unsigned long long)traces[i].stats->mptcp_flows,
                    (unsigned long long)traces[i].stats->mptcp_connections, e[0][i], e[1][i], e[2][i]);
        }
    }
    for (int k = 0; k < 3; k++) {
        free(x[k]);
        free(e[k]);
    }
    fprintf(out, "%s]", n ? "\n    " : "");
    if (totals) {
        fputs(",\n    \"total\": {\n", out);
        write_fields(out, totals, apps, top_apps, "      ");
        fputs("    }", out);
    }
    fputs("\n  }\n}\n", out);
}
