/* ingest.c — one file into the archive: hash of its content, format detection, one write transaction, the `files` row. */
#include "archive/ingest.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/args_time.h"
#include "io/instream.h"
#include "net/bytes.h"
#include "io/utc_time.h"

const char *const in_format_names[] = {"auto", "scan", "zmap", "tcp_synopt", "trace", "http", "pcap", NULL};

const char *in_format_name(enum in_format f)
{
    return (unsigned)f < IN_FORMAT_COUNT ? in_format_names[f] : "unknown";
}

void import_opts_default(struct import_opts *o)
{
    memset(o, 0, sizeof *o);
    o->month = -1;
    o->probe_version = -2;
    o->key = 0x0c0c0c0c0c0c0c0cull;
}

void ctx_notice(struct import_ctx *c, const char *fmt, ...)
{
    if (!c->o->warn)
        return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    c->o->warn(c->o->warn_user, buf);
}

void ctx_bad_row(struct import_ctx *c, const char *msg)
{
    c->res->bad_rows++;
    if (c->o->warn)
        c->o->warn(c->o->warn_user, msg);
}

int ctx_next(struct import_ctx *c)
{
    int rc;
    if (!c->first_used) {
        c->first_used = true;
        rc = c->first_rc;
    } else {
        rc = rec_reader_next(c->r);
    }
    if (rc != 0)
        c->last_rc = rc;
    if (rc < 0)
        ctx_bad_row(c, rec_reader_error(c->r));
    unsigned long long n = rec_reader_rows(c->r);
    if (c->o->progress && n >= c->next_check) {
        c->next_check = n + 65536;
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        double now = (double)ts.tv_sec + ts.tv_nsec / 1e9;
        if (c->last_progress == 0)
            c->last_progress = now;
        else if (now - c->last_progress >= 1.0) {
            c->last_progress = now;
            c->o->progress(c->o->warn_user, c->display, n);
        }
    }
    return rc;
}

bool ctx_month(struct import_ctx *c, int64_t ts)
{
    if (c->month >= 0)
        return true;
    if (c->o->month >= 0)
        c->month = c->o->month;
    else if (c->o->has_date)
        c->month = args_usec_month(c->o->date_usec);
    else if (ts != INT64_MIN)
        c->month = args_usec_month(ts);
    return c->month >= 0;
}

void ctx_set_families(struct import_ctx *c, unsigned mask)
{
    snprintf(c->families, sizeof c->families, "%s%s%s", mask & 1 ? "4" : "", mask == 3 ? "," : "", mask & 2 ? "6" : "");
}

void ctx_seen_ts(struct import_ctx *c, int64_t ts)
{
    if (ts == INT64_MIN)
        return;
    if (c->first_ts == INT64_MIN || ts < c->first_ts)
        c->first_ts = ts;
    if (c->last_ts == INT64_MIN || ts > c->last_ts)
        c->last_ts = ts;
}

/* ---- content hash (and the spool for standard input / pipes) */

struct content {
    char sha256[65];
    uint64_t bytes;
    bool ends_newline;
    char head[4096];          /* first decompressed bytes, for format detection */
    size_t head_len;
    char compression[16];
};

