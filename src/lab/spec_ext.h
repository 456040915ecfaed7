/* spec_ext.h — spec directives added for the longitudinal study (`as`, `as-set`, `geo`, `study`) and the checks needing the whole spec. */
#ifndef LAB_SPEC_EXT_H
#define LAB_SPEC_EXT_H

#include <stdbool.h>
#include <stddef.h>

#include "lab/spec.h"

/* One directive line (tok[0] is its name): 1 handled, 0 not one of these, -1 with the reason in why. */
int spec_ext_directive(struct lab_spec *s, char **tok, int n, char *why, size_t whylen);
/* After the last line: attribution references, org stage chains. */
bool spec_ext_validate(const struct lab_spec *s, char *why, size_t whylen);

/* Default month 0 of the calendar when a spec has no `study start=`: 2026-01. */
#define STUDY_DEFAULT_START (2026 * 12)
/* "YYYY-MM" of month index m of the spec's calendar (buf >= 8 bytes). */
void study_month_label(const struct lab_spec *s, int m, char *buf, size_t len);

#endif
