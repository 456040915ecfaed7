/* attr.c — loads attribution sources into prefix tables and writes host_attr, host_asn, as_info and attr_sources. */
#include "archive/attr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <maxminddb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include "archive/lpm.h"
#include "cli/args.h"
#include "cli/args_time.h"
#include "io/instream.h"
#include "io/record_read.h"
#include "io/utc_time.h"

bool attr_sources_any(const struct attr_sources *s)
{
    return s->pfx2as.n || s->mmdb.n || s->geo_csv.n || s->as2org || s->as_rank;
}

bool attr_files_add(const char *value, void *dest, char *why, size_t whylen)
{
    struct attr_files *f = dest;
    if (f->n == ATTR_MAX_FILES) {
        snprintf(why, whylen, "at most %d files", ATTR_MAX_FILES);
        return false;
    }
    f->v[f->n++] = value;
    return true;
}

/* ---- a string arena: values of the prefix tables are offsets into it */
struct arena {
    char *p;
    size_t len, cap;
};

static int64_t arena_add(struct arena *a, const char *s, size_t n)
{
    if (a->len + n + 1 > a->cap) {
        size_t cap = a->cap ? a->cap : 1 << 16;
        while (cap < a->len + n + 1)
            cap *= 2;
        char *np = realloc(a->p, cap);
        if (!np)
            return -1;
        a->p = np;
        a->cap = cap;
    }
    int64_t off = (int64_t)a->len;
    memcpy(a->p + a->len, s, n);
    a->p[a->len + n] = '\0';
    a->len += n + 1;
    return off;
}

struct loader {
    struct archive *a;
    void (*warn)(void *, const char *);
    void *user;
    struct attr_result *res;
    unsigned warned;
};

static void bad_line(struct loader *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bad_line(struct loader *l, const char *fmt, ...)
{
    l->res->bad_lines++;
    if (!l->warn)
        return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    l->warn(l->user, buf);
}

/* YYYYMMDD in the file name (CAIDA names files by date), else its mtime. */
static void source_date(const char *path, char *out, size_t len)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (const char *p = base; *p; p++) {
        int k = 0;
        while (p[k] >= '0' && p[k] <= '9')
            k++;
        if (k == 8) {
            int y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
            int m = (p[4] - '0') * 10 + (p[5] - '0'), d = (p[6] - '0') * 10 + (p[7] - '0');
            if (y >= 1990 && y < 2100 && m >= 1 && m <= 12 && d >= 1 && d <= 31) {
                snprintf(out, len, "%04d-%02d-%02d", y, m, d);
                return;
            }
        }
        if (k)
            p += k - 1;
    }
    struct stat sb;
    if (stat(path, &sb) == 0) {
        struct tm tm;
        gmtime_r(&sb.st_mtime, &tm);
        strftime(out, len, "%Y-%m-%d", &tm);
    } else {
        snprintf(out, len, "%s", "");
    }
}

static int record_source(struct loader *l, const char *kind, const char *path, const char *date, uint64_t entries,
                         char *err, size_t errlen)
{
    sqlite3_stmt *st = db_prepare(l->a, "INSERT INTO attr_sources(kind, path, name, date, entries, loaded_at)"
                                        " VALUES(?,?,?,?,?,?)", err, errlen);
    if (!st)
        return -1;
    const char *base = strrchr(path, '/');
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    char now[40];
    utc_timespec_format(&ts, now, sizeof now);
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, base ? base + 1 : path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, date, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)entries);
    sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
    return db_step_once(l->a, st, NULL, err, errlen);
}

/* A valid origin: AS numbers joined by '_' (MOAS) or ',' (AS set). */
static bool valid_origin(const char *s)
{
    if (!*s)
        return false;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", s);
    for (char *save = NULL, *tok = strtok_r(buf, "_,", &save); tok; tok = strtok_r(NULL, "_,", &save)) {
        uint64_t asn;
        char why[64];
        if (!args_parse_u64(tok, 0, UINT32_MAX, &asn, why, sizeof why))
            return false;
    }
    return s[strlen(s) - 1] != '_' && s[strlen(s) - 1] != ',';
}

