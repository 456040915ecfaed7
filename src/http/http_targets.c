/* http_targets.c — builds the deduplicated target list from operands, target files and scan/trace records. */
#include "http/http_targets.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli/args_endpoint.h"
#include "io/record_read.h"

void targets_init(struct http_targets *l)
{
    memset(l, 0, sizeof *l);
}

void targets_free(struct http_targets *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->t[i].label);
    free(l->t);
    free(l->index);
    memset(l, 0, sizeof *l);
}

static size_t key_hash(const struct ip_addr *a, uint16_t port)
{
    uint64_t h = 1469598103934665603ull ^ a->family;
    size_t n = a->family == AF_INET6 ? 16 : 4;
    for (size_t i = 0; i < n; i++)
        h = (h ^ a->bytes[i]) * 1099511628211ull;
    h = (h ^ port) * 1099511628211ull;
    return (size_t)(h ^ (h >> 29));
}

static bool same(const struct http_target *t, const struct ip_addr *a, uint16_t port)
{
    return t->port == port && ip_addr_equal(&t->addr, a);
}

static bool reindex(struct http_targets *l, size_t cap)
{
    size_t *ix = calloc(cap, sizeof *ix);
    if (!ix)
        return false;
    free(l->index);
    l->index = ix;
    l->index_cap = cap;
    for (size_t i = 0; i < l->n; i++) {
        size_t s = key_hash(&l->t[i].addr, l->t[i].port) & (cap - 1);
        while (ix[s])
            s = (s + 1) & (cap - 1);
        ix[s] = i + 1;
    }
    return true;
}

/* Adds one target; false only when out of memory. A duplicate is counted. */
static bool add_one(struct http_targets *l, const struct ip_addr *a, uint16_t port, const char *label)
{
    if ((l->n + 1) * 2 > l->index_cap && !reindex(l, l->index_cap ? l->index_cap * 2 : 1024))
        return false;
    size_t s = key_hash(a, port) & (l->index_cap - 1);
    for (; l->index[s]; s = (s + 1) & (l->index_cap - 1))
        if (same(&l->t[l->index[s] - 1], a, port)) {
            l->duplicates++;
            return true;
        }
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 256;
        struct http_target *nt = realloc(l->t, ncap * sizeof *nt);
        if (!nt)
            return false;
        l->t = nt;
        l->cap = ncap;
    }
    struct http_target *t = &l->t[l->n];
    memset(t, 0, sizeof *t);
    t->addr = *a;
    t->port = port;
    if (label && !(t->label = strdup(label)))
        return false;
    l->index[s] = ++l->n;
    return true;
}

bool targets_add_text(struct http_targets *l, const char *text, const struct port_list *ports, const char *label,
                      char *why, size_t whylen)
{
    struct ip_addr a;
    uint16_t port;
    if (!args_parse_endpoint(text, &a, &port, why, whylen))
        return false;
    if (port)
        return add_one(l, &a, port, label) || (snprintf(why, whylen, "out of memory"), false);
    for (size_t i = 0; i < ports->n; i++)
        if (!add_one(l, &a, ports->ports[i], label)) {
            snprintf(why, whylen, "out of memory");
            return false;
        }
    return true;
}

bool targets_load_file(struct http_targets *l, const char *path, const struct port_list *ports, char *err,
                       size_t errlen)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    char *line = NULL;
    size_t cap = 0;
    unsigned long lineno = 0;
    bool ok = true;
    while (ok && getline(&line, &cap, f) >= 0) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = 0;
        char *p = line + strspn(line, " \t\r\n");
        char *end = p + strcspn(p, " \t\r\n");
        if (p == end)
            continue;
        if (*end && end[strspn(end, " \t\r\n")]) {
            snprintf(err, errlen, "%s:%lu: one target per line (ADDR, ADDR:PORT or [V6]:PORT)", path, lineno);
            ok = false;
            break;
        }
        *end = 0;
        char why[200];
        if (!targets_add_text(l, p, ports, NULL, why, sizeof why)) {
            snprintf(err, errlen, "%s:%lu: %s", path, lineno, why);
            ok = false;
        }
    }
    if (ok && ferror(f)) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        ok = false;
    }
    free(line);
    if (f != stdin)
        fclose(f);
    return ok;
}

bool list_has(const char *list, const char *item)
{
    if (!list || !item)
        return false;
    size_t n = strlen(item);
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && !strncmp(p, item, n))
            return true;
        p += len;
        if (*p == ',')
            p++;
    }
    return false;
}

