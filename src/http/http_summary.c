/* http_summary.c — keeps each run's four times per transport, pairs MPTCP with TCP by run, and writes medians, deltas and CDF points. */
#include "http/http_summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "http/http_output.h"

static const char *const metric_names[M_COUNT] = {"connect", "tls", "ttfb", "total"};

const char *http_metric_name(enum http_metric m)
{
    return (unsigned)m < M_COUNT ? metric_names[m] : "?";
}

enum { S_TARGET, S_PORT, S_SCHEME, S_LABEL, S_METRIC, S_RUNS, S_MPTCP_MS, S_TCP_MS, S_DELTA_MS, S_DELTA_P25, S_DELTA_P75,
       S_MPTCP_ACTIVE, S_FALLBACK, S_ERRORS, S_COUNT };

static const struct rec_field summary_fields[S_COUNT] = {
    [S_TARGET] = {"target", REC_STR, "server address"},
    [S_PORT] = {"port", REC_NUM, "server port"},
    [S_SCHEME] = {"scheme", REC_STR, "http or https"},
    [S_LABEL] = {"label", REC_STR, "class or verdict of the input row"},
    [S_METRIC] = {"metric", REC_STR, "connect, tls, ttfb or total (as the http record's *_ms fields)"},
    [S_RUNS] = {"runs", REC_NUM, "runs in which both the mptcp and the tcp transfer succeeded"},
    [S_MPTCP_MS] = {"mptcp_ms", REC_NUM, "median over those runs, mptcp transfers"},
    [S_TCP_MS] = {"tcp_ms", REC_NUM, "median over those runs, tcp transfers"},
    [S_DELTA_MS] = {"delta_ms", REC_NUM, "median of the per-run differences mptcp - tcp"},
    [S_DELTA_P25] = {"delta_p25_ms", REC_NUM, "25th percentile of the per-run differences"},
    [S_DELTA_P75] = {"delta_p75_ms", REC_NUM, "75th percentile of the per-run differences"},
    [S_MPTCP_ACTIVE] = {"mptcp_active", REC_NUM, "mptcp transfers that stayed MPTCP"},
    [S_FALLBACK] = {"fallback", REC_NUM, "mptcp transfers that fell back to TCP"},
    [S_ERRORS] = {"errors", REC_NUM, "runs with an error on either transport"},
};
const struct rec_schema http_summary_schema = {"http-summary", summary_fields, S_COUNT};

enum { C_METRIC, C_LABEL, C_TARGETS, C_DELTA_MS, C_FRACTION, C_TARGET, C_PORT, C_COUNT };
static const struct rec_field cdf_fields[C_COUNT] = {
    [C_METRIC] = {"metric", REC_STR, "connect, tls, ttfb or total"},
    [C_LABEL] = {"label", REC_STR, "the targets' label; * = every target"},
    [C_TARGETS] = {"targets", REC_NUM, "targets in this curve"},
    [C_DELTA_MS] = {"delta_ms", REC_NUM, "a target's median mptcp - tcp difference (x of the CDF)"},
    [C_FRACTION] = {"fraction", REC_NUM, "share of the curve's targets with a median difference <= delta_ms (y)"},
    [C_TARGET] = {"target", REC_STR, "the target of this point"},
    [C_PORT] = {"port", REC_NUM, "its port"},
};
const struct rec_schema http_cdf_schema = {"http-cdf", cdf_fields, C_COUNT};

/* one transfer */
struct sample {
    float m[M_COUNT];     /* NaN: absent */
    uint8_t present, ok, active, fallback;
};

struct http_summary {
    size_t n_targets;
    unsigned runs;
    struct sample *s;     /* [target][run][transport 0 mptcp, 1 tcp] */
    double *scratch, *scratch2;
};

struct http_summary *http_summary_new(size_t n_targets, unsigned runs)
{
    struct http_summary *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->n_targets = n_targets;
    s->runs = runs;
    s->s = calloc(n_targets * runs * 2 + 1, sizeof *s->s);
    size_t scratch = (n_targets > runs ? n_targets : runs) + 1;
    s->scratch = malloc(scratch * sizeof *s->scratch);
    s->scratch2 = malloc(scratch * sizeof *s->scratch2);
    if (!s->s || !s->scratch || !s->scratch2) {
        http_summary_free(s);
        return NULL;
    }
    return s;
}

void http_summary_free(struct http_summary *s)
{
    if (!s)
        return;
    free(s->s);
    free(s->scratch);
    free(s->scratch2);
    free(s);
}

static struct sample *at(struct http_summary *s, size_t t, unsigned run, int tr)
{
    return &s->s[(t * s->runs + run) * 2 + (size_t)tr];
}