/* CAIDA prefix2as: "prefix<TAB>length<TAB>origin" per line. */
static int load_pfx2as(struct loader *l, const char *path, struct lpm *t, struct arena *ar, char *err, size_t errlen)
{
    char why[512];
    FILE *f = instream_open(path, why, sizeof why);
    if (!f) {
        snprintf(err, errlen, "%s", why);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned long long lineno = 0, entries = 0;
    while ((n = getline(&line, &cap, f)) > 0) {
        lineno++;
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (!n || line[0] == '#')
            continue;
        char *pfx = line, *tab1 = strchr(line, '\t'), *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
        if (!tab2) {
            bad_line(l, "%s:%llu: not 'prefix<TAB>length<TAB>origin'", path, lineno);
            continue;
        }
        *tab1 = *tab2 = '\0';
        const char *lens = tab1 + 1, *origin = tab2 + 1;
        struct ip_addr a;
        uint64_t plen;
        if (!args_parse_addr(pfx, &a, why, sizeof why)) {
            bad_line(l, "%s:%llu: bad prefix '%.60s': %s", path, lineno, pfx, why);
            continue;
        }
        uint8_t fam = a.family == AF_INET ? 4 : 6;
        if (!args_parse_u64(lens, 0, fam == 4 ? 32 : 128, &plen, why, sizeof why)) {
            bad_line(l, "%s:%llu: bad length '%.20s': %s", path, lineno, lens, why);
            continue;
        }
        if (!valid_origin(origin)) {
            bad_line(l, "%s:%llu: bad origin '%.60s' (AS numbers joined by _ or ,)", path, lineno, origin);
            continue;
        }
        int64_t off = arena_add(ar, origin, strlen(origin));
        if (off < 0 || off > UINT32_MAX || lpm_add(t, fam, a.bytes, (unsigned)plen, (uint32_t)off) < 0) {
            snprintf(err, errlen, "%s: out of memory", path);
            free(line);
            instream_close(f, NULL, 0);
            return -1;
        }
        entries++;
    }
    free(line);
    if (instream_close(f, why, sizeof why) < 0) {
        snprintf(err, errlen, "%s", why);
        return -1;
    }
    char date[16];
    source_date(path, date, sizeof date);
    return record_source(l, "pfx2as", path, date, entries, err, errlen);
}

/* GeoLite2-style CSV: network,country_iso_code (or country) | network,autonomous_system_number[,autonomous_system_organization]. */
static int load_geo_csv(struct loader *l, const char *path, struct lpm *country, struct lpm *asn, struct arena *ar,
                        bool *got_country, bool *got_asn, char *err, size_t errlen)
{
    char why[512];
    struct rec_reader *r = rec_reader_open(path, why, sizeof why);
    if (!r) {
        snprintf(err, errlen, "%s", why);
        return -1;
    }
    int c_net = rec_reader_col(r, "network"), c_cc = rec_reader_col(r, "country_iso_code"),
        c_cc2 = rec_reader_col(r, "country"), c_asn = rec_reader_col(r, "autonomous_system_number"),
        c_org = rec_reader_col(r, "autonomous_system_organization");
    bool is_asn = rec_reader_has(r, "autonomous_system_number");
    bool is_cc = rec_reader_has(r, "country_iso_code") || rec_reader_has(r, "country");
    if (!rec_reader_has(r, "network") || (!is_asn && !is_cc)) {
        rec_reader_close(r);
        snprintf(err, errlen,
                 "%s: not a GeoLite2-style CSV (header network,country_iso_code or "
                 "network,autonomous_system_number,autonomous_system_organization)",
                 path);
        return -1;
    }
    int rc;
    uint64_t entries = 0;
    while ((rc = rec_reader_next(r)) != 0) {
        if (rc < 0) {
            bad_line(l, "%s", rec_reader_error(r));
            continue;
        }
        const char *net = rec_reader_value(r, c_net, NULL);
        struct ip_prefix p;
        if (!net || !args_parse_cidr(net, true, &p, why, sizeof why)) {
            bad_line(l, "%s:%llu: bad network '%.60s': %s", path, rec_reader_line(r), net ? net : "", net ? why : "empty");
            continue;
        }
        uint8_t fam = p.addr.family == AF_INET ? 4 : 6;
        int64_t off;
        struct lpm *t;
        if (is_asn) {
            const char *asn_t = rec_reader_value(r, c_asn, NULL), *org = rec_reader_value(r, c_org, NULL);
            uint64_t v;
            if (!asn_t || !args_parse_u64(asn_t, 0, UINT32_MAX, &v, why, sizeof why)) {
                bad_line(l, "%s:%llu: bad autonomous_system_number '%.20s'", path, rec_reader_line(r), asn_t ? asn_t : "");
                continue;
            }
            char buf[600];
            int k = snprintf(buf, sizeof buf, "%llu%c%s", (unsigned long long)v, 0, org ? org : "");
            off = arena_add(ar, buf, (size_t)(k < (int)sizeof buf ? k : (int)sizeof buf - 1));
            t = asn;
        } else {
            const char *cc = rec_reader_value(r, rec_reader_has(r, "country_iso_code") ? c_cc : c_cc2, NULL);
            if (!cc || strlen(cc) != 2) {
                bad_line(l, "%s:%llu: bad country code '%.20s' (two letters)", path, rec_reader_line(r), cc ? cc : "");
                continue;
            }
            off = arena_add(ar, cc, 2);
            t = country;
        }
        if (off < 0 || lpm_add(t, fam, p.addr.bytes, p.len, (uint32_t)off) < 0) {
            rec_reader_close(r);
            snprintf(err, errlen, "%s: out of memory", path);
            return -1;
        }
        entries++;
    }
    bool failed = rec_reader_failed(r);
    if (failed)
        snprintf(err, errlen, "%s", rec_reader_error(r));
    rec_reader_close(r);
    if (failed)
        return -1;
    *(is_asn ? got_asn : got_country) = true;
    char date[16];
    source_date(path, date, sizeof date);
    return record_source(l, is_asn ? "asn-csv" : "country-csv", path, date, entries, err, errlen);
}

/* CAIDA as2org: '# format:' lines say which section follows ('|'-separated). */
static int load_as2org(struct loader *l, const char *path, char *err, size_t errlen)
{
    char why[512];
    FILE *f = instream_open(path, why, sizeof why);
    if (!f) {
        snprintf(err, errlen, "%s", why);
        return -1;
    }
    if (db_exec(l->a, "CREATE TEMP TABLE IF NOT EXISTS org_tmp(org_id TEXT PRIMARY KEY, org_name TEXT, country TEXT);"
                      "DELETE FROM org_tmp;", err, errlen) < 0) {
        instream_close(f, NULL, 0);
        return -1;
    }
    sqlite3_stmt *org = db_prepare(l->a, "INSERT OR REPLACE INTO org_tmp VALUES(?,?,?)", err, errlen);
    sqlite3_stmt *aut = db_prepare(l->a,
                                   "INSERT INTO as_info(asn, as_name, org_id) VALUES(?,?,?) ON CONFLICT(asn) DO UPDATE"
                                   " SET as_name = excluded.as_name, org_id = excluded.org_id",
                                   err, errlen);
    if (!org || !aut) {
        sqlite3_finalize(org);
        sqlite3_finalize(aut);
        instream_close(f, NULL, 0);
        return -1;
    }
    enum { NONE, ORG, AUT } section = NONE;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned long long lineno = 0, entries = 0;
    int rc = 0;
    while ((n = getline(&line, &cap, f)) > 0) {
        lineno++;
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (!n)
            continue;
        if (line[0] == '#') {
            if (strstr(line, "format:org_id|") || strstr(line, "format: org_id|"))
                section = ORG;
            else if (strstr(line, "format:aut|") || strstr(line, "format: aut|"))
                section = AUT;
            continue;
        }
        char *fld[8];
        int nf = 0;
        for (char *p = line; nf < 8;) {
            fld[nf++] = p;
            char *bar = strchr(p, '|');
            if (!bar)
                break;
            *bar = '\0';
            p = bar + 1;
        }
        if (section == ORG && nf >= 4) {
            sqlite3_bind_text(org, 1, fld[0], -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(org, 2, fld[2], -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(org, 3, fld[3], -1, SQLITE_TRANSIENT);
            rc = sqlite3_step(org) == SQLITE_DONE ? 0 : -1;
            sqlite3_reset(org);
        } else if (section == AUT && nf >= 4) {
            uint64_t asn;
            if (!args_parse_u64(fld[0], 0, UINT32_MAX, &asn, why, sizeof why)) {
                bad_line(l, "%s:%llu: bad AS number '%.20s': %s", path, lineno, fld[0], why);
                continue;
            }
            sqlite3_bind_int64(aut, 1, (sqlite3_int64)asn);
            sqlite3_bind_text(aut, 2, fld[2], -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(aut, 3, fld[3], -1, SQLITE_TRANSIENT);
            rc = sqlite3_step(aut) == SQLITE_DONE ? 0 : -1;
            sqlite3_reset(aut);
            entries++;
        } else {
            bad_line(l, "%s:%llu: %s", path, lineno,
                     section == NONE ? "a data line before any '# format:' line" : "too few '|' fields");
            continue;
        }
        if (rc < 0) {
            snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(l->a->db));
            break;
        }
    }
    free(line);
    sqlite3_finalize(org);
    sqlite3_finalize(aut);
    if (instream_close(f, why, sizeof why) < 0 && rc == 0) {
        snprintf(err, errlen, "%s", why);
        rc = -1;
    }
    if (rc < 0)
        return -1;
    if (db_exec(l->a,
                "UPDATE as_info SET org_name = (SELECT org_name FROM org_tmp o WHERE o.org_id = as_info.org_id),"
                " country = (SELECT country FROM org_tmp o WHERE o.org_id = as_info.org_id)"
                " WHERE org_id IN (SELECT org_id FROM org_tmp);",
                err, errlen) < 0)
        return -1;
    l->res->as_orgs = entries;
    char date[16];
    source_date(path, date, sizeof date);
    return record_source(l, "as2org", path, date, entries, err, errlen);
}

/* CAIDA AS rank: CSV with a header or JSON lines, fields asn and rank. */
static int load_as_rank(struct loader *l, const char *path, char *err, size_t errlen)
{
    char why[512];
    struct rec_reader *r = rec_reader_open(path, why, sizeof why);
    if (!r) {
        snprintf(err, errlen, "%s", why);
        return -1;
    }
    int c_asn = rec_reader_col(r, "asn"), c_rank = rec_reader_col(r, "rank");
    sqlite3_stmt *st = db_prepare(l->a,
                                  "INSERT INTO as_info(asn, rank) VALUES(?,?) ON CONFLICT(asn) DO UPDATE SET"
                                  " rank = excluded.rank",
                                  err, errlen);
    if (!st) {
        rec_reader_close(r);
        return -1;
    }
    int rc;
    uint64_t entries = 0;
    while ((rc = rec_reader_next(r)) != 0) {
        if (rc < 0) {
            bad_line(l, "%s", rec_reader_error(r));
            continue;
        }
        const char *at = rec_reader_value(r, c_asn, NULL), *rt = rec_reader_value(r, c_rank, NULL);
        uint64_t asn, rank;
        if (!at || !args_parse_u64(at, 0, UINT32_MAX, &asn, why, sizeof why) || !rt ||
            !args_parse_u64(rt, 1, UINT32_MAX, &rank, why, sizeof why)) {
            bad_line(l, "%s:%llu: needs asn and rank numbers", path, rec_reader_line(r));
            continue;
        }
        sqlite3_bind_int64(st, 1, (sqlite3_int64)asn);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)rank);
        rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) {
            snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(l->a->db));
            sqlite3_finalize(st);
            rec_reader_close(r);
            return -1;
        }
        entries++;
    }
    sqlite3_finalize(st);
    bool failed = rec_reader_failed(r);
    if (failed)
        snprintf(err, errlen, "%s", rec_reader_error(r));
    rec_reader_close(r);
    if (failed)
        return -1;
    l->res->as_ranks = entries;
    char date[16];
    source_date(path, date, sizeof date);
    return record_source(l, "as-rank", path, date, entries, err, errlen);
}

