/* record.c — record writer: per-row value slots, CSV quoting / JSON escaping, output through io/outfile. */
#include "io/record.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/json.h"
#include "net/bytes.h"

struct slot {
    bool set;
    uint32_t off, len;      /* value text in the arena */
};

struct rec_writer {
    const struct rec_schema *schema;
    struct rec_opts opts;
    struct outfile *out;
    bool own_out;
    unsigned *order;        /* selected field indices, output order */
    unsigned n_order;
    bool *selected;         /* per schema field */
    struct slot *slots;     /* per schema field */
    char *arena;
    size_t arena_len, arena_cap;
    char *line;
    size_t line_len, line_cap;
    char *keys;             /* JSON: each field's "name": prefix, escaped once at open */
    size_t *key_off, *key_len;
    bool failed;
    char error[640];
    unsigned long long count;
};

bool rec_format_parse(const char *text, enum rec_format *out)
{
    if (!strcmp(text, "csv"))
        *out = REC_CSV;
    else if (!strcmp(text, "json") || !strcmp(text, "jsonl") || !strcmp(text, "ndjson"))
        *out = REC_JSONL;
    else
        return false;
    return true;
}

void rec_list_fields(const struct rec_schema *schema, char *buf, size_t len)
{
    size_t l = 0;
    if (len)
        buf[0] = '\0';
    for (unsigned i = 0; i < schema->n_fields && l < len; i++)
        l += (size_t)snprintf(buf + l, len - l, "%s%s", i ? "," : "", schema->fields[i].name);
}

int rec_field_index(const struct rec_schema *schema, const char *name)
{
    for (unsigned i = 0; i < schema->n_fields; i++)
        if (!strcmp(schema->fields[i].name, name))
            return (int)i;
    return -1;
}

static bool grow(char **p, size_t *cap, size_t need)
{
    if (need <= *cap)
        return true;
    size_t c = *cap ? *cap : 1024;
    while (c < need)
        c *= 2;
    char *np = realloc(*p, c);
    if (!np)
        return false;
    *p = np;
    *cap = c;
    return true;
}

static void fail_oom(struct rec_writer *w)
{
    if (!w->failed) {
        w->failed = true;
        snprintf(w->error, sizeof w->error, "%s: out of memory", outfile_path(w->out));
    }
}

static bool line_put(struct rec_writer *w, const char *s, size_t n)
{
    if (!grow(&w->line, &w->line_cap, w->line_len + n + 1)) {
        fail_oom(w);
        return false;
    }
    memcpy(w->line + w->line_len, s, n);
    w->line_len += n;
    return true;
}

/* CSV: quote only when needed (RFC 4180 §2.6), doubling inner quotes. */
static void line_csv_value(struct rec_writer *w, const char *s, size_t n)
{
    bool quote = false;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        line_put(w, s, n);
        return;
    }
    line_put(w, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            line_put(w, "\"", 1);
        line_put(w, s + i, 1);
    }
    line_put(w, "\"", 1);
}

/* Marks the fields a -f list names (NULL, "" or "*": all), in its order, in
 * selected[] and order[] (n_fields entries each, zeroed). */
static bool select_fields(const struct rec_schema *schema, const char *sel, bool *selected, unsigned *order,
                          unsigned *n_order, char *err, size_t errlen)
{
    if (!sel || !*sel || !strcmp(sel, "*")) {
        for (unsigned i = 0; i < schema->n_fields; i++) {
            order[(*n_order)++] = i;
            selected[i] = true;
        }
        return true;
    }
    const char *p = sel;
    while (*p) {
        size_t n = strcspn(p, ", ");
        if (n) {
            char name[128];
            snprintf(name, sizeof name, "%.*s", (int)n, p);
            int idx = rec_field_index(schema, name);
            if (idx < 0) {
                char all[2048];
                rec_list_fields(schema, all, sizeof all);
                snprintf(err, errlen, "unknown output field '%s' (fields: %s)", name, all);
                return false;
            }
            if (!selected[idx]) {
                selected[idx] = true;
                order[(*n_order)++] = (unsigned)idx;
            }
        }
        p += n;
        while (*p == ',' || *p == ' ')
            p++;
    }
    if (*n_order == 0) {
        snprintf(err, errlen, "no output fields selected");
        return false;
    }
    return true;
}

