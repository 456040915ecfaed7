/* spec_ext.c — parses the study directives (`as`, `as-set`, `geo`, `study`) and checks what needs the whole spec. */
#include "lab/spec_ext.h"

#include <stdio.h>
#include <string.h>

#include "cli/args.h"
#include "lab/org.h"

/* study months=N [start=YYYY-MM] */
static int directive_study(struct lab_spec *s, char **tok, int n, char *why, size_t whylen)
{
    if (n < 2)
        return snprintf(why, whylen, "usage: study months=N [start=YYYY-MM]"), -1;
    for (int i = 1; i < n; i++) {
        char reason[128];
        if (!strncmp(tok[i], "months=", 7)) {
            int64_t v;
            if (!args_parse_i64(tok[i] + 7, 1, 1200, &v, reason, sizeof reason))
                return snprintf(why, whylen, "bad months '%s': %s", tok[i] + 7, reason), -1;
            s->study_months = (int)v;
        } else if (!strncmp(tok[i], "start=", 6)) {
            if (!args_parse_month(tok[i] + 6, &s->study_start, reason, sizeof reason))
                return snprintf(why, whylen, "bad start '%s': %s", tok[i] + 6, reason), -1;
        } else {
            return snprintf(why, whylen, "unknown study key '%s' (months=N, start=YYYY-MM)", tok[i]), -1;
        }
    }
    return 1;
}

int spec_ext_directive(struct lab_spec *s, char **tok, int n, char *why, size_t whylen)
{
    if (!strcmp(tok[0], "study"))
        return directive_study(s, tok, n, why, whylen);
    return attr_directive(&s->attr, tok, n, why, whylen);
}

bool spec_ext_validate(const struct lab_spec *s, char *why, size_t whylen)
{
    return attr_validate(&s->attr, why, whylen) && org_validate(s, why, whylen);
}

void study_month_label(const struct lab_spec *s, int m, char *buf, size_t len)
{
    int abs = (s->study_start ? s->study_start : STUDY_DEFAULT_START) + m;
    snprintf(buf, len, "%04d-%02d", abs / 12, abs % 12 + 1);
}
