/* population.h — who is who in the lab: infrastructure addresses, per-address profile by seeded hash and month, route blocks. */
#ifndef LAB_POPULATION_H
#define LAB_POPULATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lab/spec.h"

#define PROFILE_ABSENT (-1)   /* address not in service this month: silent */

/* Infrastructure address plan inside spec->infra4 / infra6 (offsets from the base):
 *   vantage  .1 (to .N: vantage-addresses N)   router k (1-based) .10+k        site router i (0-based) .100+i */
void infra_vantage(const struct lab_spec *s, int family, struct ip_addr *out);
/* The vantage's k-th address (0-based, k < s->vantage_addresses): .1+k. */
void infra_vantage_nth(const struct lab_spec *s, int family, unsigned k, struct ip_addr *out);
void infra_router(const struct lab_spec *s, int family, unsigned k, struct ip_addr *out);
void infra_site(const struct lab_spec *s, int family, unsigned i, struct ip_addr *out);
/* True if a is one of the infrastructure addresses the lab configures. */
bool infra_is_used(const struct lab_spec *s, const struct ip_addr *a);

/* 64-bit keyed hash of (seed, salt, address, extra). */
uint64_t lab_hash(uint64_t seed, uint64_t salt, const struct ip_addr *a, uint64_t extra);

/* Profile index of address a in month, or PROFILE_ABSENT. */
int population_profile(const struct lab_spec *s, const struct ip_addr *a, int month);

/* Calls fn for every population address (spec order: prefixes, then org
 * prefixes; duplicates and infrastructure addresses skipped). Stops and
 * returns false if fn returns false. */
typedef bool (*population_fn)(void *user, const struct ip_addr *a, int profile);
bool population_walk(const struct lab_spec *s, int month, population_fn fn, void *user);

/* A CIDR block of addresses sharing one profile (PROFILE_ABSENT included). */
struct route_block {
    struct cidr block;
    int profile;
};
/* Aggregates the population of `month` into aligned blocks (runs of equal
 * profile). *out is malloc'ed; returns false on allocation failure. */
bool population_blocks(const struct lab_spec *s, int month, struct route_block **out, size_t *n);

#endif
