/* seen_set.h — paged bitmap over the target index space: remembers which (address, port) already answered. */
#ifndef SCAN_SEEN_SET_H
#define SCAN_SEEN_SET_H

#include <stdbool.h>
#include <stdint.h>

/* Pages of 2^16 bits are allocated on first use, so a sparse set over a
 * space of 2^33 targets costs 1 MiB of page pointers plus the pages hit. */
struct seen_set {
    uint64_t **pages;
    uint64_t n_pages;
    uint64_t n;
};

int seen_set_init(struct seen_set *s, uint64_t n);
void seen_set_free(struct seen_set *s);
/* Marks index i; returns 1 if it was new, 0 if already set, -1 on memory failure / out of range. */
int seen_set_add(struct seen_set *s, uint64_t i);

#endif
