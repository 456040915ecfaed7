/* filter.c — recursive-descent parser of ZMap-style output filters into a small expression tree, and its evaluation. */
#include "cli/filter.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"

enum op { OP_EQ, OP_NE, OP_LT, OP_GT, OP_LE, OP_GE };
enum node_kind { N_AND, N_OR, N_CMP };

struct node {
    enum node_kind kind;
    int left, right;          /* N_AND, N_OR: child nodes */
    unsigned field;           /* N_CMP */
    enum op op;
    uint64_t num;
    char *str;
};

struct filter {
    struct node *nodes;
    size_t n, cap;
    int root;
    enum filter_type *types;  /* of each field, for evaluation */
};

struct parser {
    const char *text, *p;
    const struct filter_field *fields;
    unsigned n_fields;
    struct filter *f;
    char *why;
    size_t whylen;
    bool failed;
};

static int fail(struct parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct parser *ps, const char *fmt, ...)
{
    if (ps->failed)
        return -1;
    ps->failed = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ps->why, ps->whylen, fmt, ap);
    va_end(ap);
    return -1;
}

static void skip_space(struct parser *ps)
{
    while (isspace((unsigned char)*ps->p))
        ps->p++;
}

static int offset(const struct parser *ps) { return (int)(ps->p - ps->text); }

static int new_node(struct parser *ps, struct node n)
{
    struct filter *f = ps->f;
    if (f->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 8;
        struct node *nn = realloc(f->nodes, cap * sizeof *nn);
        if (!nn)
            return fail(ps, "out of memory");
        f->nodes = nn;
        f->cap = cap;
    }
    f->nodes[f->n] = n;
    return (int)f->n++;
}

static bool is_word_char(char c) { return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.' || c == ':'; }

/* A bare word or "quoted string"; malloc'ed. */
static char *read_value(struct parser *ps)
{
    skip_space(ps);
    const char *start = ps->p;
    size_t len;
    if (*ps->p == '"') {
        const char *end = strchr(ps->p + 1, '"');
        if (!end) {
            fail(ps, "unterminated \" at offset %d", offset(ps));
            return NULL;
        }
        start = ps->p + 1;
        len = (size_t)(end - start);
        ps->p = end + 1;
    } else {
        while (is_word_char(*ps->p))
            ps->p++;
        len = (size_t)(ps->p - start);
        if (!len) {
            fail(ps, *ps->p ? "expected a value at offset %d, found '%c'" : "expected a value at offset %d (end of text)",
                 offset(ps), *ps->p);
            return NULL;
        }
    }
    char *v = malloc(len + 1);
    if (!v) {
        fail(ps, "out of memory");
        return NULL;
    }
    memcpy(v, start, len);
    v[len] = '\0';
    return v;
}

static void list_names(char *buf, size_t len, const char *const *names, size_t n)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && at < len; i++) {
        int w = snprintf(buf + at, len - at, "%s%s", i ? ", " : "", names[i]);
        if (w < 0)
            break;
        at += (size_t)w;
    }
}

static int parse_or(struct parser *ps);

static int parse_comparison(struct parser *ps)
{
    skip_space(ps);
    int at = offset(ps);
    const char *start = ps->p;
    while (isalnum((unsigned char)*ps->p) || *ps->p == '_')
        ps->p++;
    size_t len = (size_t)(ps->p - start);
    if (!len)
        return fail(ps, *ps->p ? "expected a field name at offset %d, found '%c'" : "expected a field name at offset %d (end of text)", at, *ps->p);
    unsigned field = ps->n_fields;
    for (unsigned i = 0; i < ps->n_fields; i++)
        if (strlen(ps->fields[i].name) == len && !strncmp(ps->fields[i].name, start, len))
            field = i;
    if (field == ps->n_fields) {
        char names[1024];
        const char *v[64];
        size_t k = 0;
        for (unsigned i = 0; i < ps->n_fields && k < 64; i++)
            v[k++] = ps->fields[i].name;
        list_names(names, sizeof names, v, k);
        return fail(ps, "unknown field '%.*s' at offset %d (fields: %s)", (int)len, start, at, names);
    }
    const struct filter_field *fd = &ps->fields[field];
    skip_space(ps);
    enum op op;
    int op_at = offset(ps);
    if (!strncmp(ps->p, "==", 2)) op = OP_EQ, ps->p += 2;
    else if (!strncmp(ps->p, "!=", 2)) op = OP_NE, ps->p += 2;
    else if (!strncmp(ps->p, "<=", 2)) op = OP_LE, ps->p += 2;
    else if (!strncmp(ps->p, ">=", 2)) op = OP_GE, ps->p += 2;
    else if (*ps->p == '=') op = OP_EQ, ps->p++;
    else if (*ps->p == '<') op = OP_LT, ps->p++;
    else if (*ps->p == '>') op = OP_GT, ps->p++;
    else
        return fail(ps, "expected =, !=, <, >, <= or >= after '%s' at offset %d", fd->name, op_at);
    if (fd->type == FILTER_STR && op != OP_EQ && op != OP_NE)
        return fail(ps, "'%s' is a text field: only = and != compare it (offset %d)", fd->name, op_at);
    int val_at = (skip_space(ps), offset(ps));
    char *value = read_value(ps);
    if (!value)
        return -1;
    struct node n = {.kind = N_CMP, .field = field, .op = op};
    if (fd->type == FILTER_NUM) {
        char why[128];
        bool ok = args_parse_u64(value, 0, UINT64_MAX, &n.num, why, sizeof why);
        if (!ok) {
            fail(ps, "'%s' is a number field: bad value '%s' at offset %d: %s", fd->name, value, val_at, why);
            free(value);
            return -1;
        }
        free(value);
    } else {
        if (fd->choices) {
            bool known = false;
            size_t k = 0;
            for (; fd->choices[k]; k++)
                known |= !strcmp(fd->choices[k], value);
            if (!known) {
                char names[512];
                list_names(names, sizeof names, fd->choices, k);
                fail(ps, "%s has no value '%s' (offset %d; values: %s)", fd->name, value, val_at, names);
                free(value);
                return -1;
            }
        }
        n.str = value;
    }
    int id = new_node(ps, n);
    if (id < 0)
        free(n.str);
    return id;
}

