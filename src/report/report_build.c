/* report_build.c — runs every figure's query (CSV + rows), draws it with gnuplot or says why it cannot, and writes index.html with the summary, contents and data island. */
#include "report/report_build.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/args_time.h"
#include "io/outfile.h"
#include "report/escape.h"
#include "report/figures.h"
#include "report/html.h"
#include "report/plot.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int report_query(struct report *r, const char *stem, const char *query, const struct query_params *p,
                 struct rowset *rs, char *err, size_t errlen)
{
    const struct query_def *q = archive_query_find(query);
    if (!q) {
        snprintf(err, errlen, "unknown query %s", query);
        return -1;
    }
    rowset_init(rs, q->schema);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.csv", r->o->dir, stem);
    struct rec_opts ro = {.path = path, .format = REC_CSV};
    struct rec_writer *w = rec_open(q->schema, &ro, err, errlen);
    if (!w)
        return -1;
    char qerr[1024];
    int rc = archive_query_write(&r->a, query, p, w, qerr, sizeof qerr);
    char cerr[1024];
    int crc = rec_close(w, cerr, sizeof cerr);
    if (rc != 0) {
        snprintf(err, errlen, "query %s: %s", query, qerr);
        return -1;
    }
    if (crc < 0) {
        snprintf(err, errlen, "%s", cerr);
        return -1;
    }
    rc = archive_query_run(&r->a, query, p, rowset_collect, rs, qerr, sizeof qerr);
    if (rc != 0) {
        snprintf(err, errlen, "query %s: %s", query, rs->failed ? "out of memory" : qerr);
        return -1;
    }
    return 0;
}

/* The archive path as one shell word (single quotes when it has anything but [A-Za-z0-9_./+-]), so the shown command runs as is. */
static void shell_word(struct strbuf *b, const char *s)
{
    bool plain = *s != 0;
    for (const char *c = s; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || strchr("_./+-", *c)))
            plain = false;
    if (plain) {
        sb_puts(b, s);
        return;
    }
    sb_putc(b, '\'');
    for (const char *c = s; *c; c++) {
        if (*c == '\'')
            sb_puts(b, "'\\''");
        else
            sb_putc(b, *c);
    }
    sb_putc(b, '\'');
}

void report_query_text(struct report *r, const char *query, const struct query_params *p, struct strbuf *out)
{
    struct strbuf c;
    sb_init(&c);
    sb_printf(&c, "mpcensus archive query %s --db ", query);
    shell_word(&c, r->o->db);
    char a[16], b[16];
    if (p->from >= 0 && p->from == p->to)
        sb_printf(&c, " --month %s", args_month_format(p->from, a, sizeof a));
    else {
        if (p->from >= 0)
            sb_printf(&c, " --from %s", args_month_format(p->from, a, sizeof a));
        if (p->to >= 0)
            sb_printf(&c, " --to %s", args_month_format(p->to, b, sizeof b));
    }
    if (p->version >= 0)
        sb_printf(&c, " --version %d", p->version);
    if (p->family)
        sb_printf(&c, " --family %d", p->family);
    if (!strcmp(query, "top-as") || !strcmp(query, "countries"))
        sb_printf(&c, " --top %u", p->top);
    if (p->asn)
        sb_printf(&c, " --asn %s", p->asn);
    sb_puts(&c, " --csv");
    sb_puts(out, sb_str(&c));
    sb_free(&c);
}

void report_query_command(struct report *r, const char *query, const struct query_params *p, struct strbuf *out)
{
    struct strbuf c;
    sb_init(&c);
    report_query_text(r, query, p, &c);
    esc_html(out, sb_str(&c));
    sb_free(&c);
}

/* Latest month with a scan in the range (monthly rows), -1 none. */
static int latest_scan_month(struct report *r, char *err, size_t errlen)
{
    struct query_params p;
    query_params_default(&p);
    p.from = r->o->from;
    p.to = r->o->to;
    struct rowset rs;
    rowset_init(&rs, query_monthly.schema);
    if (archive_query_run(&r->a, "monthly", &p, rowset_collect, &rs, err, errlen) != 0) {
        rowset_free(&rs);
        return -2;
    }
    int latest = -1;
    unsigned cm = rs_col(&rs, "month");
    for (size_t i = 0; i < rs.nrows; i++) {
        int m;
        char why[64];
        const char *t = rs_text(&rs, i, cm);
        if (t && args_parse_month(t, &m, why, sizeof why) && m > latest)
            latest = m;
    }
    rowset_free(&rs);
    return latest;
}

