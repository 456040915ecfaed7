/* truth.h — expected scanner verdict of every (address, port, probe version) of a lab population. */
#ifndef LAB_TRUTH_H
#define LAB_TRUTH_H

#include <stdio.h>
#include "lab/spec.h"

/* The scanner's closed verdict vocabulary (plus silent: no answer). */
enum verdict {
    VERDICT_MPTCP,
    VERDICT_MIRRORED,
    VERDICT_VERSION_MISMATCH,
    VERDICT_MALFORMED,
    VERDICT_TCP,
    VERDICT_CLOSED,
    VERDICT_SILENT,
    VERDICT_COUNT
};
const char *verdict_name(enum verdict v);

/* Verdict of a SYN probe with MP_CAPABLE `version` (0 or 1) to a host of
 * profile index `profile` (PROFILE_ABSENT: silent) on `port`: simulates the
 * SYN through the profile's middleboxes, the host's answer, and the way back. */
enum verdict truth_verdict(const struct lab_spec *s, int profile, uint16_t port, int version);

struct truth_opts {
    int month;
    const uint16_t *ports;
    unsigned n_ports;
    bool v0, v1;
    bool with_profile;   /* append a `profile` column */
};
/* Writes the CSV (header `daddr,dport,probe_version,verdict`). Returns false on write error. */
bool truth_write_csv(const struct lab_spec *s, const struct truth_opts *o, FILE *out);

#endif
