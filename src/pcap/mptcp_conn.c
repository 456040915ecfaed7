/* mptcp_conn.c — MPTCP connection records, their token index, and data-sequence byte accounting. */
#include "pcap/mptcp_conn.h"

#include <stdlib.h>
#include <string.h>

#include "net/mptcp.h"

/* Token index: open addressing with linear probing, grown at 3/4 load, so
 * linking a join costs O(1) however many connections are live (a fixed
 * bucket count made traces crossed by an MPTCP scan quadratic). The same
 * token may be indexed for two connections (a key reused later): lookups
 * return the newest. Deletion shifts the cluster back (no tombstones). */
struct token_slot {
    struct mptcp_conn *conn; /* NULL: empty */
    uint32_t token;
    int side;
};

/* Connections come from slabs and are recycled: one MPTCP connection per
 * flow must not cost a malloc and a scattered cache line each. */
#define CONN_SLAB 256
struct conn_slab {
    struct conn_slab *next;
    struct mptcp_conn conns[CONN_SLAB];
};

/* New tokens wait in a short queue before they enter the index: the slot a
 * token lands on is random, so its cache line is fetched (prefetch) when the
 * token comes and written PENDING tokens later, when it has arrived — one
 * memory round trip per MP_CAPABLE key no longer stalls the analyser.
 * Lookups and deletions look at the queue too. */
#define PENDING 16

struct mptcp_conn_table {
    uint32_t pending_token[PENDING];    /* apart from the entries: one vector compare finds a token */
    struct token_slot pending[PENDING]; /* written round-robin: the next to overwrite is the oldest */
    uint32_t pending_valid;             /* bit k: pending[k] holds a token (a deletion leaves a hole) */
    unsigned pending_next;
    struct conn_slab *slabs;
    size_t slab_used;        /* conns handed out of the newest slab */
    struct mptcp_conn *free_list; /* linked through ->next */
    struct token_slot *slots;
    size_t mask;             /* slots - 1, a power of two minus one */
    size_t used;
    uint64_t next_id;
    size_t live;
    bool closing;            /* end of trace: no more lookups, skip index upkeep */
};

static size_t token_home(const struct mptcp_conn_table *t, uint32_t token)
{
    /* tokens are hash output already, but crafted or synthetic ones need not be */
    uint64_t h = (uint64_t)token * 0x9e3779b97f4a7c15ULL;
    return (size_t)(h >> 32) & t->mask;
}

static bool slots_grow(struct mptcp_conn_table *t)
{
    size_t n = t->slots ? (t->mask + 1) * 2 : 1024;
    struct token_slot *ns = calloc(n, sizeof *ns);
    if (!ns)
        return false;
    struct token_slot *old = t->slots;
    size_t old_n = old ? t->mask + 1 : 0;
    t->slots = ns;
    t->mask = n - 1;
    for (size_t i = 0; i < old_n; i++) {
        if (!old[i].conn)
            continue;
        size_t j = token_home(t, old[i].token);
        while (ns[j].conn)
            j = (j + 1) & t->mask;
        ns[j] = old[i];
    }
    free(old);
    return true;
}

/* Bit k set: pending[k] holds token. */
static uint32_t pending_match(const struct mptcp_conn_table *t, uint32_t token)
{
    uint32_t m = 0;
    for (unsigned k = 0; k < PENDING; k++)
        m |= (uint32_t)(t->pending_token[k] == token) << k;
    return m & t->pending_valid;
}

static void slot_remove(struct mptcp_conn_table *t, uint32_t token, const struct mptcp_conn *c)
{
    for (uint32_t m = pending_match(t, token); m; m &= m - 1) {
        unsigned k = (unsigned)__builtin_ctz(m);
        if (t->pending[k].conn == c) {
            t->pending_valid &= ~(1u << k);
            return;
        }
    }
    if (!t->slots)
        return;
    size_t i = token_home(t, token);
    while (t->slots[i].conn && !(t->slots[i].conn == c && t->slots[i].token == token))
        i = (i + 1) & t->mask;
    if (!t->slots[i].conn)
        return;
    /* backward-shift: move later members of the cluster into the hole when
     * their home position does not lie (cyclically) between hole and them */
    size_t hole = i;
    for (size_t j = (i + 1) & t->mask; t->slots[j].conn; j = (j + 1) & t->mask) {
        size_t home = token_home(t, t->slots[j].token);
        bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
        if (!stays) {
            t->slots[hole] = t->slots[j];
            hole = j;
        }
    }
    t->slots[hole].conn = NULL;
    t->used--;
}

uint64_t mptcp_dataflow_bytes(const struct mptcp_dataflow *d)
{
    if (!d->have_range)
        return 0;
    /* The first data octet is IDSN + 1; when the key is known this also
     * covers a first mapping that the capture missed. */
    uint64_t start = d->have_idsn ? d->idsn + 1 : d->min_start;
    return d->max_end > start ? d->max_end - start : 0;
}

void mptcp_dataflow_set_idsn(struct mptcp_dataflow *d, uint64_t idsn)
{
    d->have_idsn = true;
    d->idsn = idsn;
}

