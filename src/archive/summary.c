/* summary.c — SQL that fills month_summary, port_overlap and version_overlap from scan_rows, pot_rows and trace_rows. */
#include "archive/summary.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Per host (address) of a partition and month: which answers it gave. A
 * host counts once per column however many files / replies it has. */
const char summary_sql_counts[] =
    "INSERT INTO month_summary(month, version, family, port, responsive, potential, mirrored, mptcp,"
    " version_mismatch, malformed, tcp, closed, unknown)"
    " SELECT ?1, ?2, ?3, ?4, count(*) FILTER (WHERE syn), count(*) FILTER (WHERE pot), count(*) FILTER (WHERE mir),"
    " count(*) FILTER (WHERE mp), count(*) FILTER (WHERE vm), count(*) FILTER (WHERE mal),"
    " count(*) FILTER (WHERE tcp), count(*) FILTER (WHERE cl), count(*) FILTER (WHERE unk)"
    " FROM (SELECT s.addr, max(s.synack) AS syn, max(s.verdict BETWEEN 0 AND 3) AS pot, max(s.verdict = 1) AS mir,"
    "  max(s.verdict = 0) AS mp, max(s.verdict = 2) AS vm, max(s.verdict = 3) AS mal, max(s.verdict = 4) AS tcp,"
    "  max(s.verdict = 5) AS cl, max(s.synack AND s.verdict IS NULL) AS unk"
    "  FROM files f JOIN scan_rows s ON s.rowid BETWEEN f.row_lo AND f.row_hi"
    "  WHERE f.kind = 'scan' AND f.month = ?1 AND s.version = ?2 AND s.family = ?3 AND s.port = ?4 GROUP BY s.addr)"
    " WHERE true"
    " ON CONFLICT(month, version, family, port) DO UPDATE SET responsive = excluded.responsive,"
    " potential = excluded.potential, mirrored = excluded.mirrored, mptcp = excluded.mptcp,"
    " version_mismatch = excluded.version_mismatch, malformed = excluded.malformed, tcp = excluded.tcp,"
    " closed = excluded.closed, unknown = excluded.unknown";

/* consistent(M) = hosts with verdict mptcp in M, M-1 and M-2 (same version,
 * family, port); NULL while M-1 or M-2 has no scan of that partition. */
const char summary_sql_consistent[] =
    "UPDATE month_summary SET consistent = CASE"
    " WHEN EXISTS (SELECT 1 FROM month_summary p WHERE p.month = ?1 - 1 AND p.version = ?2 AND p.family = ?3 AND p.port = ?4)"
    "  AND EXISTS (SELECT 1 FROM month_summary p WHERE p.month = ?1 - 2 AND p.version = ?2 AND p.family = ?3 AND p.port = ?4)"
    " THEN (SELECT count(*) FROM (SELECT DISTINCT addr FROM pot_rows"
    "   WHERE month = ?1 AND version = ?2 AND family = ?3 AND port = ?4 AND verdict = 0) h"
    "  WHERE EXISTS (SELECT 1 FROM pot_rows s WHERE s.month = ?1 - 1 AND s.version = ?2 AND s.family = ?3"
    "   AND s.port = ?4 AND s.addr = h.addr AND s.verdict = 0)"
    "  AND EXISTS (SELECT 1 FROM pot_rows s WHERE s.month = ?1 - 2 AND s.version = ?2 AND s.family = ?3"
    "   AND s.port = ?4 AND s.addr = h.addr AND s.verdict = 0))"
    " END WHERE month = ?1 AND version = ?2 AND family = ?3 AND port = ?4";

/* truly-MPTCP(M): of the hosts with an MP_CAPABLE answer in M, those whose
 * latest trace (same address, port, probe version, trace month <= M) has
 * class mptcp, plus the untraced ones with verdict mptcp. */