/* ---- MaxMind databases */
struct mmdb_set {
    MMDB_s db[ATTR_MAX_FILES];
    bool is_asn[ATTR_MAX_FILES];
    size_t n;
    bool country, asn;
};

static int open_mmdb(struct loader *l, struct mmdb_set *m, const char *path, char *err, size_t errlen)
{
    MMDB_s *db = &m->db[m->n];
    int s = MMDB_open(path, MMDB_MODE_MMAP, db);
    if (s != MMDB_SUCCESS) {
        snprintf(err, errlen, "%s: %s", path, s == MMDB_IO_ERROR ? strerror(errno) : MMDB_strerror(s));
        return -1;
    }
    const char *type = db->metadata.database_type ? db->metadata.database_type : "";
    bool is_asn = strstr(type, "ASN") != NULL || strstr(type, "ISP") != NULL;
    m->is_asn[m->n++] = is_asn;
    *(is_asn ? &m->asn : &m->country) = true;
    char date[16];
    time_t t = (time_t)db->metadata.build_epoch;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(date, sizeof date, "%Y-%m-%d", &tm);
    return record_source(l, is_asn ? "mmdb-asn" : "mmdb-country", path, date, db->metadata.node_count, err, errlen);
}

static bool mmdb_string(MMDB_entry_s *e, char *out, size_t len, ...)
{
    MMDB_entry_data_s d;
    va_list ap;
    va_start(ap, len);
    int s = MMDB_vget_value(e, &d, ap);
    va_end(ap);
    if (s != MMDB_SUCCESS || !d.has_data || d.type != MMDB_DATA_TYPE_UTF8_STRING)
        return false;
    size_t n = d.data_size < len - 1 ? d.data_size : len - 1;
    memcpy(out, d.utf8_string, n);
    out[n] = '\0';
    return true;
}

