/* record_read.c — CSV (RFC 4180) and flat JSON-lines row reader with a name->column hash and per-row bad-row reporting. */
#include "io/record_read.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/instream.h"

#define NAME_HASH 512   /* power of two, > any schema's field count */

struct val {
    const char *p;
    uint32_t len;
    bool present;
};

struct rec_reader {
    FILE *f;
    bool own;
    bool instream;          /* f came from instream_open: close it there */
    char path[512];
    enum rec_format format;
    char **names;
    size_t n_names, cap_names;
    int hash[NAME_HASH];    /* -1 empty, else index into names */
    size_t header_cols;     /* CSV: columns in the header */
    struct val *vals;
    size_t cap_vals;
    char *line;             /* raw logical line */
    size_t line_cap, line_len;
    char *buf;              /* unescaped values */
    size_t buf_cap;
    unsigned long long lineno, row_line, rows, bad;
    bool failed, eof;
    char error[768];
    int pending;            /* first byte peeked for format detection, or EOF */
};

static uint32_t hash_name(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

static int lookup(const struct rec_reader *r, const char *s, size_t n)
{
    for (uint32_t h = hash_name(s, n) & (NAME_HASH - 1);; h = (h + 1) & (NAME_HASH - 1)) {
        int i = r->hash[h];
        if (i < 0)
            return -1;
        if (strlen(r->names[i]) == n && !memcmp(r->names[i], s, n))
            return i;
    }
}

static int add_name(struct rec_reader *r, const char *s, size_t n)
{
    int i = lookup(r, s, n);
    if (i >= 0)
        return i;
    if (r->n_names >= NAME_HASH / 2)
        return -1;
    if (r->n_names == r->cap_names) {
        size_t cap = r->cap_names ? 2 * r->cap_names : 32;
        char **nn = realloc(r->names, cap * sizeof *nn);
        if (!nn)
            return -1;
        r->names = nn;
        r->cap_names = cap;
    }
    char *copy = malloc(n + 1);
    if (!copy)
        return -1;
    memcpy(copy, s, n);
    copy[n] = '\0';
    if (r->n_names >= r->cap_vals) {
        size_t cap = r->cap_vals ? 2 * r->cap_vals : 32;
        struct val *nv = realloc(r->vals, cap * sizeof *nv);
        if (!nv) {
            free(copy);
            return -1;
        }
        memset(nv + r->cap_vals, 0, (cap - r->cap_vals) * sizeof *nv);
        r->vals = nv;
        r->cap_vals = cap;
    }
    r->names[r->n_names] = copy;
    uint32_t h = hash_name(s, n) & (NAME_HASH - 1);
    while (r->hash[h] >= 0)
        h = (h + 1) & (NAME_HASH - 1);
    r->hash[h] = (int)r->n_names;
    return (int)r->n_names++;
}

static int bad_row(struct rec_reader *r, const char *why)
{
    r->bad++;
    snprintf(r->error, sizeof r->error, "%s:%llu: %s", r->path, r->row_line, why);
    return -1;
}

/* Reads one physical line, appended to r->line; false at EOF/error. */
static bool read_physical(struct rec_reader *r, bool *too_long)
{
    bool any = false;
    int c;
    if (r->pending != EOF - 1) {
        c = r->pending;
        r->pending = EOF - 1;
        if (c == EOF)
            return false;
        goto have;
    }
    for (;;) {
        c = getc_unlocked(r->f);
        if (c == EOF) {
            if (ferror(r->f)) {
                r->failed = true;
                snprintf(r->error, sizeof r->error, "%s: read error: %s", r->path, strerror(errno));
            }
            return any;
        }
    have:
        any = true;
        if (c == '\n') {
            r->lineno++;
            return true;
        }
        if (r->line_len + 2 > r->line_cap) {
            if (r->line_cap >= REC_READ_MAX_LINE) {
                *too_long = true;
                continue;   /* swallow the rest of the line */
            }
            size_t cap = r->line_cap ? 2 * r->line_cap : 4096;
            char *nl = realloc(r->line, cap);
            if (!nl) {
                *too_long = true;
                continue;
            }
            r->line = nl;
            r->line_cap = cap;
        }
        r->line[r->line_len++] = (char)c;
    }
}

static bool ensure_buf(struct rec_reader *r, size_t need)
{
    if (need <= r->buf_cap)
        return true;
    size_t cap = r->buf_cap ? r->buf_cap : 4096;
    while (cap < need)
        cap *= 2;
    char *nb = realloc(r->buf, cap);
    if (!nb)
        return false;
    r->buf = nb;
    r->buf_cap = cap;
    return true;
}

/* Reads one logical CSV record (quoted newlines join lines). 0 EOF, 1 ok, -1 too long. */
static int read_csv_record(struct rec_reader *r)
{
    r->line_len = 0;
    bool too_long = false;
    r->row_line = r->lineno + 1;
    if (!read_physical(r, &too_long))
        return 0;
    for (;;) {
        size_t quotes = 0;
        for (size_t i = 0; i < r->line_len; i++)
            quotes += r->line[i] == '"';
        if (quotes % 2 == 0 || too_long)
            break;
        r->line[r->line_len++] = '\n';   /* the quoted newline is part of the value */
        if (!read_physical(r, &too_long))
            break;
    }
    if (r->line_len && r->line[r->line_len - 1] == '\r')
        r->line_len--;
    r->line[r->line_len] = '\0';
    return too_long ? -1 : 1;
}

/* Splits r->line into vals[0..]; returns the field count or -1 (bad quoting). */
static long split_csv(struct rec_reader *r, struct val *out, size_t cap)
{
    if (!ensure_buf(r, r->line_len + 1))
        return -1;
    char *dst = r->buf;
    const char *p = r->line, *end = r->line + r->line_len;
    size_t n = 0;
    for (;;) {
        const char *start = dst;
        if (p < end && *p == '"') {
            p++;
            for (;;) {
                if (p >= end)
                    return -1;   /* unterminated quote */
                if (*p == '"') {
                    if (p + 1 < end && p[1] == '"') {
                        *dst++ = '"';
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                *dst++ = *p++;
            }
            if (p < end && *p != ',')
                return -1;   /* text after the closing quote */
        } else {
            while (p < end && *p != ',') {
                if (*p == '"')
                    return -1;
                *dst++ = *p++;
            }
        }
        if (n < cap)
            out[n] = (struct val){start, (uint32_t)(dst - start), dst > start};
        n++;
        *dst++ = '\0';
        if (p >= end)
            break;
        p++;   /* the comma */
    }
    return (long)n;
}

/* ---- JSON */

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    return p;
}

static int hexv(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static char *put_utf8(char *d, uint32_t cp)
{
    if (cp < 0x80) {
        *d++ = (char)cp;
    } else if (cp < 0x800) {
        *d++ = (char)(0xc0 | cp >> 6);
        *d++ = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        *d++ = (char)(0xe0 | cp >> 12);
        *d++ = (char)(0x80 | (cp >> 6 & 0x3f));
        *d++ = (char)(0x80 | (cp & 0x3f));
    } else {
        *d++ = (char)(0xf0 | cp >> 18);
        *d++ = (char)(0x80 | (cp >> 12 & 0x3f));
        *d++ = (char)(0x80 | (cp >> 6 & 0x3f));
        *d++ = (char)(0x80 | (cp & 0x3f));
    }
    return d;
}

/* Parses a string at p (at the opening quote) into *dst; returns the byte after it or NULL. */
static const char *json_string(const char *p, char **dst)
{
    char *d = *dst;
    p++;
    for (;;) {
        unsigned char c = (unsigned char)*p;
        if (c == '\0' || c < 0x20)
            return NULL;
        if (c == '"')
            break;
        if (c != '\\') {
            *d++ = (char)c;
            p++;
            continue;
        }
        p++;
        switch (*p) {
        case '"': *d++ = '"'; break;
        case '\\': *d++ = '\\'; break;
        case '/': *d++ = '/'; break;
        case 'b': *d++ = '\b'; break;
        case 'f': *d++ = '\f'; break;
        case 'n': *d++ = '\n'; break;
        case 'r': *d++ = '\r'; break;
        case 't': *d++ = '\t'; break;
        case 'u': {
            uint32_t cp = 0;
            for (int i = 1; i <= 4; i++) {
                int h = hexv(p[i]);
                if (h < 0)
                    return NULL;
                cp = cp << 4 | (uint32_t)h;
            }
            p += 4;
            if (cp >= 0xd800 && cp < 0xdc00 && p[1] == '\\' && p[2] == 'u') {
                uint32_t lo = 0;
                for (int i = 3; i <= 6; i++) {
                    int h = hexv(p[i]);
                    if (h < 0)
                        return NULL;
                    lo = lo << 4 | (uint32_t)h;
                }
                if (lo >= 0xdc00 && lo < 0xe000) {
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    p += 6;
                }
            }
            d = put_utf8(d, cp);
            break;
        }
        default: return NULL;
        }
        p++;
    }
    *dst = d;
    return p + 1;
}

/* Skips a nested array/object (strings respected); returns the byte after it or NULL. */
static const char *json_skip_nested(const char *p)
{
    int depth = 0;
    do {
        if (*p == '\0')
            return NULL;
        if (*p == '"') {
            for (p++; *p != '"'; p++) {
                if (!*p)
                    return NULL;
                if (*p == '\\' && !*++p)
                    return NULL;
            }
        } else if (*p == '{' || *p == '[') {
            depth++;
        } else if (*p == '}' || *p == ']') {
            depth--;
        }
        p++;
    } while (depth > 0);
    return p;
}

static int parse_json_row(struct rec_reader *r)
{
    if (!ensure_buf(r, 4 * r->line_len + 16))
        return bad_row(r, "out of memory");
    char *d = r->buf;
    const char *p = skip_ws(r->line);
    if (*p != '{')
        return bad_row(r, "not a JSON object");
    p = skip_ws(p + 1);
    if (*p == '}')
        return skip_ws(p + 1)[0] ? bad_row(r, "text after the object") : 1;
    for (;;) {
        if (*p != '"')
            return bad_row(r, "expected a key");
        char *key = d;
        if (!(p = json_string(p, &d)))
            return bad_row(r, "bad string");
        size_t klen = (size_t)(d - key);
        *d++ = '\0';
        p = skip_ws(p);
        if (*p != ':')
            return bad_row(r, "expected ':'");
        p = skip_ws(p + 1);
        int col = add_name(r, key, klen);
        if (col < 0)
            return bad_row(r, "too many distinct keys");
        struct val v = {d, 0, true};
        if (*p == '"') {
            if (!(p = json_string(p, &d)))
                return bad_row(r, "bad string");
            v.len = (uint32_t)(d - v.p);
        } else if (*p == '{' || *p == '[') {
            const char *s = p;
            if (!(p = json_skip_nested(p)))
                return bad_row(r, "unterminated array or object");
            memcpy(d, s, (size_t)(p - s));
            d += p - s;
            v.len = (uint32_t)(p - s);
        } else if (!strncmp(p, "null", 4)) {
            p += 4;
            v.present = false;
        } else {
            const char *s = p;
            while (*p && *p != ',' && *p != '}' && *p != ' ' && *p != '\t')
                p++;
            if (p == s)
                return bad_row(r, "expected a value");
            if (strncmp(s, "true", 4) && strncmp(s, "false", 5) && !(*s == '-' || (*s >= '0' && *s <= '9')))
                return bad_row(r, "bad value");
            memcpy(d, s, (size_t)(p - s));
            d += p - s;
            v.len = (uint32_t)(p - s);
        }
        *d++ = '\0';
        r->vals[col] = v;
        p = skip_ws(p);
        if (*p == ',') {
            p = skip_ws(p + 1);
            continue;
        }
        if (*p == '}') {
            if (*skip_ws(p + 1))
                return bad_row(r, "text after the object");
            return 1;
        }
        return bad_row(r, "expected ',' or '}'");
    }
}

/* ---- public */

struct rec_reader *rec_reader_from_stream(FILE *f, const char *name, bool own, char *err, size_t errlen)
{
    struct rec_reader *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "%s: out of memory", name);
        if (own)
            fclose(f);
        return NULL;
    }
    r->f = f;
    r->own = own;
    snprintf(r->path, sizeof r->path, "%s", name);
    memset(r->hash, -1, sizeof r->hash);
    /* peek the first non-blank byte for the format (pushed back below) */
    int c;
    unsigned long long blank_lines = 0;
    while ((c = getc_unlocked(f)) == ' ' || c == '\t' || c == '\r' || c == '\n')
        blank_lines += c == '\n';
    r->lineno = blank_lines;
    r->pending = c;
    r->format = c == '{' ? REC_JSONL : REC_CSV;
    if (r->format == REC_CSV && c != EOF) {
        bool too_long = false;
        int rc = read_csv_record(r);
        (void)too_long;
        if (rc < 0) {
            snprintf(err, errlen, "%s:1: header line too long", name);
            rec_reader_close(r);
            return NULL;
        }
        long n = split_csv(r, NULL, 0);
        if (n < 0) {
            snprintf(err, errlen, "%s:1: bad quoting in the CSV header", name);
            rec_reader_close(r);
            return NULL;
        }
        const char *p = r->buf;
        for (long i = 0; i < n; i++) {
            size_t l = strlen(p);
            if (add_name(r, p, l) != (int)i) {
                snprintf(err, errlen, "%s:1: duplicate or too many columns in the header ('%s')", name, p);
                rec_reader_close(r);
                return NULL;
            }
            p += l + 1;
        }
        r->header_cols = (size_t)n;
    }
    return r;
}

struct rec_reader *rec_reader_open(const char *path, char *err, size_t errlen)
{
    FILE *f = instream_open(path, err, errlen);
    if (!f)
        return NULL;
    struct rec_reader *r = rec_reader_from_stream(f, path, false, err, errlen);
    if (!r) {
        instream_close(f, NULL, 0);
        return NULL;
    }
    r->instream = true;
    return r;
}

enum rec_format rec_reader_format(const struct rec_reader *r) { return r->format; }

int rec_reader_col(struct rec_reader *r, const char *name)
{
    int i = add_name(r, name, strlen(name));
    return i < 0 ? NAME_HASH : i;   /* out of range: always absent */
}

size_t rec_reader_n_cols(const struct rec_reader *r) { return r->n_names; }
const char *rec_reader_col_name(const struct rec_reader *r, size_t col) { return col < r->n_names ? r->names[col] : NULL; }

bool rec_reader_has(struct rec_reader *r, const char *name)
{
    int i = lookup(r, name, strlen(name));
    if (i < 0)
        return false;
    return r->format == REC_JSONL || (size_t)i < r->header_cols;
}

int rec_reader_next(struct rec_reader *r)
{
    for (;;) {
        if (r->failed)
            return 0;
        for (size_t i = 0; i < r->n_names; i++)
            r->vals[i].present = false;
        int rc;
        if (r->format == REC_CSV) {
            rc = read_csv_record(r);
            if (rc == 0)
                return 0;
            if (r->line_len == 0 && rc > 0)
                continue;   /* blank line */
            if (rc < 0)
                return bad_row(r, "line too long");
            long n = split_csv(r, r->vals, r->header_cols);
            if (n < 0)
                return bad_row(r, "bad CSV quoting");
            if ((size_t)n != r->header_cols) {
                char why[96];
                snprintf(why, sizeof why, "%ld fields where the header has %zu", n, r->header_cols);
                return bad_row(r, why);
            }
        } else {
            bool too_long = false;
            r->line_len = 0;
            r->row_line = r->lineno + 1;
            if (!read_physical(r, &too_long))
                return 0;
            if (r->line_len && r->line[r->line_len - 1] == '\r')
                r->line_len--;
            r->line[r->line_len] = '\0';
            if (too_long)
                return bad_row(r, "line too long");
            if (*skip_ws(r->line) == '\0')
                continue;
            if (parse_json_row(r) < 0)
                return -1;
        }
        r->rows++;
        return 1;
    }
}

const char *rec_reader_value(const struct rec_reader *r, int col, size_t *len)
{
    if (col < 0 || (size_t)col >= r->n_names || !r->vals[col].present) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = r->vals[col].len;
    return r->vals[col].p;
}

const char *rec_reader_line_text(const struct rec_reader *r) { return r->line ? r->line : ""; }
unsigned long long rec_reader_line(const struct rec_reader *r) { return r->row_line; }
unsigned long long rec_reader_rows(const struct rec_reader *r) { return r->rows; }
unsigned long long rec_reader_bad_rows(const struct rec_reader *r) { return r->bad; }
const char *rec_reader_error(const struct rec_reader *r) { return r->error; }
bool rec_reader_failed(const struct rec_reader *r) { return r->failed; }
const char *rec_reader_path(const struct rec_reader *r) { return r->path; }

void rec_reader_close(struct rec_reader *r)
{
    if (!r)
        return;
    if (r->instream)
        instream_close(r->f, NULL, 0);
    else if (r->own)
        fclose(r->f);
    for (size_t i = 0; i < r->n_names; i++)
        free(r->names[i]);
    free(r->names);
    free(r->vals);
    free(r->line);
    free(r->buf);
    free(r);
}
