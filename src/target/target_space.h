/* target_space.h — a target set (allowed address ranges x ports) as one index space [0, n) for the permutation. */
#ifndef TARGET_TARGET_SPACE_H
#define TARGET_TARGET_SPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "net/addr.h"
#include "target/prefix_list.h"

struct target_interval {
    u128 lo;
    uint64_t base;           /* address index of lo */
    uint8_t family;          /* 4 or 6 */
};

/* Index i maps to address number i / n_ports and port number i % n_ports,
 * so the ports of one address are spread across the scan like any target.
 * Address numbers count the ranges first, then the list's single IPv6
 * addresses (prefix_list `one`), which are used in place: the list given to
 * target_space_init must outlive the space. */
struct target_space {
    struct target_interval *iv;
    size_t n_iv;
    uint64_t n_range_addrs;  /* addresses in the ranges of iv */
    const u128 *one;         /* sorted single addresses, numbered from n_range_addrs */
    uint64_t n_one;
    uint64_t n_addrs;
    uint16_t *ports;         /* n_ports ports (any number up to 65535: a census may scan them all) */
    unsigned n_ports;
    uint16_t *port_slot;     /* 65536 entries: index of a port in ports, or TARGET_NO_PORT */
    uint64_t n;              /* n_addrs * n_ports */
};
#define TARGET_NO_PORT 0xffff

/* Builds the space from a normalized, blocklist-subtracted list (kept in use, see above); ports are
 * distinct (1..65535 of them). */
int target_space_init(struct target_space *ts, const struct prefix_list *allowed,
                      const uint16_t *ports, unsigned n_ports, char *err, size_t errlen);
void target_space_free(struct target_space *ts);

/* Address and port of index i (< ts->n). */
static inline void target_space_get(const struct target_space *ts, uint64_t i, struct ip_addr *addr,
                                    uint16_t *port, uint64_t *addr_index)
{
    uint64_t a = ts->n_ports == 1 ? i : i / ts->n_ports;
    unsigned pi = ts->n_ports == 1 ? 0 : (unsigned)(i - a * ts->n_ports);
    u128 x;
    uint8_t family = 6;
    if (a >= ts->n_range_addrs) {
        x = ts->one[a - ts->n_range_addrs];
    } else {
        size_t lo = 0, hi = ts->n_iv;      /* last interval with base <= a */
        while (hi - lo > 1) {
            size_t mid = (lo + hi) / 2;
            if (ts->iv[mid].base <= a)
                lo = mid;
            else
                hi = mid;
        }
        const struct target_interval *v = &ts->iv[lo];
        x = v->lo + (a - v->base);
        family = v->family;
    }
    if (family == 4) {
        uint32_t x4 = (uint32_t)x;
        addr->family = 2; /* AF_INET */
        addr->bytes[0] = (uint8_t)(x4 >> 24);
        addr->bytes[1] = (uint8_t)(x4 >> 16);
        addr->bytes[2] = (uint8_t)(x4 >> 8);
        addr->bytes[3] = (uint8_t)x4;
        /* as ip_addr_from_v4: the rest zero, whatever family the buffer held before */
        memset(addr->bytes + 4, 0, sizeof(addr->bytes) - 4);
    } else {
        addr->family = 10; /* AF_INET6 */
        for (int b = 15; b >= 0; b--) {
            addr->bytes[b] = (uint8_t)x;
            x >>= 8;
        }
    }
    *port = ts->ports[pi];
    if (addr_index)
        *addr_index = a;
}

/* Index of (addr, port) in the space, or false if it is not a target:
 * used to deduplicate replies with a bitmap over [0, n). */
bool target_space_index(const struct target_space *ts, const struct ip_addr *addr, uint16_t port, uint64_t *index);

#endif
