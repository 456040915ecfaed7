/* size_dist.h — flow sizes for the concentration shares in bounded memory: exact up to SIZE_DIST_EXACT values, then a log-bucket histogram. */
#ifndef PCAP_SIZE_DIST_H
#define PCAP_SIZE_DIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The top-k shares need the k largest sizes. The 5 largest are always kept
 * exactly (top1/top5 are exact). The share of the largest half needs the
 * whole multiset: it is kept exactly while it holds at most SIZE_DIST_EXACT
 * values (512 KiB); beyond, the values move into a fixed histogram of 7,424
 * buckets (119 KiB): exact below 256, else 128 buckets per power of two,
 * each with its count and byte sum. Only the bucket the cut falls into is
 * estimated (its mean size), so the share is off by less than 1/128 of that
 * bucket's own part — far below the third decimal on real traces.
 */
#define SIZE_DIST_EXACT 65536
#define SIZE_DIST_TOP 5

struct size_bucket {
    uint64_t count, sum;
};

struct size_dist {
    uint64_t n;                    /* values added */
    uint64_t total;                /* their sum */
    uint64_t top[SIZE_DIST_TOP];   /* the largest, descending; n_top valid */
    unsigned n_top;
    uint64_t *exact;               /* exact mode: the values (NULL in histogram mode) */
    size_t n_exact, cap_exact;
    bool sorted;                   /* exact[] is in descending order */
    struct size_bucket *hist;      /* histogram mode */
    bool incomplete;               /* out of memory once: shares cover what fit */
};

void size_dist_add(struct size_dist *d, uint64_t v);
/* Adds every value of src to dst. */
void size_dist_merge(struct size_dist *dst, const struct size_dist *src);
/* Share of the sum held by the k largest values (0 when empty). May sort. */
double size_dist_top_share(struct size_dist *d, uint64_t k);
/* Releases the storage (n, total and top stay). */
void size_dist_free(struct size_dist *d);

#endif
