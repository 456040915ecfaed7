/* mptcp_conn.c — MPTCP connection records, their token index, and data-sequence byte accounting. */
#include "pcap/mptcp_conn.h"

#include <stdlib.h>
#include <string.h>

#include "net/mptcp.h"

#define TOKEN_BUCKETS 4096 /* grows by chaining; MPTCP connections are a small share of flows */

struct token_entry {
    uint32_t token;
    int side;
    struct mptcp_conn *conn;
    struct token_entry *next;
};

struct mptcp_conn_table {
    struct token_entry *buckets[TOKEN_BUCKETS];
    uint64_t next_id;
    size_t live;
};

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
    for (int side = 0; side < 2; side++) {
        uint32_t tok = c->token[side];
        struct token_entry **pp = &t->buckets[tok % TOKEN_BUCKETS];
        while (*pp) {
            if ((*pp)->conn == c) {
                struct token_entry *dead = *pp;
                *pp = dead->next;
                free(dead);
            } else {
                pp = &(*pp)->next;
            }
        }
    }
}

void mptcp_conn_table_free(struct mptcp_conn_table *t)
{
    if (!t)
        return;
    for (size_t b = 0; b < TOKEN_BUCKETS; b++) {
        struct token_entry *e = t->buckets[b];
        while (e) {
            struct token_entry *n = e->next;
            free(e);
            e = n;
        }
    }
    free(t);
}

struct mptcp_conn *mptcp_conn_create(struct mptcp_conn_table *t, bool handshake, int version)
{
    struct mptcp_conn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->id = t->next_id++;
    c->handshake = handshake;
    c->version = version;
    t->live++;
    return c;
}

void mptcp_conn_add_token(struct mptcp_conn_table *t, struct mptcp_conn *c, int side, uint32_t token)
{
    int owner;
    if (mptcp_conn_by_token(t, token, &owner) == c)
        return;
    struct token_entry *e = malloc(sizeof *e);
    if (!e)
        return; /* joins with this token will show up as unlinked */
    c->token[side] = token;
    e->token = token;
    e->side = side;
    e->conn = c;
    e->next = t->buckets[token % TOKEN_BUCKETS];
    t->buckets[token % TOKEN_BUCKETS] = e;
}

void mptcp_conn_set_key(struct mptcp_conn_table *t, struct mptcp_conn *c, int side, uint64_t key)
{
    if (c->have_key[side] || c->version < 0)
        return;
    c->have_key[side] = true;
    c->key[side] = key;
    /* The sender of a key numbers its outgoing data from IDSN(key). */
    mptcp_dataflow_set_idsn(&c->data[side], mptcp_idsn(c->version, key));
    mptcp_conn_add_token(t, c, side, mptcp_token(c->version, key));
}

struct mptcp_conn *mptcp_conn_by_token(struct mptcp_conn_table *t, uint32_t token, int *side)
{
    /* Newest first: a token reused by a later connection names the later one. */
    for (struct token_entry *e = t->buckets[token % TOKEN_BUCKETS]; e; e = e->next)
        if (e->token == token) {
            *side = e->side;
            return e->conn;
        }
    return NULL;
}

void mptcp_conn_retire(struct mptcp_conn_table *t, struct mptcp_conn *c)
{
    drop_tokens(t, c);
    t->live--;
}

void mptcp_conn_free(struct mptcp_conn *c) { free(c); }

size_t mptcp_conn_count(const struct mptcp_conn_table *t) { return t->live; }