void http_summary_add(struct http_summary *s, size_t target, unsigned run, const struct http_result *r)
{
    if (!s || target >= s->n_targets || run == 0 || run > s->runs)
        return;
    struct sample *x = at(s, target, run - 1, r->req->mptcp ? 0 : 1);
    x->present = 1;
    x->ok = r->error == HTTP_OK;
    x->active = http_result_mptcp_active(r);
    x->fallback = http_result_fallback(r);
    x->m[M_CONNECT] = (float)r->connect_ms;
    x->m[M_TLS] = r->req->tls && !isnan(r->appconnect_ms) && !isnan(r->connect_ms)
                      ? (float)(r->appconnect_ms - r->connect_ms) : NAN;
    x->m[M_TTFB] = (float)r->starttransfer_ms;
    x->m[M_TOTAL] = (float)r->total_ms;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double http_quantile(double *v, size_t n, double q)
{
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    double pos = q * (double)(n - 1);
    size_t lo = (size_t)floor(pos);
    if (lo + 1 >= n)
        return v[n - 1];
    double frac = pos - (double)lo;
    return v[lo] + (v[lo + 1] - v[lo]) * frac;
}

struct target_stats {
    size_t pairs;
    double mptcp_med, tcp_med, delta_med, delta_p25, delta_p75;
    unsigned active, fallback, errors, mptcp_runs;
};

/* Pairs run by run: both transfers present, both without error, metric on both sides. */
static void stats_of(struct http_summary *s, size_t t, enum http_metric m, struct target_stats *st)
{
    memset(st, 0, sizeof *st);
    size_t n = 0;
    double *d = s->scratch, *mp = s->scratch2;
    for (unsigned r = 0; r < s->runs; r++) {
        const struct sample *a = at(s, t, r, 0), *b = at(s, t, r, 1);
        if (a->present) {
            st->mptcp_runs++;
            st->active += a->active;
            st->fallback += a->fallback;
        }
        if ((a->present && !a->ok) || (b->present && !b->ok))
            st->errors++;
        if (!a->present || !b->present || !a->ok || !b->ok || isnan(a->m[m]) || isnan(b->m[m]))
            continue;
        d[n] = (double)a->m[m] - (double)b->m[m];
        mp[n] = a->m[m];
        n++;
    }
    st->pairs = n;
    if (!n) {
        st->mptcp_med = st->tcp_med = st->delta_med = st->delta_p25 = st->delta_p75 = NAN;
        return;
    }
    st->mptcp_med = http_quantile(mp, n, 0.5);
    n = 0;
    for (unsigned r = 0; r < s->runs; r++) {
        const struct sample *a = at(s, t, r, 0), *b = at(s, t, r, 1);
        if (a->present && b->present && a->ok && b->ok && !isnan(a->m[m]) && !isnan(b->m[m]))
            mp[n++] = b->m[m];
    }
    st->tcp_med = http_quantile(mp, n, 0.5);
    st->delta_p25 = http_quantile(d, n, 0.25);   /* sorts d once; the next two reuse the order */
    st->delta_med = http_quantile(d, n, 0.5);
    st->delta_p75 = http_quantile(d, n, 0.75);
}

static bool metric_applies(const struct http_target *t, enum http_metric m)
{
    return m != M_TLS || t->tls;
}

static void set_num(struct rec_writer *w, unsigned f, double v)
{
    if (isnan(v))
        rec_set_null(w, f);
    else
        rec_set_double(w, f, v, 3);
}

int http_summary_write(struct http_summary *s, const struct http_targets *tl, struct rec_writer *w)
{
    char a[IP_ADDR_STRLEN];
    for (size_t t = 0; t < tl->n && t < s->n_targets; t++) {
        const struct http_target *tg = &tl->t[t];
        for (int m = 0; m < M_COUNT; m++) {
            if (!metric_applies(tg, (enum http_metric)m))
                continue;
            struct target_stats st;
            stats_of(s, t, (enum http_metric)m, &st);
            rec_set_str(w, S_TARGET, ip_addr_format(&tg->addr, a, sizeof a));
            rec_set_u64(w, S_PORT, tg->port);
            rec_set_str(w, S_SCHEME, tg->tls ? "https" : "http");
            rec_set_str(w, S_LABEL, tg->label);
            rec_set_str(w, S_METRIC, metric_names[m]);
            rec_set_u64(w, S_RUNS, st.pairs);
            set_num(w, S_MPTCP_MS, st.mptcp_med);
            set_num(w, S_TCP_MS, st.tcp_med);
            set_num(w, S_DELTA_MS, st.delta_med);
            set_num(w, S_DELTA_P25, st.delta_p25);
            set_num(w, S_DELTA_P75, st.delta_p75);
            rec_set_u64(w, S_MPTCP_ACTIVE, st.active);
            rec_set_u64(w, S_FALLBACK, st.fallback);
            rec_set_u64(w, S_ERRORS, st.errors);
            if (rec_emit(w) < 0)
                return -1;
        }
    }
    return 0;
}

/* The distinct labels of the targets, in first-seen order ("" stands for none). */
static size_t labels_of(const struct http_targets *tl, const char **out, size_t max)
{
    size_t n = 0;
    for (size_t t = 0; t < tl->n; t++) {
        const char *l = tl->t[t].label ? tl->t[t].label : "";
        size_t i = 0;
        while (i < n && strcmp(out[i], l))
            i++;
        if (i == n && n < max)
            out[n++] = l;
    }
    return n;
}

struct point {
    double delta;
    size_t target;
};

static int cmp_point(const void *a, const void *b)
{
    const struct point *x = a, *y = b;
    return x->delta < y->delta ? -1 : x->delta > y->delta ? 1 : (x->target > y->target) - (x->target < y->target);
}

/* Per-target median deltas of metric m for targets whose label is `label` (NULL: all). */
static size_t curve(struct http_summary *s, const struct http_targets *tl, enum http_metric m, const char *label,
                    struct point *pts)
{
    size_t n = 0;
    for (size_t t = 0; t < tl->n && t < s->n_targets; t++) {
        const struct http_target *tg = &tl->t[t];
        if (!metric_applies(tg, m) || (label && strcmp(label, tg->label ? tg->label : "")))
            continue;
        struct target_stats st;
        stats_of(s, t, m, &st);
        if (st.pairs)
            pts[n++] = (struct point){st.delta_med, t};
    }
    qsort(pts, n, sizeof *pts, cmp_point);
    return n;
}

#define MAX_LABELS 64

int http_summary_write_cdf(struct http_summary *s, const struct http_targets *tl, struct rec_writer *w)
{
    struct point *pts = malloc((tl->n + 1) * sizeof *pts);
    if (!pts)
        return -1;
    const char *labels[MAX_LABELS];
    size_t nl = labels_of(tl, labels, MAX_LABELS);
    char a[IP_ADDR_STRLEN];
    int rc = 0;
    for (int m = 0; m < M_COUNT && rc == 0; m++)
        for (size_t g = 0; g <= nl && rc == 0; g++) {
            const char *label = g == 0 ? NULL : labels[g - 1];
            if (g > 0 && nl == 1)
                break;   /* one label only: the * curve is the same */
            size_t n = curve(s, tl, (enum http_metric)m, label, pts);
            for (size_t i = 0; i < n && rc == 0; i++) {
                rec_set_str(w, C_METRIC, metric_names[m]);
                rec_set_str(w, C_LABEL, label ? (*label ? label : NULL) : "*");
                rec_set_u64(w, C_TARGETS, n);
                rec_set_double(w, C_DELTA_MS, pts[i].delta, 3);
                rec_set_double(w, C_FRACTION, (double)(i + 1) / (double)n, 6);
                rec_set_str(w, C_TARGET, ip_addr_format(&tl->t[pts[i].target].addr, a, sizeof a));
                rec_set_u64(w, C_PORT, tl->t[pts[i].target].port);
                rc = rec_emit(w);
            }
        }
    free(pts);
    return rc;
}

void http_summary_print(struct http_summary *s, const struct http_targets *tl, FILE *out)
{
    struct point *pts = malloc((tl->n + 1) * sizeof *pts);
    double *v = malloc((tl->n + 1) * sizeof *v);
    if (!pts || !v) {
        free(pts);
        free(v);
        return;
    }
    const char *labels[MAX_LABELS];
    size_t nl = labels_of(tl, labels, MAX_LABELS);
    fprintf(out, "%-16s %7s %8s %9s | median over targets of the per-target median mptcp - tcp (ms)\n", "label",
            "targets", "mptcp-on", "fallback");
    fprintf(out, "%-16s %7s %8s %9s | %9s %9s %9s %9s\n", "", "", "(runs)", "(runs)", "connect", "tls", "ttfb", "total");
    for (size_t g = 0; g <= nl; g++) {
        const char *label = g == 0 ? NULL : labels[g - 1];
        if (g > 0 && nl == 1)
            break;
        size_t targets = 0;
        unsigned long active = 0, fallback = 0, mruns = 0;
        for (size_t t = 0; t < tl->n && t < s->n_targets; t++) {
            if (label && strcmp(label, tl->t[t].label ? tl->t[t].label : ""))
                continue;
            targets++;
            struct target_stats st;
            stats_of(s, t, M_TOTAL, &st);
            active += st.active;
            fallback += st.fallback;
            mruns += st.mptcp_runs;
        }
        char shares[2][16];
        snprintf(shares[0], sizeof shares[0], "%lu/%lu", active, mruns);
        snprintf(shares[1], sizeof shares[1], "%lu/%lu", fallback, mruns);
        fprintf(out, "%-16s %7zu %8s %9s |", label ? (*label ? label : "(none)") : "*", targets, shares[0], shares[1]);
        for (int m = 0; m < M_COUNT; m++) {
            size_t n = curve(s, tl, (enum http_metric)m, label, pts);
            for (size_t i = 0; i < n; i++)
                v[i] = pts[i].delta;
            double med = http_quantile(v, n, 0.5);
            if (isnan(med))
                fprintf(out, " %9s", "-");
            else
                fprintf(out, " %+9.3f", med);
        }
        fputc('\n', out);
    }
    free(pts);
    free(v);
}