const char summary_sql_truly[] =
    "UPDATE month_summary SET (truly_mptcp, truly_traced) = (SELECT"
    "  count(*) FILTER (WHERE cls = 'mptcp' OR (cls IS NULL AND mp)), count(*) FILTER (WHERE cls = 'mptcp')"
    " FROM (SELECT h.mp, (SELECT t.class FROM trace_rows t WHERE t.addr = h.addr AND t.port = ?4 AND t.version = ?2"
    "   AND t.month <= ?1 ORDER BY t.month DESC, t.file_id DESC LIMIT 1) AS cls"
    "  FROM (SELECT addr, max(verdict = 0) AS mp FROM pot_rows WHERE month = ?1 AND version = ?2 AND family = ?3"
    "   AND port = ?4 GROUP BY addr) h))"
    " WHERE month = ?1 AND version = ?2 AND family = ?3 AND port = ?4";

/* Hosts with verdict mptcp on port 80 only, 443 only, both (?2 version, ?3 family). */
const char summary_sql_ports[] =
    "INSERT OR REPLACE INTO port_overlap(month, version, family, only80, only443, both)"
    " SELECT ?1, ?2, ?3, count(*) FILTER (WHERE a AND NOT b), count(*) FILTER (WHERE b AND NOT a),"
    " count(*) FILTER (WHERE a AND b)"
    " FROM (SELECT addr, max(port = 80) AS a, max(port = 443) AS b FROM pot_rows"
    "  WHERE month = ?1 AND version = ?2 AND family = ?3 AND port IN (80, 443) AND verdict = 0 GROUP BY addr)";

/* Hosts with verdict mptcp for v0 only, v1 only, both (?3 family, ?4 port). */
const char summary_sql_versions[] =
    "INSERT OR REPLACE INTO version_overlap(month, family, port, only_v0, only_v1, both)"
    " SELECT ?1, ?3, ?4, count(*) FILTER (WHERE a AND NOT b), count(*) FILTER (WHERE b AND NOT a),"
    " count(*) FILTER (WHERE a AND b)"
    " FROM (SELECT addr, max(version = 0) AS a, max(version = 1) AS b FROM pot_rows"
    "  WHERE month = ?1 AND version IN (0, 1) AND family = ?3 AND port = ?4 AND verdict = 0 GROUP BY addr)";

static int run(struct archive *a, const char *sql, int month, int version, int family, int port, char *err,
               size_t errlen)
{
    sqlite3_stmt *st = db_prepare(a, sql, err, errlen);
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, month);
    sqlite3_bind_int(st, 2, version);
    sqlite3_bind_int(st, 3, family);
    sqlite3_bind_int(st, 4, port);
    return db_step_once(a, st, "summary", err, errlen);
}

/*
 * consistent, ports and versions are intersections of sorted address lists:
 * each partition's mptcp hosts come out of pot_rows in key order (addr
 * ascending, a host of several files repeated), so they are merged in one
 * pass instead of a GROUP BY with a sort or a seek per host. The SQL above
 * states the same definitions.
 */
static bool has_part(struct archive *a, int month, int version, int family, int port);

struct addr_stream {
    sqlite3_stmt *st;
    uint8_t cur[16];
    int len;
    bool done;
};

static const char stream_sql[] = "SELECT addr FROM pot_rows WHERE month = ?1 AND version = ?2 AND family = ?3"
                                 " AND port = ?4 AND verdict = 0";

static void stream_next(struct addr_stream *s)
{
    while (!s->done) {
        if (sqlite3_step(s->st) != SQLITE_ROW) {
            s->done = true;
            return;
        }
        int n = sqlite3_column_bytes(s->st, 0);
        const void *b = sqlite3_column_blob(s->st, 0);
        if (n > 16)
            n = 16;
        if (n == s->len && !memcmp(b, s->cur, (size_t)n))
            continue;   /* the same host from another file */
        memcpy(s->cur, b, (size_t)n);
        s->len = n;
        return;
    }
}

