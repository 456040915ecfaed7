/* fig_geo.c — Fig. 9 (countries of truly-MPTCP hosts) and Tables I-III (top origin ASes) as an HTML table. */
#include <stdio.h>

#include "report/figures.h"
#include "report/html.h"

int fig_draw_countries(const struct figure *f, const struct rowset *rs, struct plot *p, struct strbuf *why)
{
    unsigned cv = rs_col(rs, "version"), cc = rs_col(rs, "country"), ch = rs_col(rs, "hosts");
    struct chart c;
    chart_init(&c, CX_CAT, "country (ISO 3166, of the address)", "truly-MPTCP hosts (addresses)");
    c.bars = CB_GROUPED;
    size_t s0 = chart_series(&c, "MPTCPv0", SS_BOXES), s1 = chart_series(&c, "MPTCPv1", SS_BOXES);
    c.s[s1].colour = 2;
    for (size_t r = 0; r < rs->nrows; r++) {
        const char *cc_text = rs_text(rs, r, cc);
        size_t k = chart_cat(&c, cc_text ? cc_text : "?");
        chart_cat_point(&c, rs_int(rs, r, cv, 0) == 1 ? s1 : s0, k, rs_num(rs, r, ch));
    }
    int drawn = chart_has_data(&c);
    if (drawn)
        fig_single(p, &c);
    else
        sb_puts(why, "no truly-MPTCP host with a country in this month (attribute the archive with --mmdb or --geo-csv)");
    chart_free(&c);
    return drawn;
}

int fig_table_top_as(const struct figure *f, const struct rowset *rs, struct strbuf *h, struct strbuf *why)
{
    if (!rs->nrows) {
        sb_puts(why, "no truly-MPTCP host with an origin AS here (attribute the archive with --pfx2as or --mmdb)");
        return 0;
    }
    unsigned cpos = rs_col(rs, "position"), casn = rs_col(rs, "asn"), cname = rs_col(rs, "as_name"),
             cown = rs_col(rs, "owner"), ccc = rs_col(rs, "country"), crank = rs_col(rs, "rank"),
             chosts = rs_col(rs, "hosts"), c80 = rs_col(rs, "port80"), c443 = rs_col(rs, "port443"),
             cbasis = rs_col(rs, "basis");
    sb_puts(h, "<table class=\"data\"><thead><tr><th>#</th><th>ASN</th><th>AS name</th><th>owner</th>"
               "<th>country</th><th>AS rank</th><th>hosts</th><th>port 80</th><th>port 443</th>"
               "<th>decided by</th></tr></thead>\n<tbody>\n");
    for (size_t r = 0; r < rs->nrows; r++) {
        sb_puts(h, "<tr><td class=\"num\">");
        html_count(h, rs_int(rs, r, cpos, 0));
        sb_puts(h, "</td><td class=\"num\">");
        sb_printf(h, "%lld", (long long)rs_int(rs, r, casn, 0));
        sb_puts(h, "</td><td>");
        html_text_or(h, rs_text(rs, r, cname), "");
        sb_puts(h, "</td><td>");
        html_text_or(h, rs_text(rs, r, cown), "");
        sb_puts(h, "</td><td>");
        html_text_or(h, rs_text(rs, r, ccc), "");
        sb_puts(h, "</td><td class=\"num\">");
        if (!rs_null(rs, r, crank))
            html_count(h, rs_int(rs, r, crank, 0));
        sb_puts(h, "</td><td class=\"num\">");
        html_count(h, rs_int(rs, r, chosts, 0));
        sb_puts(h, "</td><td class=\"num\">");
        html_count(h, rs_int(rs, r, c80, 0));
        sb_puts(h, "</td><td class=\"num\">");
        html_count(h, rs_int(rs, r, c443, 0));
        sb_puts(h, "</td><td>");
        html_text_or(h, rs_text(rs, r, cbasis), "");
        sb_puts(h, "</td></tr>\n");
    }
    sb_puts(h, "</tbody></table>\n");
    return (int)rs->nrows;
}
