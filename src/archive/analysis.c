/* analysis.c — the query registry, the SQL row runner, and the analyses that are one SQL statement over the summary tables. */
#include "archive/analysis.h"

#include <stdio.h>
#include <string.h>

void query_params_default(struct query_params *p)
{
    memset(p, 0, sizeof *p);
    p->from = p->to = -1;
    p->top = 10;
    p->version = -1;
    p->family = 0;
}

void query_month_range(struct archive *a, const struct query_params *p, bool latest_default, int *from, int *to)
{
    *from = p->from >= 0 ? p->from : 0;
    *to = p->to >= 0 ? p->to : 1 << 30;
    if (latest_default && !p->month_given) {
        int latest = (int)db_int(a, "SELECT max(month) FROM month_summary", -1);
        *from = *to = latest;
    }
}

sqlite3_stmt *query_prepare_months(struct archive *a, const char *sql, const struct query_params *p, char *err,
                                   size_t errlen)
{
    sqlite3_stmt *st = db_prepare(a, sql, err, errlen);
    if (!st)
        return NULL;
    int from, to;
    query_month_range(a, p, false, &from, &to);
    sqlite3_bind_int(st, 1, from);
    sqlite3_bind_int(st, 2, to);
    return st;
}

int query_sql_rows(struct archive *a, const char *sql, const struct query_params *p, const char *text3,
                   query_row_fn fn, void *user, char *err, size_t errlen)
{
    sqlite3_stmt *st = query_prepare_months(a, sql, p, err, errlen);
    if (!st)
        return -1;
    if (text3)
        sqlite3_bind_text(st, 3, text3, -1, SQLITE_STATIC);
    if (sqlite3_bind_parameter_count(st) >= 5) {
        sqlite3_bind_int(st, 4, p->version);
        sqlite3_bind_int(st, 5, p->family);
    }
    int n = sqlite3_column_count(st), rc;
    struct qval row[64];
    if (n > 64)
        n = 64;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < n; i++) {
            switch (sqlite3_column_type(st, i)) {
            case SQLITE_INTEGER: row[i] = qv_int(sqlite3_column_int64(st, i)); break;
            case SQLITE_FLOAT: row[i] = qv_real(sqlite3_column_double(st, i)); break;
            case SQLITE_NULL: row[i] = qv_null(); break;
            default: row[i] = qv_text((const char *)sqlite3_column_text(st, i)); break;
            }
        }
        int u = fn(user, row, (unsigned)n);
        if (u) {
            sqlite3_finalize(st);
            return u;
        }
    }
    if (rc != SQLITE_DONE) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(a->db));
        sqlite3_finalize(st);
        return -1;
    }
    sqlite3_finalize(st);
    return 0;
}

/* ---- monthly */

static const struct rec_field monthly_fields[] = {
    {"month", REC_STR, "YYYY-MM"},
    {"version", REC_NUM, "MP_CAPABLE version probed (0, 1; -1 a plain SYN)"},
    {"family", REC_NUM, "4 or 6"},
    {"port", REC_NUM, "TCP port probed"},
    {"responsive", REC_NUM, "hosts that answered with a SYN-ACK"},
    {"potential", REC_NUM, "hosts with any MP_CAPABLE answer (verdicts mptcp, mirrored, version-mismatch, malformed)"},
    {"mirrored", REC_NUM, "hosts with verdict mirrored (our option came back)"},
    {"mptcp", REC_NUM, "hosts with verdict mptcp (MP_CAPABLE of the probed version, key/option not ours)"},
    {"consistent", REC_NUM, "mptcp hosts present in each of the last three months (this and the two before); empty before three months exist"},
    {"truly_mptcp", REC_NUM, "hosts whose latest trace (month <= this) is class mptcp, else (untraced) verdict mptcp"},
    {"truly_traced", REC_NUM, "of truly_mptcp, how many were decided by a trace"},
    {"version_mismatch", REC_NUM, "hosts with verdict version-mismatch"},
    {"malformed", REC_NUM, "hosts with verdict malformed"},
    {"tcp", REC_NUM, "hosts with verdict tcp (SYN-ACK without MP_CAPABLE)"},
    {"closed", REC_NUM, "hosts with verdict closed (RST)"},
    {"unknown", REC_NUM, "responsive hosts whose verdict the input could not tell (plain ZMap CSV)"},
};
static const struct rec_schema monthly_schema = {"archive-monthly", monthly_fields,
                                                 sizeof monthly_fields / sizeof monthly_fields[0]};

