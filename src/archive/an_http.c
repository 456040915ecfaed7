/* an_http.c — HTTP(S) timing deltas (MPTCP - TCP) per trace class: medians and CDF points (Fig. 10). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive/analysis.h"

static const struct rec_field http_fields[] = {
    {"class", REC_STR, "trace class of the target (latest v1 trace of its address and port, else v0; untraced)"},
    {"scheme", REC_STR, "http or https"},
    {"metric", REC_STR, "connect_ms, tls_ms, ttfb_ms or total_ms"},
    {"targets", REC_NUM, "targets with successful MPTCP and TCP runs for this metric"},
    {"median_delta_ms", REC_NUM, "median over targets of (median MPTCP run - median TCP run)"},
    {"quantile", REC_NUM, "CDF point: 0, 0.05, ..., 1"},
    {"delta_ms", REC_NUM, "the delta at that quantile (linear interpolation between order statistics)"},
};
static const struct rec_schema http_schema = {"archive-http", http_fields, sizeof http_fields / sizeof http_fields[0]};

static const char *const metrics[4] = {"connect_ms", "tls_ms", "ttfb_ms", "total_ms"};

struct dvec {
    double *v;
    size_t n, cap;
};

static int push(struct dvec *d, double x)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 16;
        double *nv = realloc(d->v, cap * sizeof *nv);
        if (!nv)
            return -1;
        d->v = nv;
        d->cap = cap;
    }
    d->v[d->n++] = x;
    return 0;
}

static int cmp_d(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* Quantile q of sorted v (R type 7: linear between order statistics). */
static double quantile(const double *v, size_t n, double q)
{
    double h = (double)(n - 1) * q;
    size_t i = (size_t)floor(h);
    if (i + 1 >= n)
        return v[n - 1];
    return v[i] + (h - (double)i) * (v[i + 1] - v[i]);
}

struct cls_key {
    char cls[16], scheme[8];
    struct dvec d[4];
};

struct target {
    struct dvec runs[2][4];   /* [mptcp=0 / tcp=1][metric] */
    char cls[16], scheme[8];
};

static void target_reset(struct target *t)
{
    for (int i = 0; i < 2; i++)
        for (int m = 0; m < 4; m++)
            t->runs[i][m].n = 0;
}

static int flush_target(struct target *t, struct cls_key **keys, size_t *nk)
{
    struct cls_key *k = NULL;
    for (size_t i = 0; i < *nk; i++)
        if (!strcmp((*keys)[i].cls, t->cls) && !strcmp((*keys)[i].scheme, t->scheme))
            k = &(*keys)[i];
    for (int m = 0; m < 4; m++) {
        struct dvec *a = &t->runs[0][m], *b = &t->runs[1][m];
        if (!a->n || !b->n)
            continue;
        if (!k) {
            struct cls_key *nkp = realloc(*keys, (*nk + 1) * sizeof **keys);
            if (!nkp)
                return -1;
            *keys = nkp;
            k = &(*keys)[(*nk)++];
            memset(k, 0, sizeof *k);
            snprintf(k->cls, sizeof k->cls, "%s", t->cls);
            snprintf(k->scheme, sizeof k->scheme, "%s", t->scheme);
        }
        qsort(a->v, a->n, sizeof *a->v, cmp_d);
        qsort(b->v, b->n, sizeof *b->v, cmp_d);
        if (push(&k->d[m], quantile(a->v, a->n, 0.5) - quantile(b->v, b->n, 0.5)) < 0)
            return -1;
    }
    return 0;
}

static int cmp_key(const void *x, const void *y)
{
    const struct cls_key *a = x, *b = y;
    int c = strcmp(a->cls, b->cls);
    return c ? c : strcmp(a->scheme, b->scheme);
}

