/* source_pool.h — the scanner's own addresses of one family (-S lists and ranges): which one probes a target, whether a reply is to one of them, the BPF terms that let replies in. */
#ifndef SCAN_SOURCE_POOL_H
#define SCAN_SOURCE_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/args.h"
#include "net/addr.h"

typedef unsigned __int128 src_u128;

/* Disjoint, sorted ranges of one family; `start[i]` is the pool index of r[i].lo. */
struct source_pool {
    int family;                   /* AF_INET or AF_INET6 */
    struct addr_range *r;
    src_u128 *start;
    size_t n;
    src_u128 size;                /* addresses in the pool (0 = empty; an IPv6 /0 saturates) */
};

/* The ranges of `family` in `given` (other families ignored), sorted and
 * merged where they overlap or touch. Returns 0, -1 when out of memory. */
int source_pool_init(struct source_pool *p, const struct addr_ranges *given, int family);
/* A pool of the single address a (the kernel's preferred source, the dry run's 0.0.0.0). */
int source_pool_single(struct source_pool *p, const struct ip_addr *a);
void source_pool_free(struct source_pool *p);

/* The address that probes `target`:`port`: a hash of the target (and the
 * scan's seed) picks one, so every probe of a target leaves from the same
 * address and the targets spread evenly over the pool. */
void source_pool_pick(const struct source_pool *p, uint64_t seed, const struct ip_addr *target, uint16_t port,
                      struct ip_addr *out);
/* The i-th address of the pool (i < size). */
void source_pool_nth(const struct source_pool *p, src_u128 i, struct ip_addr *out);
/* Whether a is one of the pool's addresses. */
bool source_pool_contains(const struct source_pool *p, const struct ip_addr *a);

/* A pcap filter term matching the pool as destination: "dst net A/L or dst
 * host B ...", the ranges cut into CIDR blocks. Returns false when it would
 * take more than max_terms blocks or len bytes (the caller then filters on
 * the family alone; source_pool_contains still decides). */
bool source_pool_bpf(const struct source_pool *p, unsigned max_terms, char *buf, size_t len);
/* "198.19.255.1-198.19.255.4,198.19.255.9" (at most len bytes, "..." when cut). */
const char *source_pool_format(const struct source_pool *p, char *buf, size_t len);

#endif
