/* an_hamming.c — key Hamming-weight histograms against N(32, 16), a chi-square goodness of fit, the share at the sent key's weight. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "archive/analysis.h"
#include "cli/args_time.h"

static const struct rec_field hamming_fields[] = {
    {"month", REC_STR, "YYYY-MM"},
    {"version", REC_NUM, "MP_CAPABLE version probed"},
    {"port", REC_NUM, "TCP port"},
    {"weight", REC_NUM, "Hamming weight 0..64 of the SYN-ACK's key"},
    {"observed", REC_NUM, "replies with a full key of this weight (every verdict with a key)"},
    {"observed_mptcp", REC_NUM, "of those, verdict mptcp"},
    {"expected", REC_NUM, "total x P(weight) under N(32, 16), continuity-corrected (tails to 0 and 64)"},
    {"total", REC_NUM, "replies with a key in this month/version/port"},
    {"mean_weight", REC_NUM, "mean observed weight"},
    {"chi2", REC_NUM, "Pearson chi-square over bins pooled from the low end until each expects >= 5"},
    {"dof", REC_NUM, "pooled bins - 1"},
    {"p_value", REC_NUM, "P(chi2_dof >= chi2)"},
    {"sent_key_weight", REC_NUM, "weight of the static v0 key we sent (empty: v1, per-target keys or mixed)"},
    {"share_at_sent_weight", REC_NUM, "observed share at the sent key's weight"},
    {"expected_share_at_sent_weight", REC_NUM, "N(32, 16) share at that weight"},
};
static const struct rec_schema hamming_schema = {"archive-hamming", hamming_fields,
                                                 sizeof hamming_fields / sizeof hamming_fields[0]};

static double phi(double x) { return 0.5 * erfc(-x / sqrt(2.0)); }

/* P(weight = w) under N(32, 16) with continuity correction; the tails go to 0 and 64. */
static double p_weight(int w)
{
    double lo = w == 0 ? 0.0 : phi((w - 0.5 - 32.0) / 4.0);
    double hi = w == 64 ? 1.0 : phi((w + 0.5 - 32.0) / 4.0);
    return hi - lo;
}

/* Regularised upper incomplete gamma Q(a, x): series below a+1, Lentz's continued fraction above. */
static double gamma_q(double a, double x)
{
    if (x <= 0)
        return 1.0;
    double lead = exp(-x + a * log(x) - lgamma(a));
    if (x < a + 1.0) {
        double ap = a, del = 1.0 / a, sum = del;
        for (int n = 0; n < 10000; n++) {
            ap += 1.0;
            del *= x / ap;
            sum += del;
            if (fabs(del) < fabs(sum) * 1e-15)
                break;
        }
        return 1.0 - sum * lead;
    }
    const double tiny = 1e-300;
    double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
    for (int i = 1; i < 10000; i++) {
        double an = -i * (i - a);
        b += 2.0;
        d = an * d + b;
        if (fabs(d) < tiny)
            d = tiny;
        c = b + an / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) < 1e-15)
            break;
    }
    return lead * h;
}

struct group {
    int month, version, port;
    int64_t obs[65], obs_mp[65];
    bool used;
};

static int sent_weight(struct archive *a, int month, int version)
{
    if (version != 0)
        return -1;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(a->db,
                           "SELECT count(DISTINCT probe_key), min(probe_key), count(*) FILTER (WHERE probe_key IS NULL)"
                           " FROM files WHERE kind = 'scan' AND month = ?1 AND probe_version = 0",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int(st, 1, month);
    int w = -1;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1 && sqlite3_column_int(st, 2) == 0) {
        const char *k = (const char *)sqlite3_column_text(st, 1);
        w = 0;
        for (const char *p = k; p && *p; p++) {
            int v = *p >= '0' && *p <= '9' ? *p - '0' : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : 0;
            w += __builtin_popcount((unsigned)v);
        }
    }
    sqlite3_finalize(st);
    return w;
}