/* FM_LATEST_ROWS: the latest month the query has rows for in the range. */
static int latest_rows_month(struct report *r, const char *query, const struct query_params *base, char *err,
                             size_t errlen)
{
    const struct query_def *q = archive_query_find(query);
    struct rowset rs;
    rowset_init(&rs, q->schema);
    if (archive_query_run(&r->a, query, base, rowset_collect, &rs, err, errlen) != 0) {
        rowset_free(&rs);
        return -2;
    }
    int latest = -1;
    int cm = rec_field_index(q->schema, "month");
    for (size_t i = 0; cm >= 0 && i < rs.nrows; i++) {
        int m;
        char why[64];
        const char *t = rs_text(&rs, i, (unsigned)cm);
        if (t && args_parse_month(t, &m, why, sizeof why) && m > latest)
            latest = m;
    }
    rowset_free(&rs);
    return latest;
}

static void remove_stale(const char *dir, const char *stem, const char *ext)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.%s", dir, stem, ext);
    unlink(path);
}

static void months_text(const struct query_params *p, struct strbuf *out)
{
    char a[16], b[16];
    if (p->from >= 0 && p->from == p->to)
        sb_printf(out, "Month: %s.", args_month_format(p->from, a, sizeof a));
    else if (p->from >= 0 && p->to >= 0)
        sb_printf(out, "Months: %s to %s.", args_month_format(p->from, a, sizeof a), args_month_format(p->to, b, sizeof b));
    else if (p->from >= 0)
        sb_printf(out, "Months: from %s.", args_month_format(p->from, a, sizeof a));
    else if (p->to >= 0)
        sb_printf(out, "Months: up to %s.", args_month_format(p->to, b, sizeof b));
    else
        sb_puts(out, "Months: all in the archive.");
}

