/* truth.h — expected scanner verdict of every (address, port, probe version) of a lab population. */
#ifndef LAB_TRUTH_H
#define LAB_TRUTH_H

#include "lab/spec.h"

/* The verdicts a correct scanner reports, plus silent (no answer). Spelled
 * like scan's enum scan_verdict but deliberately separate: the truth is an
 * oracle computed from the lab spec's path model alone, so it must not share
 * code (or constants) with the scanner it checks. */
enum truth_verdict {
    TRUTH_MPTCP,
    TRUTH_MIRRORED,
    TRUTH_VERSION_MISMATCH,
    TRUTH_MALFORMED,
    TRUTH_TCP,
    TRUTH_CLOSED,
    TRUTH_SILENT,
    TRUTH_COUNT
};
const char *truth_verdict_name(enum truth_verdict v);

/* Verdict of a SYN probe with MP_CAPABLE `version` (0 or 1) to a host of
 * profile index `profile` (PROFILE_ABSENT: silent) on `port`: simulates the
 * SYN through the profile's middleboxes, the host's answer, and the way back. */
enum truth_verdict truth_verdict_of(const struct lab_spec *s, int profile, uint16_t port, int version);

/* The host part of the path model, for the trace truth (truth_trace.c): how
 * a host of behaviour b answers a SYN whose MP_CAPABLE (of syn_version) is
 * present or not, and what MP_CAPABLE its SYN-ACK carries. */
enum truth_answer { TRUTH_ANSWER_NONE, TRUTH_ANSWER_RST, TRUTH_ANSWER_SYNACK };
enum truth_answer truth_host_answer(enum behaviour b, bool syn_present, int syn_version, bool *sa_present,
                                    int *sa_version, bool *sa_malformed);

#endif