bool rec_fields_valid(const struct rec_schema *schema, const char *fields, char *err, size_t errlen)
{
    size_t n = schema->n_fields ? schema->n_fields : 1;
    bool *selected = calloc(n, sizeof *selected);
    unsigned *order = calloc(n, sizeof *order), n_order = 0;
    bool ok = selected && order;
    if (!ok)
        snprintf(err, errlen, "out of memory");
    else
        ok = select_fields(schema, fields, selected, order, &n_order, err, errlen);
    free(selected);
    free(order);
    return ok;
}

struct rec_writer *rec_open(const struct rec_schema *schema, const struct rec_opts *opts, char *err, size_t errlen)
{
    struct rec_writer *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    w->schema = schema;
    w->opts = *opts;
    w->order = calloc(schema->n_fields ? schema->n_fields : 1, sizeof *w->order);
    w->selected = calloc(schema->n_fields ? schema->n_fields : 1, sizeof *w->selected);
    w->slots = calloc(schema->n_fields ? schema->n_fields : 1, sizeof *w->slots);
    if (!w->order || !w->selected || !w->slots) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    if (!select_fields(schema, opts->fields, w->selected, w->order, &w->n_order, err, errlen))
        goto fail;
    w->key_off = calloc(schema->n_fields ? schema->n_fields : 1, sizeof *w->key_off);
    w->key_len = calloc(schema->n_fields ? schema->n_fields : 1, sizeof *w->key_len);
    size_t keys_cap = 0;
    for (unsigned i = 0; i < schema->n_fields; i++)
        keys_cap += 6 * strlen(schema->fields[i].name) + 4;
    w->keys = malloc(keys_cap + 1);
    if (!w->key_off || !w->key_len || !w->keys) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    size_t kl = 0;
    for (unsigned i = 0; i < schema->n_fields; i++) {
        w->key_off[i] = kl;
        w->keys[kl++] = '"';
        json_escape_into(w->keys, keys_cap + 1, &kl, schema->fields[i].name, strlen(schema->fields[i].name));
        w->keys[kl++] = '"';
        w->keys[kl++] = ':';
        w->key_len[i] = kl - w->key_off[i];
    }
    if (opts->out) {
        w->out = opts->out;
    } else {
        w->out = opts->append ? outfile_open_append(opts->path, err, errlen) : outfile_open(opts->path, err, errlen);
        if (!w->out)
            goto fail;
        w->own_out = true;
    }
    if (opts->format == REC_CSV && !opts->no_header) {
        for (unsigned i = 0; i < w->n_order; i++) {
            if (i)
                line_put(w, ",", 1);
            const char *name = schema->fields[w->order[i]].name;
            line_csv_value(w, name, strlen(name));
        }
        line_put(w, "\n", 1);
        if (!w->failed && outfile_write(w->out, w->line, w->line_len) < 0)
            snprintf(w->error, sizeof w->error, "%s", outfile_error(w->out)), w->failed = true;
        w->line_len = 0;
    }
    return w;
fail:
    free(w->order);
    free(w->selected);
    free(w->slots);
    free(w->keys);
    free(w->key_off);
    free(w->key_len);
    free(w);
    return NULL;
}

bool rec_selected(const struct rec_writer *w, unsigned field)
{
    return field < w->schema->n_fields && w->selected[field];
}

static void set_text(struct rec_writer *w, unsigned field, const char *s, size_t n)
{
    if (!rec_selected(w, field))
        return;
    if (!grow(&w->arena, &w->arena_cap, w->arena_len + n + 1)) {
        fail_oom(w);
        return;
    }
    memcpy(w->arena + w->arena_len, s, n);
    w->slots[field] = (struct slot){true, (uint32_t)w->arena_len, (uint32_t)n};
    w->arena_len += n;
}