static bool mmdb_u32(MMDB_entry_s *e, uint32_t *out, ...)
{
    MMDB_entry_data_s d;
    va_list ap;
    va_start(ap, out);
    int s = MMDB_vget_value(e, &d, ap);
    va_end(ap);
    if (s != MMDB_SUCCESS || !d.has_data)
        return false;
    if (d.type == MMDB_DATA_TYPE_UINT32)
        *out = d.uint32;
    else if (d.type == MMDB_DATA_TYPE_UINT16)
        *out = d.uint16;
    else
        return false;
    return true;
}

static void mmdb_lookup(struct mmdb_set *m, const uint8_t *addr, uint8_t fam, char cc[8], bool *has_cc, uint32_t *asn,
                        char *org, size_t orglen, bool *has_asn)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    if (fam == 4) {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        s4->sin_family = AF_INET;
        memcpy(&s4->sin_addr, addr, 4);
    } else {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        s6->sin6_family = AF_INET6;
        memcpy(&s6->sin6_addr, addr, 16);
    }
    for (size_t i = 0; i < m->n; i++) {
        if (m->is_asn[i] ? *has_asn : *has_cc)
            continue;   /* the first database that knows the address wins */
        int e;
        MMDB_lookup_result_s res = MMDB_lookup_sockaddr(&m->db[i], (struct sockaddr *)&ss, &e);
        if (e != MMDB_SUCCESS || !res.found_entry)
            continue;
        if (m->is_asn[i]) {
            if (mmdb_u32(&res.entry, asn, "autonomous_system_number", NULL)) {
                *has_asn = true;
                if (!mmdb_string(&res.entry, org, orglen, "autonomous_system_organization", NULL))
                    org[0] = '\0';
            }
        } else if (mmdb_string(&res.entry, cc, 8, "country", "iso_code", NULL) ||
                   mmdb_string(&res.entry, cc, 8, "registered_country", "iso_code", NULL)) {
            *has_cc = true;
        }
    }
}

