/* fig_common.c — what the figure files share: version/family names, month categories with gaps kept, single and multi-panel layout. */
#include <stdio.h>

#include "cli/args.h"
#include "cli/args_time.h"
#include "report/figures.h"

const char *fig_version_name(int version)
{
    return version == 0 ? "MPTCPv0" : version == 1 ? "MPTCPv1" : "plain SYN";
}

const char *fig_family_name(int family) { return family == 6 ? "IPv6" : "IPv4"; }

static int month_of(const struct rowset *rs, size_t row, unsigned col)
{
    const char *t = rs_text(rs, row, col);
    int m;
    char why[64];
    return t && args_parse_month(t, &m, why, sizeof why) ? m : -1;
}

void fig_month_cats(struct chart *c, const struct rowset *rs, unsigned col)
{
    int lo = -1, hi = -1;
    for (size_t r = 0; r < rs->nrows; r++) {
        int m = month_of(rs, r, col);
        if (m < 0)
            continue;
        if (lo < 0 || m < lo)
            lo = m;
        if (m > hi)
            hi = m;
    }
    for (int m = lo; lo >= 0 && m <= hi; m++) {
        char t[16];
        chart_cat(c, args_month_format(m, t, sizeof t));
    }
}

size_t fig_month_cat(struct chart *c, const struct rowset *rs, size_t row, unsigned col)
{
    const char *t = rs_text(rs, row, col);
    return chart_cat(c, t ? t : "?");
}

void fig_single(struct plot *p, const struct chart *c) { chart_emit(p, c, 0); }

void fig_panels(struct plot *p, struct chart *panels, unsigned n, unsigned cols)
{
    if (n == 1) {
        chart_emit(p, &panels[0], 0);
        return;
    }
    unsigned rows = (n + cols - 1) / cols;
    plot_cmd(p, "set multiplot layout %u,%u", rows, cols);
    for (unsigned i = 0; i < n; i++)
        chart_emit(p, &panels[i], i);
    plot_cmd(p, "unset multiplot");
}