static int hash_content(const char *path, const char *spool, struct content *ct, char *err, size_t errlen)
{
    FILE *in = instream_open(path, err, errlen);
    if (!in)
        return -1;
    enum instream_compression comp = instream_compression(in);
    snprintf(ct->compression, sizeof ct->compression, "%s", comp == INSTREAM_PLAIN ? "plain" : instream_compression_name(comp));
    FILE *out = NULL;
    if (spool && !(out = fopen(spool, "w"))) {
        snprintf(err, errlen, "%.600s: %s", spool, strerror(errno));
        instream_close(in, NULL, 0);
        return -1;
    }
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    static char buf[1 << 16];
    size_t n;
    int last = -1;
    ct->bytes = 0;
    ct->head_len = 0;
    int rc = 0;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        EVP_DigestUpdate(md, buf, n);
        if (ct->head_len < sizeof ct->head - 1) {
            size_t k = n < sizeof ct->head - 1 - ct->head_len ? n : sizeof ct->head - 1 - ct->head_len;
            memcpy(ct->head + ct->head_len, buf, k);
            ct->head_len += k;
        }
        last = (unsigned char)buf[n - 1];
        ct->bytes += n;
        if (out && fwrite(buf, 1, n, out) != n) {
            snprintf(err, errlen, "%.600s: %s", spool, strerror(errno));
            rc = -1;
            break;
        }
    }
    ct->head[ct->head_len] = '\0';
    ct->ends_newline = last == '\n';
    unsigned char d[32];
    unsigned dl = 0;
    EVP_DigestFinal_ex(md, d, &dl);
    EVP_MD_CTX_free(md);
    *hex_encode(ct->sha256, d, sizeof d) = '\0';
    char cerr[512] = "";
    if (instream_close(in, cerr, sizeof cerr) < 0 && rc == 0) {
        snprintf(err, errlen, "%s", cerr[0] ? cerr : "read error");
        rc = -1;
    }
    if (out && fclose(out) != 0 && rc == 0) {
        snprintf(err, errlen, "%.600s: %s", spool, strerror(errno));
        rc = -1;
    }
    return rc;
}

/* The pcap command writes one multi-line JSON document starting with {"tool": "mpcensus pcap". */
static bool looks_like_pcap_document(const struct content *ct)
{
    const char *p = ct->head;
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    if (*p != '{')
        return false;
    const char *t = strstr(p, "\"tool\"");
    return t && t - p < 64 && strstr(t, "mpcensus pcap") && strstr(t, "mpcensus pcap") - t < 32;
}

enum in_format in_detect_columns(struct rec_reader *r)
{
    if (rec_reader_has(r, "optionshex"))
        return IN_SYNOPT;
    if (rec_reader_has(r, "transport") && (rec_reader_has(r, "target") || rec_reader_has(r, "total_ms")))
        return IN_HTTP;
    if (rec_reader_has(r, "class") && rec_reader_has(r, "target"))
        return IN_TRACE;
    if (rec_reader_has(r, "saddr") &&
        (rec_reader_has(r, "verdict") || rec_reader_has(r, "mptcp_option") || rec_reader_has(r, "probe_version")))
        return IN_SCAN;
    if (rec_reader_has(r, "saddr"))
        return IN_ZMAP;
    return IN_AUTO;
}

static const char *kind_of(enum in_format f)
{
    switch (f) {
    case IN_TRACE: return "trace";
    case IN_HTTP: return "http";
    case IN_PCAP: return "pcap";
    default: return "scan";
    }
}

static int find_duplicate(struct archive *a, const char *sha, struct import_result *res)
{
    sqlite3_stmt *st = NULL;
    int found = 0;
    if (sqlite3_prepare_v2(a->db, "SELECT file_id, path, imported_at FROM files WHERE sha256 = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        found = 1;
        res->file_id = sqlite3_column_int64(st, 0);
        snprintf(res->earlier, sizeof res->earlier, "%s imported %s", (const char *)sqlite3_column_text(st, 1),
                 (const char *)sqlite3_column_text(st, 2));
    }
    sqlite3_finalize(st);
    return found;
}

static void now_text(char *buf, size_t len)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    utc_timespec_format(&ts, buf, len);
}