/* ---- the driver */

static int rebuild_host_asn(struct archive *a, char *err, size_t errlen)
{
    if (db_exec(a, "DELETE FROM host_asn;", err, errlen) < 0)
        return -1;
    sqlite3_stmt *sel = db_prepare(a, "SELECT addr, origin, mm_asn FROM host_attr", err, errlen);
    sqlite3_stmt *ins = db_prepare(a, "INSERT OR IGNORE INTO host_asn VALUES(?,?,?)", err, errlen);
    if (!sel || !ins) {
        sqlite3_finalize(sel);
        sqlite3_finalize(ins);
        return -1;
    }
    int rc = 0;
    while (rc == 0 && sqlite3_step(sel) == SQLITE_ROW) {
        const void *addr = sqlite3_column_blob(sel, 0);
        int alen = sqlite3_column_bytes(sel, 0);
        const char *origin = (const char *)sqlite3_column_text(sel, 1);
        if (origin) {
            /* MOAS a_b_c and AS sets a,b: the host belongs to each listed AS */
            char buf[512];
            snprintf(buf, sizeof buf, "%s", origin);
            for (char *save = NULL, *tok = strtok_r(buf, "_,", &save); tok && rc == 0;
                 tok = strtok_r(NULL, "_,", &save)) {
                uint64_t asn;
                char why[64];
                if (!args_parse_u64(tok, 0, UINT32_MAX, &asn, why, sizeof why))
                    continue;
                sqlite3_bind_int64(ins, 1, (sqlite3_int64)asn);
                sqlite3_bind_blob(ins, 2, addr, alen, SQLITE_TRANSIENT);
                sqlite3_bind_text(ins, 3, "pfx2as", -1, SQLITE_STATIC);
                rc = sqlite3_step(ins) == SQLITE_DONE ? 0 : -1;
                sqlite3_reset(ins);
            }
        } else if (sqlite3_column_type(sel, 2) != SQLITE_NULL) {
            sqlite3_bind_int64(ins, 1, sqlite3_column_int64(sel, 2));
            sqlite3_bind_blob(ins, 2, addr, alen, SQLITE_TRANSIENT);
            sqlite3_bind_text(ins, 3, "mmdb", -1, SQLITE_STATIC);
            rc = sqlite3_step(ins) == SQLITE_DONE ? 0 : -1;
            sqlite3_reset(ins);
        }
    }
    if (rc < 0)
        snprintf(err, errlen, "host_asn: %s", sqlite3_errmsg(a->db));
    sqlite3_finalize(sel);
    sqlite3_finalize(ins);
    return rc;
}

