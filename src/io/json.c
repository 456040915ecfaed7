/* json.c — JSON builder: separators and indentation per container layout, RFC 8259 string escaping. */
#include "io/json.h"

#include "net/bytes.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void json_init(struct json *j) { memset(j, 0, sizeof *j); }

void json_free(struct json *j)
{
    free(j->p);
    memset(j, 0, sizeof *j);
}

void json_reset(struct json *j)
{
    j->len = 0;
    j->depth = 0;
    j->after_key = false;
    j->failed = false;
    if (j->p)
        j->p[0] = '\0';
}

static bool reserve(struct json *j, size_t more)
{
    if (j->failed)
        return false;
    if (j->len + more + 1 <= j->cap)
        return true;
    size_t cap = j->cap ? j->cap : 256;
    while (cap < j->len + more + 1)
        cap *= 2;
    char *p = realloc(j->p, cap);
    if (!p) {
        j->failed = true;
        return false;
    }
    j->p = p;
    j->cap = cap;
    return true;
}

static void put(struct json *j, const char *s, size_t n)
{
    if (!reserve(j, n))
        return;
    memcpy(j->p + j->len, s, n);
    j->len += n;
    j->p[j->len] = '\0';
}

static void puts_(struct json *j, const char *s) { put(j, s, strlen(s)); }

static void newline_indent(struct json *j, unsigned level)
{
    unsigned n = 2 * (level + j->base_indent);
    if (!reserve(j, n + 1))
        return;
    j->p[j->len++] = '\n';
    memset(j->p + j->len, ' ', n);
    j->len += n;
    j->p[j->len] = '\0';
}

/* Separator before a value or key in the current container. */
static void before_item(struct json *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->depth == 0)
        return;
    unsigned d = j->depth - 1;
    uint8_t layout = j->lvl[d].layout;
    if (j->lvl[d].count++)
        puts_(j, layout == JSON_COMPACT ? "," : layout == JSON_SPACED ? ", " : ",");
    if (layout == JSON_MULTILINE)
        newline_indent(j, j->depth);
}

static void open_container(struct json *j, enum json_layout layout, bool obj)
{
    before_item(j);
    if (j->depth == JSON_MAX_DEPTH) {
        j->failed = true;
        return;
    }
    j->lvl[j->depth].layout = (uint8_t)layout;
    j->lvl[j->depth].is_obj = obj;
    j->lvl[j->depth].count = 0;
    j->depth++;
    put(j, obj ? "{" : "[", 1);
}

static void close_container(struct json *j, bool obj)
{
    if (j->depth == 0 || j->lvl[j->depth - 1].is_obj != obj) {
        j->failed = true;
        return;
    }
    j->depth--;
    if (j->lvl[j->depth].layout == JSON_MULTILINE && j->lvl[j->depth].count)
        newline_indent(j, j->depth);
    put(j, obj ? "}" : "]", 1);
}

void json_obj_begin(struct json *j, enum json_layout layout) { open_container(j, layout, true); }
void json_obj_end(struct json *j) { close_container(j, true); }
void json_arr_begin(struct json *j, enum json_layout layout) { open_container(j, layout, false); }
void json_arr_end(struct json *j) { close_container(j, false); }

bool json_escape_into(char *buf, size_t cap, size_t *len, const char *s, size_t n)
{
    size_t l = *len;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc = 0;
        switch (c) {
        case '"': esc = '"'; break;
        case '\\': esc = '\\'; break;
        case '\n': esc = 'n'; break;
        case '\r': esc = 'r'; break;
        case '\t': esc = 't'; break;
        case '\b': esc = 'b'; break;
        case '\f': esc = 'f'; break;
        default: break;
        }
        if (esc) {
            if (l + 2 >= cap)
                return false;
            buf[l++] = '\\';
            buf[l++] = esc;
        } else if (c < 0x20 || c == 0x7f) {
            if (l + 6 >= cap)
                return false;
            memcpy(buf + l, "\\u00", 4);
            hex_encode(buf + l + 4, &c, 1);
            l += 6;
        } else {
            if (l + 1 >= cap)
                return false;
            buf[l++] = (char)c;
        }
    }
    *len = l;
    if (l < cap)
        buf[l] = '\0';
    return true;
}

