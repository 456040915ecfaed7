/* pcap_report.h — builds the JSON summary of `mpcensus pcap` (per trace, series totals, EWMA) with the io/json builder. */
#ifndef PCAP_PCAP_REPORT_H
#define PCAP_PCAP_REPORT_H

#include "io/json.h"
#include "pcap/app_ports.h"
#include "pcap/trace_stats.h"

struct report_trace {
    const char *name;          /* first file of the trace */
    const char *const *files;  /* every file read into it */
    size_t n_files;
    const struct trace_stats *stats;
};

/* Appends one trace object (inside an array of the document being built). The stats
 * (here and in report_json, totals included) have been through trace_stats_compact,
 * which cut the application lists to --top-apps rows. */
void report_trace_json(struct json *j, const struct report_trace *t, const struct app_ports *apps);
/* Appends the whole document {"tool":..,"min_packets":..,"traces":[..],"series":{..}} (one member per line,
 * small objects inline). totals may be NULL; error non-NULL adds a top-level "error" (e.g. "interrupted"). */
void report_json(struct json *j, const struct report_trace *traces, size_t n, const struct trace_stats *totals,
                 const struct app_ports *apps, unsigned long long min_packets, double ewma_alpha,
                 const char *error);

#endif
