/* permutation.c — prime search, primitive roots and sub-shard set-up for the cyclic-group target permutation. */
#include "target/permutation.h"

#include <stdio.h>

#include "net/hash.h"

uint64_t perm_mulmod(uint64_t a, uint64_t b, uint64_t m)
{
    return (uint64_t)((unsigned __int128)a * b % m);
}

uint64_t perm_powmod(uint64_t a, uint64_t e, uint64_t m)
{
    uint64_t r = 1 % m;
    a %= m;
    while (e) {
        if (e & 1)
            r = perm_mulmod(r, a, m);
        a = perm_mulmod(a, a, m);
        e >>= 1;
    }
    return r;
}

/* Deterministic Miller-Rabin: these bases decide every 64-bit n. */
bool perm_is_prime(uint64_t n)
{
    static const uint64_t bases[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};
    if (n < 2)
        return false;
    for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
        if (n == bases[i])
            return true;
        if (n % bases[i] == 0)
            return false;
    }
    uint64_t d = n - 1;
    unsigned s = 0;
    while (!(d & 1)) {
        d >>= 1;
        s++;
    }
    for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
        uint64_t x = perm_powmod(bases[i], d, n);
        if (x == 1 || x == n - 1)
            continue;
        bool composite = true;
        for (unsigned r = 1; r < s; r++) {
            x = perm_mulmod(x, x, n);
            if (x == n - 1) {
                composite = false;
                break;
            }
        }
        if (composite)
            return false;
    }
    return true;
}

uint64_t perm_splitmix64(uint64_t *state)
{
    return hash_mix64(*state += 0x9e3779b97f4a7c15ull);
}

static uint64_t gcd64(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Distinct prime factors of m by trial division (m < 2^51: at most ~2^25.5 steps). */
static unsigned factor_distinct(uint64_t m, uint64_t *f, unsigned max)
{
    unsigned k = 0;
    for (uint64_t d = 2; d * d <= m; d += (d == 2 ? 1 : 2)) {
        if (m % d == 0) {
            if (k < max)
                f[k++] = d;
            while (m % d == 0)
                m /= d;
        }
    }
    if (m > 1 && k < max)
        f[k++] = m;
    return k;
}

int perm_init(struct perm *pm, uint64_t n, uint64_t seed, char *err, size_t errlen)
{
    if (n == 0 || n > PERM_MAX_SPACE) {
        snprintf(err, errlen, "target space of %llu (addresses x ports) is %s", (unsigned long long)n,
                 n ? "larger than 2^50: split the scan" : "empty");
        return -1;
    }
    uint64_t p = n + 1 < 3 ? 3 : n + 1;
    while (!perm_is_prime(p))
        p++;
    uint64_t f[64];
    unsigned nf = factor_distinct(p - 1, f, 64);
    uint64_t root = 2;
    for (;; root++) {
        bool ok = true;
        for (unsigned i = 0; i < nf && ok; i++)
            ok = perm_powmod(root, (p - 1) / f[i], p) != 1;
        if (ok)
            break;
    }
    uint64_t st = seed;
    uint64_t k;
    /* g = root^k with gcd(k, p-1) = 1 is again a generator; k random */
    do {
        k = 1 + perm_splitmix64(&st) % (p - 1);
    } while (gcd64(k, p - 1) != 1);
    pm->n = n;
    pm->p = p;
    pm->root = root;
    pm->g = perm_powmod(root, k, p);
    pm->start = 1 + perm_splitmix64(&st) % (p - 1);
    return 0;
}

int perm_iter_init(const struct perm *pm, unsigned shards, unsigned shard, unsigned threads,
                   unsigned thread, struct perm_iter *it)
{
    if (shards == 0 || threads == 0 || shard >= shards || thread >= threads)
        return -1;
    uint64_t S = (uint64_t)shards * threads;
    uint64_t k = (uint64_t)shard * threads + thread;
    uint64_t order = pm->p - 1;
    it->p = pm->p;
    it->n = pm->n;
    it->remaining = k < order ? (order - k + S - 1) / S : 0;
    it->cur = perm_mulmod(pm->start, perm_powmod(pm->g, k, pm->p), pm->p);
    uint64_t factor = perm_powmod(pm->g, S, pm->p);
    it->factor_mont = (uint64_t)(((unsigned __int128)factor << 64) % pm->p);
    /* -p^-1 mod 2^64 by Newton iteration (p odd) */
    uint64_t inv = pm->p;
    for (int i = 0; i < 6; i++)
        inv *= 2 - pm->p * inv;
    it->pinv_neg = (uint64_t)0 - inv;
    return 0;
}
