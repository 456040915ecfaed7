/* scan_sink.c — sorts scan rows by partition and address, inserts them in batches with prepared statements, counts key weights. */
#include "archive/scan_sink.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive/summary.h"
#include "net/mptcp.h"
#include "net/verdict.h"

#define BATCH_ROWS (1u << 18)
#define MAX_PORTS_LISTED 32

struct part_acc {
    struct scan_part key;
    uint64_t weights[MPC_VERDICT_COUNT][65];
};

struct scan_sink {
    struct import_ctx *c;
    struct scan_row *rows;
    size_t n;
    sqlite3_stmt *ins_row, *ins_mpc;
    struct part_acc *parts;
    size_t n_parts, cap_parts, last_part;
    uint64_t verdicts[MPC_VERDICT_COUNT + 1];
    unsigned versions_seen;   /* bit 0: -1, bit 1: 0, bit 2: 1 */
    unsigned families_seen;   /* bit 0: IPv4, bit 1: IPv6 */
    uint16_t ports[MAX_PORTS_LISTED];
    size_t n_ports;
    bool many_ports;
};

struct scan_sink *scan_sink_new(struct import_ctx *c, char *err, size_t errlen)
{
    struct scan_sink *s = calloc(1, sizeof *s);
    if (!s || !(s->rows = malloc(BATCH_ROWS * sizeof *s->rows))) {
        free(s);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->c = c;
    s->ins_row = db_prepare(c->a, "INSERT OR IGNORE INTO scan_rows VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", err, errlen);
    s->ins_mpc = db_prepare(c->a, "INSERT OR IGNORE INTO mpc_rows VALUES(?,?,?,?,?,?,?)", err, errlen);
    if (!s->ins_row || !s->ins_mpc) {
        scan_sink_free(s);
        return NULL;
    }
    return s;
}

void scan_sink_free(struct scan_sink *s)
{
    if (!s)
        return;
    sqlite3_finalize(s->ins_row);
    sqlite3_finalize(s->ins_mpc);
    free(s->rows);
    free(s->parts);
    free(s);
}

const uint64_t *scan_sink_verdict_counts(const struct scan_sink *s) { return s->verdicts; }

static struct part_acc *part_of(struct scan_sink *s, int version, int family, int port)
{
    if (s->last_part < s->n_parts) {
        struct part_acc *p = &s->parts[s->last_part];
        if (p->key.version == version && p->key.family == family && p->key.port == port)
            return p;
    }
    for (size_t i = 0; i < s->n_parts; i++) {
        struct part_acc *p = &s->parts[i];
        if (p->key.version == version && p->key.family == family && p->key.port == port) {
            s->last_part = i;
            return p;
        }
    }
    if (s->n_parts == s->cap_parts) {
        size_t cap = s->cap_parts ? 2 * s->cap_parts : 8;
        struct part_acc *np = realloc(s->parts, cap * sizeof *np);
        if (!np)
            return NULL;
        s->parts = np;
        s->cap_parts = cap;
    }
    struct part_acc *p = &s->parts[s->n_parts];
    memset(p, 0, sizeof *p);
    p->key = (struct scan_part){version, family, port};
    s->last_part = s->n_parts++;
    return p;
}

static int cmp_row(const void *x, const void *y)
{
    const struct scan_row *a = x, *b = y;
    if (a->version != b->version)
        return a->version - b->version;
    if (a->family != b->family)
        return a->family - b->family;
    if (a->port != b->port)
        return a->port - b->port;
    /* same order as SQLite's BLOB comparison: bytes, then length */
    size_t la = a->family == 4 ? 4 : 16;
    return memcmp(a->addr, b->addr, la);
}

static int flush(struct scan_sink *s, char *err, size_t errlen)
{
    struct import_ctx *c = s->c;
    if (!s->n)
        return 0;
    if (!ctx_month(c, c->first_ts)) {
        snprintf(err, errlen, "no timestamps to tell the month from: give --month YYYY-MM or --date YYYY-MM-DD");
        return -1;
    }
    qsort(s->rows, s->n, sizeof *s->rows, cmp_row);
    sqlite3_stmt *st = s->ins_row, *mp = s->ins_mpc;
    for (size_t i = 0; i < s->n; i++) {
        const struct scan_row *r = &s->rows[i];
        int alen = r->family == 4 ? 4 : 16;
        sqlite3_bind_int(st, 1, c->month);
        sqlite3_bind_int(st, 2, r->version);
        sqlite3_bind_int(st, 3, r->family);
        sqlite3_bind_int(st, 4, r->port);
        sqlite3_bind_blob(st, 5, r->addr, alen, SQLITE_STATIC);
        sqlite3_bind_int64(st, 6, c->file_id);
        sqlite3_bind_int(st, 7, r->synack);
        if (r->verdict >= 0)
            sqlite3_bind_int(st, 8, r->verdict);
        else
            sqlite3_bind_null(st, 8);
        if (r->mptcp_version >= 0)
            sqlite3_bind_int(st, 9, r->mptcp_version);
        else
            sqlite3_bind_null(st, 9);
        if (r->mptcp_flags >= 0)
            sqlite3_bind_int(st, 10, r->mptcp_flags);
        else
            sqlite3_bind_null(st, 10);
        if (r->has_key) {
            sqlite3_bind_int64(st, 11, (sqlite3_int64)r->key);
            sqlite3_bind_int(st, 12, (int)key_hamming(r->key));
        } else {
            sqlite3_bind_null(st, 11);
            sqlite3_bind_null(st, 12);
        }
        if (r->opt_len)
            sqlite3_bind_blob(st, 13, r->opt, r->opt_len, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 13);
        if (r->ttl >= 0)
            sqlite3_bind_int(st, 14, r->ttl);
        else
            sqlite3_bind_null(st, 14);
        if (r->window >= 0)
            sqlite3_bind_int(st, 15, r->window);
        else
            sqlite3_bind_null(st, 15);
        if (r->ts != INT64_MIN)
            sqlite3_bind_int64(st, 16, r->ts);
        else
            sqlite3_bind_null(st, 16);
        if (sqlite3_step(st) != SQLITE_DONE) {
            snprintf(err, errlen, "inserting a scan row: %s", sqlite3_errmsg(c->a->db));
            sqlite3_reset(st);
            return -1;
        }
        sqlite3_reset(st);
        if (sqlite3_changes(c->a->db) == 0) {
            c->res->duplicate_rows++;
            continue;
        }
        c->res->rows++;
        if (r->verdict >= MPC_VERDICT_MPTCP && r->verdict <= MPC_VERDICT_MALFORMED) {
            sqlite3_bind_blob(mp, 1, r->addr, alen, SQLITE_STATIC);
            sqlite3_bind_int(mp, 2, c->month);
            sqlite3_bind_int(mp, 3, r->version);
            sqlite3_bind_int(mp, 4, r->port);
            sqlite3_bind_int64(mp, 5, c->file_id);
            sqlite3_bind_int(mp, 6, r->family);
            sqlite3_bind_int(mp, 7, r->verdict);
            int rc = sqlite3_step(mp);
            sqlite3_reset(mp);
            if (rc != SQLITE_DONE) {
                snprintf(err, errlen, "inserting an MP_CAPABLE row: %s", sqlite3_errmsg(c->a->db));
                return -1;
            }
        }
        if (r->has_key && r->verdict >= 0) {
            struct part_acc *p = part_of(s, r->version, r->family, r->port);
            if (!p) {
                snprintf(err, errlen, "out of memory");
                return -1;
            }
            p->weights[r->verdict][key_hamming(r->key)]++;
        }
    }
    s->n = 0;
    return 0;
}

int scan_sink_add(struct scan_sink *s, const struct scan_row *row, char *err, size_t errlen)
{
    struct import_ctx *c = s->c;
    ctx_seen_ts(c, row->ts);
    if (!part_of(s, row->version, row->family, row->port)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    s->verdicts[row->verdict >= 0 ? row->verdict : MPC_VERDICT_COUNT]++;
    s->versions_seen |= 1u << (row->version + 1);
    s->families_seen |= row->family == 4 ? 1u : 2u;
    if (!s->many_ports) {
        size_t i;
        for (i = 0; i < s->n_ports && s->ports[i] != row->port; i++)
            ;
        if (i == s->n_ports) {
            if (s->n_ports == MAX_PORTS_LISTED)
                s->many_ports = true;
            else
                s->ports[s->n_ports++] = row->port;
        }
    }
    s->rows[s->n++] = *row;
    return s->n == BATCH_ROWS ? flush(s, err, errlen) : 0;
}

static int cmp_u16(const void *x, const void *y) { return *(const uint16_t *)x - *(const uint16_t *)y; }

int scan_sink_finish(struct scan_sink *s, char *err, size_t errlen)
{
    struct import_ctx *c = s->c;
    if (flush(s, err, errlen) < 0)
        return -1;
    if (!ctx_month(c, c->first_ts))
        return 0;   /* no rows: the caller reports the missing month */
    sqlite3_stmt *kw = db_prepare(c->a, "INSERT INTO key_weights VALUES(?,?,?,?,?,?,?,?)", err, errlen);
    if (!kw)
        return -1;
    for (size_t i = 0; i < s->n_parts; i++)
        for (int v = 0; v < MPC_VERDICT_COUNT; v++)
            for (int w = 0; w <= 64; w++) {
                uint64_t n = s->parts[i].weights[v][w];
                if (!n)
                    continue;
                sqlite3_bind_int(kw, 1, c->month);
                sqlite3_bind_int(kw, 2, s->parts[i].key.version);
                sqlite3_bind_int(kw, 3, s->parts[i].key.family);
                sqlite3_bind_int(kw, 4, s->parts[i].key.port);
                sqlite3_bind_int(kw, 5, v);
                sqlite3_bind_int(kw, 6, w);
                sqlite3_bind_int64(kw, 7, c->file_id);
                sqlite3_bind_int64(kw, 8, (sqlite3_int64)n);
                int rc = sqlite3_step(kw);
                sqlite3_reset(kw);
                if (rc != SQLITE_DONE) {
                    snprintf(err, errlen, "key weights: %s", sqlite3_errmsg(c->a->db));
                    sqlite3_finalize(kw);
                    return -1;
                }
            }
    sqlite3_finalize(kw);

    /* metadata of the file */
    int nv = __builtin_popcount(s->versions_seen);
    c->probe_version = nv == 1 ? __builtin_ctz(s->versions_seen) - 1 : nv ? -3 : -2;
    snprintf(c->families, sizeof c->families, "%s%s%s", s->families_seen & 1 ? "4" : "",
             s->families_seen == 3 ? "," : "", s->families_seen & 2 ? "6" : "");
    qsort(s->ports, s->n_ports, sizeof s->ports[0], cmp_u16);
    size_t len = 0;
    for (size_t i = 0; i < s->n_ports && len < sizeof c->ports - 8; i++)
        len += (size_t)snprintf(c->ports + len, sizeof c->ports - len, "%s%u", i ? "," : "", s->ports[i]);
    if (s->many_ports)
        snprintf(c->ports + len, sizeof c->ports - len, ",...");

    struct scan_part *parts = malloc((s->n_parts ? s->n_parts : 1) * sizeof *parts);
    if (!parts) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < s->n_parts; i++)
        parts[i] = s->parts[i].key;
    int rc = summary_refresh_scan(c->a, c->month, parts, s->n_parts, err, errlen);
    free(parts);
    return rc;
}