void rec_set_strn(struct rec_writer *w, unsigned field, const char *s, size_t n) { set_text(w, field, s, n); }

void rec_set_str(struct rec_writer *w, unsigned field, const char *s)
{
    if (!s)
        rec_set_null(w, field);
    else
        set_text(w, field, s, strlen(s));
}

void rec_set_u64(struct rec_writer *w, unsigned field, uint64_t v)
{
    if (!rec_selected(w, field))
        return;
    char t[24];
    int i = (int)sizeof t;
    do {   /* on the scan's receive path: no printf */
        t[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    set_text(w, field, t + i, sizeof t - (size_t)i);
}

void rec_set_i64(struct rec_writer *w, unsigned field, int64_t v)
{
    if (!rec_selected(w, field))
        return;
    char t[24];
    set_text(w, field, t, (size_t)snprintf(t, sizeof t, "%" PRId64, v));
}

void rec_set_double(struct rec_writer *w, unsigned field, double v, int decimals)
{
    if (!rec_selected(w, field))
        return;
    if (!isfinite(v)) {
        rec_set_null(w, field);
        return;
    }
    char t[64];
    int n = snprintf(t, sizeof t, "%.*f", decimals, v);
    if (n < 0 || (size_t)n >= sizeof t)
        rec_set_null(w, field);
    else
        set_text(w, field, t, (size_t)n);
}

void rec_set_bool(struct rec_writer *w, unsigned field, bool v)
{
    /* kept as 1/0 text; rec_emit renders the format's spelling */
    set_text(w, field, v ? "1" : "0", 1);
}

void rec_set_hex(struct rec_writer *w, unsigned field, const uint8_t *bytes, size_t n)
{
    if (!rec_selected(w, field))
        return;
    if (!grow(&w->arena, &w->arena_cap, w->arena_len + 2 * n + 1)) {
        fail_oom(w);
        return;
    }
    hex_encode(w->arena + w->arena_len, bytes, n);
    w->slots[field] = (struct slot){true, (uint32_t)w->arena_len, (uint32_t)(2 * n)};
    w->arena_len += 2 * n;
}

void rec_set_json(struct rec_writer *w, unsigned field, const char *json, size_t n) { set_text(w, field, json, n); }

void rec_set_null(struct rec_writer *w, unsigned field)
{
    if (rec_selected(w, field))
        w->slots[field].set = false;
}

void rec_discard(struct rec_writer *w)
{
    for (unsigned i = 0; i < w->n_order; i++)
        w->slots[w->order[i]].set = false;
    w->arena_len = 0;
}

static bool needs_csv_quotes(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
            return true;
    return false;
}

static bool needs_json_escapes(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == '"' || c == '\\' || c == 0x7f)
            return true;
    }
    return false;
}

/* Formats the row into w->line (with its newline) and clears the row. On
 * the scan's receive path (~1 M records/s): the line is reserved once, then
 * written without further checks; plain values (the common case) are copied
 * whole, only values that need quoting or escaping are walked twice. */