int archive_attribute(struct archive *a, const struct attr_sources *s, struct attr_result *res,
                      void (*warn)(void *user, const char *msg), void *user, char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    struct loader l = {a, warn, user, res, 0};
    struct lpm pfx, cc_t, asn_t;
    struct arena ar = {0};
    struct mmdb_set mm;
    memset(&mm, 0, sizeof mm);
    lpm_init(&pfx);
    lpm_init(&cc_t);
    lpm_init(&asn_t);
    bool csv_cc = false, csv_asn = false;
    int rc = -1;
    sqlite3_stmt *sel = NULL, *ins = NULL, *up_pfx = NULL, *up_cc = NULL, *up_asn = NULL;
    if (db_begin(a, err, errlen) < 0)
        return -1;
    for (size_t i = 0; i < s->pfx2as.n; i++)
        if (load_pfx2as(&l, s->pfx2as.v[i], &pfx, &ar, err, errlen) < 0)
            goto out;
    for (size_t i = 0; i < s->geo_csv.n; i++)
        if (load_geo_csv(&l, s->geo_csv.v[i], &cc_t, &asn_t, &ar, &csv_cc, &csv_asn, err, errlen) < 0)
            goto out;
    for (size_t i = 0; i < s->mmdb.n; i++)
        if (open_mmdb(&l, &mm, s->mmdb.v[i], err, errlen) < 0)
            goto out;
    if (s->as2org && load_as2org(&l, s->as2org, err, errlen) < 0)
        goto out;
    if (s->as_rank && load_as_rank(&l, s->as_rank, err, errlen) < 0)
        goto out;

    bool do_pfx = s->pfx2as.n > 0, do_cc = csv_cc || mm.country, do_asn = csv_asn || mm.asn;
    if (!(sel = db_prepare(a, "SELECT addr FROM hosts", err, errlen)) ||
        !(ins = db_prepare(a, "INSERT OR IGNORE INTO host_attr(addr) VALUES(?)", err, errlen)) ||
        !(up_pfx = db_prepare(a, "UPDATE host_attr SET prefix = ?2, origin = ?3 WHERE addr = ?1", err, errlen)) ||
        !(up_cc = db_prepare(a, "UPDATE host_attr SET country = ?2 WHERE addr = ?1", err, errlen)) ||
        !(up_asn = db_prepare(a, "UPDATE host_attr SET mm_asn = ?2, mm_as_org = ?3 WHERE addr = ?1", err, errlen)))
        goto out;
    while (sqlite3_step(sel) == SQLITE_ROW) {
        int alen = sqlite3_column_bytes(sel, 0);
        if (alen != 4 && alen != 16)
            continue;
        uint8_t addr[16] = {0};
        memcpy(addr, sqlite3_column_blob(sel, 0), (size_t)alen);
        uint8_t fam = alen == 4 ? 4 : 6;
        res->hosts++;
        sqlite3_bind_blob(ins, 1, addr, alen, SQLITE_STATIC);
        sqlite3_step(ins);
        sqlite3_reset(ins);
        if (do_pfx) {
            uint32_t v;
            unsigned plen;
            sqlite3_bind_blob(up_pfx, 1, addr, alen, SQLITE_STATIC);
            if (lpm_lookup(&pfx, fam, addr, &v, &plen)) {
                struct ip_prefix p;
                memset(&p, 0, sizeof p);
                p.addr.family = fam == 4 ? AF_INET : AF_INET6;
                memcpy(p.addr.bytes, addr, (size_t)alen);
                for (unsigned b = plen; b < (unsigned)alen * 8; b++)
                    p.addr.bytes[b / 8] &= (uint8_t)~(0x80 >> (b % 8));
                p.len = (uint8_t)plen;
                char text[IP_ADDR_STRLEN + 8];
                ip_prefix_format(&p, text, sizeof text);
                sqlite3_bind_text(up_pfx, 2, text, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(up_pfx, 3, ar.p + v, -1, SQLITE_TRANSIENT);
                res->with_origin++;
            } else {
                sqlite3_bind_null(up_pfx, 2);
                sqlite3_bind_null(up_pfx, 3);
            }
            sqlite3_step(up_pfx);
            sqlite3_reset(up_pfx);
        }
        char cc[8] = "", org[256] = "";
        bool has_cc = false, has_asn = false;
        uint32_t asn = 0, v;
        if (csv_cc && lpm_lookup(&cc_t, fam, addr, &v, NULL)) {
            snprintf(cc, sizeof cc, "%s", ar.p + v);
            has_cc = true;
        }
        if (csv_asn && lpm_lookup(&asn_t, fam, addr, &v, NULL)) {
            uint64_t x = 0;
            char why[64];
            if (args_parse_u64(ar.p + v, 0, UINT32_MAX, &x, why, sizeof why)) {
                asn = (uint32_t)x;
                snprintf(org, sizeof org, "%s", ar.p + v + strlen(ar.p + v) + 1);
                has_asn = true;
            }
        }
        if (mm.n)
            mmdb_lookup(&mm, addr, fam, cc, &has_cc, &asn, org, sizeof org, &has_asn);
        if (do_cc) {
            sqlite3_bind_blob(up_cc, 1, addr, alen, SQLITE_STATIC);
            if (has_cc)
                sqlite3_bind_text(up_cc, 2, cc, -1, SQLITE_TRANSIENT);
            else
                sqlite3_bind_null(up_cc, 2);
            sqlite3_step(up_cc);
            sqlite3_reset(up_cc);
            res->with_country += has_cc;
        }
        if (do_asn) {
            sqlite3_bind_blob(up_asn, 1, addr, alen, SQLITE_STATIC);
            if (has_asn) {
                sqlite3_bind_int64(up_asn, 2, asn);
                sqlite3_bind_text(up_asn, 3, org, -1, SQLITE_TRANSIENT);
            } else {
                sqlite3_bind_null(up_asn, 2);
                sqlite3_bind_null(up_asn, 3);
            }
            sqlite3_step(up_asn);
            sqlite3_reset(up_asn);
        }
    }
    if (rebuild_host_asn(a, err, errlen) < 0)
        goto out;
    res->with_asn = (uint64_t)db_int(a, "SELECT count(DISTINCT addr) FROM host_asn", 0);
    if (db_commit(a, err, errlen) < 0)
        goto out;
    rc = 0;
out:
    sqlite3_finalize(sel);
    sqlite3_finalize(ins);
    sqlite3_finalize(up_pfx);
    sqlite3_finalize(up_cc);
    sqlite3_finalize(up_asn);
    if (rc < 0)
        db_rollback(a);
    for (size_t i = 0; i < mm.n; i++)
        MMDB_close(&mm.db[i]);
    lpm_free(&pfx);
    lpm_free(&cc_t);
    lpm_free(&asn_t);
    free(ar.p);
    return rc;
}
