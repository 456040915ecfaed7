/* scan_sink.c — appends scan rows in batches with prepared statements (a second thread inserts while the reader parses), drops duplicates, counts hosts and key weights. */
#include "archive/scan_sink.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive/summary.h"
#include "net/hash.h"
#include "net/mptcp.h"
#include "net/verdict.h"

#define BATCH_ROWS (1u << 16)
#define MAX_PORTS_LISTED 32

struct part_acc {
    struct scan_part key;
    struct summary_counts counts;   /* distinct hosts of this file (rows are unique per address) */
    uint64_t weights[MPC_VERDICT_COUNT][65];
};

/* A set of (partition, address) already taken from this file. */
struct seen_key {
    uint8_t addr[16];
    uint16_t part;            /* 1 + partition index; 0: empty */
};

/*
 * Two batches: the reading thread fills one while the writer thread inserts
 * the other. Only the writer touches SQLite until scan_sink_finish has
 * joined it, so the connection is never used by two threads at once.
 */
struct scan_sink {
    struct import_ctx *c;
    struct scan_row *rows;    /* the batch being filled (reader) */
    size_t n;
    struct scan_row *spare;   /* the other batch */
    struct scan_row *work;    /* handed to the writer (NULL: none) */
    size_t work_n;
    int work_month;
    pthread_t writer;
    bool writer_started, stop;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int writer_rc;
    char writer_err[512];
    struct scan_row **pot;    /* this batch's MP_CAPABLE rows, sorted for pot_rows */
    size_t n_pot;
    sqlite3_stmt *ins_row, *ins_pot;
    struct part_acc *parts;
    size_t n_parts, cap_parts, last_part;
    struct seen_key *seen;
    size_t seen_cap, seen_n;
    int64_t row_lo, row_hi;
    uint64_t verdicts[MPC_VERDICT_COUNT + 1];
    unsigned versions_seen;   /* bit 0: -1, bit 1: 0, bit 2: 1 */
    unsigned families_seen;   /* bit 0: IPv4, bit 1: IPv6 */
    uint16_t ports[MAX_PORTS_LISTED];
    size_t n_ports;
    bool many_ports;
};

static void *writer_main(void *arg);

struct scan_sink *scan_sink_new(struct import_ctx *c, char *err, size_t errlen)
{
    struct scan_sink *s = calloc(1, sizeof *s);
    if (!s || !(s->rows = malloc(BATCH_ROWS * sizeof *s->rows)) || !(s->pot = malloc(BATCH_ROWS * sizeof *s->pot))) {
        if (s)
            free(s->rows);
        free(s);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->c = c;
    s->row_lo = s->row_hi = -1;
    if (!(s->spare = malloc(BATCH_ROWS * sizeof *s->spare))) {
        free(s->rows);
        free(s->pot);
        free(s);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    s->ins_row = db_prepare(c->a, "INSERT INTO scan_rows VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", err, errlen);
    s->ins_pot = db_prepare(c->a, "INSERT OR IGNORE INTO pot_rows VALUES(?,?,?,?,?,?,?)", err, errlen);
    if (!s->ins_row || !s->ins_pot) {
        scan_sink_free(s);
        return NULL;
    }
    if (pthread_create(&s->writer, NULL, writer_main, s) != 0) {
        snprintf(err, errlen, "cannot start the writer thread");
        scan_sink_free(s);
        return NULL;
    }
    s->writer_started = true;
    return s;
}

static void stop_writer(struct scan_sink *s)
{
    if (!s->writer_started)
        return;
    pthread_mutex_lock(&s->mu);
    s->stop = true;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->writer, NULL);
    s->writer_started = false;
}

void scan_sink_free(struct scan_sink *s)
{
    if (!s)
        return;
    stop_writer(s);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s->spare);
    sqlite3_finalize(s->ins_row);
    sqlite3_finalize(s->ins_pot);
    free(s->rows);
    free(s->pot);
    free(s->parts);
    free(s->seen);
    free(s);
}

const uint64_t *scan_sink_verdict_counts(const struct scan_sink *s) { return s->verdicts; }

