/* record.h — the one record writer every stage's output uses: CSV (RFC 4180) or JSON lines, field selection, whole lines, checked writes. */
#ifndef IO_RECORD_H
#define IO_RECORD_H

/*
 * Records are the interface between stages (../shared/DESIGN.md): a stage declares its
 * fields once (name, type, meaning) and fills one row at a time:
 *
 *     static const struct rec_field fields[] = {
 *         {"saddr", REC_STR, "responder address"},
 *         {"sport", REC_NUM, "responder port"},
 *         {"repeat", REC_BOOL, "duplicate reply"},
 *     };
 *     static const struct rec_schema schema = {"scan", fields, 3};
 *     struct rec_writer *w = rec_open(&schema, &(struct rec_opts){.path = "-"}, err, sizeof err);
 *     rec_set_str(w, F_SADDR, "198.18.0.1");
 *     rec_set_u64(w, F_SPORT, 80);
 *     rec_emit(w);                   // one line; unset fields are empty / null
 *     ...
 *     if (rec_close(w, err, sizeof err) < 0) -> report err, exit non-zero
 *
 * CSV: a header line of the selected names, values quoted per RFC 4180 only
 * when they contain a comma, quote, CR or LF; null is empty; booleans 1/0 (as
 * ZMap) unless csv_bool_words. JSON lines: one compact object per record,
 * keys = the CSV header names, strings escaped, null, true/false; REC_JSON
 * fields carry a nested value (array/object) built with io/json.h, written
 * as-is in JSON and as its text in CSV.
 * Output goes through io/outfile: the file only ever holds whole records, and
 * every write error is kept and returned by rec_emit/rec_flush/rec_close.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io/outfile.h"

enum rec_type {
    REC_STR,    /* text: quoted in JSON */
    REC_NUM,    /* integer or decimal: bare in JSON */
    REC_BOOL,   /* true/false in JSON; 1/0 (or true/false) in CSV */
    REC_JSON,   /* nested JSON value: bare in JSON, its text in CSV */
};

struct rec_field {
    const char *name;
    enum rec_type type;
    const char *help;       /* meaning, for --list-output-fields, README and man pages */
};

struct rec_schema {
    const char *name;       /* "scan", "trace", ... */
    const struct rec_field *fields;
    unsigned n_fields;
};

enum rec_format { REC_CSV, REC_JSONL };

struct rec_opts {
    const char *path;           /* "-" or NULL: standard output */
    enum rec_format format;
    const char *fields;         /* "a,b,c" selection in that order; NULL or "*": all */
    bool no_header;             /* CSV without the header line */
    bool csv_bool_words;        /* CSV booleans as true/false instead of 1/0 */
    bool json_omit_null;        /* JSON: leave out null fields instead of writing null */
    bool append;                /* open with O_APPEND */
    struct outfile *out;        /* write into this (not closed by rec_close) instead of path */
};

struct rec_writer;

/* Opens the output and writes the CSV header. NULL with err on an unknown
 * field name (the message lists the valid ones) or an open failure. */
struct rec_writer *rec_open(const struct rec_schema *schema, const struct rec_opts *opts, char *err, size_t errlen);

/* Whether a -f list names only fields of the schema (and at least one), with
 * rec_open's message otherwise: a command checks it before creating files. */
bool rec_fields_valid(const struct rec_schema *schema, const char *fields, char *err, size_t errlen);

/* Parses a -O value: "csv" or "json" (also "jsonl", "ndjson"). */
bool rec_format_parse(const char *text, enum rec_format *out);
/* "name,name,..." of every field (for --list-output-fields); static buffer per schema call. */
void rec_list_fields(const struct rec_schema *schema, char *buf, size_t len);
/* Index of a field by name, or -1. */
int rec_field_index(const struct rec_schema *schema, const char *name);

/* Setting a field that is not selected costs a branch. Values are copied at
 * once, so pointers need only live until the call returns. Setting a field
 * twice keeps the second value. */
void rec_set_str(struct rec_writer *w, unsigned field, const char *s);      /* NULL -> null */
void rec_set_strn(struct rec_writer *w, unsigned field, const char *s, size_t n);
void rec_set_u64(struct rec_writer *w, unsigned field, uint64_t v);
void rec_set_i64(struct rec_writer *w, unsigned field, int64_t v);
void rec_set_double(struct rec_writer *w, unsigned field, double v, int decimals); /* NaN -> null */
void rec_set_bool(struct rec_writer *w, unsigned field, bool v);
void rec_set_hex(struct rec_writer *w, unsigned field, const uint8_t *bytes, size_t n);
void rec_set_json(struct rec_writer *w, unsigned field, const char *json, size_t n);
void rec_set_null(struct rec_writer *w, unsigned field);
/* True when the field is in the selection (skip expensive formatting otherwise). */
bool rec_selected(const struct rec_writer *w, unsigned field);

/* Formats the row into one line, appends it, and clears the row. Returns 0,
 * or -1 once the output has failed (rec_error says why). */
int rec_emit(struct rec_writer *w);
/* Formats the row exactly as rec_emit would write it, but into buf (cap
 * bytes, NUL-terminated, without the newline, cut to fit), and clears the
 * row. Returns the length. For tests and callers that embed one record. */
size_t rec_format_row(struct rec_writer *w, char *buf, size_t cap);
/* Discards the row being filled (e.g. a record filtered out). */
void rec_discard(struct rec_writer *w);
/* Writes out the complete lines buffered so far (call e.g. once a second). */
int rec_flush(struct rec_writer *w);
unsigned long long rec_count(const struct rec_writer *w);   /* records emitted */
bool rec_failed(const struct rec_writer *w);
const char *rec_error(const struct rec_writer *w);          /* "PATH: reason" */
/* Flushes and closes; -1 with "PATH: reason" in err when anything failed. Safe on NULL. */
int rec_close(struct rec_writer *w, char *err, size_t errlen);

#endif
