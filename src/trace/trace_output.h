/* trace_output.h — the trace record: one line per target (JSON with nested hops, or a CSV summary row) through io/record. */
#ifndef TRACE_OUTPUT_H
#define TRACE_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "io/json.h"
#include "io/record.h"
#include "trace/trace_probe.h"
#include "trace/trace_state.h"
#include "trace/trace_targets.h"

extern const struct rec_schema trace_schema;

/* Name of an ICMP unreachable / parameter-problem code: "admin-prohibited",
 * "host-unreachable", "port-unreachable", ... ("icmp-T/C" for others). */
const char *trace_icmp_name(int family, uint8_t type, uint8_t code, char *buf, size_t len);

struct trace_emit_ctx {
    const struct trace_enc *enc;
    const struct ts_params *params;
    int probe_version;
    uint64_t wall_base_us;     /* UTC microseconds at mono_base_ns */
    uint64_t mono_base_ns;
    struct json j;             /* scratch builders (reused) */
    struct json jc;
};

/* Fills and emits the record of one finished target. Returns rec_emit's status. */
int trace_emit(struct rec_writer *w, struct trace_emit_ctx *c, const struct trace_target *t, const struct tstate *st,
               const struct trace_verdict *v);

#endif
