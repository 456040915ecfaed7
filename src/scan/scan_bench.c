/* scan_bench.c — `scan --bench-permutation`: times the cyclic-group walk (and index-to-address lookup) over all of IPv4, sending nothing. */
#include "scan/scan_bench.h"

#include <inttypes.h>
#include <stdio.h>

#include "target/permutation.h"
#include "scan/scan_engine.h"

int scan_bench_permutation(uint64_t seed, struct perm_bench_result *res, char *err, size_t errlen)
{
    struct perm pm;
    const uint64_t n = (uint64_t)1 << 32;
    if (perm_init(&pm, n, seed, err, errlen) < 0)
        return -1;
    res->prime = pm.p;
    /* 1. the bare walk over every element of the group */
    struct perm_iter it;
    perm_iter_init(&pm, 1, 0, 1, 0, &it);
    uint64_t idx, count = 0, sum = 0;
    uint64_t t0 = scan_now_ns();
    while (perm_next(&it, &idx)) {
        sum += idx;
        count++;
    }
    uint64_t t1 = scan_now_ns();
    res->walk_count = count;
    res->walk_secs = (double)(t1 - t0) / 1e9;
    /* every index exactly once: the sum of 0..n-1 */
    res->bijection_ok = count == n && sum == (uint64_t)((unsigned __int128)n * (n - 1) / 2);
    /* 2. the walk plus address lookup in a target space of the whole IPv4
     * space minus the default blocklist (what a real scan does per target) */
    struct prefix_list all, block, allowed;
    prefix_list_init(&all);
    prefix_list_init(&block);
    prefix_list_init(&allowed);
    int rc = -1;
    struct target_space ts = {0};
    if (prefix_list_add_text(&all, "0.0.0.0/0", "bench", err, errlen) < 0 || prefix_list_add_iana_special(&block) < 0)
        goto out;
    prefix_list_normalize(&all);
    prefix_list_normalize(&block);
    uint16_t port = 80;
    if (prefix_list_subtract(&all, &block, &allowed, NULL, NULL) < 0 ||
        target_space_init(&ts, &allowed, &port, 1, err, errlen) < 0)
        goto out;
    struct perm pm2;
    if (perm_init(&pm2, ts.n, seed, err, errlen) < 0)
        goto out;
    perm_iter_init(&pm2, 1, 0, 1, 0, &it);
    struct ip_addr a = {0};
    uint16_t p;
    uint64_t x = 0;
    count = 0;
    t0 = scan_now_ns();
    while (perm_next(&it, &idx)) {
        target_space_get(&ts, idx, &a, &p, NULL);
        x += a.bytes[3];
        count++;
    }
    t1 = scan_now_ns();
    res->lookup_count = count;
    res->lookup_secs = (double)(t1 - t0) / 1e9;
    res->checksum = x;
    rc = 0;
out:
    target_space_free(&ts);
    prefix_list_free(&all);
    prefix_list_free(&block);
    prefix_list_free(&allowed);
    return rc;
}
