/* lpm.c — open-addressing hash of (family, length, masked address) probed from the longest length present down. */
#include "archive/lpm.h"

#include <stdlib.h>
#include <string.h>

void lpm_init(struct lpm *t) { memset(t, 0, sizeof *t); }

void lpm_free(struct lpm *t)
{
    free(t->slots);
    memset(t, 0, sizeof *t);
}

static void mask(uint8_t out[16], const uint8_t in[16], unsigned len, unsigned alen)
{
    memset(out, 0, 16);
    for (unsigned i = 0; i < alen; i++) {
        unsigned bits = len > i * 8 ? len - i * 8 : 0;
        out[i] = bits >= 8 ? in[i] : bits ? (uint8_t)(in[i] & (0xff00 >> bits)) : 0;
    }
}

static uint64_t hash(uint8_t family, unsigned len, const uint8_t k[16])
{
    uint64_t h = 1469598103934665603ull ^ ((uint64_t)family << 8 | len);
    for (int i = 0; i < 16; i++)
        h = (h ^ k[i]) * 1099511628211ull;
    return h ^ (h >> 29);
}

static struct lpm_entry *find_slot(struct lpm_entry *slots, size_t cap, uint8_t family, unsigned len,
                                   const uint8_t k[16])
{
    for (size_t i = hash(family, len, k) & (cap - 1);; i = (i + 1) & (cap - 1)) {
        struct lpm_entry *e = &slots[i];
        if (!e->family || (e->family == family && e->len == len && !memcmp(e->key, k, 16)))
            return e;
    }
}

static int grow(struct lpm *t)
{
    size_t cap = t->cap ? 2 * t->cap : 1024;
    struct lpm_entry *ns = calloc(cap, sizeof *ns);
    if (!ns)
        return -1;
    for (size_t i = 0; i < t->cap; i++) {
        struct lpm_entry *e = &t->slots[i];
        if (e->family)
            *find_slot(ns, cap, e->family, e->len, e->key) = *e;
    }
    free(t->slots);
    t->slots = ns;
    t->cap = cap;
    return 0;
}

int lpm_add(struct lpm *t, uint8_t family, const uint8_t addr[16], unsigned len, uint32_t value)
{
    unsigned alen = family == 4 ? 4 : 16;
    if (len > alen * 8)
        return -1;
    if ((t->n + 1) * 2 > t->cap && grow(t) < 0)
        return -1;
    uint8_t k[16];
    mask(k, addr, len, alen);
    struct lpm_entry *e = find_slot(t->slots, t->cap, family, len, k);
    if (e->family)
        return 0;
    memcpy(e->key, k, 16);
    e->family = family;
    e->len = (uint8_t)len;
    e->value = value;
    t->n++;
    t->lengths[family == 4 ? 0 : 1][len] = 1;
    return 0;
}

bool lpm_lookup(const struct lpm *t, uint8_t family, const uint8_t addr[16], uint32_t *value, unsigned *len)
{
    if (!t->cap)
        return false;
    unsigned alen = family == 4 ? 4 : 16;
    const uint8_t *present = t->lengths[family == 4 ? 0 : 1];
    for (int l = (int)alen * 8; l >= 0; l--) {
        if (!present[l])
            continue;
        uint8_t k[16];
        mask(k, addr, (unsigned)l, alen);
        const struct lpm_entry *e = find_slot(t->slots, t->cap, family, (unsigned)l, k);
        if (e->family) {
            *value = e->value;
            if (len)
                *len = (unsigned)l;
            return true;
        }
    }
    return false;
}
