/* fig_keys.c — Fig. 4 (key Hamming weights against N(32, 16), the sent key's weight marked) and Fig. 5 (mirrored vs own keys). */
#include <math.h>
#include <stdio.h>

#include "report/figures.h"

#define MAX_PANELS 4

int fig_draw_hamming(const struct figure *f, const struct rowset *rs, struct plot *p, struct strbuf *why)
{
    unsigned cv = rs_col(rs, "version"), cp = rs_col(rs, "port"), cw = rs_col(rs, "weight"),
             co = rs_col(rs, "observed"), cm = rs_col(rs, "observed_mptcp"), ce = rs_col(rs, "expected"),
             ct = rs_col(rs, "total"), cmean = rs_col(rs, "mean_weight"), cchi = rs_col(rs, "chi2"),
             cdof = rs_col(rs, "dof"), cpv = rs_col(rs, "p_value"), csent = rs_col(rs, "sent_key_weight");
    struct chart panels[MAX_PANELS];
    int keys[MAX_PANELS];
    unsigned n = 0;
    for (size_t r = 0; r < rs->nrows; r++) {
        int key = (int)rs_int(rs, r, cv, -1) * 100000 + (int)rs_int(rs, r, cp, 0);
        unsigned k = 0;
        while (k < n && keys[k] != key)
            k++;
        if (k == n) {
            if (n == MAX_PANELS)
                continue; /* more than four version x port partitions: the CSV has them all */
            keys[n] = key;
            struct chart *c = &panels[n++];
            chart_init(c, CX_NUM, "Hamming weight of the SYN-ACK's 64-bit key", "replies");
            c->key_inside = true;
            c->fixed_x = true;
            c->xmin = 0;
            c->xmax = 64;
            char title[256];
            double pv = rs_num(rs, r, cpv);
            snprintf(title, sizeof title, "v%lld port %lld: %lld keys, mean %.1f, chi2(%lld) = %.0f, p = %.2g",
                     (long long)rs_int(rs, r, cv, -1), (long long)rs_int(rs, r, cp, 0),
                     (long long)rs_int(rs, r, ct, 0), rs_num(rs, r, cmean), (long long)rs_int(rs, r, cdof, 0),
                     rs_num(rs, r, cchi), isfinite(pv) ? pv : NAN);
            chart_title(c, title);
            chart_series(c, "all replies with a key", SS_BOXES);
            chart_series(c, "of them verdict mptcp", SS_BOXES);
            size_t e = chart_series(c, "expected under N(32, 16)", SS_LINES);
            c->s[e].colour = 7;
            c->s[1].colour = 3;
            if (!rs_null(rs, r, csent)) {
                char lab[64];
                snprintf(lab, sizeof lab, "sent key: weight %lld", (long long)rs_int(rs, r, csent, 0));
                chart_vline(c, rs_num(rs, r, csent), lab);
            }
        }
        struct chart *c = &panels[k];
        double w = rs_num(rs, r, cw);
        chart_point(c, 0, w, rs_num(rs, r, co));
        chart_point(c, 1, w, rs_num(rs, r, cm));
        chart_point(c, 2, w, rs_num(rs, r, ce));
    }
    int drawn = 0;
    for (unsigned k = 0; k < n; k++)
        drawn |= chart_has_data(&panels[k]);
    if (drawn) {
        fig_panels(p, panels, n, n > 1 ? 2 : 1);
    } else {
        sb_puts(why, "no SYN-ACK with a full 64-bit MP_CAPABLE key in this month");
    }
    for (unsigned k = 0; k < n; k++)
        chart_free(&panels[k]);
    return drawn;
}

int fig_draw_mirrored(const struct figure *f, const struct rowset *rs, struct plot *p, struct strbuf *why)
{
    unsigned cv = rs_col(rs, "version"), cf = rs_col(rs, "family"), cp = rs_col(rs, "port"),
             cmir = rs_col(rs, "mirrored"), cown = rs_col(rs, "own_key");
    struct chart c;
    chart_init(&c, CX_CAT, "probe version, family and port", "hosts (addresses)");
    c.bars = CB_GROUPED;
    size_t smir = chart_series(&c, "mirrored (our own option came back)", SS_BOXES);
    size_t sown = chart_series(&c, "own key (verdict mptcp)", SS_BOXES);
    c.s[smir].colour = 2;
    c.s[sown].colour = 1;
    for (size_t r = 0; r < rs->nrows; r++) {
        char cat[64];
        snprintf(cat, sizeof cat, "v%lld %s :%lld", (long long)rs_int(rs, r, cv, -1),
                 fig_family_name((int)rs_int(rs, r, cf, 4)), (long long)rs_int(rs, r, cp, 0));
        size_t k = chart_cat(&c, cat);
        chart_cat_point(&c, smir, k, rs_num(rs, r, cmir));
        chart_cat_point(&c, sown, k, rs_num(rs, r, cown));
    }
    int drawn = chart_has_data(&c);
    if (drawn)
        fig_single(p, &c);
    else
        sb_puts(why, "no MP_CAPABLE scan in this month");
    chart_free(&c);
    return drawn;
}