static void string_body(struct json *j, const char *s, size_t n)
{
    if (!reserve(j, 6 * n + 2))   /* worst case: every byte \u00XX */
        return;
    j->p[j->len++] = '"';
    json_escape_into(j->p, j->cap, &j->len, s, n);
    j->p[j->len++] = '"';
    j->p[j->len] = '\0';
}

void json_key(struct json *j, const char *key)
{
    before_item(j);
    string_body(j, key, strlen(key));
    uint8_t layout = j->depth ? j->lvl[j->depth - 1].layout : JSON_COMPACT;
    puts_(j, layout == JSON_COMPACT ? ":" : ": ");
    j->after_key = true;
}

void json_strn(struct json *j, const char *s, size_t n)
{
    before_item(j);
    string_body(j, s, n);
}

void json_str(struct json *j, const char *s)
{
    if (!s) {
        json_null(j);
        return;
    }
    json_strn(j, s, strlen(s));
}

void json_u64(struct json *j, uint64_t v)
{
    char t[24];
    before_item(j);
    put(j, t, (size_t)snprintf(t, sizeof t, "%" PRIu64, v));
}

void json_i64(struct json *j, int64_t v)
{
    char t[24];
    before_item(j);
    put(j, t, (size_t)snprintf(t, sizeof t, "%" PRId64, v));
}

void json_double(struct json *j, double v, int decimals)
{
    if (!isfinite(v)) {
        json_null(j);
        return;
    }
    char t[64];
    before_item(j);
    int n = snprintf(t, sizeof t, "%.*f", decimals, v);
    if (n > 0 && (size_t)n < sizeof t)
        put(j, t, (size_t)n);
    else
        puts_(j, "null");
}

void json_number_g(struct json *j, double v)
{
    if (!isfinite(v)) {
        json_null(j);
        return;
    }
    char t[40];
    before_item(j);
    /* the shortest of %.15g..%.17g that reads back as the same double */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(t, sizeof t, "%.*g", prec, v);
        if (strtod(t, NULL) == v)
            break;
    }
    puts_(j, t);
}

void json_bool(struct json *j, bool v)
{
    before_item(j);
    puts_(j, v ? "true" : "false");
}

void json_null(struct json *j)
{
    before_item(j);
    puts_(j, "null");
}

void json_hex(struct json *j, const uint8_t *bytes, size_t n)
{
    before_item(j);
    if (!reserve(j, 2 * n + 2))
        return;
    j->p[j->len++] = '"';
    j->len = (size_t)(hex_encode(j->p + j->len, bytes, n) - j->p);
    j->p[j->len++] = '"';
    j->p[j->len] = '\0';
}

void json_raw(struct json *j, const char *text, size_t n)
{
    before_item(j);
    put(j, text, n);
}

void json_kv_str(struct json *j, const char *key, const char *s) { json_key(j, key); json_str(j, s); }
void json_kv_u64(struct json *j, const char *key, uint64_t v) { json_key(j, key); json_u64(j, v); }
void json_kv_i64(struct json *j, const char *key, int64_t v) { json_key(j, key); json_i64(j, v); }
void json_kv_double(struct json *j, const char *key, double v, int d) { json_key(j, key); json_double(j, v, d); }
void json_kv_bool(struct json *j, const char *key, bool v) { json_key(j, key); json_bool(j, v); }
void json_kv_null(struct json *j, const char *key) { json_key(j, key); json_null(j); }

void json_write_string(FILE *out, const char *s)
{
    struct json j;
    json_init(&j);
    json_str(&j, s ? s : "");
    fwrite(json_data(&j), 1, json_len(&j), out);
    json_free(&j);
}
