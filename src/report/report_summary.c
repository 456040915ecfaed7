/* report_summary.c — the block at the top: the latest month's truly-MPTCP hosts per version x family x port, the change against three months before, the data sources with their dates. */
#include <stdio.h>
#include <string.h>

#include "cli/args.h"
#include "cli/args_time.h"
#include "report/escape.h"
#include "report/figures.h"
#include "report/html.h"
#include "report/report_build.h"

static int month_num(const char *t)
{
    int m;
    char why[64];
    return t && args_parse_month(t, &m, why, sizeof why) ? m : -1;
}

static void hosts_table(struct report *r, const struct rowset *rs, struct strbuf *h)
{
    int L = r->latest, B = r->latest - 3;
    char ml[16], mb[16];
    args_month_format(L, ml, sizeof ml);
    args_month_format(B, mb, sizeof mb);
    unsigned cm = rs_col(rs, "month"), cv = rs_col(rs, "version"), cf = rs_col(rs, "family"),
             cp = rs_col(rs, "port"), ct = rs_col(rs, "truly_mptcp"), ctr = rs_col(rs, "truly_traced");
    sb_printf(h, "<p>Latest month with a scan: <b>%s</b>, compared with <b>%s</b> (three months before). "
                 "Truly-MPTCP hosts: distinct addresses with an MP_CAPABLE answer whose latest trace of that "
                 "address, port and version (trace month up to the month) is class mptcp, or, untraced, whose "
                 "scan verdict is mptcp.</p>\n",
              ml, mb);
    sb_printf(h, "<table class=\"data\" id=\"summary-table\"><thead><tr><th>probe</th><th>family</th><th>port</th>"
                 "<th>truly-MPTCP hosts %s</th><th>of them decided by a trace</th><th>%s</th><th>change</th>"
                 "</tr></thead>\n<tbody>\n",
              ml, mb);
    unsigned shown = 0;
    for (size_t i = 0; i < rs->nrows; i++) {
        if (month_num(rs_text(rs, i, cm)) != L)
            continue;
        int v = (int)rs_int(rs, i, cv, -1), f = (int)rs_int(rs, i, cf, 4), port = (int)rs_int(rs, i, cp, 0);
        if (v < 0)
            continue;
        int64_t now = rs_int(rs, i, ct, 0), traced = rs_int(rs, i, ctr, 0);
        int64_t before = -1;
        for (size_t k = 0; k < rs->nrows; k++)
            if (month_num(rs_text(rs, k, cm)) == B && rs_int(rs, k, cv, -9) == v && rs_int(rs, k, cf, 0) == f &&
                rs_int(rs, k, cp, 0) == port)
                before = rs_int(rs, k, ct, 0);
        sb_printf(h, "<tr data-version=\"%d\" data-family=\"%d\" data-port=\"%d\"><td>%s</td><td>%s</td>"
                     "<td class=\"num\">%d</td><td class=\"num now\">",
                  v, f, port, fig_version_name(v), fig_family_name(f), port);
        html_count(h, now);
        sb_puts(h, "</td><td class=\"num traced\">");
        html_count(h, traced);
        sb_puts(h, "</td><td class=\"num before\">");
        if (before >= 0)
            html_count(h, before);
        else
            sb_puts(h, "no scan");
        if (before < 0) {
            sb_puts(h, "</td><td class=\"num change\">—");
        } else {
            int64_t d = now - before;
            sb_printf(h, "</td><td class=\"num change %s\">%s", d > 0 ? "up" : d < 0 ? "down" : "", d > 0 ? "+" : "");
            html_count(h, d);
            if (before > 0)
                sb_printf(h, " (%+.1f %%)", 100.0 * (double)d / (double)before);
            else if (now > 0)
                sb_puts(h, " (new)");
        }
        sb_puts(h, "</td></tr>\n");
        shown++;
    }
    if (!shown)
        sb_puts(h, "<tr><td colspan=\"7\">no MP_CAPABLE scan this month</td></tr>\n");
    sb_puts(h, "</tbody></table>\n");
}

struct kind_sum {
    const char *kind;
    unsigned files;
    int mlo, mhi;
    char dlo[16], dhi[16];
    long long rows, bad;
};