/* One figure or table: query, CSV, drawing or the no-data line, its HTML section. */
static int do_figure(struct report *r, const struct figure *f, struct report_result *res, char *err, size_t errlen)
{
    struct query_params p;
    query_params_default(&p);
    p.from = r->o->from;
    p.to = r->o->to;
    p.month_given = true;
    p.version = f->version;
    p.family = f->family;
    if (f->top)
        p.top = f->top;
    if (f->org)
        p.asn = r->o->org_asn;
    if (f->months == FM_LATEST && r->latest >= 0)
        p.from = p.to = r->latest;
    if (f->months == FM_LATEST_ROWS) {
        int m = latest_rows_month(r, f->query, &p, err, errlen);
        if (m == -2)
            return -1;
        if (m >= 0)
            p.from = p.to = m;
    }
    struct rowset rs;
    if (report_query(r, f->stem, f->query, &p, &rs, err, errlen) < 0) {
        rowset_free(&rs);
        return -1;
    }

    struct strbuf why, *h = &r->body;
    sb_init(&why);
    bool is_table = f->table != NULL;
    sb_printf(h, "<section class=\"%s\" id=\"%s\">\n<h2>", is_table ? "table" : "figure", f->stem);
    esc_html(h, f->label);
    sb_puts(h, " — ");
    esc_html(h, f->title);
    sb_puts(h, "</h2>\n");
    sb_printf(&r->toc, "<a href=\"#%s\">", f->stem);
    esc_html(&r->toc, f->label);
    sb_puts(&r->toc, " — ");
    esc_html(&r->toc, f->title);
    sb_puts(&r->toc, "</a>\n");

    struct strbuf cap;
    sb_init(&cap);
    esc_html(&cap, f->caption);
    sb_putc(&cap, ' ');
    struct strbuf mt;
    sb_init(&mt);
    months_text(&p, &mt);
    if (p.asn)
        sb_printf(&mt, " ASes: %s.", p.asn);
    esc_html(&cap, sb_str(&mt));
    sb_free(&mt);

    int drawn = 0;
    if (is_table) {
        struct strbuf t;
        sb_init(&t);
        drawn = f->table(f, &rs, &t, &why) > 0;
        if (drawn) {
            sb_printf(h, "<p class=\"caption\">%s</p>\n", sb_str(&cap));
            sb_puts(h, sb_str(&t));
            res->tables++;
        }
        sb_free(&t);
    } else if (rs.nrows) {
        struct plot pl;
        char what[256];
        snprintf(what, sizeof what, "%s: %s (mpcensus report)", f->label, f->title);
        plot_init(&pl, f->width, f->height, what);
        drawn = f->draw(f, &rs, &pl, &why);
        if (drawn) {
            if (plot_render(&pl, r->o->dir, f->stem, err, errlen) < 0) {
                plot_free(&pl);
                sb_free(&cap);
                sb_free(&why);
                rowset_free(&rs);
                return -1;
            }
            sb_printf(h, "<figure><img src=\"%s.svg\" width=\"%u\" height=\"%u\" alt=\"", f->stem, f->width,
                      f->height);
            esc_html(h, f->label);
            sb_puts(h, ": ");
            esc_html(h, f->title);
            sb_printf(h, "\"><figcaption>%s</figcaption></figure>\n", sb_str(&cap));
            res->figures++;
        }
        plot_free(&pl);
    }
    if (!drawn) {
        if (!why.len)
            sb_puts(&why, "the archive has no rows for it in these months");
        sb_puts(h, "<p class=\"nodata\">No data: ");
        esc_html(h, sb_str(&why));
        sb_puts(h, ". ");
        esc_html(h, f->caption);
        sb_puts(h, " ");
        months_text(&p, h);
        sb_puts(h, "</p>\n");
        remove_stale(r->o->dir, f->stem, "svg");
        remove_stale(r->o->dir, f->stem, "gp");
        res->without_data++;
    }
    sb_printf(h, "<p class=\"data\">Data: <a href=\"%s.csv\">%s.csv</a> (%zu rows)", f->stem, f->stem, rs.nrows);
    if (drawn && !is_table)
        sb_printf(h, " · gnuplot script: <a href=\"%s.gp\">%s.gp</a>", f->stem, f->stem);
    sb_puts(h, " · the same rows: <code>");
    report_query_command(r, f->query, &p, h);
    sb_puts(h, "</code></p>\n</section>\n");

    struct json *j = &r->meta;
    char name[512];
    json_obj_begin(j, JSON_COMPACT);
    json_kv_str(j, "id", f->stem);
    json_kv_str(j, "label", f->label);
    json_kv_str(j, "title", f->title);
    json_kv_str(j, "query", f->query);
    snprintf(name, sizeof name, "%s.csv", f->stem);
    json_kv_str(j, "csv", name);
    snprintf(name, sizeof name, "%s.svg", f->stem);
    json_kv_str(j, "svg", drawn && !is_table ? name : NULL);
    json_kv_u64(j, "rows", rs.nrows);
    struct strbuf cmdline;
    sb_init(&cmdline);
    report_query_text(r, f->query, &p, &cmdline);
    json_kv_str(j, "command", sb_str(&cmdline));
    sb_free(&cmdline);
    json_kv_str(j, "no_data", drawn ? NULL : sb_str(&why));
    json_obj_end(j);
    sb_free(&cap);
    sb_free(&why);
    rowset_free(&rs);
    return 0;
}

static int write_index(struct report *r, struct strbuf *page, char *err, size_t errlen)
{
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/index.html", r->o->dir);
    snprintf(tmp, sizeof tmp, "%s/.index.html.%ld", r->o->dir, (long)getpid());
    if (page->failed) {
        snprintf(err, errlen, "%s: out of memory building the page", path);
        return -1;
    }
    struct outfile *f = outfile_open(tmp, err, errlen);
    if (!f)
        return -1;
    outfile_write(f, sb_str(page), page->len);
    if (outfile_close(f, err, errlen) < 0) {
        unlink(tmp);
        return -1;
    }
    /* a reader (or a browser reloading) never sees half a page */
    if (rename(tmp, path) < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

static int make_dir(const char *dir, char *err, size_t errlen)
{
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return 0;
        snprintf(err, errlen, "%s: not a directory", dir);
        return -1;
    }
    if (mkdir(dir, 0777) < 0) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return -1;
    }
    return 0;
}