static void build_line(struct rec_writer *w)
{
    bool json = w->opts.format == REC_JSONL;
    size_t bound = 4;
    for (unsigned i = 0; i < w->n_order; i++) {
        unsigned f = w->order[i];
        bound += 8 + (json ? w->key_len[f] + 6 * (size_t)w->slots[f].len : 2 * (size_t)w->slots[f].len);
    }
    w->line_len = 0;
    if (!grow(&w->line, &w->line_cap, bound)) {
        fail_oom(w);
        rec_discard(w);
        return;
    }
    char *p = w->line;
    bool first = true;
    if (json)
        *p++ = '{';
    for (unsigned i = 0; i < w->n_order; i++) {
        unsigned f = w->order[i];
        const struct slot *s = &w->slots[f];
        const char *v = w->arena + s->off;
        enum rec_type type = w->schema->fields[f].type;
        if (!json) {
            if (i)
                *p++ = ',';
            if (!s->set)
                continue;
            if (type == REC_BOOL && w->opts.csv_bool_words) {
                memcpy(p, *v == '1' ? "true" : "false", *v == '1' ? 4 : 5);
                p += *v == '1' ? 4 : 5;
            } else if (type != REC_NUM && type != REC_BOOL && needs_csv_quotes(v, s->len)) {
                /* RFC 4180 §2.6: quoted, inner quotes doubled */
                *p++ = '"';
                for (size_t k = 0; k < s->len; k++) {
                    if (v[k] == '"')
                        *p++ = '"';
                    *p++ = v[k];
                }
                *p++ = '"';
            } else {
                memcpy(p, v, s->len);
                p += s->len;
            }
            continue;
        }
        if (!s->set && w->opts.json_omit_null)
            continue;
        if (!first)
            *p++ = ',';
        first = false;
        memcpy(p, w->keys + w->key_off[f], w->key_len[f]);   /* "name": */
        p += w->key_len[f];
        if (!s->set) {
            memcpy(p, "null", 4);
            p += 4;
        } else if (type == REC_BOOL) {
            memcpy(p, *v == '1' ? "true" : "false", *v == '1' ? 4 : 5);
            p += *v == '1' ? 4 : 5;
        } else if (type == REC_STR) {
            *p++ = '"';
            if (needs_json_escapes(v, s->len)) {
                size_t len = (size_t)(p - w->line);
                json_escape_into(w->line, w->line_cap, &len, v, s->len);
                p = w->line + len;
            } else {
                memcpy(p, v, s->len);
                p += s->len;
            }
            *p++ = '"';
        } else {
            memcpy(p, v, s->len);
            p += s->len;
        }
    }
    if (json)
        *p++ = '}';
    *p++ = '\n';
    w->line_len = (size_t)(p - w->line);
    rec_discard(w);
}

size_t rec_format_row(struct rec_writer *w, char *buf, size_t cap)
{
    if (cap == 0)
        return 0;
    build_line(w);
    size_t n = w->failed || w->line_len == 0 ? 0 : w->line_len - 1;   /* without the newline */
    if (n >= cap)
        n = cap - 1;
    memcpy(buf, w->line, n);
    buf[n] = '\0';
    return n;
}

int rec_emit(struct rec_writer *w)
{
    if (w->failed) {
        rec_discard(w);
        return -1;
    }
    build_line(w);
    if (w->failed)
        return -1;
    if (outfile_write(w->out, w->line, w->line_len) < 0) {
        w->failed = true;
        snprintf(w->error, sizeof w->error, "%s", outfile_error(w->out));
        return -1;
    }
    w->count++;
    return 0;
}

int rec_flush(struct rec_writer *w)
{
    if (w->failed)
        return -1;
    if (outfile_flush_lines(w->out) < 0) {
        w->failed = true;
        snprintf(w->error, sizeof w->error, "%s", outfile_error(w->out));
        return -1;
    }
    return 0;
}

unsigned long long rec_count(const struct rec_writer *w) { return w->count; }
bool rec_failed(const struct rec_writer *w) { return w->failed; }
const char *rec_error(const struct rec_writer *w) { return w->failed ? w->error : ""; }

int rec_close(struct rec_writer *w, char *err, size_t errlen)
{
    if (!w)
        return 0;
    int rc = w->failed ? -1 : 0;
    char cerr[640] = "";
    if (w->own_out) {
        if (outfile_close(w->out, cerr, sizeof cerr) < 0 && rc == 0) {
            rc = -1;
            snprintf(w->error, sizeof w->error, "%s", cerr);
        }
    } else if (rc == 0 && outfile_flush_lines(w->out) < 0) {
        rc = -1;
        snprintf(w->error, sizeof w->error, "%s", outfile_error(w->out));
    }
    if (rc < 0 && err && errlen)
        snprintf(err, errlen, "%s", w->error);
    free(w->order);
    free(w->selected);
    free(w->slots);
    free(w->arena);
    free(w->line);
    free(w->keys);
    free(w->key_off);
    free(w->key_len);
    free(w);
    return rc;
}
