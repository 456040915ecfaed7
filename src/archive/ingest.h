/* ingest.h — importing one file into the archive: content hash, format detection, one transaction, the per-format readers. */
#ifndef ARCHIVE_INGEST_H
#define ARCHIVE_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "archive/db.h"
#include "io/record_read.h"

enum in_format {
    IN_AUTO,
    IN_SCAN,          /* mpcensus scan CSV / JSON lines */
    IN_ZMAP,          /* ZMap CSV (tcp_synscan or any subset of its fields) */
    IN_SYNOPT,        /* the MPTCP ZMap fork's tcp_synopt CSV */
    IN_TRACE,         /* mpcensus trace JSON lines / CSV */
    IN_HTTP,          /* mpcensus http CSV / JSON lines */
    IN_PCAP,          /* the JSON document of mpcensus pcap */
    IN_FORMAT_COUNT
};
const char *in_format_name(enum in_format f);   /* "scan", "zmap", "tcp_synopt", "trace", "http", "pcap" */
extern const char *const in_format_names[];     /* NULL-terminated, for --format */

struct import_opts {
    int month;                /* -1: from the data's timestamps (or --date) */
    bool has_date;
    int64_t date_usec;        /* --date */
    char date_text[16];
    const char *label;        /* vantage label */
    const char *shard;        /* "I/N" */
    int probe_version;        /* -2: not given; -1 plain SYN; 0; 1 */
    uint64_t key;             /* the v0 key sent (default 0c0c0c0c0c0c0c0c) */
    bool key_given;
    enum in_format format;    /* IN_AUTO: detected */
    int port;                 /* 0: none; for ZMap files without sport */
    /* called for every bad row ("file:line: reason") and notice; may be NULL */
    void (*warn)(void *user, const char *msg);
    void *warn_user;
    /* called about once a second on long files with the rows read so far; may be NULL */
    void (*progress)(void *user, const char *path, unsigned long long rows);
};
void import_opts_default(struct import_opts *o);

struct import_result {
    bool duplicate;           /* same content already in the archive: nothing imported */
    int64_t file_id;          /* new file, or the earlier one for a duplicate */
    char earlier[512];        /* duplicate: "PATH imported AT" of the earlier file */
    enum in_format format;
    int month;
    uint64_t rows, bad_rows, duplicate_rows, skipped_rows;
    char derived[1024];       /* verdict derivation summary (ZMap, tcp_synopt) */
    char encoding[32];
};

/* Imports one file (path "-": standard input, spooled to a temporary file
 * so it is hashed first). The whole file is one transaction: on any error
 * (read error, cut file, database error) nothing of it stays. Returns 0
 * (imported or duplicate), -1 with "PATH: reason" in err. */
int archive_import_file(struct archive *a, const char *path, const struct import_opts *o, struct import_result *res,
                        char *err, size_t errlen);

/* ---- for the per-format readers (in_*.c) */

struct import_ctx {
    struct archive *a;
    const struct import_opts *o;
    struct import_result *res;
    struct rec_reader *r;     /* record formats */
    const char *read_path;    /* the file to read (the spool for stdin) */
    const char *display;      /* the name given on the command line */
    int64_t file_id;
    /* filled by the reader, written to `files` at the end */
    const char *kind, *tool;
    int month;                /* -1 until known */
    int probe_version;        /* -2 none seen, -3 mixed */
    char probe_key[24];
    char ports[256], families[8];
    int64_t first_ts, last_ts;  /* INT64_MIN: none */
    int first_rc;             /* status of the row read for format detection */
    int last_rc;              /* status of the last row read before the end (-1: bad) */
    bool first_used;
    unsigned long long next_check;
    double last_progress;
};

/* The next row of c->r (the detection row first): 1 a row, 0 the end, -1 a
 * bad row (already counted and reported). */
int ctx_next(struct import_ctx *c);
/* Reports a bad row through opts.warn and counts it. */
void ctx_bad_row(struct import_ctx *c, const char *msg);
void ctx_notice(struct import_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Resolves the file's month: --month, else --date, else the timestamp ts
 * (INT64_MIN: none yet). Returns false while unknown. */
bool ctx_month(struct import_ctx *c, int64_t ts);
void ctx_seen_ts(struct import_ctx *c, int64_t ts);
/* The file's families column from a mask (bit 0: IPv4, bit 1: IPv6): "4", "6", "4,6". */
void ctx_set_families(struct import_ctx *c, unsigned mask);

/* Each reader imports every row of c->r (or the document at c->read_path);
 * -1 with the reason in err aborts the file. */
int in_scan_records(struct import_ctx *c, enum in_format f, char *err, size_t errlen);   /* IN_SCAN, IN_ZMAP, IN_SYNOPT */
int in_trace_records(struct import_ctx *c, char *err, size_t errlen);
int in_http_records(struct import_ctx *c, char *err, size_t errlen);
int in_pcap_document(struct import_ctx *c, char *err, size_t errlen);

/* Format of a record file from its column names (CSV header or first JSON row). */
enum in_format in_detect_columns(struct rec_reader *r);

#endif
