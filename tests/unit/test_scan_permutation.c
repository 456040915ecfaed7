/* test_scan_permutation.c — the cyclic-group permutation: primality, bijection over small spaces, shard disjointness and coverage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "target/permutation.h"

static bool naive_prime(uint64_t n)
{
    if (n < 2)
        return false;
    for (uint64_t d = 2; d * d <= n; d++)
        if (n % d == 0)
            return false;
    return true;
}

static void test_is_prime_matches_trial_division(void **state)
{
    (void)state;
    for (uint64_t n = 0; n < 20000; n++)
        assert_int_equal(perm_is_prime(n), naive_prime(n));
    /* large known values: 2^32+15 is prime, 2^32+1 = 641 * 6700417 is not */
    assert_true(perm_is_prime(4294967311ull));
    assert_false(perm_is_prime(4294967297ull));
    assert_true(perm_is_prime(1000000000000000003ull));
    assert_false(perm_is_prime(1000000000000000001ull));   /* divisible by 101 */
}

/* Counts how often each index of [0, n) is produced by one iterator. */
static void walk(const struct perm *pm, unsigned shards, unsigned shard, unsigned threads, unsigned thread,
                 uint8_t *hits)
{
    struct perm_iter it;
    assert_int_equal(perm_iter_init(pm, shards, shard, threads, thread, &it), 0);
    uint64_t idx;
    while (perm_next(&it, &idx)) {
        assert_true(idx < pm->n);
        hits[idx]++;
    }
}

static void test_bijection_small_spaces(void **state)
{
    (void)state;
    static const uint64_t sizes[] = {1, 2, 3, 4, 5, 7, 8, 100, 255, 256, 1000, 4096, 65536, 100003};
    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        for (uint64_t seed = 0; seed < 5; seed++) {
            struct perm pm;
            char err[128];
            assert_int_equal(perm_init(&pm, sizes[s], seed, err, sizeof(err)), 0);
            assert_true(pm.p > pm.n);
            assert_true(naive_prime(pm.p));
            /* the generator must have order p-1: g^((p-1)/q) != 1 for q | p-1 (checked for q = 2) */
            assert_int_not_equal(perm_powmod(pm.g, (pm.p - 1) / 2, pm.p), 1);
            uint8_t *hits = calloc(sizes[s], 1);
            walk(&pm, 1, 0, 1, 0, hits);
            for (uint64_t i = 0; i < sizes[s]; i++)
                assert_int_equal(hits[i], 1);
            free(hits);
        }
    }
}

static void test_generator_has_full_order(void **state)
{
    (void)state;
    struct perm pm;
    char err[128];
    assert_int_equal(perm_init(&pm, 1000, 42, err, sizeof(err)), 0);
    /* smallest k with g^k == 1 must be p-1 */
    uint64_t x = 1, k = 0;
    do {
        x = perm_mulmod(x, pm.g, pm.p);
        k++;
    } while (x != 1);
    assert_int_equal(k, pm.p - 1);
}

static void test_shards_disjoint_and_complete(void **state)
{
    (void)state;
    const uint64_t n = 10007 * 3;
    for (unsigned shards = 1; shards <= 7; shards++) {
        for (unsigned threads = 1; threads <= 3; threads++) {
            struct perm pm;
            char err[128];
            assert_int_equal(perm_init(&pm, n, 1234, err, sizeof(err)), 0);
            uint8_t *hits = calloc(n, 1);
            for (unsigned s = 0; s < shards; s++)
                for (unsigned t = 0; t < threads; t++)
                    walk(&pm, shards, s, threads, t, hits);
            for (uint64_t i = 0; i < n; i++)
                assert_int_equal(hits[i], 1);
            free(hits);
        }
    }
}

static void test_seed_changes_order_and_is_reproducible(void **state)
{
    (void)state;
    struct perm a, b, c;
    char err[128];
    assert_int_equal(perm_init(&a, 100000, 1, err, sizeof(err)), 0);
    assert_int_equal(perm_init(&b, 100000, 2, err, sizeof(err)), 0);
    assert_int_equal(perm_init(&c, 100000, 1, err, sizeof(err)), 0);
    struct perm_iter ia, ib, ic;
    perm_iter_init(&a, 1, 0, 1, 0, &ia);
    perm_iter_init(&b, 1, 0, 1, 0, &ib);
    perm_iter_init(&c, 1, 0, 1, 0, &ic);
    unsigned same_ab = 0;
    for (int i = 0; i < 100; i++) {
        uint64_t x, y, z;
        assert_true(perm_next(&ia, &x));
        assert_true(perm_next(&ib, &y));
        assert_true(perm_next(&ic, &z));
        same_ab += x == y;
        assert_int_equal(x, z);
    }
    assert_true(same_ab < 5);
}

static void test_invalid_spaces_rejected(void **state)
{
    (void)state;
    struct perm pm;
    char err[128] = "";
    assert_int_equal(perm_init(&pm, 0, 1, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "empty"));
    assert_int_equal(perm_init(&pm, PERM_MAX_SPACE + 1, 1, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "larger"));
    struct perm_iter it;
    assert_int_equal(perm_init(&pm, 10, 1, err, sizeof(err)), 0);
    assert_int_equal(perm_iter_init(&pm, 2, 2, 1, 0, &it), -1);
    assert_int_equal(perm_iter_init(&pm, 0, 0, 1, 0, &it), -1);
}

static void test_full_ipv4_prime(void **state)
{
    (void)state;
    struct perm pm;
    char err[128];
    assert_int_equal(perm_init(&pm, (uint64_t)1 << 32, 7, err, sizeof(err)), 0);
    assert_int_equal(pm.p, 4294967311ull);   /* smallest prime above 2^32 */
    /* the Montgomery step agrees with plain modular multiplication */
    struct perm_iter it;
    perm_iter_init(&pm, 1, 0, 1, 0, &it);
    uint64_t e = pm.start;
    for (int i = 0; i < 1000; i++) {
        uint64_t idx;
        assert_true(perm_next(&it, &idx));
        while (e - 1 >= pm.n)     /* skipped elements */
            e = perm_mulmod(e, pm.g, pm.p);
        assert_int_equal(idx, e - 1);
        e = perm_mulmod(e, pm.g, pm.p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_is_prime_matches_trial_division),
        cmocka_unit_test(test_bijection_small_spaces),
        cmocka_unit_test(test_generator_has_full_order),
        cmocka_unit_test(test_shards_disjoint_and_complete),
        cmocka_unit_test(test_seed_changes_order_and_is_reproducible),
        cmocka_unit_test(test_invalid_spaces_rejected),
        cmocka_unit_test(test_full_ipv4_prime),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
