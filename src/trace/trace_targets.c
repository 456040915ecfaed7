/* trace_targets.c — target table (open-addressing hash over address and port) and the readers of operands and target files. */
#include "trace/trace_targets.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "io/record_read.h"

void tt_init(struct target_table *t)
{
    memset(t, 0, sizeof *t);
}

void tt_free(struct target_table *t)
{
    free(t->v);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

static uint64_t hash_key(const struct ip_addr *a, uint16_t port)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ a->family ^ (uint64_t)port << 8;
    for (int i = 0; i < 16; i += 8) {
        uint64_t w;
        memcpy(&w, a->bytes + i, 8);
        h ^= w;
        h *= 0xbf58476d1ce4e5b9ull;
        h ^= h >> 31;
    }
    h *= 0x94d049bb133111ebull;
    return h ^ (h >> 29);
}

static bool same(const struct trace_target *e, const struct ip_addr *a, uint16_t port)
{
    return e->port == port && ip_addr_equal(&e->addr, a);
}

long tt_find(const struct target_table *t, const struct ip_addr *a, uint16_t port)
{
    if (!t->nslots)
        return -1;
    size_t mask = t->nslots - 1;
    for (size_t i = hash_key(a, port) & mask;; i = (i + 1) & mask) {
        uint32_t s = t->slots[i];
        if (!s)
            return -1;
        if (same(&t->v[s - 1], a, port))
            return (long)s - 1;
    }
}

static int rehash(struct target_table *t, size_t nslots)
{
    uint32_t *ns = calloc(nslots, sizeof *ns);
    if (!ns)
        return -1;
    size_t mask = nslots - 1;
    for (size_t k = 0; k < t->n; k++) {
        size_t i = hash_key(&t->v[k].addr, t->v[k].port) & mask;
        while (ns[i])
            i = (i + 1) & mask;
        ns[i] = (uint32_t)(k + 1);
    }
    free(t->slots);
    t->slots = ns;
    t->nslots = nslots;
    return 0;
}

int tt_add(struct target_table *t, const struct ip_addr *a, uint16_t port, uint8_t hint)
{
    long found = tt_find(t, a, port);
    if (found >= 0) {
        if (hint > t->v[found].hint)
            t->v[found].hint = hint;
        return 0;
    }
    if (t->n >= UINT32_MAX - 1)
        return -1;
    if (t->n == t->cap) {
        size_t ncap = t->cap ? t->cap * 2 : 1024;
        struct trace_target *nv = realloc(t->v, ncap * sizeof *nv);
        if (!nv)
            return -1;
        t->v = nv;
        t->cap = ncap;
    }
    if ((t->n + 1) * 2 > t->nslots && rehash(t, t->nslots ? t->nslots * 2 : 4096) != 0)
        return -1;
    struct trace_target *e = &t->v[t->n];
    memset(e, 0, sizeof *e);
    e->addr = *a;
    e->port = port;
    e->hint = hint;
    e->slot = TARGET_IDLE;
    size_t mask = t->nslots - 1;
    size_t i = hash_key(a, port) & mask;
    while (t->slots[i])
        i = (i + 1) & mask;
    t->slots[i] = (uint32_t)(t->n + 1);
    t->n++;
    return 1;
}

unsigned tt_hops_from_ttl(unsigned ttl)
{
    static const unsigned initial[] = {32, 64, 128, 255};
    if (ttl == 0 || ttl > 255)
        return 0;
    for (size_t i = 0; i < sizeof initial / sizeof initial[0]; i++)
        if (ttl <= initial[i])
            return initial[i] - ttl + 1;
    return 0;
}

/* ------------------------------------------------------------------ input */

static bool verdict_listed(const char *list, const char *v)
{
    size_t n = strlen(v);
    for (const char *p = list; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && !strncmp(p, v, n))
            return true;
        if (!comma)
            break;
        p = comma + 1;
    }
    return false;
}

static void note_bad(struct tt_load *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note_bad(struct tt_load *l, const char *fmt, ...)
{
    l->bad_rows++;
    if (!l->first_bad[0]) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(l->first_bad, sizeof l->first_bad, fmt, ap);
        va_end(ap);
    }
}

/* One (address, port-or-NULL) pair; returns -1 only when out of memory. */
static int add_pair(struct target_table *t, struct tt_load *l, const char *addr_text, const char *port_text,
                    unsigned hint, const char *where, unsigned long long line)
{
    struct ip_addr a;
    char why[128];
    if (!addr_text || !args_parse_addr(addr_text, &a, why, sizeof why)) {
        note_bad(l, "%s:%llu: bad address '%s'", where, line, addr_text ? addr_text : "");
        return 0;
    }
    uint16_t one_port;
    const uint16_t *ports = l->ports;
    size_t n_ports = l->n_ports;
    if (port_text) {
        uint64_t p;
        if (!args_parse_u64(port_text, 1, 65535, &p, why, sizeof why)) {
            note_bad(l, "%s:%llu: bad port '%s'", where, line, port_text);
            return 0;
        }
        one_port = (uint16_t)p;
        ports = &one_port;
        n_ports = 1;
    }
    if (l->family_ok && !l->family_ok(l->user, &a)) {
        l->no_source += n_ports;
        if (!l->first_no_source[0])
            snprintf(l->first_no_source, sizeof l->first_no_source, "%s", addr_text);
        return 0;
    }
    if (hint > l->max_hint)
        hint = 0; /* a distance beyond the probed range says nothing useful */
    for (size_t i = 0; i < n_ports; i++) {
        int rc = tt_add(t, &a, ports[i], (uint8_t)hint);
        if (rc < 0)
            return -1;
        if (rc == 0)
            l->duplicates++;
    }
    l->rows++;
    return 0;
}

