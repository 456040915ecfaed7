/* flow_table.c — chained hash of TCP flows with two LRU lists (open, closed) so eviction is O(1) per flow. */
#include "pcap/flow_table.h"

#include <stdlib.h>
#include <string.h>

struct lru {
    struct flow *head, *tail; /* head: least recently used */
};

struct flow_table {
    struct flow_table_cfg cfg;
    flow_evict_fn evict;
    void *ctx;
    struct flow **buckets;
    size_t nbuckets; /* power of two */
    size_t size;
    uint64_t next_id;
    struct lru open, closed;
    struct flow *free_list; /* recycled entries: trace-sized inputs churn millions of flows */
};

static const char *const kind_names[FLOW_KIND_COUNT] = {
    [FLOW_TCP] = "tcp",
    [FLOW_MPTCP_INITIAL] = "mptcp",
    [FLOW_MPTCP_JOIN] = "mptcp-join",
    [FLOW_MPTCP_UNLINKED] = "mptcp-join-unlinked",
    [FLOW_MPTCP_MIDSTREAM] = "mptcp-midstream",
    [FLOW_MPTCP_FALLBACK] = "mptcp-fallback",
};

const char *flow_kind_name(enum flow_kind k) { return k < FLOW_KIND_COUNT ? kind_names[k] : "unknown"; }

static void lru_remove(struct lru *l, struct flow *f)
{
    if (f->lru_prev)
        f->lru_prev->lru_next = f->lru_next;
    else
        l->head = f->lru_next;
    if (f->lru_next)
        f->lru_next->lru_prev = f->lru_prev;
    else
        l->tail = f->lru_prev;
    f->lru_prev = f->lru_next = NULL;
}

static void lru_append(struct lru *l, struct flow *f)
{
    f->lru_next = NULL;
    f->lru_prev = l->tail;
    if (l->tail)
        l->tail->lru_next = f;
    else
        l->head = f;
    l->tail = f;
}

/* Multiply-xor hash over the key's words: per packet this is on the hot
 * path, so one multiply per word and a final fold. */
static size_t key_hash(const struct flow_key *k)
{
    uint64_t w[4];
    memcpy(w, k->a, 16);
    memcpy(w + 2, k->b, 16);
    uint64_t h = ((uint64_t)k->port_a << 16 | k->port_b | (uint64_t)k->family << 32) * 0x9e3779b97f4a7c15ULL;
    h ^= w[0] * 0xc2b2ae3d27d4eb4fULL;
    h ^= w[1] * 0x165667b19e3779f9ULL;
    h ^= w[2] * 0xd6e8feb86659fd93ULL;
    h ^= w[3] * 0xff51afd7ed558ccdULL;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL;
    return (size_t)(h ^ (h >> 32));
}

static bool key_equal(const struct flow_key *x, const struct flow_key *y)
{
    uint64_t p[4], q[4];
    if (x->port_a != y->port_a || x->port_b != y->port_b || x->family != y->family)
        return false;
    memcpy(p, x->a, 16);
    memcpy(p + 2, x->b, 16);
    memcpy(q, y->a, 16);
    memcpy(q + 2, y->b, 16);
    return ((p[0] ^ q[0]) | (p[1] ^ q[1]) | (p[2] ^ q[2]) | (p[3] ^ q[3])) == 0;
}

void flow_key_make(struct flow_key *k, const struct ip_addr *src, uint16_t sport,
                   const struct ip_addr *dst, uint16_t dport, bool *src_is_a)
{
    /* Any total order works; word compares avoid a memcmp call per packet. */
    uint64_t s[2], d[2];
    memcpy(s, src->bytes, 16);
    memcpy(d, dst->bytes, 16);
    bool src_first = s[0] != d[0] ? s[0] < d[0] : s[1] != d[1] ? s[1] < d[1] : sport <= dport;
    memset(k, 0, sizeof *k);
    k->family = src->family;
    if (src_first) {
        memcpy(k->a, src->bytes, 16);
        memcpy(k->b, dst->bytes, 16);
        k->port_a = sport;
        k->port_b = dport;
    } else {
        memcpy(k->a, dst->bytes, 16);
        memcpy(k->b, src->bytes, 16);
        k->port_a = dport;
        k->port_b = sport;
    }
    *src_is_a = src_first;
}

