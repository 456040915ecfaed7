/* fig_pcap.c — Figs. 11-14 from the passive traces: MPTCP shares of flows and bytes, absolute volumes, concentration in the largest flows, EWMA. */
#include <stdio.h>

#include "report/figures.h"

struct line_def {
    const char *column, *name;
    double scale;           /* 100 for shares shown in % */
    enum series_style style;
    int colour;
};

static void add_lines(struct chart *c, const struct rowset *rs, const struct line_def *defs, unsigned n)
{
    unsigned ct = rs_col(rs, "first_ts");
    for (unsigned i = 0; i < n; i++) {
        size_t s = chart_series(c, defs[i].name, defs[i].style);
        c->s[s].colour = defs[i].colour;
        unsigned col = rs_col(rs, defs[i].column);
        for (size_t r = 0; r < rs->nrows; r++)
            chart_point(c, s, rs_num(rs, r, ct), rs_num(rs, r, col) * defs[i].scale);
    }
}

static int draw_lines(const struct rowset *rs, const struct line_def *defs, unsigned n, const char *ylabel, bool logy,
                      struct plot *p, struct strbuf *why)
{
    struct chart c;
    chart_init(&c, CX_TIME, "first packet of the trace (UTC)", ylabel);
    c.logy_auto = logy;
    add_lines(&c, rs, defs, n);
    int drawn = chart_has_data(&c);
    if (drawn)
        fig_single(p, &c);
    else
        sb_puts(why, "no passive trace in the months of the report (import `mpcensus pcap` JSON)");
    chart_free(&c);
    return drawn;
}

int fig_draw_pcap_shares(const struct figure *f, const struct rowset *rs, struct plot *p, struct strbuf *why)
{
    static const struct line_def d[] = {
        {"flow_share", "MPTCP share of TCP flows", 100, SS_LINESPOINTS, 1},
        {"byte_share", "MPTCP share of TCP bytes", 100, SS_LINESPOINTS, 2},
    };
    return draw_lines(rs, d, 2, "share (%)", false, p, why);
}

int fig_draw_pcap_volumes(const struct figure *f, const struct rowset *rs, struct plot *p, struct strbuf *why)
{
    static const struct line_def flows[] = {
        {"tcp_flows", "TCP flows", 1, SS_LINESPOINTS, 1},
        {"mptcp_flows", "MPTCP flows", 1, SS_LINESPOINTS, 2},
        {"mptcp_connections", "MPTCP connections", 1, SS_LINESPOINTS, 3},
    };
    static const struct line_def bytes[] = {
        {"tcp_bytes", "TCP bytes", 1e-6, SS_LINESPOINTS, 1},
        {"mptcp_bytes", "MPTCP bytes", 1e-6, SS_LINESPOINTS, 2},
    };
    struct chart c[2];
    chart_init(&c[0], CX_TIME, "first packet of the trace (UTC)", "flows, connections");
    chart_init(&c[1], CX_TIME, "first packet of the trace (UTC)", "IP bytes (MB, 10^6)");
    chart_title(&c[0], "flows");
    chart_title(&c[1], "bytes");
    for (int i = 0; i < 2; i++)
        c[i].logy_auto = true;
    add_lines(&c[0], rs, flows, 3);
    add_lines(&c[1], rs, bytes, 2);
    int drawn = chart_has_data(&c[0]) || chart_has_data(&c[1]);
    if (drawn)
        fig_panels(p, c, 2, 1);
    else
        sb_puts(why, "no passive trace in the months of the report (import `mpcensus pcap` JSON)");
    chart_free(&c[0]);
    chart_free(&c[1]);
    return drawn;
}

int fig_draw_pcap_concentration(const struct figure *f, const struct rowset *rs, struct plot *p, struct strbuf *why)
{
    static const struct line_def d[] = {
        {"top1_share", "largest MPTCP flow", 100, SS_LINESPOINTS, 1},
        {"top5_share", "5 largest MPTCP flows", 100, SS_LINESPOINTS, 2},
        {"top50pct_share", "largest 50 % of MPTCP flows", 100, SS_LINESPOINTS, 3},
    };
    return draw_lines(rs, d, 3, "share of MPTCP bytes (%)", false, p, why);
}

int fig_draw_pcap_ewma(const struct figure *f, const struct rowset *rs, struct plot *p, struct strbuf *why)
{
    static const struct line_def d[] = {
        {"flow_share", "flow share, per trace", 100, SS_POINTS, 1},
        {"ewma_flow_share", "flow share, EWMA (a = 0.2)", 100, SS_LINES, 1},
        {"byte_share", "byte share, per trace", 100, SS_POINTS, 2},
        {"ewma_byte_share", "byte share, EWMA (a = 0.2)", 100, SS_LINES, 2},
    };
    return draw_lines(rs, d, 4, "MPTCP share (%)", false, p, why);
}
