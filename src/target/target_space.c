/* target_space.c — builds the interval table behind the target index space and maps replies back to indices. */
#include "target/target_space.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int target_space_init(struct target_space *ts, const struct prefix_list *allowed,
                      const uint16_t *ports, unsigned n_ports, char *err, size_t errlen)
{
    memset(ts, 0, sizeof(*ts));
    if (n_ports == 0 || n_ports >= TARGET_NO_PORT + 1u) {
        snprintf(err, errlen, "between 1 and 65535 ports are needed");
        return -1;
    }
    ts->ports = malloc(n_ports * sizeof(*ts->ports));
    ts->port_slot = malloc(65536 * sizeof(*ts->port_slot));
    ts->iv = calloc(allowed->n ? allowed->n : 1, sizeof(*ts->iv));
    if (!ts->ports || !ts->port_slot || !ts->iv) {
        snprintf(err, errlen, "out of memory");
        target_space_free(ts);
        return -1;
    }
    /* a reply's port maps back to its slot in O(1), whatever the number of ports */
    memset(ts->port_slot, 0xff, 65536 * sizeof(*ts->port_slot));
    for (unsigned i = 0; i < n_ports; i++) {
        if (ts->port_slot[ports[i]] != TARGET_NO_PORT) {
            snprintf(err, errlen, "port %u listed twice", ports[i]);
            target_space_free(ts);
            return -1;
        }
        ts->port_slot[ports[i]] = (uint16_t)i;
        ts->ports[i] = ports[i];
    }
    ts->n_ports = n_ports;
    u128 total = 0;
    for (size_t i = 0; i < allowed->n; i++) {
        const struct prefix_entry *e = &allowed->v[i];
        u128 size = e->hi - e->lo + 1;
        if (size == 0 || total + size > ((u128)1 << 60)) {
            snprintf(err, errlen, "target set too large (more than 2^60 addresses)");
            target_space_free(ts);
            return -1;
        }
        ts->iv[i] = (struct target_interval){.lo = e->lo, .base = (uint64_t)total, .family = e->family};
        total += size;
    }
    ts->n_iv = allowed->n;
    ts->n_range_addrs = (uint64_t)total;
    ts->one = allowed->one;
    ts->n_one = allowed->n_one;
    total += allowed->n_one;
    if (total > ((u128)1 << 60)) {
        snprintf(err, errlen, "target set too large (more than 2^60 addresses)");
        target_space_free(ts);
        return -1;
    }
    ts->n_addrs = (uint64_t)total;
    if (total * n_ports > ((u128)1 << 62)) {
        snprintf(err, errlen, "target space too large");
        target_space_free(ts);
        return -1;
    }
    ts->n = (uint64_t)(total * n_ports);
    return 0;
}

void target_space_free(struct target_space *ts)
{
    free(ts->iv);
    free(ts->ports);
    free(ts->port_slot);
    memset(ts, 0, sizeof(*ts));
}

bool target_space_index(const struct target_space *ts, const struct ip_addr *addr, uint16_t port, uint64_t *index)
{
    unsigned pi = ts->port_slot ? ts->port_slot[port] : TARGET_NO_PORT;
    if (pi == TARGET_NO_PORT)
        return false;
    uint8_t fam = addr->family == 10 ? 6 : 4;
    u128 x = 0;
    for (size_t b = 0; b < (fam == 4 ? 4u : 16u); b++)
        x = x << 8 | addr->bytes[b];
    const u128 *hit = fam == 6 ? prefix_one_find(ts->one, (size_t)ts->n_one, x) : NULL;
    if (hit) {
        *index = (ts->n_range_addrs + (uint64_t)(hit - ts->one)) * ts->n_ports + pi;
        return true;
    }
    if (ts->n_iv == 0)
        return false;
    /* intervals are sorted by (family, lo): find the last one <= (fam, x) */
    size_t lo = 0, hi = ts->n_iv;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const struct target_interval *v = &ts->iv[mid];
        if (v->family < fam || (v->family == fam && v->lo <= x))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return false;
    const struct target_interval *v = &ts->iv[lo - 1];
    if (v->family != fam)
        return false;
    uint64_t end = lo < ts->n_iv ? ts->iv[lo].base : ts->n_range_addrs;
    u128 off = x - v->lo;
    if (off >= end - v->base)
        return false;
    *index = (v->base + (uint64_t)off) * ts->n_ports + pi;
    return true;
}
