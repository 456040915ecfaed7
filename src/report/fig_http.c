/* fig_http.c — Fig. 10: CDFs of the per-target HTTP(S) delta (median MPTCP run - median TCP run), one panel per metric, one line per trace class and scheme. */
#include <stdio.h>
#include <string.h>

#include "report/figures.h"

static const char *const metrics[4] = {"connect_ms", "tls_ms", "ttfb_ms", "total_ms"};
static const char *const metric_names[4] = {"TCP connect", "TLS handshake", "time to first byte", "total transfer"};

int fig_draw_http(const struct figure *f, const struct rowset *rs, struct plot *p, struct strbuf *why)
{
    unsigned ccl = rs_col(rs, "class"), csch = rs_col(rs, "scheme"), cmet = rs_col(rs, "metric"),
             ctg = rs_col(rs, "targets"), cmed = rs_col(rs, "median_delta_ms"), cq = rs_col(rs, "quantile"),
             cd = rs_col(rs, "delta_ms");
    struct chart panels[4];
    int panel_of[4] = {-1, -1, -1, -1};
    unsigned n = 0;
    for (size_t r = 0; r < rs->nrows; r++) {
        const char *m = rs_text(rs, r, cmet);
        int mi = -1;
        for (int k = 0; k < 4; k++)
            if (m && !strcmp(m, metrics[k]))
                mi = k;
        if (mi < 0)
            continue;
        if (panel_of[mi] < 0) {
            panel_of[mi] = (int)n;
            struct chart *c = &panels[n++];
            chart_init(c, CX_NUM, "delta = MPTCP - TCP (ms)", "share of targets (CDF)");
            c->key_below = true;
            chart_title(c, metric_names[mi]);
            chart_vline(c, 0, "no difference");
            c->vline_label_low = true;
        }
        struct chart *c = &panels[panel_of[mi]];
        char name[160];
        const char *cl = rs_text(rs, r, ccl), *sc = rs_text(rs, r, csch);
        snprintf(name, sizeof name, "%s, %s: %lld, median %+.1f ms", cl ? cl : "?", sc ? sc : "?",
                 (long long)rs_int(rs, r, ctg, 0), rs_num(rs, r, cmed));
        size_t before = c->n_series, s = chart_series(c, name, SS_LINES);
        if (c->n_series > before) {
            /* colour by trace class, dashes for https: the same class looks alike in every panel */
            static const char *const classes[] = {"mptcp", "middlebox", "no-mptcp", "unreachable", "untraced"};
            c->s[s].colour = 7;
            for (int k = 0; k < 5; k++)
                if (cl && !strcmp(cl, classes[k]))
                    c->s[s].colour = k == 0 ? 3 : k == 1 ? 2 : k == 2 ? 5 : k == 3 ? 6 : 1;
            c->s[s].dash = sc && !strcmp(sc, "https") ? 2 : 1;
        }
        chart_point(c, s, rs_num(rs, r, cd), rs_num(rs, r, cq));
    }
    /* panels in metric order */
    struct chart ordered[4];
    unsigned k = 0;
    for (int mi = 0; mi < 4; mi++)
        if (panel_of[mi] >= 0)
            ordered[k++] = panels[panel_of[mi]];
    int drawn = 0;
    for (unsigned i = 0; i < k; i++)
        drawn |= chart_has_data(&ordered[i]);
    if (drawn) {
        fig_panels(p, ordered, k, k > 1 ? 2 : 1);
    } else {
        sb_puts(why, "no target with both successful MPTCP and TCP runs (import `mpcensus http` results)");
    }
    for (unsigned i = 0; i < k; i++)
        chart_free(&ordered[i]);
    return drawn;
}