int report_build(const struct report_opts *o, struct report_result *res, char *err, size_t errlen)
{
    double t0 = now_s(), last_status = t0;
    memset(res, 0, sizeof *res);
    res->latest = -1;
    snprintf(res->latest_text, sizeof res->latest_text, "none");
    if (make_dir(o->dir, err, errlen) < 0)
        return -1;
    struct report r;
    memset(&r, 0, sizeof r);
    r.o = o;
    struct archive_open_opts ao = {.readonly = true};
    if (archive_open(&r.a, o->db, &ao, err, errlen) < 0)
        return -1;
    int status = -1;
    sb_init(&r.body);
    sb_init(&r.toc);
    json_init(&r.meta);
    struct strbuf page, summary;
    sb_init(&page);
    sb_init(&summary);

    r.latest = latest_scan_month(&r, err, errlen);
    if (r.latest == -2)
        goto out;
    res->latest = r.latest;
    if (r.latest >= 0)
        args_month_format(r.latest, res->latest_text, sizeof res->latest_text);
    if (report_summary(&r, &summary, err, errlen) < 0)
        goto out;

    json_obj_begin(&r.meta, JSON_MULTILINE);
    json_kv_str(&r.meta, "tool", "mpcensus report");
    json_kv_str(&r.meta, "title", o->title);
    json_kv_str(&r.meta, "archive", o->db);
    char m[16];
    json_kv_str(&r.meta, "from", o->from >= 0 ? args_month_format(o->from, m, sizeof m) : NULL);
    json_kv_str(&r.meta, "to", o->to >= 0 ? args_month_format(o->to, m, sizeof m) : NULL);
    json_kv_str(&r.meta, "latest_month", r.latest >= 0 ? args_month_format(r.latest, m, sizeof m) : NULL);
    json_kv_str(&r.meta, "org_asn", o->org_asn);
    json_key(&r.meta, "figures");
    json_arr_begin(&r.meta, JSON_MULTILINE);
    for (unsigned i = 0; i < report_n_figures; i++) {
        if (do_figure(&r, &report_figures[i], res, err, errlen) < 0) {
            char tmp[1024];
            snprintf(tmp, sizeof tmp, "%s: %s", report_figures[i].stem, err);
            snprintf(err, errlen, "%s", tmp);
            goto out;
        }
        double t = now_s();
        if (!o->quiet && t - last_status >= 1.0) {
            fprintf(stderr, "mpcensus report: %u of %u figures and tables, %.1f s\n", i + 1, report_n_figures, t - t0);
            last_status = t;
        }
    }
    json_arr_end(&r.meta);
    json_obj_end(&r.meta);
    if (json_failed(&r.meta)) {
        snprintf(err, errlen, "out of memory building the data island");
        goto out;
    }

    html_page_begin(&page, o->title);
    sb_puts(&page, "<header>\n<h1>");
    esc_html(&page, o->title);
    sb_puts(&page, "</h1>\n<p class=\"meta\">From the archive <code>");
    esc_html(&page, o->db);
    sb_puts(&page, "</code>");
    if (o->from >= 0 || o->to >= 0) {
        struct query_params p;
        query_params_default(&p);
        p.from = o->from;
        p.to = o->to;
        struct strbuf t;
        sb_init(&t);
        months_text(&p, &t);
        sb_puts(&page, ". ");
        esc_html(&page, sb_str(&t));
        sb_free(&t);
    } else {
        sb_puts(&page, ", every month it holds.");
    }
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char when[64];
    strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
    sb_printf(&page, " Made by <code>mpcensus report</code> on %s. Every figure has its CSV (the archive query's "
                     "rows) and gnuplot script beside this page; nothing here is loaded from the network.</p>\n"
                     "</header>\n", when);
    sb_puts(&page, sb_str(&summary));
    sb_puts(&page, "<nav id=\"contents\">\n");
    sb_puts(&page, sb_str(&r.toc));
    sb_puts(&page, "</nav>\n");
    sb_puts(&page, sb_str(&r.body));
    html_page_end(&page, json_data(&r.meta), json_len(&r.meta));
    if (r.body.failed || r.toc.failed || summary.failed) {
        snprintf(err, errlen, "out of memory building the page");
        goto out;
    }
    if (write_index(&r, &page, err, errlen) < 0)
        goto out;
    status = 0;
out:
    res->seconds = now_s() - t0;
    sb_free(&page);
    sb_free(&summary);
    sb_free(&r.body);
    sb_free(&r.toc);
    json_free(&r.meta);
    archive_close(&r.a);
    return status;
}
