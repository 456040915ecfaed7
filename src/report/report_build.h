/* report_build.h — building the report: one archive query per figure (its CSV written through io/record, its rows drawn), the summary, index.html. */
#ifndef REPORT_REPORT_BUILD_H
#define REPORT_REPORT_BUILD_H

#include <stdbool.h>
#include <stddef.h>

#include "archive/analysis.h"
#include "io/json.h"
#include "report/rowset.h"
#include "report/strbuf.h"

struct report_opts {
    const char *db;           /* the archive */
    const char *dir;          /* output directory (created when missing) */
    const char *title;
    const char *org_asn;      /* Figs. 15-16: "714,6185" */
    int from, to;             /* month range (year*12 + month-1); -1 open */
    bool quiet;               /* no status lines */
};

struct report_result {
    unsigned figures, tables, without_data;
    int latest;               /* latest scan month (-1 none) */
    char latest_text[16];     /* it as YYYY-MM, or "none" */
    double seconds;
};

/* 0, or -1 with err ("PATH: reason", the archive's or gnuplot's message). */
int report_build(const struct report_opts *o, struct report_result *res, char *err, size_t errlen);

/* ---- shared by report_build.c and report_summary.c */

struct report {
    const struct report_opts *o;
    struct archive a;
    int latest;               /* latest month with a scan in the range, -1 none */
    struct strbuf body;       /* sections after the summary */
    struct strbuf toc;
    struct json meta;         /* the JSON data island: figures, files, months */
};

/* Runs query with p: writes DIR/STEM.csv exactly as `archive query NAME --csv`
 * (archive_query_write) and collects the same rows into rs (initialised here). */
int report_query(struct report *r, const char *stem, const char *query, const struct query_params *p,
                 struct rowset *rs, char *err, size_t errlen);
/* The `mpcensus archive query ...` command that prints that CSV: as text, and HTML-escaped. */
void report_query_text(struct report *r, const char *query, const struct query_params *p, struct strbuf *out);
void report_query_command(struct report *r, const char *query, const struct query_params *p, struct strbuf *out);
/* The summary block (latest month's truly-MPTCP hosts, change against three months before, data sources). */
int report_summary(struct report *r, struct strbuf *out, char *err, size_t errlen);

#endif