static long part_index(struct scan_sink *s, int version, int family, int port)
{
    if (s->last_part < s->n_parts) {
        struct part_acc *p = &s->parts[s->last_part];
        if (p->key.version == version && p->key.family == family && p->key.port == port)
            return (long)s->last_part;
    }
    for (size_t i = 0; i < s->n_parts; i++) {
        struct part_acc *p = &s->parts[i];
        if (p->key.version == version && p->key.family == family && p->key.port == port) {
            s->last_part = i;
            return (long)i;
        }
    }
    if (s->n_parts == 65535)
        return -1;
    if (s->n_parts == s->cap_parts) {
        size_t cap = s->cap_parts ? 2 * s->cap_parts : 8;
        struct part_acc *np = realloc(s->parts, cap * sizeof *np);
        if (!np)
            return -1;
        s->parts = np;
        s->cap_parts = cap;
    }
    struct part_acc *p = &s->parts[s->n_parts];
    memset(p, 0, sizeof *p);
    p->key = (struct scan_part){version, family, port};
    s->last_part = s->n_parts++;
    return (long)s->last_part;
}

static uint64_t seen_hash(const uint8_t a[16], uint16_t part)
{
    uint64_t x, y;
    memcpy(&x, a, 8);
    memcpy(&y, a + 8, 8);
    /* splitmix64's finaliser over both halves: every address bit reaches the low (index) bits */
    return hash_mix64(x ^ (y * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)part << 48));
}

/* Adds (part, addr); false when it was there already. -1 on memory failure. */
static int seen_add(struct scan_sink *s, const uint8_t a[16], uint16_t part)
{
    if ((s->seen_n + 1) * 2 > s->seen_cap) {
        size_t cap = s->seen_cap ? 2 * s->seen_cap : 1 << 16;
        struct seen_key *ns = calloc(cap, sizeof *ns);
        if (!ns)
            return -1;
        for (size_t i = 0; i < s->seen_cap; i++) {
            if (!s->seen[i].part)
                continue;
            size_t j = seen_hash(s->seen[i].addr, s->seen[i].part) & (cap - 1);
            while (ns[j].part)
                j = (j + 1) & (cap - 1);
            ns[j] = s->seen[i];
        }
        free(s->seen);
        s->seen = ns;
        s->seen_cap = cap;
    }
    size_t j = seen_hash(a, part) & (s->seen_cap - 1);
    for (; s->seen[j].part; j = (j + 1) & (s->seen_cap - 1))
        if (s->seen[j].part == part && !memcmp(s->seen[j].addr, a, 16))
            return 0;
    memcpy(s->seen[j].addr, a, 16);
    s->seen[j].part = part;
    s->seen_n++;
    return 1;
}

static int cmp_pot(const void *x, const void *y)
{
    const struct scan_row *a = *(const struct scan_row *const *)x, *b = *(const struct scan_row *const *)y;
    if (a->version != b->version)
        return a->version - b->version;
    if (a->family != b->family)
        return a->family - b->family;
    if (a->port != b->port)
        return a->port - b->port;
    return memcmp(a->addr, b->addr, a->family == 4 ? 4 : 16);   /* SQLite's BLOB order within a family */
}