int tt_add_operand(struct target_table *t, struct tt_load *l, const char *text, char *err, size_t errlen)
{
    struct ip_addr a;
    char why[128];
    if (!args_parse_addr(text, &a, why, sizeof why)) {
        snprintf(err, errlen, "bad target '%s': %s", text, why);
        return -1;
    }
    if (add_pair(t, l, text, NULL, 0, "command line", 0) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* Column names other stages write, in order of preference, with their port column. */
static const struct { const char *addr, *port; } addr_cols[] = {
    {"saddr", "sport"},   /* mpcensus scan / ZMap: the responder */
    {"target", "port"},   /* mpcensus trace */
    {"daddr", "dport"},   /* mpcensus lab truth, lab probe lists */
    {"address", "port"},
    {"addr", "port"},
    {"ip", "port"},
};
#define N_ADDR_COLS (sizeof addr_cols / sizeof addr_cols[0])

static bool is_address(const char *s)
{
    struct ip_addr a;
    return s && ip_addr_parse(s, &a);
}

int tt_load_file(struct target_table *t, struct tt_load *l, const char *path, char *err, size_t errlen)
{
    struct rec_reader *r = rec_reader_open(path, err, errlen);
    if (!r)
        return -1;
    bool csv = rec_reader_format(r) == REC_CSV;
    size_t ncols = rec_reader_n_cols(r);
    int rc = 0;
    if (csv && ncols >= 1 && is_address(rec_reader_col_name(r, 0))) {
        /* a plain list: the "header" is the first address */
        if (l->verdicts) {
            snprintf(err, errlen, "%s: --verdict needs records with a verdict or class column (this is a plain list)",
                     path);
            rec_reader_close(r);
            return -1;
        }
        const char *p0 = ncols >= 2 ? rec_reader_col_name(r, 1) : NULL;
        if (add_pair(t, l, rec_reader_col_name(r, 0), p0, 0, path, 1) < 0)
            rc = -1;
        int row;
        while (rc == 0 && (row = rec_reader_next(r)) != 0) {
            if (row < 0) {
                note_bad(l, "%s", rec_reader_error(r));
                continue;
            }
            if (add_pair(t, l, rec_reader_value(r, 0, NULL), ncols >= 2 ? rec_reader_value(r, 1, NULL) : NULL, 0,
                         path, rec_reader_line(r)) < 0)
                rc = -1;
        }
    } else {
        int ca[N_ADDR_COLS], cp[N_ADDR_COLS];
        bool any_addr = !csv;
        for (size_t i = 0; i < N_ADDR_COLS; i++) {
            ca[i] = rec_reader_col(r, addr_cols[i].addr);
            cp[i] = rec_reader_col(r, addr_cols[i].port);
            any_addr |= csv && rec_reader_has(r, addr_cols[i].addr);
        }
        int c_verdict = rec_reader_col(r, "verdict"), c_class = rec_reader_col(r, "class");
        int c_hops = rec_reader_col(r, "dest_hops"), c_ttl = rec_reader_col(r, "ttl");
        if (!any_addr) {
            snprintf(err, errlen, "%s: no address column (saddr, target, daddr, address) in the header", path);
            rec_reader_close(r);
            return -1;
        }
        if (csv && l->verdicts && !rec_reader_has(r, "verdict") && !rec_reader_has(r, "class")) {
            snprintf(err, errlen, "%s: --verdict needs a verdict (scan) or class (trace) column", path);
            rec_reader_close(r);
            return -1;
        }
        unsigned long long with_verdict = 0;
        int row;
        while (rc == 0 && (row = rec_reader_next(r)) != 0) {
            if (row < 0) {
                note_bad(l, "%s", rec_reader_error(r));
                continue;
            }
            size_t k = 0;
            const char *addr = NULL;
            for (; k < N_ADDR_COLS && !addr; k++)
                addr = rec_reader_value(r, ca[k], NULL);
            if (!addr) {
                note_bad(l, "%s:%llu: no address in this row", path, rec_reader_line(r));
                continue;
            }
            if (l->verdicts) {
                const char *v = rec_reader_value(r, c_verdict, NULL);
                if (!v)
                    v = rec_reader_value(r, c_class, NULL);
                with_verdict += v != NULL;
                if (!v || !verdict_listed(l->verdicts, v)) {
                    l->filtered++;
                    continue;
                }
            }
            unsigned hint = 0;
            const char *h = rec_reader_value(r, c_hops, NULL), *ttl = rec_reader_value(r, c_ttl, NULL);
            uint64_t v;
            char why[64];
            if (h && args_parse_u64(h, 1, 255, &v, why, sizeof why))
                hint = (unsigned)v;
            else if (ttl && args_parse_u64(ttl, 1, 255, &v, why, sizeof why))
                hint = tt_hops_from_ttl((unsigned)v);
            if (add_pair(t, l, addr, rec_reader_value(r, cp[k - 1], NULL), hint, path, rec_reader_line(r)) < 0)
                rc = -1;
        }
        if (rc == 0 && l->verdicts && !csv && with_verdict == 0 && rec_reader_rows(r) > 0) {
            snprintf(err, errlen, "%s: --verdict: no row has a verdict or class field", path);
            rc = -2;
        }
    }
    if (rc == -1)
        snprintf(err, errlen, "out of memory");
    else if (rc == 0 && rec_reader_failed(r)) {
        snprintf(err, errlen, "%s", rec_reader_error(r));
        rc = -1;
    }
    rec_reader_close(r);
    return rc < 0 ? -1 : 0;
}