static int run_monthly(struct archive *a, const struct query_params *p, query_row_fn fn, void *user, char *err,
                       size_t errlen)
{
    return query_sql_rows(a,
                          "SELECT month_text(month), version, family, port, responsive, potential, mirrored, mptcp,"
                          " consistent, truly_mptcp, truly_traced, version_mismatch, malformed, tcp, closed, unknown"
                          " FROM month_summary WHERE month BETWEEN ?1 AND ?2 ORDER BY month, version, family, port",
                          p, NULL, fn, user, err, errlen);
}

const struct query_def query_monthly = {
    "monthly", "unique, mirrored, MPTCP and consistent hosts per month x version x family x port",
    "One row per month, probe version, address family and port, from month_summary (refreshed at import). "
    "A host is an address; it counts once per column however many files or replies it has that month. "
    "consistent = hosts with verdict mptcp in this month and in each of the two months before (same version, "
    "family, port); empty while either of those months has no scan of that version/family/port.",
    &monthly_schema, run_monthly};

/* ---- mirrored */

static const struct rec_field mirrored_fields[] = {
    {"month", REC_STR, "YYYY-MM"},
    {"version", REC_NUM, "MP_CAPABLE version probed"},
    {"family", REC_NUM, "4 or 6"},
    {"port", REC_NUM, "TCP port"},
    {"potential", REC_NUM, "hosts with any MP_CAPABLE answer"},
    {"mirrored", REC_NUM, "hosts whose answer carried our own option / key"},
    {"own_key", REC_NUM, "hosts with verdict mptcp (their own key)"},
    {"mirrored_share", REC_NUM, "mirrored / potential"},
};
static const struct rec_schema mirrored_schema = {"archive-mirrored", mirrored_fields,
                                                  sizeof mirrored_fields / sizeof mirrored_fields[0]};

static int run_mirrored(struct archive *a, const struct query_params *p, query_row_fn fn, void *user, char *err,
                        size_t errlen)
{
    return query_sql_rows(a,
                          "SELECT month_text(month), version, family, port, potential, mirrored, mptcp,"
                          " CASE WHEN potential > 0 THEN round(1.0 * mirrored / potential, 6) END"
                          " FROM month_summary WHERE version >= 0 AND month BETWEEN ?1 AND ?2"
                          " ORDER BY month, version, family, port",
                          p, NULL, fn, user, err, errlen);
}

const struct query_def query_mirrored = {
    "mirrored", "mirrored vs own keys by month, version, port and family",
    "From month_summary: hosts whose MP_CAPABLE answer was our own option (mirrored: v0 our key, v1 our 4 bytes) "
    "against hosts answering with their own key (verdict mptcp), and the mirrored share of all MP_CAPABLE answers.",
    &mirrored_schema, run_mirrored};

/* ---- ports */

static const struct rec_field ports_fields[] = {
    {"month", REC_STR, "YYYY-MM"},
    {"version", REC_NUM, "MP_CAPABLE version probed"},
    {"family", REC_NUM, "4 or 6"},
    {"only80", REC_NUM, "hosts with verdict mptcp on port 80 and not on 443"},
    {"only443", REC_NUM, "hosts with verdict mptcp on port 443 and not on 80"},
    {"both", REC_NUM, "hosts with verdict mptcp on both ports"},
};
static const struct rec_schema ports_schema = {"archive-ports", ports_fields, sizeof ports_fields / sizeof ports_fields[0]};

static int run_ports(struct archive *a, const struct query_params *p, query_row_fn fn, void *user, char *err,
                     size_t errlen)
{
    return query_sql_rows(a,
                          "SELECT month_text(month), version, family, only80, only443, both FROM port_overlap"
                          " WHERE month BETWEEN ?1 AND ?2 ORDER BY month, version, family",
                          p, NULL, fn, user, err, errlen);
}

