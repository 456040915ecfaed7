/* summary.h — what a correct longitudinal study of a lab must find, month by month: per-address truth records with attribution, and the archive's analyses computed from the population model alone. */
#ifndef LAB_SUMMARY_H
#define LAB_SUMMARY_H

/*
 * These numbers are the oracle of `make demo`'s measured-vs-truth table, so
 * they come from the spec's population model (population_profile,
 * truth_verdict_of, the attribution directives) and never from the archive
 * code they check. Definitions (the same words as `archive query`):
 *
 *  monthly    one row per month x probe version x family x port:
 *             responsive = SYN-ACK answers (verdict not closed/silent),
 *             potential = any MP_CAPABLE in the answer (mptcp, mirrored,
 *             version-mismatch, malformed), mirrored, mptcp = verdict mptcp,
 *             consistent = addresses with verdict mptcp (same version and
 *             port) in this month and the two before it (null for the first
 *             two months of the range), version_mismatch, malformed, tcp,
 *             closed = RST answers.
 *  verdicts   one row per month x version x family x port x verdict: count.
 *  migration  one row per month for a set of ASNs (or per ASN): a host
 *             (address) counts when its longest announced prefix has one of
 *             them among its origins; it supports version v in a month when
 *             a v probe gets verdict mptcp on any of the ports. State:
 *             v0_only, v1_only, both (or none). From the previous month:
 *             added = one version -> both, migrated = v0 -> v1 only,
 *             migrated_back = v1 -> v0 only, dropped = both -> one,
 *             appeared = none -> any, vanished = any -> none, unchanged =
 *             same non-none state (null in the first month of the range).
 *             The columns and words of `archive query migration`.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io/record.h"
#include "lab/spec.h"

enum summary_kind { SUMMARY_MONTHLY, SUMMARY_VERDICTS, SUMMARY_MIGRATION, SUMMARY_KINDS };
extern const char *const summary_kind_names[SUMMARY_KINDS + 1];   /* NULL-terminated */

struct summary_opts {
    int first, last;                 /* month indexes, inclusive */
    const uint16_t *ports;
    unsigned n_ports;                /* 1..SPEC_MAX_PORTS */
    bool v0, v1;                     /* probe versions (migration always uses both) */
    const uint32_t *asns;            /* migration: these ASNs; NULL: the org prefixes' ASNs (else all) */
    size_t n_asns;
    bool per_asn;                    /* migration: one row per ASN instead of one for the whole list */
};

const struct rec_schema *summary_schema(enum summary_kind k);
/* Computes and emits the rows into w (opened with summary_schema(k)).
 * Returns false with the reason in err (out of memory, write error). */
bool summary_write(const struct lab_spec *s, enum summary_kind k, const struct summary_opts *o,
                   struct rec_writer *w, char *err, size_t errlen);

/* Per-address truth (the `lab truth` CSV) as records, over a month range,
 * with the attribution of every address. Field indexes of truth_schema: */
enum {
    TR_DADDR, TR_DPORT, TR_PROBE_VERSION, TR_VERDICT, TR_PROFILE, TR_ASN, TR_COUNTRY, TR_MONTH, TR_MONTH_INDEX,
    TR_FIELDS
};
extern const struct rec_schema truth_schema;
bool truth_write_records(const struct lab_spec *s, const struct summary_opts *o, struct rec_writer *w, char *err,
                         size_t errlen);

#endif
