/* truth_trace.h — what a correct tracer reports for every lab address: class, the hop and kind of the change, the host's distance, an ICMP unreachable. */
#ifndef LAB_TRUTH_TRACE_H
#define LAB_TRUTH_TRACE_H

#include <stdbool.h>
#include <stdio.h>

#include "lab/spec.h"
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

/* CSV `daddr,dport,probe_version,class,hop,change,dest_hops,end_icmp,end_hop`
 * (+ `profile`). Returns false on write error. */
bool truth_trace_write_csv(const struct lab_spec *s, const struct truth_opts *o, FILE *out);

#endif
