/* pcap_report.h — writes per-trace and series JSON summaries of `mpcensus pcap`. */
#ifndef PCAP_PCAP_REPORT_H
#define PCAP_PCAP_REPORT_H

#include <stdio.h>
#include "io/json.h"
#include "pcap/app_ports.h"
#include "pcap/trace_stats.h"

struct report_trace {
    const char *name;          /* first file of the trace */
    const char *const *files;  /* every file read into it */
    size_t n_files;
    const struct trace_stats *stats;
};

/* Writes one trace object at the given indentation. */
void report_write_trace(FILE *out, const struct report_trace *t, const struct app_ports *apps, size_t top_apps,
                        int indent);
/* Writes the whole document: {"min_packets":..,"traces":[..],"series":{..}}. totals may be NULL. */
void report_write(FILE *out, const struct report_trace *traces, size_t n, const struct trace_stats *totals,
                  const struct app_ports *apps, size_t top_apps, unsigned long long min_packets, double ewma_alpha);

#endif