/* Columns to look a value up in, in order (the given name alone, or the candidates). */
struct col_set {
    int col[6];
    int n;
};

static void col_set_init(struct col_set *cs, struct rec_reader *r, const char *given, const char *const *names)
{
    cs->n = 0;
    if (given) {
        cs->col[cs->n++] = rec_reader_col(r, given);
        return;
    }
    for (int i = 0; names[i] && cs->n < 6; i++)
        cs->col[cs->n++] = rec_reader_col(r, names[i]);
}

static const char *col_set_value(const struct rec_reader *r, const struct col_set *cs)
{
    for (int i = 0; i < cs->n; i++) {
        const char *v = rec_reader_value(r, cs->col[i], NULL);
        if (v)
            return v;
    }
    return NULL;
}

static bool header_has_any(struct rec_reader *r, const char *given, const char *const *names)
{
    if (given)
        return rec_reader_has(r, given);
    for (int i = 0; names[i]; i++)
        if (rec_reader_has(r, names[i]))
            return true;
    return false;
}

static void note_bad(struct record_stats *st, const char *what)
{
    st->bad_rows++;
    if (!st->first_bad[0])
        snprintf(st->first_bad, sizeof st->first_bad, "%s", what);
}

bool targets_load_records(struct http_targets *l, const char *path, const struct record_select *sel,
                          struct record_stats *st, char *err, size_t errlen)
{
    static const char *const addr_names[] = {"target", "saddr", "addr", "address", NULL};
    static const char *const port_names[] = {"port", "sport", NULL};
    memset(st, 0, sizeof *st);
    struct rec_reader *r = rec_reader_open(path, err, errlen);
    if (!r)
        return false;
    struct col_set c_addr, c_port;
    col_set_init(&c_addr, r, sel->addr_field, addr_names);
    col_set_init(&c_port, r, sel->port_field, port_names);
    int c_verdict = rec_reader_col(r, "verdict"), c_class = rec_reader_col(r, "class");
    bool checked = false, ok = true;
    int rc;
    while ((rc = rec_reader_next(r)) != 0) {
        if (rc < 0) {
            note_bad(st, rec_reader_error(r));
            continue;
        }
        st->rows++;
        if (!checked) {
            checked = true;
            if (rec_reader_format(r) == REC_CSV && !header_has_any(r, sel->addr_field, addr_names)) {
                snprintf(err, errlen, "%s: no address column (%s)", path,
                         sel->addr_field ? sel->addr_field : "target, saddr, addr or address");
                ok = false;
                break;
            }
        }
        const char *verdict = rec_reader_value(r, c_verdict, NULL);
        const char *cls = rec_reader_value(r, c_class, NULL);
        if ((sel->verdicts && !list_has(sel->verdicts, verdict)) || (sel->classes && !list_has(sel->classes, cls))) {
            st->filtered++;
            continue;
        }
        const char *addr_text = col_set_value(r, &c_addr);
        struct ip_addr a;
        char why[256];
        if (!addr_text || !ip_addr_parse(addr_text, &a)) {
            snprintf(why, sizeof why, "%s:%llu: bad address '%s'", rec_reader_path(r), rec_reader_line(r),
                     addr_text ? addr_text : "");
            note_bad(st, why);
            continue;
        }
        const char *label = cls ? cls : verdict;
        const struct port_list *ports = sel->ports;
        struct port_list one = {0};
        uint16_t row_port;
        if (!ports) {
            const char *pt = col_set_value(r, &c_port);
            uint64_t v;
            char pwhy[128];
            if (pt && args_parse_u64(pt, 1, 65535, &v, pwhy, sizeof pwhy)) {
                row_port = (uint16_t)v;
                one.ports = &row_port;
                one.n = 1;
                ports = &one;
            } else if (!pt && sel->row_default) {
                ports = sel->row_default;
            } else {
                snprintf(why, sizeof why, "%s:%llu: bad or missing port '%s'", rec_reader_path(r), rec_reader_line(r),
                         pt ? pt : "");
                note_bad(st, why);
                continue;
            }
        }
        for (size_t i = 0; i < ports->n; i++)
            if (!add_one(l, &a, ports->ports[i], label)) {
                snprintf(err, errlen, "out of memory");
                ok = false;
                break;
            }
        st->kept++;
    }
    if (ok && rec_reader_failed(r)) {
        snprintf(err, errlen, "%s", rec_reader_error(r));
        ok = false;
    }
    rec_reader_close(r);
    return ok;
}