const struct query_def query_ports = {
    "ports", "port overlap of MPTCP hosts: 80-only / 443-only / both",
    "From port_overlap (refreshed at import): per month, version and family, the hosts with verdict mptcp on "
    "port 80 only, 443 only, or both, in that month's scans.",
    &ports_schema, run_ports};

/* ---- versions */

static const struct rec_field versions_fields[] = {
    {"month", REC_STR, "YYYY-MM"},
    {"family", REC_NUM, "4 or 6"},
    {"port", REC_NUM, "TCP port"},
    {"only_v0", REC_NUM, "hosts with verdict mptcp to the v0 probe and not to v1"},
    {"only_v1", REC_NUM, "hosts with verdict mptcp to the v1 probe and not to v0"},
    {"both", REC_NUM, "hosts with verdict mptcp to both probes"},
};
static const struct rec_schema versions_schema = {"archive-versions", versions_fields,
                                                  sizeof versions_fields / sizeof versions_fields[0]};

static int run_versions(struct archive *a, const struct query_params *p, query_row_fn fn, void *user, char *err,
                        size_t errlen)
{
    return query_sql_rows(a,
                          "SELECT month_text(month), family, port, only_v0, only_v1, both FROM version_overlap"
                          " WHERE month BETWEEN ?1 AND ?2 ORDER BY month, family, port",
                          p, NULL, fn, user, err, errlen);
}

const struct query_def query_versions = {
    "versions", "version overlap of MPTCP hosts: v0-only / v1-only / both",
    "From version_overlap (refreshed at import): per month, family and port, the hosts with verdict mptcp to "
    "the v0 probe only, the v1 probe only, or both.",
    &versions_schema, run_versions};

/* ---- trace */

static const struct rec_field trace_fields[] = {
    {"month", REC_STR, "YYYY-MM of the trace file"},
    {"version", REC_NUM, "MP_CAPABLE version of the trace probe"},
    {"family", REC_NUM, "4 or 6"},
    {"port", REC_NUM, "TCP port"},
    {"traced", REC_NUM, "targets traced"},
    {"cat_i_mptcp", REC_NUM, "category I: path clean, the host answered MP_CAPABLE itself (class mptcp)"},
    {"cat_ii_middlebox", REC_NUM, "category II: a hop stripped, rewrote or proxied (class middlebox)"},
    {"cat_iii_unreachable", REC_NUM, "category III: no SYN-ACK/RST (class unreachable)"},
    {"no_mptcp", REC_NUM, "reached over a clean path, no MP_CAPABLE of its own (class no-mptcp: incl. mirrors)"},
};
static const struct rec_schema trace_schema = {"archive-trace", trace_fields, sizeof trace_fields / sizeof trace_fields[0]};

static int run_trace(struct archive *a, const struct query_params *p, query_row_fn fn, void *user, char *err,
                     size_t errlen)
{
    return query_sql_rows(
        a,
        "SELECT month_text(month), version, family, port, count(*), count(*) FILTER (WHERE class = 'mptcp'),"
        " count(*) FILTER (WHERE class = 'middlebox'), count(*) FILTER (WHERE class = 'unreachable'),"
        " count(*) FILTER (WHERE class = 'no-mptcp')"
        " FROM trace_rows t WHERE month BETWEEN ?1 AND ?2 AND file_id = (SELECT max(u.file_id) FROM trace_rows u"
        "  WHERE u.addr = t.addr AND u.port = t.port AND u.version = t.version AND u.month = t.month)"
        " GROUP BY month, version, family, port ORDER BY month, version, family, port",
        p, NULL, fn, user, err, errlen);
}

const struct query_def query_trace = {
    "trace", "trace categories I/II/III by month, version, family and port",
    "From trace_rows: each (address, port, probe version) once per month (its last trace file that month), "
    "counted by class: I mptcp, II middlebox, III unreachable, and no-mptcp.",
    &trace_schema, run_trace};

/* ---- sources */