static int insert_file_row(struct import_ctx *c, const struct content *ct, char *err, size_t errlen)
{
    sqlite3_stmt *st = db_prepare(c->a,
                                  "INSERT INTO files(sha256, path, name, bytes, kind, format, encoding, month, label,"
                                  " shard, date, imported_at) VALUES(?,?,?,?,?,?,?,-1,?,?,?,?)",
                                  err, errlen);
    if (!st)
        return -1;
    const char *base = strrchr(c->display, '/');
    char now[40];
    now_text(now, sizeof now);
    sqlite3_bind_text(st, 1, ct->sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, c->display, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, base ? base + 1 : c->display, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)ct->bytes);
    sqlite3_bind_text(st, 5, c->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, in_format_name(c->res->format), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, c->res->encoding, -1, SQLITE_STATIC);
    if (c->o->label)
        sqlite3_bind_text(st, 8, c->o->label, -1, SQLITE_STATIC);
    if (c->o->shard)
        sqlite3_bind_text(st, 9, c->o->shard, -1, SQLITE_STATIC);
    if (c->o->has_date)
        sqlite3_bind_text(st, 10, c->o->date_text, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 11, now, -1, SQLITE_STATIC);
    int rc = db_step_once(c->a, st, NULL, err, errlen);
    c->file_id = sqlite3_last_insert_rowid(c->a->db);
    return rc;
}

static int finish_file_row(struct import_ctx *c, char *err, size_t errlen)
{
    sqlite3_stmt *st = db_prepare(c->a,
                                  "UPDATE files SET tool=?, month=?, probe_version=?, probe_key=?, ports=?, families=?,"
                                  " rows=?, bad_rows=?, duplicate_rows=?, first_ts=?, last_ts=?, derived=?,"
                                  " date=coalesce(date, ?) WHERE file_id=?",
                                  err, errlen);
    if (!st)
        return -1;
    char first[40] = "", last[40] = "", day[16] = "";
    if (c->first_ts != INT64_MIN) {
        utc_usec_format(c->first_ts, first, sizeof first);
        utc_usec_format(c->last_ts, last, sizeof last);
        snprintf(day, sizeof day, "%.10s", first);
    }
    db_bind_text_or_null(st, 1, c->tool);
    sqlite3_bind_int(st, 2, c->month);
    if (c->probe_version >= -1)
        sqlite3_bind_int(st, 3, c->probe_version);
    db_bind_text_or_null(st, 4, c->probe_key);
    db_bind_text_or_null(st, 5, c->ports);
    db_bind_text_or_null(st, 6, c->families);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)c->res->rows);
    sqlite3_bind_int64(st, 8, (sqlite3_int64)c->res->bad_rows);
    sqlite3_bind_int64(st, 9, (sqlite3_int64)c->res->duplicate_rows);
    db_bind_text_or_null(st, 10, first);
    db_bind_text_or_null(st, 11, last);
    db_bind_text_or_null(st, 12, c->res->derived);
    db_bind_text_or_null(st, 13, day);
    sqlite3_bind_int64(st, 14, c->file_id);
    return db_step_once(c->a, st, NULL, err, errlen);
}

