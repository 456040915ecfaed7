/* db.c — opens the archive (WAL, busy timeout, page cache), migrates its schema and wraps SQLite calls. */
#include "archive/db.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "cli/args_time.h"
#include "net/addr.h"

static void fn_month_text(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    char buf[16];
    args_month_format(sqlite3_value_int(argv[0]), buf, sizeof buf);
    sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

static void fn_addr_text(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    int n = sqlite3_value_bytes(argv[0]);
    const unsigned char *b = sqlite3_value_blob(argv[0]);
    if (!b || (n != 4 && n != 16)) {
        sqlite3_result_null(ctx);
        return;
    }
    struct ip_addr a;
    memset(&a, 0, sizeof a);
    a.family = n == 4 ? AF_INET : AF_INET6;
    memcpy(a.bytes, b, (size_t)n);
    char buf[IP_ADDR_STRLEN];
    sqlite3_result_text(ctx, ip_addr_format(&a, buf, sizeof buf), -1, SQLITE_TRANSIENT);
}

int db_register_functions(sqlite3 *db)
{
    int f = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
    if (sqlite3_create_function(db, "month_text", 1, f, NULL, fn_month_text, NULL, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_create_function(db, "addr_text", 1, f, NULL, fn_addr_text, NULL, NULL) != SQLITE_OK)
        return -1;
    return 0;
}

int archive_open(struct archive *a, const char *path, const struct archive_open_opts *o, char *err, size_t errlen)
{
    memset(a, 0, sizeof *a);
    snprintf(a->path, sizeof a->path, "%s", path);
    static bool configured;
    if (!configured) {
        /* no global allocation statistics: their mutex is taken on every malloc */
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        configured = true;
    }
    int flags = o->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | (o->create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path, &a->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, a->db ? sqlite3_errmsg(a->db) : "cannot open");
        archive_close(a);
        return -1;
    }
    sqlite3_busy_timeout(a->db, o->busy_timeout_ms > 0 ? o->busy_timeout_ms : 600000);
    if (db_register_functions(a->db) < 0) {
        snprintf(err, errlen, "%s: cannot register SQL functions", path);
        archive_close(a);
        return -1;
    }
    char sql[256];
    snprintf(sql, sizeof sql, "PRAGMA cache_size = -%lld; PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = OFF;",
             (long long)(o->cache_kib > 0 ? o->cache_kib : 262144));
    if (db_exec(a, sql, err, errlen) < 0)
        goto fail;
    if (!o->readonly) {
        /* WAL: readers never block the writer; NORMAL: a crash or kill loses
         * at most uncommitted files, never consistency */
        /* 64 KiB pages (a new file only): fewer B-tree levels and splits for row-heavy imports */
        if (db_exec(a, "PRAGMA page_size = 65536; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", err,
                    errlen) < 0)
            goto fail;
        if (schema_migrate(a->db, err, errlen) < 0)
            goto fail;
    } else {
        int64_t v = db_int(a, "PRAGMA user_version", 0);
        if (v == 0) {
            snprintf(err, errlen, "%s: not an mpcensus archive (no schema; import something first)", path);
            archive_close(a);
            return -1;
        }
        if (v > ARCHIVE_SCHEMA_VERSION) {
            snprintf(err, errlen, "%s: schema version %lld is newer than this mpcensus knows (%d)", path, (long long)v,
                     ARCHIVE_SCHEMA_VERSION);
            archive_close(a);
            return -1;
        }
    }
    return 0;
fail: {
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s", err);
    snprintf(err, errlen, "%s: %s", path, tmp);
    archive_close(a);
    return -1;
}
}

void archive_close(struct archive *a)
{
    if (a->db)
        sqlite3_close_v2(a->db);
    a->db = NULL;
}

int db_exec(struct archive *a, const char *sql, char *err, size_t errlen)
{
    char *msg = NULL;
    if (sqlite3_exec(a->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "%s", msg ? msg : sqlite3_errmsg(a->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

sqlite3_stmt *db_prepare(struct archive *a, const char *sql, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(a->db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(a->db));
        return NULL;
    }
    return st;
}

int64_t db_int(struct archive *a, const char *sql, int64_t def)
{
    sqlite3_stmt *st = NULL;
    int64_t v = def;
    if (sqlite3_prepare_v2(a->db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
        sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

const char *db_errmsg(struct archive *a) { return sqlite3_errmsg(a->db); }

void db_bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
    if (s && *s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

void db_bind_int_if(sqlite3_stmt *st, int i, int present, int64_t v)
{
    if (present > 0)
        sqlite3_bind_int64(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

void db_bind_double_if(sqlite3_stmt *st, int i, int present, double v)
{
    if (present > 0)
        sqlite3_bind_double(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

int db_step_once(struct archive *a, sqlite3_stmt *st, const char *what, char *err, size_t errlen)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        snprintf(err, errlen, "%s%s%s", what ? what : "", what ? ": " : "", sqlite3_errmsg(a->db));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int db_step_row(struct archive *a, sqlite3_stmt *st, const char *what, char *err, size_t errlen)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return 0;
    snprintf(err, errlen, "inserting %s: %s", what, sqlite3_errmsg(a->db));
    return -1;
}

int db_begin(struct archive *a, char *err, size_t errlen) { return db_exec(a, "BEGIN IMMEDIATE", err, errlen); }
int db_commit(struct archive *a, char *err, size_t errlen) { return db_exec(a, "COMMIT", err, errlen); }
void db_rollback(struct archive *a)
{
    if (!sqlite3_get_autocommit(a->db))
        sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
}