struct flow_table *flow_table_new(const struct flow_table_cfg *cfg, flow_evict_fn evict, void *ctx)
{
    struct flow_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->cfg = *cfg;
    if (t->cfg.max_flows == 0)
        t->cfg.max_flows = 1;
    t->evict = evict;
    t->ctx = ctx;
    t->nbuckets = 1024;
    t->buckets = calloc(t->nbuckets, sizeof *t->buckets);
    if (!t->buckets) {
        free(t);
        return NULL;
    }
    return t;
}

static void unlink_bucket(struct flow_table *t, struct flow *f)
{
    struct flow **pp = &t->buckets[key_hash(&f->key) & (t->nbuckets - 1)];
    while (*pp && *pp != f)
        pp = &(*pp)->hash_next;
    if (*pp)
        *pp = f->hash_next;
}

void flow_table_evict(struct flow_table *t, struct flow *f)
{
    unlink_bucket(t, f);
    lru_remove(f->closed ? &t->closed : &t->open, f);
    t->size--;
    if (t->evict)
        t->evict(t->ctx, f);
    f->hash_next = t->free_list;
    t->free_list = f;
}

void flow_table_flush(struct flow_table *t)
{
    /* Oldest first, so evictions (and the CSV) follow first-packet order roughly. */
    while (t->open.head || t->closed.head) {
        struct flow *o = t->open.head, *c = t->closed.head;
        struct flow *f = !o ? c : !c ? o : (o->id < c->id ? o : c);
        flow_table_evict(t, f);
    }
}

void flow_table_free(struct flow_table *t)
{
    if (!t)
        return;
    flow_table_flush(t);
    while (t->free_list) {
        struct flow *n = t->free_list->hash_next;
        free(t->free_list);
        t->free_list = n;
    }
    free(t->buckets);
    free(t);
}

static void grow(struct flow_table *t)
{
    size_t n = t->nbuckets * 2;
    struct flow **nb = calloc(n, sizeof *nb);
    if (!nb)
        return; /* keep working with longer chains */
    for (size_t i = 0; i < t->nbuckets; i++) {
        struct flow *f = t->buckets[i];
        while (f) {
            struct flow *next = f->hash_next;
            size_t h = key_hash(&f->key) & (n - 1);
            f->hash_next = nb[h];
            nb[h] = f;
            f = next;
        }
    }
    free(t->buckets);
    t->buckets = nb;
    t->nbuckets = n;
}

struct flow *flow_table_get(struct flow_table *t, const struct flow_key *k, uint64_t now_us, bool *created)
{
    size_t h = key_hash(k) & (t->nbuckets - 1);
    for (struct flow *f = t->buckets[h]; f; f = f->hash_next) {
        if (key_equal(&f->key, k)) {
            struct lru *l = f->closed ? &t->closed : &t->open;
            if (l->tail != f) {
                lru_remove(l, f);
                lru_append(l, f);
            }
            if (now_us > f->last_us)
                f->last_us = now_us;
            *created = false;
            return f;
        }
    }
    if (t->size >= t->cfg.max_flows) {
        struct flow *victim = t->closed.head ? t->closed.head : t->open.head;
        if (victim)
            flow_table_evict(t, victim);
    }
    struct flow *f = t->free_list;
    if (f)
        t->free_list = f->hash_next;
    else if (!(f = malloc(sizeof *f)))
        return NULL;
    memset(f, 0, sizeof *f);
    f->key = *k;
    f->id = t->next_id++;
    f->first_us = f->last_us = now_us;
    f->version = -1;
    if (t->size + 1 > t->nbuckets) {
        grow(t);
        h = key_hash(k) & (t->nbuckets - 1);
    }
    f->hash_next = t->buckets[h];
    t->buckets[h] = f;
    lru_append(&t->open, f);
    t->size++;
    *created = true;
    return f;
}

void flow_table_mark_closed(struct flow_table *t, struct flow *f)
{
    if (f->closed)
        return;
    lru_remove(&t->open, f);
    f->closed = true;
    lru_append(&t->closed, f);
}

void flow_table_expire(struct flow_table *t, uint64_t now_us)
{
    while (t->closed.head && t->closed.head->last_us + t->cfg.closed_linger_us < now_us)
        flow_table_evict(t, t->closed.head);
    while (t->open.head && t->open.head->last_us + t->cfg.idle_timeout_us < now_us)
        flow_table_evict(t, t->open.head);
}

size_t flow_table_size(const struct flow_table *t) { return t->size; }