static bool is_regular(const char *path)
{
    struct stat sb;
    return strcmp(path, "-") && stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

int archive_import_file(struct archive *a, const char *path, const struct import_opts *o, struct import_result *res,
                        char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    res->month = -1;
    char spool[4096] = "";
    char why[1024] = "";
    int rc = -1;
    struct rec_reader *r = NULL;
    bool in_tx = false;
    if (!is_regular(path)) {
        const char *tmp = getenv("TMPDIR");
        snprintf(spool, sizeof spool, "%s/mpcensus-import-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        int fd = mkstemp(spool);
        if (fd < 0) {
            snprintf(err, errlen, "%s: cannot create a spool file in %s: %s", path, tmp && *tmp ? tmp : "/tmp",
                     strerror(errno));
            return -1;
        }
        close(fd);
    }
    struct content ct;
    memset(&ct, 0, sizeof ct);
    if (hash_content(path, spool[0] ? spool : NULL, &ct, why, sizeof why) < 0) {
        snprintf(err, errlen, "%s", why);
        goto out;
    }
    const char *read_path = spool[0] ? spool : path;

    /* a file seen before is skipped without taking the write lock */
    int dup = find_duplicate(a, ct.sha256, res);
    if (dup < 0) {
        snprintf(err, errlen, "%s: %s", path, db_errmsg(a));
        goto out;
    }
    if (dup) {
        res->duplicate = true;
        rc = 0;
        goto out;
    }

    struct import_ctx c;
    memset(&c, 0, sizeof c);
    c.a = a;
    c.o = o;
    c.res = res;
    c.read_path = read_path;
    c.display = path;
    c.month = -1;
    c.probe_version = -2;
    c.first_ts = c.last_ts = INT64_MIN;

    enum in_format f = o->format;
    if (f == IN_AUTO && looks_like_pcap_document(&ct))
        f = IN_PCAP;
    int first_rc = 0;
    if (f != IN_PCAP) {
        if (!(r = rec_reader_open(read_path, why, sizeof why))) {
            snprintf(err, errlen, "%s", why);
            goto out;
        }
        first_rc = rec_reader_next(r);
        if (f == IN_AUTO)
            f = in_detect_columns(r);
        if (f == IN_AUTO) {
            snprintf(err, errlen,
                     "%s: cannot tell the format from the %s (no saddr, target or optionshex column); give --format",
                     path, rec_reader_format(r) == REC_CSV ? "header" : "first row");
            goto out;
        }
        snprintf(res->encoding, sizeof res->encoding, "%s%s%s", rec_reader_format(r) == REC_CSV ? "csv" : "json",
                 strcmp(ct.compression, "plain") ? "+" : "", strcmp(ct.compression, "plain") ? ct.compression : "");
    } else {
        snprintf(res->encoding, sizeof res->encoding, "json%s%s", strcmp(ct.compression, "plain") ? "+" : "",
                 strcmp(ct.compression, "plain") ? ct.compression : "");
    }
    res->format = f;
    c.kind = kind_of(f);
    c.r = r;

    if (db_begin(a, why, sizeof why) < 0) {
        snprintf(err, errlen, "%s: %s", path, why);
        goto out;
    }
    in_tx = true;
    /* another import may have landed the same content while we waited for the lock */
    dup = find_duplicate(a, ct.sha256, res);
    if (dup) {
        db_rollback(a);
        in_tx = false;
        res->duplicate = dup > 0;
        rc = dup > 0 ? 0 : -1;
        if (rc < 0)
            snprintf(err, errlen, "%s: %s", path, db_errmsg(a));
        goto out;
    }
    if (insert_file_row(&c, &ct, why, sizeof why) < 0) {
        snprintf(err, errlen, "%s: %s", path, why);
        goto out;
    }
    res->file_id = c.file_id;

    int irc;
    if (f == IN_PCAP) {
        irc = in_pcap_document(&c, why, sizeof why);
    } else {
        /* the reader resumes with the row read for detection */
        c.r = r;
        c.first_rc = first_rc;
        switch (f) {
        case IN_TRACE: irc = in_trace_records(&c, why, sizeof why); break;
        case IN_HTTP: irc = in_http_records(&c, why, sizeof why); break;
        default: irc = in_scan_records(&c, f, why, sizeof why); break;
        }
        if (irc == 0 && rec_reader_failed(r)) {
            snprintf(why, sizeof why, "%s", rec_reader_error(r));
            irc = -1;
        }
        /* a last line without its newline that did not parse: the file was cut */
        if (irc == 0 && !ct.ends_newline && ct.bytes && c.last_rc == -1) {
            snprintf(why, sizeof why, "the file ends in the middle of a line (cut?): %s", rec_reader_error(r));
            irc = -1;
        }
    }
    if (irc < 0) {
        snprintf(err, errlen, "%s: %s", path, why);
        goto out;
    }
    if (c.month < 0) {
        snprintf(err, errlen, "%s: no timestamps to tell the month from: give --month YYYY-MM or --date YYYY-MM-DD",
                 path);
        goto out;
    }
    res->month = c.month;
    if (finish_file_row(&c, why, sizeof why) < 0 || db_commit(a, why, sizeof why) < 0) {
        snprintf(err, errlen, "%s: %s", path, why);
        goto out;
    }
    in_tx = false;
    rc = 0;
out:
    if (in_tx)
        db_rollback(a);
    rec_reader_close(r);
    if (spool[0])
        unlink(spool);
    return rc;
}
