/* db.h — the archive's SQLite connection: open/create, WAL, busy timeout, schema migrations, small statement helpers. */
#ifndef ARCHIVE_DB_H
#define ARCHIVE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "archive/schema.h"

/* Schema version written to PRAGMA user_version (README "Schema"). */
#define ARCHIVE_SCHEMA_VERSION ARCHIVE_SCHEMA_VERSION_MAX

struct archive {
    sqlite3 *db;
    char path[512];
};

struct archive_open_opts {
    bool create;              /* create the file and schema when missing (import, attribute) */
    bool readonly;            /* query, info */
    int busy_timeout_ms;      /* 0: default 600000 (10 min: a concurrent import of a big file) */
    int64_t cache_kib;        /* page cache; 0: default 262144 (256 MiB) */
};

/* Opens (and creates / migrates) the archive. -1 with "PATH: reason" in err. */
int archive_open(struct archive *a, const char *path, const struct archive_open_opts *o, char *err, size_t errlen);
void archive_close(struct archive *a);

/* Runs SQL text (several statements). -1 with the SQLite message in err. */
int db_exec(struct archive *a, const char *sql, char *err, size_t errlen);
/* Prepares a statement; NULL with the message in err. */
sqlite3_stmt *db_prepare(struct archive *a, const char *sql, char *err, size_t errlen);
/* One integer from a query with no parameters (def when no row / NULL). */
int64_t db_int(struct archive *a, const char *sql, int64_t def);
/* "reason" of the last SQLite error on this connection. */
const char *db_errmsg(struct archive *a);

/* Binds text, or NULL when s is NULL or empty. */
void db_bind_text_or_null(sqlite3_stmt *st, int i, const char *s);
/* Binds v when present, else NULL (present: an in_fields result, 1 = value read). */
void db_bind_int_if(sqlite3_stmt *st, int i, int present, int64_t v);
void db_bind_double_if(sqlite3_stmt *st, int i, int present, double v);
/* Steps an INSERT/UPDATE once and resets it for the next row; -1 with
 * "inserting WHAT: reason" in err. */
int db_step_row(struct archive *a, sqlite3_stmt *st, const char *what, char *err, size_t errlen);

/* Steps a statement that returns no rows once and finalizes it; -1 with
 * "WHAT: reason" (just the reason when what is NULL) in err. */
int db_step_once(struct archive *a, sqlite3_stmt *st, const char *what, char *err, size_t errlen);

/* Write transaction: BEGIN IMMEDIATE (waits for other writers up to the busy timeout). */
int db_begin(struct archive *a, char *err, size_t errlen);
int db_commit(struct archive *a, char *err, size_t errlen);
void db_rollback(struct archive *a);

/* Registers SQL functions used by views and queries: month_text(INT) ->
 * 'YYYY-MM', addr_text(BLOB) -> address text. Done by archive_open. */
int db_register_functions(sqlite3 *db);

#endif
