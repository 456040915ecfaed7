/* fig_monthly.c — Figs. 2 and 3: hosts with verdict mptcp and consistent hosts per month, one line per version x family x port. */
#include <stdio.h>

#include "report/figures.h"

static int draw_monthly_column(const struct rowset *rs, const char *column, struct plot *p, struct strbuf *why,
                               const char *ylabel)
{
    unsigned cm = rs_col(rs, "month"), cv = rs_col(rs, "version"), cf = rs_col(rs, "family"),
             cp = rs_col(rs, "port"), cy = rs_col(rs, column);
    struct chart c;
    chart_init(&c, CX_CAT, "month", ylabel);
    c.logy_auto = true;
    fig_month_cats(&c, rs, cm);
    for (size_t r = 0; r < rs->nrows; r++) {
        int v = (int)rs_int(rs, r, cv, -1);
        if (v < 0)
            continue; /* plain-SYN scans have no MP_CAPABLE verdicts */
        char name[96];
        snprintf(name, sizeof name, "%s %s port %lld", fig_version_name(v),
                 fig_family_name((int)rs_int(rs, r, cf, 4)), (long long)rs_int(rs, r, cp, 0));
        size_t s = chart_series(&c, name, SS_LINESPOINTS);
        chart_cat_point(&c, s, fig_month_cat(&c, rs, r, cm), rs_num(rs, r, cy));
    }
    int drawn = chart_has_data(&c);
    if (drawn)
        fig_single(p, &c);
    chart_free(&c);
    return drawn;
}

int fig_draw_unique(const struct figure *f, const struct rowset *rs, struct plot *p, struct strbuf *why)
{
    int d = draw_monthly_column(rs, "mptcp", p, why, "hosts with verdict mptcp (addresses)");
    if (!d)
        sb_puts(why, "no MP_CAPABLE (v0 or v1) scan in the months of the report");
    return d;
}

int fig_draw_consistent(const struct figure *f, const struct rowset *rs, struct plot *p, struct strbuf *why)
{
    int d = draw_monthly_column(rs, "consistent", p, why, "consistent hosts (addresses)");
    if (!d)
        sb_puts(why, "no version/family/port was scanned in three consecutive months, so no host can be consistent yet");
    return d;
}
