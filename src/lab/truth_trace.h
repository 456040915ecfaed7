/* truth_trace.h — what a correct tracer reports for every lab address: class, the hop and kind of the change, the host's distance, an ICMP unreachable. */
#ifndef LAB_TRUTH_TRACE_H
#define LAB_TRUTH_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#include "io/record.h"
#include "lab/spec.h"
#include "lab/summary.h"
#include "lab/truth.h"

/* Computed from the lab's path model alone (like truth.c, and on purpose
 * sharing no code with src/trace): where each middlebox sits, which routers
 * quote only 8 bytes, where the host is. Only what a tracer can observe counts:
 * a change no later quote shows (because the next hop is the host, or a proxy
 * answers first) is invisible, and a proxy at the host's own hop cannot be
 * told from the host. */
struct trace_truth {
    const char *cls;        /* mptcp, middlebox, no-mptcp, unreachable */
    unsigned hop;           /* middlebox: first hop whose quote shows the change, or the proxy's hop; 0 none */
    const char *change;     /* -MP_CAPABLE, mptcp.key, proxy, or "" */
    unsigned dest_hops;     /* the host's distance (0: not reached) */
    const char *end_icmp;   /* "admin-prohibited" or "" */
    unsigned end_hop;       /* the TTL that first got that ICMP; 0 none */
};

void truth_trace_of(const struct lab_spec *s, int profile, uint16_t port, int version, struct trace_truth *out);

/* `lab truth --trace` rows as records over the month range of o: fields
 * daddr, dport, probe_version, class, hop, change, dest_hops, end_icmp,
 * end_hop, profile, month, month_index (unset: empty / null). Returns false
 * with the reason in err (write error). */
enum {
    TT_DADDR, TT_DPORT, TT_PROBE_VERSION, TT_CLASS, TT_HOP, TT_CHANGE, TT_DEST_HOPS, TT_END_ICMP, TT_END_HOP,
    TT_PROFILE, TT_MONTH, TT_MONTH_INDEX, TT_FIELDS
};
extern const struct rec_schema trace_truth_schema;
bool truth_trace_write_records(const struct lab_spec *s, const struct summary_opts *o, struct rec_writer *w,
                               char *err, size_t errlen);

#endif
