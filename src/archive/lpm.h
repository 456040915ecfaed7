/* lpm.h — longest-prefix match over IPv4 and IPv6 prefixes (one hash table per prefix length present), for attribution sources. */
#ifndef ARCHIVE_LPM_H
#define ARCHIVE_LPM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lpm_entry {
    uint8_t key[16];          /* masked address */
    uint8_t family;           /* 4 or 6; 0: empty slot */
    uint8_t len;
    uint32_t value;
};

struct lpm {
    struct lpm_entry *slots;
    size_t cap, n;
    uint8_t lengths[2][129];  /* [family index][len] present */
};

void lpm_init(struct lpm *t);
void lpm_free(struct lpm *t);
/* Adds prefix addr/len (host bits are cleared). A prefix added twice keeps
 * its first value. Returns -1 on memory failure. */
int lpm_add(struct lpm *t, uint8_t family, const uint8_t addr[16], unsigned len, uint32_t value);
/* The value of the longest prefix containing addr; false when none. *len
 * receives that prefix's length. */
bool lpm_lookup(const struct lpm *t, uint8_t family, const uint8_t addr[16], uint32_t *value, unsigned *len);

#endif