static int stream_open(struct archive *a, struct addr_stream *s, int month, int version, int family, int port,
                       char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->len = -1;
    if (!(s->st = db_prepare(a, stream_sql, err, errlen)))
        return -1;
    sqlite3_bind_int(s->st, 1, month);
    sqlite3_bind_int(s->st, 2, version);
    sqlite3_bind_int(s->st, 3, family);
    sqlite3_bind_int(s->st, 4, port);
    stream_next(s);
    return 0;
}

static int cmp_cur(const struct addr_stream *x, const struct addr_stream *y)
{
    int n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->cur, y->cur, (size_t)n);
    return c ? c : x->len - y->len;
}

/* Hosts only in a, only in b, in both. */
static int merge2(struct archive *a, const int pa[4], const int pb[4], int64_t out[3], char *err, size_t errlen)
{
    struct addr_stream x, y;
    out[0] = out[1] = out[2] = 0;
    if (stream_open(a, &x, pa[0], pa[1], pa[2], pa[3], err, errlen) < 0)
        return -1;
    if (stream_open(a, &y, pb[0], pb[1], pb[2], pb[3], err, errlen) < 0) {
        sqlite3_finalize(x.st);
        return -1;
    }
    while (!x.done || !y.done) {
        int c = x.done ? 1 : y.done ? -1 : cmp_cur(&x, &y);
        if (c < 0) {
            out[0]++;
            stream_next(&x);
        } else if (c > 0) {
            out[1]++;
            stream_next(&y);
        } else {
            out[2]++;
            stream_next(&x);
            stream_next(&y);
        }
    }
    sqlite3_finalize(x.st);
    sqlite3_finalize(y.st);
    return 0;
}

/* Hosts in all three partitions. */
static int merge3(struct archive *a, const int p[3][4], int64_t *both, char *err, size_t errlen)
{
    struct addr_stream s[3];
    int opened = 0, rc = 0;
    *both = 0;
    for (; opened < 3; opened++)
        if (stream_open(a, &s[opened], p[opened][0], p[opened][1], p[opened][2], p[opened][3], err, errlen) < 0) {
            rc = -1;
            break;
        }
    while (rc == 0 && !s[0].done && !s[1].done && !s[2].done) {
        int m = 0;
        for (int i = 1; i < 3; i++)
            if (cmp_cur(&s[i], &s[m]) > 0)
                m = i;
        bool all = true;
        for (int i = 0; i < 3; i++)
            while (!s[i].done && cmp_cur(&s[i], &s[m]) < 0)
                stream_next(&s[i]);
        for (int i = 0; i < 3; i++)
            all = all && !s[i].done && cmp_cur(&s[i], &s[m]) == 0;
        if (all) {
            (*both)++;
            for (int i = 0; i < 3; i++)
                stream_next(&s[i]);
        }
    }
    for (int i = 0; i < opened; i++)
        sqlite3_finalize(s[i].st);
    return rc;
}

static int set_consistent(struct archive *a, int month, int version, int family, int port, char *err, size_t errlen)
{
    if (!has_part(a, month, version, family, port))
        return 0;
    bool window = has_part(a, month - 1, version, family, port) && has_part(a, month - 2, version, family, port);
    int64_t n = 0;
    const int p[3][4] = {{month, version, family, port}, {month - 1, version, family, port},
                         {month - 2, version, family, port}};
    if (window && merge3(a, p, &n, err, errlen) < 0)
        return -1;
    sqlite3_stmt *st = db_prepare(a,
                                  "UPDATE month_summary SET consistent = ?5 WHERE month = ?1 AND version = ?2"
                                  " AND family = ?3 AND port = ?4",
                                  err, errlen);
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, month);
    sqlite3_bind_int(st, 2, version);
    sqlite3_bind_int(st, 3, family);
    sqlite3_bind_int(st, 4, port);
    if (window)
        sqlite3_bind_int64(st, 5, n);
    else
        sqlite3_bind_null(st, 5);
    return db_step_once(a, st, "summary", err, errlen);
}

