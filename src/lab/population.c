/* population.c — per-address profile from a seeded hash over the spec's mix, month by month, and its route blocks. */
#include "lab/population.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lab/org.h"
#include "net/hash.h"

#define SALT_MIX   0x6d69780000000001ull   /* which profile an address has */
#define SALT_CHURN 0x636875726e000002ull   /* transient absence in one month */

static void infra_offset(const struct cidr *c, unsigned off, struct ip_addr *out)
{
    cidr_nth(c, off, out);
}

void infra_vantage(const struct lab_spec *s, int family, struct ip_addr *out)
{
    infra_offset(family == AF_INET ? &s->infra4 : &s->infra6, 1, out);
}

void infra_vantage_nth(const struct lab_spec *s, int family, unsigned k, struct ip_addr *out)
{
    infra_offset(family == AF_INET ? &s->infra4 : &s->infra6, 1 + k, out);
}

void infra_router(const struct lab_spec *s, int family, unsigned k, struct ip_addr *out)
{
    infra_offset(family == AF_INET ? &s->infra4 : &s->infra6, 10 + k, out);
}

void infra_site(const struct lab_spec *s, int family, unsigned i, struct ip_addr *out)
{
    infra_offset(family == AF_INET ? &s->infra4 : &s->infra6, 100 + i, out);
}

bool infra_is_used(const struct lab_spec *s, const struct ip_addr *a)
{
    const struct cidr *c = a->family == AF_INET ? &s->infra4 : &s->infra6;
    if (!cidr_contains(c, a))
        return false;
    /* infra blocks are validated to be >= 256 long with a zero last byte:
     * used addresses all lie in their first 256 */
    unsigned last = a->family == AF_INET ? 3 : 15;
    for (unsigned b = 0; b < last; b++)
        if (a->bytes[b] != c->base.bytes[b])
            return false;
    unsigned off = a->bytes[last];
    if (off >= 1 && off <= (s->vantage_addresses ? s->vantage_addresses : 1))
        return !s->vantage_in_population;
    if (!s->router_addresses)
        return false;
    if (off >= 11 && off <= 10 + s->n_routers)
        return true;
    return s->site_routers && off >= 100 && off < 100 + s->n_profiles;
}

uint64_t lab_hash(uint64_t seed, uint64_t salt, const struct ip_addr *a, uint64_t extra)
{
    uint64_t h = hash_mix64(seed ^ salt);
    uint64_t w0, w1;
    memcpy(&w0, a->bytes, 8);
    memcpy(&w1, a->bytes + 8, 8);
    h = hash_mix64(h ^ w0);
    h = hash_mix64(h ^ w1 ^ a->family);
    return hash_mix64(h ^ extra);
}

static int pick_weighted(const struct lab_spec *s, uint64_t h)
{
    uint64_t u = h % s->total_weight;
    for (unsigned i = 0; i < s->n_profiles; i++) {
        if (u < s->profiles[i].weight)
            return (int)i;
        u -= s->profiles[i].weight;
    }
    return (int)s->n_profiles - 1;
}

int population_profile(const struct lab_spec *s, const struct ip_addr *a, int month)
{
    int prof = org_profile(s, a, month);   /* lab/org.c: org prefixes and their stages */
    if (prof == -2) {
        if (s->total_weight == 0)
            return PROFILE_ABSENT;
        prof = pick_weighted(s, lab_hash(s->seed, SALT_MIX, a, 0));
    }
    const struct profile *p = &s->profiles[prof];
    if (month < p->month_from || month > p->month_to)
        return PROFILE_ABSENT;
    if (s->churn && lab_hash(s->seed, SALT_CHURN, a, (uint64_t)month) % 100 < s->churn)
        return PROFILE_ABSENT;
    return prof;
}

/* Iterates every population address with its prefix and index, so callers can
 * aggregate consecutive addresses. */
typedef bool (*indexed_fn)(void *user, const struct cidr *c, uint64_t idx, const struct ip_addr *a, int profile);

