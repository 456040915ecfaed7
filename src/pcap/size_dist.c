/* size_dist.c — exact-then-histogram multiset of flow sizes with the share of the k largest. */
#include "pcap/size_dist.h"

#include <stdlib.h>
#include <string.h>

#define SUB_BITS 7
#define SUB (1u << SUB_BITS)
#define LINEAR 256 /* values below are their own bucket */
#define N_BUCKETS (LINEAR + (64 - 8) * SUB)

static size_t bucket_of(uint64_t v)
{
    if (v < LINEAR)
        return (size_t)v;
    unsigned e = 63u - (unsigned)__builtin_clzll(v); /* >= 8 */
    unsigned m = (unsigned)(v >> (e - SUB_BITS)) & (SUB - 1);
    return LINEAR + (size_t)(e - 8) * SUB + m;
}

static void top_add(struct size_dist *d, uint64_t v)
{
    if (d->n_top == SIZE_DIST_TOP && d->top[SIZE_DIST_TOP - 1] >= v)
        return;
    unsigned i = d->n_top < SIZE_DIST_TOP ? d->n_top++ : SIZE_DIST_TOP - 1;
    while (i > 0 && d->top[i - 1] < v) {
        d->top[i] = d->top[i - 1];
        i--;
    }
    d->top[i] = v;
}

static void hist_add(struct size_dist *d, uint64_t v, uint64_t count, uint64_t sum)
{
    struct size_bucket *b = &d->hist[bucket_of(v)];
    b->count += count;
    b->sum += sum;
}

/* Moves the exact values into a new histogram; false when out of memory. */
static bool to_histogram(struct size_dist *d)
{
    if (d->hist)
        return true;
    d->hist = calloc(N_BUCKETS, sizeof *d->hist);
    if (!d->hist)
        return false;
    for (size_t i = 0; i < d->n_exact; i++)
        hist_add(d, d->exact[i], 1, d->exact[i]);
    free(d->exact);
    d->exact = NULL;
    d->n_exact = d->cap_exact = 0;
    return true;
}

/* Stores v in the multiset part (not n/total/top). */
static void store(struct size_dist *d, uint64_t v)
{
    if (!d->hist && d->n_exact == d->cap_exact) {
        if (d->cap_exact >= SIZE_DIST_EXACT) {
            if (!to_histogram(d)) {
                d->incomplete = true;
                return;
            }
        } else {
            size_t cap = d->cap_exact ? d->cap_exact * 2 : 256;
            uint64_t *nv = realloc(d->exact, cap * sizeof *nv);
            if (!nv) {
                d->incomplete = true;
                return;
            }
            d->exact = nv;
            d->cap_exact = cap;
        }
    }
    if (d->hist) {
        hist_add(d, v, 1, v);
    } else {
        d->exact[d->n_exact++] = v;
        d->sorted = false;
    }
}

void size_dist_add(struct size_dist *d, uint64_t v)
{
    d->n++;
    d->total += v;
    top_add(d, v);
    store(d, v);
}

void size_dist_merge(struct size_dist *dst, const struct size_dist *src)
{
    dst->n += src->n;
    dst->total += src->total;
    for (unsigned i = 0; i < src->n_top; i++)
        top_add(dst, src->top[i]);
    dst->incomplete |= src->incomplete;
    if (src->hist) {
        if (!to_histogram(dst)) {
            dst->incomplete = true;
            return;
        }
        for (size_t b = 0; b < N_BUCKETS; b++) {
            dst->hist[b].count += src->hist[b].count;
            dst->hist[b].sum += src->hist[b].sum;
        }
        return;
    }
    for (size_t i = 0; i < src->n_exact; i++)
        store(dst, src->exact[i]);
}

static int cmp_desc(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

double size_dist_top_share(struct size_dist *d, uint64_t k)
{
    if (d->total == 0 || k == 0)
        return 0.0;
    long double top = 0;
    if (k <= d->n_top) {
        for (uint64_t i = 0; i < k; i++)
            top += d->top[i];
    } else if (!d->hist) {
        if (!d->sorted && d->n_exact > 1)
            qsort(d->exact, d->n_exact, sizeof *d->exact, cmp_desc);
        d->sorted = true;
        for (size_t i = 0; i < d->n_exact && i < k; i++)
            top += d->exact[i];
    } else {
        uint64_t left = k;
        for (size_t b = N_BUCKETS; b-- > 0 && left;) {
            const struct size_bucket *s = &d->hist[b];
            if (!s->count)
                continue;
            if (s->count <= left) {
                top += s->sum;
                left -= s->count;
            } else {
                top += (long double)s->sum * left / s->count; /* the one estimated bucket */
                left = 0;
            }
        }
    }
    double share = (double)(top / d->total);
    return share > 1.0 ? 1.0 : share;
}

void size_dist_free(struct size_dist *d)
{
    free(d->exact);
    free(d->hist);
    d->exact = NULL;
    d->hist = NULL;
    d->n_exact = d->cap_exact = 0;
}