static int set_overlap(struct archive *a, const char *sql, int k1, int k2, int k3, const int64_t v[3], char *err,
                       size_t errlen)
{
    sqlite3_stmt *st = db_prepare(a, sql, err, errlen);
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, k1);
    sqlite3_bind_int(st, 2, k2);
    sqlite3_bind_int(st, 3, k3);
    for (int i = 0; i < 3; i++)
        sqlite3_bind_int64(st, 4 + i, v[i]);
    return db_step_once(a, st, "summary", err, errlen);
}

/* The same when the archive holds no trace at all. */
static const char summary_sql_truly_untraced[] =
    "UPDATE month_summary SET truly_mptcp = mptcp, truly_traced = 0"
    " WHERE month = ?1 AND version = ?2 AND family = ?3 AND port = ?4";

/* Overlaps when the other port / version has no scan that month: all of this side is "only". */
static const char summary_sql_ports_one_side[] =
    "INSERT OR REPLACE INTO port_overlap(month, version, family, only80, only443, both)"
    " SELECT ?1, ?2, ?3, coalesce(sum(mptcp) FILTER (WHERE port = 80), 0),"
    " coalesce(sum(mptcp) FILTER (WHERE port = 443), 0), 0"
    " FROM month_summary WHERE month = ?1 AND version = ?2 AND family = ?3 AND port IN (80, 443)";
static const char summary_sql_versions_one_side[] =
    "INSERT OR REPLACE INTO version_overlap(month, family, port, only_v0, only_v1, both)"
    " SELECT ?1, ?3, ?4, coalesce(sum(mptcp) FILTER (WHERE version = 0), 0),"
    " coalesce(sum(mptcp) FILTER (WHERE version = 1), 0), 0"
    " FROM month_summary WHERE month = ?1 AND version IN (0, 1) AND family = ?3 AND port = ?4";

static bool has_part(struct archive *a, int month, int version, int family, int port)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(a->db,
                           "SELECT 1 FROM month_summary WHERE month = ?1 AND version = ?2 AND family = ?3 AND port = ?4",
                           -1, &st, NULL) != SQLITE_OK)
        return true;
    sqlite3_bind_int(st, 1, month);
    sqlite3_bind_int(st, 2, version);
    sqlite3_bind_int(st, 3, family);
    sqlite3_bind_int(st, 4, port);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

static int insert_counts(struct archive *a, int month, const struct summary_part *p, char *err, size_t errlen)
{
    sqlite3_stmt *st = db_prepare(a,
                                  "INSERT INTO month_summary(month, version, family, port, responsive, potential,"
                                  " mirrored, mptcp, version_mismatch, malformed, tcp, closed, unknown)"
                                  " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
                                  err, errlen);
    if (!st)
        return -1;
    const struct summary_counts *c = &p->counts;
    const uint64_t v[9] = {c->responsive, c->potential, c->mirrored, c->mptcp, c->version_mismatch,
                           c->malformed, c->tcp, c->closed, c->unknown};
    sqlite3_bind_int(st, 1, month);
    sqlite3_bind_int(st, 2, p->key.version);
    sqlite3_bind_int(st, 3, p->key.family);
    sqlite3_bind_int(st, 4, p->key.port);
    for (int i = 0; i < 9; i++)
        sqlite3_bind_int64(st, 5 + i, (sqlite3_int64)v[i]);
    return db_step_once(a, st, "summary", err, errlen);
}