static int emit(struct archive *a, const struct group *g, query_row_fn fn, void *user)
{
    int64_t total = 0;
    double sum = 0;
    for (int w = 0; w <= 64; w++) {
        total += g->obs[w];
        sum += (double)w * (double)g->obs[w];
    }
    /* pooled chi-square: bins grow from weight 0 upwards until they expect >= 5; a short last bin joins the one before */
    double chi2 = 0, bo = 0, be = 0, po = 0, pe = 0;
    int bins = 0;
    bool have_prev = false;
    for (int w = 0; w <= 64; w++) {
        bo += (double)g->obs[w];
        be += (double)total * p_weight(w);
        if (be >= 5.0) {
            if (have_prev)
                chi2 += (po - pe) * (po - pe) / pe;
            po = bo;
            pe = be;
            have_prev = true;
            bins++;
            bo = be = 0;
        }
    }
    if (have_prev) {
        po += bo;
        pe += be;
        chi2 += (po - pe) * (po - pe) / pe;
    }
    int dof = bins - 1;
    int sw = sent_weight(a, g->month, g->version);
    char month[16];
    args_month_format(g->month, month, sizeof month);
    for (int w = 0; w <= 64; w++) {
        struct qval row[15];
        row[0] = qv_text(month);
        row[1] = qv_int(g->version);
        row[2] = qv_int(g->port);
        row[3] = qv_int(w);
        row[4] = qv_int(g->obs[w]);
        row[5] = qv_int(g->obs_mp[w]);
        row[6] = qv_real((double)total * p_weight(w));
        row[7] = qv_int(total);
        row[8] = total ? qv_real(sum / (double)total) : qv_null();
        row[9] = dof >= 1 ? qv_real(chi2) : qv_null();
        row[10] = dof >= 1 ? qv_int(dof) : qv_null();
        row[11] = dof >= 1 ? qv_real(gamma_q(dof / 2.0, chi2 / 2.0)) : qv_null();
        row[12] = sw >= 0 ? qv_int(sw) : qv_null();
        row[13] = sw >= 0 && total ? qv_real((double)g->obs[sw] / (double)total) : qv_null();
        row[14] = sw >= 0 ? qv_real(p_weight(sw)) : qv_null();
        int u = fn(user, row, 15);
        if (u)
            return u;
    }
    return 0;
}

static int run_hamming(struct archive *a, const struct query_params *p, query_row_fn fn, void *user, char *err,
                       size_t errlen)
{
    sqlite3_stmt *st = query_prepare_months(a,
                                  "SELECT month, version, port, weight, sum(n), coalesce(sum(n) FILTER (WHERE verdict = 0), 0)"
                                  " FROM key_weights WHERE month BETWEEN ?1 AND ?2 AND version >= 0"
                                  " GROUP BY month, version, port, weight ORDER BY month, version, port, weight",
                                  p, err, errlen);
    if (!st)
        return -1;
    struct group g;
    memset(&g, 0, sizeof g);
    int rc, u = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int m = sqlite3_column_int(st, 0), v = sqlite3_column_int(st, 1), port = sqlite3_column_int(st, 2);
        if (g.used && (g.month != m || g.version != v || g.port != port)) {
            if ((u = emit(a, &g, fn, user)))
                break;
            memset(&g, 0, sizeof g);
        }
        g.used = true;
        g.month = m;
        g.version = v;
        g.port = port;
        int w = sqlite3_column_int(st, 3);
        if (w >= 0 && w <= 64) {
            g.obs[w] = sqlite3_column_int64(st, 4);
            g.obs_mp[w] = sqlite3_column_int64(st, 5);
        }
    }
    if (!u && rc != SQLITE_DONE) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(a->db));
        sqlite3_finalize(st);
        return -1;
    }
    sqlite3_finalize(st);
    if (!u && g.used)
        u = emit(a, &g, fn, user);
    return u;
}

const struct query_def query_hamming = {
    "hamming", "Hamming weights of the SYN-ACK keys against N(32, 16), with a goodness-of-fit statistic",
    "From key_weights (filled at import): for each month, version and port, the number of replies with a full "
    "MP_CAPABLE key of each Hamming weight 0..64, the counts N(32, 16) expects (P(w) = Phi((w+0.5-32)/4) - "
    "Phi((w-0.5-32)/4), tails folded into 0 and 64), Pearson's chi-square over bins pooled from weight 0 upwards "
    "until each expects at least 5 (a short last bin joins the previous one), its degrees of freedom and "
    "p-value, and the observed share at the Hamming weight of the static key we sent (v0).",
    &hamming_schema, run_hamming};
