/* analysis.h — the archive's analyses as a C API: run query NAME with parameters, get typed rows through a callback (CLI and report share it). */
#ifndef ARCHIVE_ANALYSIS_H
#define ARCHIVE_ANALYSIS_H

/*
 *     struct query_params p;
 *     query_params_default(&p);
 *     p.from = p.to = month;                       // optional
 *     archive_query_run(&a, "monthly", &p, my_row, user, err, sizeof err);
 *
 * Each query has a record schema (field names, types, help text) so its
 * rows can go straight to an io/record writer (archive_query_write), which
 * is what `mpcensus archive query NAME --csv` does and what the report's CSV
 * per figure is. README "Analyses" gives each definition.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "archive/db.h"
#include "io/record.h"

enum qv_type { QV_NULL, QV_INT, QV_REAL, QV_TEXT };
struct qval {
    enum qv_type t;
    int64_t i;
    double d;
    const char *s;            /* valid during the callback only */
};

struct query_params {
    int from, to;             /* month range (year*12 + month-1); -1: open. */
    bool month_given;         /* --month / --from / --to given (tables default to the latest month) */
    const char *asn;          /* migration: "6185,714" */
    unsigned top;             /* top-as / countries: rows per month and version (default 10; 0 = all) */
    int version;              /* top-as / countries: only this probe version (0, 1); -1: both */
    int family;               /* top-as / countries: only this address family (4, 6); 0: both */
};
void query_params_default(struct query_params *p);

/* Returns 0 to go on, non-zero to stop (archive_query_run then returns it). */
typedef int (*query_row_fn)(void *user, const struct qval *row, unsigned n);

struct query_def {
    const char *name;
    const char *summary;              /* one line */
    const char *definition;           /* what is counted, for --help and README */
    const struct rec_schema *schema;
    int (*run)(struct archive *a, const struct query_params *p, query_row_fn fn, void *user, char *err,
               size_t errlen);
};

extern const struct query_def *const archive_queries[];   /* NULL-terminated, in README order */
const struct query_def *archive_query_find(const char *name);

/* Runs one query. 0 ok; -1 with err ("unknown query", a missing parameter,
 * a database error); or the callback's non-zero value. */
int archive_query_run(struct archive *a, const char *name, const struct query_params *p, query_row_fn fn, void *user,
                      char *err, size_t errlen);
/* Writes every row to w (opened with the query's schema). */
int archive_query_write(struct archive *a, const char *name, const struct query_params *p, struct rec_writer *w,
                        char *err, size_t errlen);

/* ---- for the query implementations (an_*.c) */

/* Runs SQL whose ?1 / ?2 are the month range (and ?3 an optional text; ?4 / ?5
 * p->version / p->family when the statement has them) and passes each row,
 * converted column by column, to fn. */
int query_sql_rows(struct archive *a, const char *sql, const struct query_params *p, const char *text3,
                   query_row_fn fn, void *user, char *err, size_t errlen);
/* The month range with open ends filled; tables (latest_default) use the
 * latest summarised month when no month was given. */
void query_month_range(struct archive *a, const struct query_params *p, bool latest_default, int *from, int *to);
/* Prepares sql with ?1 and ?2 bound to the month range of p (query_month_range, no latest default); NULL with the message in err. */
sqlite3_stmt *query_prepare_months(struct archive *a, const char *sql, const struct query_params *p, char *err,
                                   size_t errlen);

static inline struct qval qv_int(int64_t v) { return (struct qval){QV_INT, v, 0, NULL}; }
static inline struct qval qv_real(double v) { return (struct qval){QV_REAL, 0, v, NULL}; }
static inline struct qval qv_text(const char *s) { return (struct qval){s ? QV_TEXT : QV_NULL, 0, 0, s}; }
static inline struct qval qv_null(void) { return (struct qval){QV_NULL, 0, 0, NULL}; }

extern const struct query_def query_monthly, query_hamming, query_mirrored, query_ports, query_versions, query_trace,
    query_top_as, query_countries, query_migration, query_http, query_pcap, query_sources;

#endif