int summary_refresh_scan(struct archive *a, int month, int64_t file_id, const struct summary_part *parts, size_t n,
                         char *err, size_t errlen)
{
    (void)file_id;
    sqlite3_stmt *ex = db_prepare(a,
                                  "SELECT 1 FROM month_summary WHERE month = ?1 AND version = ?2 AND family = ?3"
                                  " AND port = ?4",
                                  err, errlen);
    if (!ex)
        return -1;
    bool traces = db_int(a, "SELECT EXISTS (SELECT 1 FROM trace_rows)", 1) != 0;
    for (size_t i = 0; i < n; i++) {
        const struct scan_part *p = &parts[i].key;
        sqlite3_bind_int(ex, 1, month);
        sqlite3_bind_int(ex, 2, p->version);
        sqlite3_bind_int(ex, 3, p->family);
        sqlite3_bind_int(ex, 4, p->port);
        bool shared = sqlite3_step(ex) == SQLITE_ROW;
        sqlite3_reset(ex);
        /* alone in its partition and month, the file's own distinct counts are the month's */
        int rc = shared ? run(a, summary_sql_counts, month, p->version, p->family, p->port, err, errlen)
                        : insert_counts(a, month, &parts[i], err, errlen);
        /* without any trace, truly-MPTCP is the scan's mptcp */
        if (rc == 0)
            rc = traces ? run(a, summary_sql_truly, month, p->version, p->family, p->port, err, errlen)
                        : run(a, summary_sql_truly_untraced, month, p->version, p->family, p->port, err, errlen);
        if (rc < 0) {
            sqlite3_finalize(ex);
            return -1;
        }
    }
    sqlite3_finalize(ex);
    for (size_t i = 0; i < n; i++) {
        const struct scan_part *p = &parts[i].key;
        for (int m = month; m <= month + 2; m++)
            if (set_consistent(a, m, p->version, p->family, p->port, err, errlen) < 0)
                return -1;
        /* an overlap needs both sides; with one side only it is that side's mptcp count */
        int64_t v[3];
        if (p->version >= 0 && (p->port == 80 || p->port == 443)) {
            if (has_part(a, month, p->version, p->family, p->port == 80 ? 443 : 80)) {
                const int x[4] = {month, p->version, p->family, 80}, y[4] = {month, p->version, p->family, 443};
                if (merge2(a, x, y, v, err, errlen) < 0 ||
                    set_overlap(a, "INSERT OR REPLACE INTO port_overlap VALUES(?1,?2,?3,?4,?5,?6)", month, p->version,
                                p->family, v, err, errlen) < 0)
                    return -1;
            } else if (run(a, summary_sql_ports_one_side, month, p->version, p->family, 0, err, errlen) < 0) {
                return -1;
            }
        }
        if (p->version == 0 || p->version == 1) {
            if (has_part(a, month, 1 - p->version, p->family, p->port)) {
                const int x[4] = {month, 0, p->family, p->port}, y[4] = {month, 1, p->family, p->port};
                if (merge2(a, x, y, v, err, errlen) < 0 ||
                    set_overlap(a, "INSERT OR REPLACE INTO version_overlap VALUES(?1,?2,?3,?4,?5,?6)", month,
                                p->family, p->port, v, err, errlen) < 0)
                    return -1;
            } else if (run(a, summary_sql_versions_one_side, month, 0, p->family, p->port, err, errlen) < 0) {
                return -1;
            }
        }
    }
    return 0;
}

int summary_refresh_traces(struct archive *a, int month, const struct scan_part *parts, size_t n, char *err,
                           size_t errlen)
{
    sqlite3_stmt *st = db_prepare(a,
                                  "SELECT month FROM month_summary WHERE month >= ?1 AND version = ?2 AND family = ?3"
                                  " AND port = ?4",
                                  err, errlen);
    if (!st)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const struct scan_part *p = &parts[i];
        sqlite3_bind_int(st, 1, month);
        sqlite3_bind_int(st, 2, p->version);
        sqlite3_bind_int(st, 3, p->family);
        sqlite3_bind_int(st, 4, p->port);
        int months[4096], nm = 0;
        while (sqlite3_step(st) == SQLITE_ROW && nm < 4096)
            months[nm++] = sqlite3_column_int(st, 0);
        sqlite3_reset(st);
        for (int k = 0; k < nm; k++)
            if (run(a, summary_sql_truly, months[k], p->version, p->family, p->port, err, errlen) < 0) {
                sqlite3_finalize(st);
                return -1;
            }
    }
    sqlite3_finalize(st);
    return 0;
}