static int run_http(struct archive *a, const struct query_params *p, query_row_fn fn, void *user, char *err,
                    size_t errlen)
{
    sqlite3_stmt *st = query_prepare_months(
        a,
        "SELECT h.addr, h.port, h.scheme, h.transport, h.connect_ms, h.tls_ms, h.ttfb_ms, h.total_ms,"
        " coalesce((SELECT t.class FROM trace_rows t WHERE t.addr = h.addr AND t.port = h.port AND t.version = 1"
        "   AND t.month <= h.month ORDER BY t.month DESC, t.file_id DESC LIMIT 1),"
        "  (SELECT t.class FROM trace_rows t WHERE t.addr = h.addr AND t.port = h.port AND t.version = 0"
        "   AND t.month <= h.month ORDER BY t.month DESC, t.file_id DESC LIMIT 1), 'untraced')"
        " FROM http_rows h WHERE h.error IS NULL AND h.month BETWEEN ?1 AND ?2"
        " ORDER BY h.addr, h.port, h.scheme, h.month",
        p, err, errlen);
    if (!st)
        return -1;
    struct target t;
    memset(&t, 0, sizeof t);
    struct cls_key *keys = NULL;
    size_t nk = 0;
    uint8_t cur[16];
    int cur_len = -1, cur_port = -1, rc = 0, s;
    char cur_scheme[8] = "";
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        int alen = sqlite3_column_bytes(st, 0);
        const void *addr = sqlite3_column_blob(st, 0);
        int port = sqlite3_column_int(st, 1);
        const char *scheme = (const char *)sqlite3_column_text(st, 2);
        scheme = scheme ? scheme : "";
        if (cur_len < 0 || alen != cur_len || memcmp(addr, cur, (size_t)alen) || port != cur_port ||
            strcmp(scheme, cur_scheme)) {
            if (cur_len >= 0 && flush_target(&t, &keys, &nk) < 0) {
                rc = -1;
                break;
            }
            target_reset(&t);
            cur_len = alen > 16 ? 16 : alen;
            memcpy(cur, addr, (size_t)cur_len);
            cur_port = port;
            snprintf(cur_scheme, sizeof cur_scheme, "%s", scheme);
        }
        snprintf(t.scheme, sizeof t.scheme, "%s", scheme);
        snprintf(t.cls, sizeof t.cls, "%s", (const char *)sqlite3_column_text(st, 8));
        int tr = strcmp((const char *)sqlite3_column_text(st, 3), "mptcp") ? 1 : 0;
        for (int m = 0; m < 4; m++)
            if (sqlite3_column_type(st, 4 + m) != SQLITE_NULL && push(&t.runs[tr][m], sqlite3_column_double(st, 4 + m)) < 0)
                rc = -1;
    }
    if (rc == 0 && s != SQLITE_DONE) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(a->db));
        rc = -1;
    }
    sqlite3_finalize(st);
    if (rc == 0 && cur_len >= 0)
        rc = flush_target(&t, &keys, &nk);
    if (rc < 0 && !err[0])
        snprintf(err, errlen, "out of memory");
    if (nk) /* qsort(NULL, 0, ...) is undefined */
        qsort(keys, nk, sizeof *keys, cmp_key);
    for (size_t i = 0; rc == 0 && i < nk; i++)
        for (int m = 0; rc == 0 && m < 4; m++) {
            struct dvec *d = &keys[i].d[m];
            if (!d->n)
                continue;
            qsort(d->v, d->n, sizeof *d->v, cmp_d);
            double med = quantile(d->v, d->n, 0.5);
            for (int q = 0; rc == 0 && q <= 20; q++) {
                struct qval row[7] = {qv_text(keys[i].cls), qv_text(keys[i].scheme), qv_text(metrics[m]),
                                      qv_int((int64_t)d->n), qv_real(med), qv_real(q / 20.0),
                                      qv_real(quantile(d->v, d->n, q / 20.0))};
                rc = fn(user, row, 7);
            }
        }
    for (size_t i = 0; i < nk; i++)
        for (int m = 0; m < 4; m++)
            free(keys[i].d[m].v);
    free(keys);
    for (int i = 0; i < 2; i++)
        for (int m = 0; m < 4; m++)
            free(t.runs[i][m].v);
    return rc;
}

const struct query_def query_http = {
    "http", "HTTP(S) timing deltas MPTCP - TCP per trace class: medians and CDF points (Fig. 10)",
    "From http_rows without error: per target (address, port, scheme) and metric, delta = median of its MPTCP "
    "runs - median of its TCP runs; per trace class (latest v1 trace of that address and port, trace month <= "
    "the HTTP month, else the latest v0 trace, else untraced), scheme and metric: the number of targets, the "
    "median delta and the deltas at quantiles 0, 0.05, ..., 1 (linear interpolation, R type 7).",
    &http_schema, run_http};
