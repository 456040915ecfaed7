/* scan_bench.h — internal benchmark of the target permutation (no packets). */
#ifndef SCAN_SCAN_BENCH_H
#define SCAN_SCAN_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct perm_bench_result {
    uint64_t prime;
    uint64_t walk_count;      /* indices produced by the bare walk (2^32) */
    double walk_secs;
    bool bijection_ok;        /* every index of [0, 2^32) exactly once (count and sum) */
    uint64_t lookup_count;    /* targets of IPv4 minus the default blocklist */
    double lookup_secs;       /* walk + index-to-address lookup */
    uint64_t checksum;
};

int scan_bench_permutation(uint64_t seed, struct perm_bench_result *res, char *err, size_t errlen);

#endif