static void bind_opt_int(sqlite3_stmt *st, int i, bool has, int64_t v)
{
    if (has)
        sqlite3_bind_int64(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

/* Writer thread: inserts one batch. */
static int insert_batch(struct scan_sink *s, struct scan_row *rows, size_t n, int month, char *err, size_t errlen)
{
    struct import_ctx *c = s->c;
    sqlite3_stmt *st = s->ins_row, *pt = s->ins_pot;
    s->n_pot = 0;
    for (size_t i = 0; i < n; i++) {
        struct scan_row *r = &rows[i];
        int alen = r->family == 4 ? 4 : 16;
        sqlite3_bind_int(st, 1, month);
        sqlite3_bind_int(st, 2, r->version);
        sqlite3_bind_int(st, 3, r->family);
        sqlite3_bind_int(st, 4, r->port);
        sqlite3_bind_blob(st, 5, r->addr, alen, SQLITE_STATIC);
        sqlite3_bind_int64(st, 6, c->file_id);
        sqlite3_bind_int(st, 7, r->synack);
        bind_opt_int(st, 8, r->verdict >= 0, r->verdict);
        bind_opt_int(st, 9, r->mptcp_version >= 0, r->mptcp_version);
        bind_opt_int(st, 10, r->mptcp_flags >= 0, r->mptcp_flags);
        bind_opt_int(st, 11, r->has_key, (int64_t)r->key);
        bind_opt_int(st, 12, r->has_key, key_hamming(r->key));
        if (r->opt_len)
            sqlite3_bind_blob(st, 13, r->opt, r->opt_len, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 13);
        bind_opt_int(st, 14, r->ttl >= 0, r->ttl);
        bind_opt_int(st, 15, r->window >= 0, r->window);
        bind_opt_int(st, 16, r->ts != INT64_MIN, r->ts);
        if (db_step_row(c->a, st, "a scan row", err, errlen) < 0)
            return -1;
        s->row_hi = sqlite3_last_insert_rowid(c->a->db);
        if (s->row_lo < 0)
            s->row_lo = s->row_hi;
        if (r->verdict >= MPC_VERDICT_MPTCP && r->verdict <= MPC_VERDICT_MALFORMED)
            s->pot[s->n_pot++] = r;
    }
    /* sorted, the MP_CAPABLE rows land in order in their partition's B-tree range */
    qsort(s->pot, s->n_pot, sizeof *s->pot, cmp_pot);
    for (size_t i = 0; i < s->n_pot; i++) {
        const struct scan_row *r = s->pot[i];
        sqlite3_bind_int(pt, 1, month);
        sqlite3_bind_int(pt, 2, r->version);
        sqlite3_bind_int(pt, 3, r->family);
        sqlite3_bind_int(pt, 4, r->port);
        sqlite3_bind_blob(pt, 5, r->addr, r->family == 4 ? 4 : 16, SQLITE_STATIC);
        sqlite3_bind_int64(pt, 6, c->file_id);
        sqlite3_bind_int(pt, 7, r->verdict);
        if (db_step_row(c->a, pt, "an MP_CAPABLE row", err, errlen) < 0)
            return -1;
    }
    return 0;
}

static void *writer_main(void *arg)
{
    struct scan_sink *s = arg;
    pthread_mutex_lock(&s->mu);
    for (;;) {
        while (!s->work && !s->stop)
            pthread_cond_wait(&s->cv, &s->mu);
        if (!s->work)
            break;
        struct scan_row *rows = s->work;
        size_t n = s->work_n;
        int month = s->work_month;
        pthread_mutex_unlock(&s->mu);
        int rc = s->writer_rc < 0 ? -1 : insert_batch(s, rows, n, month, s->writer_err, sizeof s->writer_err);
        pthread_mutex_lock(&s->mu);
        if (rc < 0)
            s->writer_rc = -1;
        s->spare = rows;
        s->work = NULL;
        pthread_cond_broadcast(&s->cv);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

/* Reader thread: hands the filled batch to the writer and takes the spare one. */
static int flush(struct scan_sink *s, char *err, size_t errlen)
{
    struct import_ctx *c = s->c;
    if (!s->n)
        return 0;
    if (!ctx_month(c, c->first_ts)) {
        snprintf(err, errlen, "no timestamps to tell the month from: give --month YYYY-MM or --date YYYY-MM-DD");
        return -1;
    }
    pthread_mutex_lock(&s->mu);
    while (s->work)
        pthread_cond_wait(&s->cv, &s->mu);
    int rc = s->writer_rc;
    if (rc == 0) {
        s->work = s->rows;
        s->work_n = s->n;
        s->work_month = c->month;
        s->rows = s->spare;
        s->spare = NULL;
        s->n = 0;
        pthread_cond_broadcast(&s->cv);
    } else {
        snprintf(err, errlen, "%s", s->writer_err);
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

/* Waits until the writer has inserted everything handed to it. */
static int drain(struct scan_sink *s, char *err, size_t errlen)
{
    pthread_mutex_lock(&s->mu);
    while (s->work)
        pthread_cond_wait(&s->cv, &s->mu);
    int rc = s->writer_rc;
    if (rc < 0)
        snprintf(err, errlen, "%s", s->writer_err);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

int scan_sink_add(struct scan_sink *s, const struct scan_row *row, char *err, size_t errlen)
{
    struct import_ctx *c = s->c;
    long pi = part_index(s, row->version, row->family, row->port);
    if (pi < 0) {
        snprintf(err, errlen, "out of memory (or more than 65535 version/family/port partitions in one file)");
        return -1;
    }
    /* one row per (version, family, port, address) per file: a second reply is a duplicate */
    int k = seen_add(s, row->addr, (uint16_t)(pi + 1));
    if (k < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (k == 0) {
        c->res->duplicate_rows++;
        return 0;
    }
    ctx_seen_ts(c, row->ts);
    struct part_acc *p = &s->parts[pi];
    struct summary_counts *h = &p->counts;
    int v = row->verdict;
    h->responsive += row->synack;
    h->potential += v >= MPC_VERDICT_MPTCP && v <= MPC_VERDICT_MALFORMED;
    h->mirrored += v == MPC_VERDICT_MIRRORED;
    h->mptcp += v == MPC_VERDICT_MPTCP;
    h->version_mismatch += v == MPC_VERDICT_VERSION_MISMATCH;
    h->malformed += v == MPC_VERDICT_MALFORMED;
    h->tcp += v == MPC_VERDICT_TCP;
    h->closed += v == MPC_VERDICT_CLOSED;
    h->unknown += row->synack && v < 0;
    if (row->has_key && v >= 0)
        p->weights[v][key_hamming(row->key)]++;
    s->verdicts[v >= 0 ? v : MPC_VERDICT_COUNT]++;
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
    c->res->rows++;
    s->rows[s->n++] = *row;
    return s->n == BATCH_ROWS ? flush(s, err, errlen) : 0;
}

static int cmp_u16(const void *x, const void *y) { return *(const uint16_t *)x - *(const uint16_t *)y; }

int scan_sink_finish(struct scan_sink *s, char *err, size_t errlen)
{
    struct import_ctx *c = s->c;
    if (flush(s, err, errlen) < 0 || drain(s, err, errlen) < 0)
        return -1;
    stop_writer(s);
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
    ctx_set_families(c, s->families_seen);
    qsort(s->ports, s->n_ports, sizeof s->ports[0], cmp_u16);
    size_t len = 0;
    for (size_t i = 0; i < s->n_ports && len < sizeof c->ports - 8; i++)
        len += (size_t)snprintf(c->ports + len, sizeof c->ports - len, "%s%u", i ? "," : "", s->ports[i]);
    if (s->many_ports)
        snprintf(c->ports + len, sizeof c->ports - len, ",...");
    /* the rowid range first: the summaries of partitions other files share read it */
    sqlite3_stmt *up = db_prepare(c->a, "UPDATE files SET row_lo = ?1, row_hi = ?2, month = ?4 WHERE file_id = ?3", err, errlen);
    if (!up)
        return -1;
    sqlite3_bind_int64(up, 1, s->row_lo);
    sqlite3_bind_int64(up, 2, s->row_hi);
    sqlite3_bind_int64(up, 3, c->file_id);
    sqlite3_bind_int(up, 4, c->month);
    if (db_step_once(c->a, up, NULL, err, errlen) < 0)
        return -1;
    struct summary_part *parts = malloc((s->n_parts ? s->n_parts : 1) * sizeof *parts);
    if (!parts) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < s->n_parts; i++) {
        parts[i].key = s->parts[i].key;
        parts[i].counts = s->parts[i].counts;
    }
    int rc = summary_refresh_scan(c->a, c->month, c->file_id, parts, s->n_parts, err, errlen);
    free(parts);
    return rc;
}