static int parse_primary(struct parser *ps)
{
    skip_space(ps);
    if (*ps->p == '(') {
        int at = offset(ps);
        ps->p++;
        int e = parse_or(ps);
        if (e < 0)
            return -1;
        skip_space(ps);
        if (*ps->p != ')')
            return fail(ps, "the '(' at offset %d is not closed (offset %d)", at, offset(ps));
        ps->p++;
        return e;
    }
    return parse_comparison(ps);
}

static int parse_and(struct parser *ps)
{
    int left = parse_primary(ps);
    while (left >= 0) {
        skip_space(ps);
        if (strncmp(ps->p, "&&", 2))
            break;
        ps->p += 2;
        int right = parse_primary(ps);
        if (right < 0)
            return -1;
        left = new_node(ps, (struct node){.kind = N_AND, .left = left, .right = right});
    }
    return left;
}

static int parse_or(struct parser *ps)
{
    int left = parse_and(ps);
    while (left >= 0) {
        skip_space(ps);
        if (strncmp(ps->p, "||", 2))
            break;
        ps->p += 2;
        int right = parse_and(ps);
        if (right < 0)
            return -1;
        left = new_node(ps, (struct node){.kind = N_OR, .left = left, .right = right});
    }
    return left;
}

struct filter *filter_compile(const char *text, const struct filter_field *fields, unsigned n_fields, char *why,
                              size_t whylen)
{
    struct filter *f = calloc(1, sizeof *f);
    if (!f || !(f->types = calloc(n_fields ? n_fields : 1, sizeof *f->types))) {
        free(f);
        snprintf(why, whylen, "out of memory");
        return NULL;
    }
    for (unsigned i = 0; i < n_fields; i++)
        f->types[i] = fields[i].type;
    struct parser ps = {.text = text, .p = text, .fields = fields, .n_fields = n_fields, .f = f, .why = why,
                        .whylen = whylen};
    skip_space(&ps);
    if (!*ps.p) {
        snprintf(why, whylen, "empty expression");
        filter_free(f);
        return NULL;
    }
    f->root = parse_or(&ps);
    if (f->root >= 0) {
        skip_space(&ps);
        if (*ps.p)
            fail(&ps, !strncmp(ps.p, "&", 1) || !strncmp(ps.p, "|", 1)
                          ? "'%c' at offset %d: write && or ||"
                          : "unexpected '%c' at offset %d (comparisons are joined with && or ||)",
                 *ps.p, offset(&ps));
    }
    if (ps.failed || f->root < 0) {
        filter_free(f);
        return NULL;
    }
    return f;
}

static bool eval(const struct filter *f, int id, filter_get_fn get, const void *rec)
{
    const struct node *n = &f->nodes[id];
    switch (n->kind) {
    case N_AND: return eval(f, n->left, get, rec) && eval(f, n->right, get, rec);
    case N_OR: return eval(f, n->left, get, rec) || eval(f, n->right, get, rec);
    case N_CMP: break;
    }
    struct filter_value v = {0};
    get(rec, n->field, &v);
    if (!v.present)
        return false;
    if (f->types[n->field] == FILTER_STR) {
        bool eq = v.str && !strcmp(v.str, n->str);
        return n->op == OP_EQ ? eq : !eq;
    }
    switch (n->op) {
    case OP_EQ: return v.num == n->num;
    case OP_NE: return v.num != n->num;
    case OP_LT: return v.num < n->num;
    case OP_GT: return v.num > n->num;
    case OP_LE: return v.num <= n->num;
    case OP_GE: return v.num >= n->num;
    }
    return false;
}

bool filter_match(const struct filter *f, filter_get_fn get, const void *record)
{
    return eval(f, f->root, get, record);
}

void filter_free(struct filter *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++)
        free(f->nodes[i].str);
    free(f->nodes);
    free(f->types);
    free(f);
}
