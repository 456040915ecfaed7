/* fig_org.c — Figs. 15-16: an organisation's hosts by MPTCP version per month and the month-over-month moves between versions. */
#include <stdio.h>

#include "report/figures.h"

int fig_draw_org_hosts(const struct figure *f, const struct rowset *rs, struct plot *p, struct strbuf *why)
{
    unsigned cm = rs_col(rs, "month");
    static const struct {
        const char *col, *name;
        int colour;
    } parts[] = {{"v0_only", "MPTCPv0 only", 1}, {"both", "v0 and v1", 3}, {"v1_only", "MPTCPv1 only", 2}};
    struct chart c;
    chart_init(&c, CX_CAT, "month", "hosts with verdict mptcp (addresses)");
    c.bars = CB_STACKED;
    for (unsigned i = 0; i < 3; i++) {
        size_t s = chart_series(&c, parts[i].name, SS_BOXES);
        c.s[s].colour = parts[i].colour;
    }
    for (size_t r = 0; r < rs->nrows; r++) {
        size_t k = fig_month_cat(&c, rs, r, cm);
        for (unsigned i = 0; i < 3; i++)
            chart_cat_point(&c, i, k, rs_num(rs, r, rs_col(rs, parts[i].col)));
    }
    double total = 0;
    for (size_t i = 0; i < c.n_series; i++)
        for (size_t k = 0; k < c.s[i].n; k++)
            total += c.s[i].y[k] > 0 ? c.s[i].y[k] : 0;
    int drawn = total > 0;
    if (drawn)
        fig_single(p, &c);
    else if (rs->nrows)
        sb_puts(why, "no host of these ASes has verdict mptcp in a month with both a v0 and a v1 scan");
    else
        sb_puts(why, "no month with both a v0 and a v1 scan");
    chart_free(&c);
    return drawn;
}

int fig_draw_org_changes(const struct figure *f, const struct rowset *rs, struct plot *p, struct strbuf *why)
{
    unsigned cm = rs_col(rs, "month");
    static const struct {
        const char *col, *name;
    } parts[] = {{"added", "added the other version"}, {"migrated", "migrated v0 -> v1"},
                 {"migrated_back", "migrated back v1 -> v0"}, {"dropped", "dropped one version"},
                 {"appeared", "appeared"}, {"vanished", "vanished"}};
    struct chart c;
    chart_init(&c, CX_CAT, "month (against the month before)", "hosts (addresses)");
    c.bars = CB_GROUPED;
    for (unsigned i = 0; i < 6; i++)
        chart_series(&c, parts[i].name, SS_BOXES);
    for (size_t r = 0; r < rs->nrows; r++) {
        size_t k = fig_month_cat(&c, rs, r, cm);
        for (unsigned i = 0; i < 6; i++)
            chart_cat_point(&c, i, k, rs_num(rs, r, rs_col(rs, parts[i].col)));
    }
    int drawn = chart_has_data(&c);
    if (drawn)
        fig_single(p, &c);
    else
        sb_puts(why, "fewer than two consecutive months with both a v0 and a v1 scan");
    chart_free(&c);
    return drawn;
}
