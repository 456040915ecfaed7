/* fig_overlap.c — Figs. 6-8 as stacked bars: trace categories, port overlap and version overlap of MPTCP hosts. */
#include <stdio.h>

#include "report/figures.h"

struct stack_part {
    const char *column, *name;
    int colour;
};

/* One stacked bar per row; the category label comes from label(). */
static int draw_stacked(const struct rowset *rs, const struct stack_part *parts, unsigned nparts, const char *xlabel,
                        const char *ylabel, void (*label)(const struct rowset *, size_t, char *, size_t),
                        struct plot *p)
{
    struct chart c;
    chart_init(&c, CX_CAT, xlabel, ylabel);
    c.bars = CB_STACKED;
    unsigned cols[8];
    for (unsigned i = 0; i < nparts; i++) {
        cols[i] = rs_col(rs, parts[i].column);
        size_t s = chart_series(&c, parts[i].name, SS_BOXES);
        c.s[s].colour = parts[i].colour;
    }
    for (size_t r = 0; r < rs->nrows; r++) {
        char cat[96];
        label(rs, r, cat, sizeof cat);
        size_t k = chart_cat(&c, cat);
        for (unsigned i = 0; i < nparts; i++)
            chart_cat_point(&c, i, k, rs_num(rs, r, cols[i]));
    }
    int drawn = chart_has_data(&c);
    if (drawn)
        fig_single(p, &c);
    chart_free(&c);
    return drawn;
}

static void label_vfp(const struct rowset *rs, size_t r, char *buf, size_t len)
{
    snprintf(buf, len, "v%lld %s :%lld", (long long)rs_int(rs, r, rs_col(rs, "version"), -1),
             fig_family_name((int)rs_int(rs, r, rs_col(rs, "family"), 4)),
             (long long)rs_int(rs, r, rs_col(rs, "port"), 0));
}

static void label_vf(const struct rowset *rs, size_t r, char *buf, size_t len)
{
    snprintf(buf, len, "%s %s", fig_version_name((int)rs_int(rs, r, rs_col(rs, "version"), -1)),
             fig_family_name((int)rs_int(rs, r, rs_col(rs, "family"), 4)));
}

static void label_fp(const struct rowset *rs, size_t r, char *buf, size_t len)
{
    snprintf(buf, len, "%s port %lld", fig_family_name((int)rs_int(rs, r, rs_col(rs, "family"), 4)),
             (long long)rs_int(rs, r, rs_col(rs, "port"), 0));
}

int fig_draw_trace(const struct figure *f, const struct rowset *rs, struct plot *p, struct strbuf *why)
{
    static const struct stack_part parts[] = {
        {"cat_i_mptcp", "I: MPTCP, clean path", 3},
        {"cat_ii_middlebox", "II: middlebox (stripped, rewritten, proxied)", 2},
        {"cat_iii_unreachable", "III: unreachable", 6},
        {"no_mptcp", "no MPTCP of its own (incl. mirrors)", 5},
    };
    int d = draw_stacked(rs, parts, 4, "trace probe version, family and port", "traced targets", label_vfp, p);
    if (!d)
        sb_puts(why, "no trace results in the months of the report");
    return d;
}

int fig_draw_ports(const struct figure *f, const struct rowset *rs, struct plot *p, struct strbuf *why)
{
    static const struct stack_part parts[] = {
        {"only80", "port 80 only", 1},
        {"both", "ports 80 and 443", 3},
        {"only443", "port 443 only", 4},
    };
    int d = draw_stacked(rs, parts, 3, "probe version and family", "hosts with verdict mptcp (addresses)", label_vf, p);
    if (!d)
        sb_puts(why, "no host with verdict mptcp in this month");
    return d;
}

int fig_draw_versions(const struct figure *f, const struct rowset *rs, struct plot *p, struct strbuf *why)
{
    static const struct stack_part parts[] = {
        {"only_v0", "v0 probe only", 1},
        {"both", "both probes", 3},
        {"only_v1", "v1 probe only", 2},
    };
    int d = draw_stacked(rs, parts, 3, "family and port", "hosts with verdict mptcp (addresses)", label_fp, p);
    if (!d)
        sb_puts(why, "no host with verdict mptcp in this month");
    return d;
}
