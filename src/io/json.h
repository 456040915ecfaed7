/* json.h — the one JSON writer: a builder into a growing buffer with correct escaping, nesting and three layouts. */
#ifndef IO_JSON_H
#define IO_JSON_H

/*
 * Build a value, then hand json_data()/json_len() to an outfile (or a record
 * field). Commas, colons, indentation and escaping are the builder's job:
 *
 *     struct json j;
 *     json_init(&j);
 *     json_obj_begin(&j, JSON_COMPACT);
 *     json_key(&j, "frame"); json_u64(&j, 7);
 *     json_key(&j, "mptcp"); json_arr_begin(&j, JSON_COMPACT); ... json_arr_end(&j);
 *     json_obj_end(&j);                   -> {"frame":7,"mptcp":[...]}
 *
 * Layouts, chosen per container:
 *   JSON_COMPACT    {"a":1,"b":[1,2]}            one record per line
 *   JSON_SPACED     {"a": 1, "b": [1, 2]}        inline, readable
 *   JSON_MULTILINE  one member per line, indented two spaces per level
 * Strings are escaped per RFC 8259 (quotes, backslash, control bytes as
 * \uXXXX; bytes >= 0x80 pass through, so valid UTF-8 stays valid). Doubles
 * that are NaN or infinite are written as null. An allocation failure marks
 * the builder (json_failed) instead of crashing.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum json_layout { JSON_COMPACT, JSON_SPACED, JSON_MULTILINE };

#define JSON_MAX_DEPTH 32

struct json {
    char *p;
    size_t len, cap;
    bool failed;
    unsigned depth;
    bool after_key;                     /* a key was written; the next value follows it */
    struct { uint8_t layout; uint8_t is_obj; uint32_t count; } lvl[JSON_MAX_DEPTH];
    unsigned base_indent;               /* extra indent levels for MULTILINE (embedding) */
};

void json_init(struct json *j);
void json_free(struct json *j);
/* Empties the buffer (keeps its memory) for the next value. */
void json_reset(struct json *j);
static inline const char *json_data(const struct json *j) { return j->p ? j->p : ""; }
static inline size_t json_len(const struct json *j) { return j->len; }
static inline bool json_failed(const struct json *j) { return j->failed; }

void json_obj_begin(struct json *j, enum json_layout layout);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, enum json_layout layout);
void json_arr_end(struct json *j);
void json_key(struct json *j, const char *key);

void json_str(struct json *j, const char *s);              /* NULL -> null */
void json_strn(struct json *j, const char *s, size_t n);
void json_u64(struct json *j, uint64_t v);
void json_i64(struct json *j, int64_t v);
void json_double(struct json *j, double v, int decimals);  /* "%.*f"; NaN/inf -> null */
void json_number_g(struct json *j, double v);              /* shortest exact form ("%.17g"-class) */
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
void json_hex(struct json *j, const uint8_t *bytes, size_t n);  /* "0a0b..." */
/* A value already in JSON form (a nested document built elsewhere). */
void json_raw(struct json *j, const char *text, size_t n);

/* Key + value shorthands. */
void json_kv_str(struct json *j, const char *key, const char *s);
void json_kv_u64(struct json *j, const char *key, uint64_t v);
void json_kv_i64(struct json *j, const char *key, int64_t v);
void json_kv_double(struct json *j, const char *key, double v, int decimals);
void json_kv_bool(struct json *j, const char *key, bool v);
void json_kv_null(struct json *j, const char *key);

/* Appends s escaped as a JSON string body (no quotes) to buf of cap bytes at
 * *len; false when it does not fit. For writers that format lines themselves. */
bool json_escape_into(char *buf, size_t cap, size_t *len, const char *s, size_t n);

/* Writes s as a quoted JSON string to a stdio stream (kept for code that
 * prints to FILE*; new code builds with struct json). */
void json_write_string(FILE *out, const char *s);

#endif