static bool walk_indexed(const struct lab_spec *s, int month, indexed_fn fn, void *user)
{
    unsigned total = s->n_prefixes + s->n_orgs;
    for (unsigned pi = 0; pi < total; pi++) {
        bool is_org = pi >= s->n_prefixes;
        if (is_org && !org_first_of_prefix(s, pi - s->n_prefixes))
            continue;   /* a later stage of an org prefix walked already */
        const struct cidr *c = is_org ? &s->orgs[pi - s->n_prefixes].prefix : &s->prefixes[pi];
        uint64_t n = cidr_size(c);
        for (uint64_t j = 0; j < n; j++) {
            struct ip_addr a;
            cidr_nth(c, j, &a);
            bool dup = false;
            /* org prefixes own their addresses; earlier prefixes win over later ones */
            if (!is_org)
                for (unsigned o = 0; o < s->n_orgs && !dup; o++)
                    dup = cidr_contains(&s->orgs[o].prefix, &a);
            for (unsigned q = is_org ? s->n_prefixes : 0; q < pi && !dup; q++)
                dup = cidr_contains(q >= s->n_prefixes ? &s->orgs[q - s->n_prefixes].prefix : &s->prefixes[q], &a);
            if (dup || infra_is_used(s, &a))
                continue;
            if (!fn(user, c, j, &a, population_profile(s, &a, month)))
                return false;
        }
    }
    return true;
}

struct plain_walk {
    population_fn fn;
    void *user;
};

static bool plain_cb(void *user, const struct cidr *c, uint64_t idx, const struct ip_addr *a, int profile)
{
    (void)c; (void)idx;
    struct plain_walk *w = user;
    return w->fn(w->user, a, profile);
}

bool population_walk(const struct lab_spec *s, int month, population_fn fn, void *user)
{
    struct plain_walk w = {fn, user};
    return walk_indexed(s, month, plain_cb, &w);
}

struct block_builder {
    struct route_block *v;
    size_t n, cap;
    bool oom;
    const struct cidr *run_prefix;
    uint64_t run_start, run_end;  /* [start, end) indexes in run_prefix */
    int run_profile;
};

static bool push_block(struct block_builder *b, const struct cidr *c, uint64_t start, unsigned log2size, int profile)
{
    if (b->n == b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 256;
        struct route_block *nv = realloc(b->v, ncap * sizeof *nv);
        if (!nv) {
            b->oom = true;
            return false;
        }
        b->v = nv;
        b->cap = ncap;
    }
    struct route_block *r = &b->v[b->n++];
    cidr_nth(c, start, &r->block.base);
    unsigned max = c->base.family == AF_INET ? 32 : 128;
    r->block.len = max - log2size;
    r->profile = profile;
    return true;
}

/* Splits [start, end) into maximal aligned power-of-two blocks. */
static bool flush_run(struct block_builder *b)
{
    if (!b->run_prefix)
        return true;
    uint64_t start = b->run_start, end = b->run_end;
    while (start < end) {
        unsigned lg = 0;
        while (lg < 40 && (start & ((2ull << lg) - 1)) == 0 && start + (2ull << lg) <= end)
            lg++;
        if (!push_block(b, b->run_prefix, start, lg, b->run_profile))
            return false;
        start += 1ull << lg;
    }
    b->run_prefix = NULL;
    return true;
}

static bool block_cb(void *user, const struct cidr *c, uint64_t idx, const struct ip_addr *a, int profile)
{
    (void)a;
    struct block_builder *b = user;
    if (b->run_prefix == c && b->run_end == idx && b->run_profile == profile) {
        b->run_end++;
        return true;
    }
    if (!flush_run(b))
        return false;
    b->run_prefix = c;
    b->run_start = idx;
    b->run_end = idx + 1;
    b->run_profile = profile;
    return true;
}

bool population_blocks(const struct lab_spec *s, int month, struct route_block **out, size_t *n)
{
    struct block_builder b = {0};
    if (!walk_indexed(s, month, block_cb, &b) || !flush_run(&b) || b.oom) {
        free(b.v);
        return false;
    }
    *out = b.v;
    *n = b.n;
    return true;
}