static const struct rec_field sources_fields[] = {
    {"kind", REC_STR, "scan, trace, http, pcap (imported files) or pfx2as, as2org, mmdb-country, mmdb-asn, country-csv, asn-csv, as-rank"},
    {"name", REC_STR, "file name"},
    {"date", REC_STR, "the data's date (YYYY-MM-DD): a scan's first reply or --date; a source's date"},
    {"month", REC_STR, "YYYY-MM the rows were filed under (imported files)"},
    {"format", REC_STR, "input format (scan, zmap, tcp_synopt, trace, http, pcap)"},
    {"tool", REC_STR, "the tool that wrote it"},
    {"probe_version", REC_NUM, "MP_CAPABLE version probed"},
    {"label", REC_STR, "vantage label"},
    {"rows", REC_NUM, "rows imported / entries loaded"},
    {"bad_rows", REC_NUM, "rows skipped as bad"},
    {"loaded_at", REC_STR, "when it entered the archive (UTC)"},
};
static const struct rec_schema sources_schema = {"archive-sources", sources_fields,
                                                 sizeof sources_fields / sizeof sources_fields[0]};

static int run_sources(struct archive *a, const struct query_params *p, query_row_fn fn, void *user, char *err,
                       size_t errlen)
{
    return query_sql_rows(a,
                          "SELECT kind, name, date, month_text(month), format, tool, probe_version, label, rows,"
                          " bad_rows, imported_at FROM files WHERE month BETWEEN ?1 AND ?2"
                          " UNION ALL SELECT kind, name, date, NULL, NULL, NULL, NULL, NULL, entries, NULL, loaded_at"
                          " FROM attr_sources ORDER BY 1, 4, 2",
                          p, NULL, fn, user, err, errlen);
}

const struct query_def query_sources = {
    "sources", "the imported files and attribution sources with their dates",
    "Every imported file (kind, name, data date, month, format, tool, probe version, label, rows) and every "
    "attribution source loaded (kind, file name, the date of its data, entries).",
    &sources_schema, run_sources};

/* ---- registry */

const struct query_def *const archive_queries[] = {
    &query_monthly, &query_hamming, &query_mirrored, &query_ports, &query_versions, &query_trace,
    &query_top_as, &query_countries, &query_migration, &query_http, &query_pcap, &query_sources, NULL,
};

const struct query_def *archive_query_find(const char *name)
{
    for (size_t i = 0; archive_queries[i]; i++)
        if (!strcmp(archive_queries[i]->name, name))
            return archive_queries[i];
    return NULL;
}

int archive_query_run(struct archive *a, const char *name, const struct query_params *p, query_row_fn fn, void *user,
                      char *err, size_t errlen)
{
    const struct query_def *q = archive_query_find(name);
    if (!q) {
        size_t len = (size_t)snprintf(err, errlen, "unknown query '%s' (queries:", name);
        for (size_t i = 0; archive_queries[i] && len < errlen; i++)
            len += (size_t)snprintf(err + len, errlen - len, " %s", archive_queries[i]->name);
        if (len < errlen)
            snprintf(err + len, errlen - len, ")");
        return -1;
    }
    return q->run(a, p, fn, user, err, errlen);
}

struct write_ctx {
    struct rec_writer *w;
    const struct rec_schema *schema;
};

static int write_row(void *user, const struct qval *row, unsigned n)
{
    struct write_ctx *wc = user;
    for (unsigned i = 0; i < n && i < wc->schema->n_fields; i++) {
        const struct qval *v = &row[i];
        switch (v->t) {
        case QV_NULL: rec_set_null(wc->w, i); break;
        case QV_INT: rec_set_i64(wc->w, i, v->i); break;
        case QV_REAL: rec_set_double(wc->w, i, v->d, 6); break;
        case QV_TEXT: rec_set_str(wc->w, i, v->s); break;
        }
    }
    return rec_emit(wc->w) < 0 ? -2 : 0;
}

int archive_query_write(struct archive *a, const char *name, const struct query_params *p, struct rec_writer *w,
                        char *err, size_t errlen)
{
    const struct query_def *q = archive_query_find(name);
    if (!q)
        return archive_query_run(a, name, p, NULL, NULL, err, errlen);
    struct write_ctx wc = {w, q->schema};
    int rc = q->run(a, p, write_row, &wc, err, errlen);
    if (rc == -2)
        snprintf(err, errlen, "%s", rec_error(w));
    return rc;
}
