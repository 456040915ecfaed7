/* permutation.h — random order over [0, n) in constant memory: a cyclic multiplicative group mod a prime, with ZMap-style sharding. */
#ifndef TARGET_PERMUTATION_H
#define TARGET_PERMUTATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest space we accept: p must stay below 2^62 for the Montgomery step,
 * and factoring p-1 by trial division must stay fast. */
#define PERM_MAX_SPACE ((uint64_t)1 << 50)

/* The group Z_p^* (p the smallest prime > n) walked from a random start by
 * a random generator g: start*g^0, start*g^1, ... visits every element of
 * [1, p-1] once; element e stands for index e-1, and indices >= n are
 * skipped. Same (n, seed) => same order on every machine. */
struct perm {
    uint64_t n, p, g, start;
    uint64_t root;           /* smallest primitive root of p */
};

/* Returns 0, or -1 with err when n is 0 or > PERM_MAX_SPACE. */
int perm_init(struct perm *pm, uint64_t n, uint64_t seed, char *err, size_t errlen);

/* One sub-shard: the elements at cycle positions k, k+S, k+2S, ... where
 * S = shards * threads and k = shard * threads + thread. The sub-shards of
 * one seed are disjoint and together cover every index. */
struct perm_iter {
    uint64_t cur;            /* current group element */
    uint64_t factor_mont;    /* g^S * 2^64 mod p (Montgomery form) */
    uint64_t p, pinv_neg, n;
    uint64_t remaining;      /* cycle positions left (including cur) */
};

int perm_iter_init(const struct perm *pm, unsigned shards, unsigned shard, unsigned threads,
                   unsigned thread, struct perm_iter *it);

/* Next index of this sub-shard in [0, n); false when done. */
static inline bool perm_next(struct perm_iter *it, uint64_t *index)
{
    while (it->remaining) {
        uint64_t e = it->cur;
        it->remaining--;
        /* cur = REDC(cur * factor_mont) = cur * g^S mod p */
        unsigned __int128 t = (unsigned __int128)e * it->factor_mont;
        uint64_t m = (uint64_t)t * it->pinv_neg;
        unsigned __int128 u = (t + (unsigned __int128)m * it->p) >> 64;
        uint64_t r = (uint64_t)u;
        if (r >= it->p)
            r -= it->p;
        it->cur = r;
        if (e - 1 < it->n) {
            *index = e - 1;
            return true;
        }
    }
    return false;
}

/* Helpers exposed for tests. */
uint64_t perm_mulmod(uint64_t a, uint64_t b, uint64_t m);
uint64_t perm_powmod(uint64_t a, uint64_t e, uint64_t m);
bool perm_is_prime(uint64_t n);
/* splitmix64: the seeded generator for g and start. */
uint64_t perm_splitmix64(uint64_t *state);

#endif