void mptcp_dataflow_map(struct mptcp_dataflow *d, uint64_t dsn, bool dsn64, uint32_t len, bool data_fin)
{
    if (len == 0)
        return; /* infinite mapping (fallback): no range */
    if (!dsn64) {
        /* Widen a 32-bit DSN to the 64-bit value nearest to what is known. */
        uint64_t ref = d->have_range ? d->max_end : d->have_idsn ? d->idsn : 0;
        uint64_t cand = (ref & ~0xffffffffULL) | (dsn & 0xffffffffULL);
        if (cand + 0x80000000ULL < ref)
            cand += 0x100000000ULL;
        else if (cand > ref + 0x80000000ULL && cand >= 0x100000000ULL)
            cand -= 0x100000000ULL;
        dsn = cand;
    }
    uint64_t end = dsn + len - (data_fin ? 1 : 0);
    if (!d->have_range) {
        d->have_range = true;
        d->min_start = dsn;
        d->max_end = end;
        return;
    }
    if (dsn < d->min_start)
        d->min_start = dsn;
    if (end > d->max_end)
        d->max_end = end;
}

struct mptcp_conn_table *mptcp_conn_table_new(void) { return calloc(1, sizeof(struct mptcp_conn_table)); }

static void drop_tokens(struct mptcp_conn_table *t, const struct mptcp_conn *c)
{
    for (int side = 0; side < 2; side++)
        if (c->token_indexed[side])
            slot_remove(t, c->token[side], c);
}

void mptcp_conn_table_free(struct mptcp_conn_table *t)
{
    if (!t)
        return;
    while (t->slabs) {
        struct conn_slab *n = t->slabs->next;
        free(t->slabs);
        t->slabs = n;
    }
    free(t->slots);
    free(t);
}

struct mptcp_conn *mptcp_conn_create(struct mptcp_conn_table *t, bool handshake, int version)
{
    struct mptcp_conn *c = t->free_list;
    if (c) {
        t->free_list = c->next;
    } else {
        if (!t->slabs || t->slab_used == CONN_SLAB) {
            struct conn_slab *sl = malloc(sizeof *sl);
            if (!sl)
                return NULL;
            sl->next = t->slabs;
            t->slabs = sl;
            t->slab_used = 0;
        }
        c = &t->slabs->conns[t->slab_used++];
    }
    memset(c, 0, sizeof *c);
    c->id = t->next_id++;
    c->handshake = handshake;
    c->version = (int8_t)version;
    t->live++;
    return c;
}

/* Puts a token into the index proper; false when the index cannot grow. */
static bool slot_insert(struct mptcp_conn_table *t, struct token_slot e)
{
    /* at most 3/4 full: probes stay short (a miss scans ~8 slots, two cache lines) */
    if ((t->used + 1) * 4 > (t->slots ? t->mask + 1 : 0) * 3 && !slots_grow(t))
        return false;
    size_t i = token_home(t, e.token);
    while (t->slots[i].conn)
        i = (i + 1) & t->mask;
    t->slots[i] = e;
    t->used++;
    return true;
}

void mptcp_conn_add_token(struct mptcp_conn_table *t, struct mptcp_conn *c, int side, uint32_t token)
{
    if (c->token_indexed[side] || (c->token_indexed[!side] && c->token[!side] == token))
        return; /* indexed already (both keys equal: one entry, the first side's) */
    unsigned w = t->pending_next++ % PENDING;
    if (t->pending_valid & (1u << w)) { /* the oldest: its slot has been fetched meanwhile */
        struct token_slot oldest = t->pending[w];
        if (!slot_insert(t, oldest))
            oldest.conn->token_indexed[oldest.side] = false; /* joins with it will show up as unlinked */
    }
    if (t->slots)
        __builtin_prefetch(&t->slots[token_home(t, token)], 1);
    t->pending[w] = (struct token_slot){c, token, side};
    t->pending_token[w] = token;
    t->pending_valid |= 1u << w;
    c->token[side] = token;
    c->token_indexed[side] = true;
}

void mptcp_conn_set_key(struct mptcp_conn_table *t, struct mptcp_conn *c, int side, uint64_t key)
{
    if (c->have_key[side] || c->version < 0)
        return;
    c->have_key[side] = true;
    /* The sender of a key numbers its outgoing data from IDSN(key). */
    uint32_t token;
    uint64_t idsn;
    mptcp_key_derive(c->version, key, &token, &idsn);
    mptcp_dataflow_set_idsn(&c->data[side], idsn);
    mptcp_conn_add_token(t, c, side, token);
}

struct mptcp_conn *mptcp_conn_by_token(struct mptcp_conn_table *t, uint32_t token, int *side)
{
    /* Newest first: a token reused by a later connection names the later one. */
    struct token_slot *best = NULL;
    for (uint32_t m = pending_match(t, token); m; m &= m - 1) {
        struct token_slot *e = &t->pending[__builtin_ctz(m)];
        if (!best || e->conn->id > best->conn->id)
            best = e;
    }
    for (size_t i = t->slots ? token_home(t, token) : 0; t->slots && t->slots[i].conn; i = (i + 1) & t->mask)
        if (t->slots[i].token == token && (!best || t->slots[i].conn->id > best->conn->id))
            best = &t->slots[i];
    if (!best)
        return NULL;
    *side = best->side;
    return best->conn;
}

void mptcp_conn_table_closing(struct mptcp_conn_table *t) { t->closing = true; }

void mptcp_conn_retire(struct mptcp_conn_table *t, struct mptcp_conn *c)
{
    if (!t->closing)
        drop_tokens(t, c);
    t->live--;
}

void mptcp_conn_free(struct mptcp_conn_table *t, struct mptcp_conn *c)
{
    c->next = t->free_list;
    t->free_list = c;
}

size_t mptcp_conn_count(const struct mptcp_conn_table *t) { return t->live; }