static void sources_table(const struct rowset *rs, struct strbuf *h)
{
    static const char *const kinds[] = {"scan", "trace", "http", "pcap"};
    struct kind_sum ks[4];
    memset(ks, 0, sizeof ks);
    for (int k = 0; k < 4; k++) {
        ks[k].kind = kinds[k];
        ks[k].mlo = ks[k].mhi = -1;
    }
    unsigned ck = rs_col(rs, "kind"), cn = rs_col(rs, "name"), cd = rs_col(rs, "date"), cm = rs_col(rs, "month"),
             cr = rs_col(rs, "rows"), cb = rs_col(rs, "bad_rows");
    sb_puts(h, "<h3>Data sources</h3>\n<table class=\"data\" id=\"sources-table\"><thead><tr><th>kind</th>"
               "<th>files</th><th>months</th><th>dates of the data</th><th>rows</th><th>bad rows</th></tr></thead>\n"
               "<tbody>\n");
    unsigned attr = 0;
    for (size_t i = 0; i < rs->nrows; i++) {
        const char *kind = rs_text(rs, i, ck), *date = rs_text(rs, i, cd);
        int k = -1;
        for (int j = 0; j < 4; j++)
            if (kind && !strcmp(kind, kinds[j]))
                k = j;
        if (k < 0) {
            attr++;
            continue;
        }
        struct kind_sum *s = &ks[k];
        s->files++;
        int m = month_num(rs_text(rs, i, cm));
        if (m >= 0 && (s->mlo < 0 || m < s->mlo))
            s->mlo = m;
        if (m > s->mhi)
            s->mhi = m;
        if (date && *date) {
            if (!s->dlo[0] || strcmp(date, s->dlo) < 0)
                snprintf(s->dlo, sizeof s->dlo, "%.10s", date);
            if (strcmp(date, s->dhi) > 0)
                snprintf(s->dhi, sizeof s->dhi, "%.10s", date);
        }
        s->rows += rs_int(rs, i, cr, 0);
        s->bad += rs_int(rs, i, cb, 0);
    }
    for (int k = 0; k < 4; k++) {
        struct kind_sum *s = &ks[k];
        if (!s->files)
            continue;
        char a[16], b[16];
        sb_printf(h, "<tr><td>%s</td><td class=\"num\">%u</td><td>", s->kind, s->files);
        if (s->mlo >= 0)
            sb_printf(h, "%s – %s", args_month_format(s->mlo, a, sizeof a), args_month_format(s->mhi, b, sizeof b));
        sb_puts(h, "</td><td>");
        esc_html(h, s->dlo);
        if (strcmp(s->dlo, s->dhi)) {
            sb_puts(h, " – ");
            esc_html(h, s->dhi);
        }
        sb_puts(h, "</td><td class=\"num\">");
        html_count(h, s->rows);
        sb_puts(h, "</td><td class=\"num\">");
        html_count(h, s->bad);
        sb_puts(h, "</td></tr>\n");
    }
    sb_puts(h, "</tbody></table>\n");
    if (!attr) {
        sb_puts(h, "<p>No attribution source loaded (run <code>mpcensus archive attribute</code>): Tables I–III and "
                   "Figs. 9, 15, 16 need one.</p>\n");
        return;
    }
    sb_puts(h, "<table class=\"data\" id=\"attribution-table\"><thead><tr><th>attribution source</th><th>file</th>"
               "<th>date of the data</th><th>entries</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < rs->nrows; i++) {
        const char *kind = rs_text(rs, i, ck);
        bool imported = false;
        for (int j = 0; j < 4; j++)
            imported = imported || (kind && !strcmp(kind, kinds[j]));
        if (imported)
            continue;
        sb_puts(h, "<tr><td>");
        html_text_or(h, kind, "?");
        sb_puts(h, "</td><td>");
        html_text_or(h, rs_text(rs, i, cn), "");
        sb_puts(h, "</td><td>");
        html_text_or(h, rs_text(rs, i, cd), "");
        sb_puts(h, "</td><td class=\"num\">");
        html_count(h, rs_int(rs, i, cr, 0));
        sb_puts(h, "</td></tr>\n");
    }
    sb_puts(h, "</tbody></table>\n");
}

int report_summary(struct report *r, struct strbuf *h, char *err, size_t errlen)
{
    sb_puts(h, "<section class=\"summary\" id=\"summary\">\n<h2>Summary</h2>\n");
    struct query_params p;
    query_params_default(&p);
    struct rowset rs;
    if (r->latest >= 0) {
        p.from = r->latest - 3;
        p.to = r->latest;
        p.month_given = true;
        if (report_query(r, "summary", "monthly", &p, &rs, err, errlen) < 0) {
            rowset_free(&rs);
            return -1;
        }
        hosts_table(r, &rs, h);
        rowset_free(&rs);
        sb_puts(h, "<p class=\"data\">Data: <a href=\"summary.csv\">summary.csv</a> · the same rows: <code>");
        report_query_command(r, "monthly", &p, h);
        sb_puts(h, "</code></p>\n");
    } else {
        sb_puts(h, "<p class=\"nodata\">No data: the archive has no scan in the months of the report.</p>\n");
    }
    query_params_default(&p);
    p.from = r->o->from; /* the files of the report's months, and every attribution source */
    p.to = r->o->to;
    if (report_query(r, "sources", "sources", &p, &rs, err, errlen) < 0) {
        rowset_free(&rs);
        return -1;
    }
    sources_table(&rs, h);
    rowset_free(&rs);
    sb_puts(h, "<p class=\"data\">Data: <a href=\"sources.csv\">sources.csv</a> · the same rows: <code>");
    report_query_command(r, "sources", &p, h);
    sb_puts(h, "</code></p>\n</section>\n");
    return 0;
}
