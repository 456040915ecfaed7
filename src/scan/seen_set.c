/* seen_set.c — lazily allocated bitmap pages for reply deduplication. */
#include "scan/seen_set.h"

#include <stdlib.h>
#include <string.h>

#define PAGE_BITS 16
#define PAGE_WORDS ((1u << PAGE_BITS) / 64)

int seen_set_init(struct seen_set *s, uint64_t n)
{
    memset(s, 0, sizeof(*s));
    s->n = n;
    s->n_pages = (n >> PAGE_BITS) + 1;
    s->pages = calloc(s->n_pages, sizeof(*s->pages));
    return s->pages ? 0 : -1;
}

void seen_set_free(struct seen_set *s)
{
    if (s->pages)
        for (uint64_t i = 0; i < s->n_pages; i++)
            free(s->pages[i]);
    free(s->pages);
    memset(s, 0, sizeof(*s));
}

int seen_set_add(struct seen_set *s, uint64_t i)
{
    if (i >= s->n)
        return -1;
    uint64_t pg = i >> PAGE_BITS;
    if (!s->pages[pg] && !(s->pages[pg] = calloc(PAGE_WORDS, sizeof(uint64_t))))
        return -1;
    uint64_t bit = i & ((1u << PAGE_BITS) - 1);
    uint64_t *w = &s->pages[pg][bit / 64];
    uint64_t m = (uint64_t)1 << (bit % 64);
    if (*w & m)
        return 0;
    *w |= m;
    return 1;
}
