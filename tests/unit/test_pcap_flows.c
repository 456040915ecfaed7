/* test_pcap_flows.c — flow table (key symmetry, FIN/RST/idle eviction, size cap) and MPTCP data-sequence accounting of `mpcensus pcap`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <openssl/sha.h>
#include <string.h>
#include <sys/socket.h>

#include "net/bytes.h"
#include "net/mptcp.h"
#include "pcap/flow_table.h"
#include "pcap/mptcp_conn.h"

struct evictions {
    int n;
    uint64_t ids[16];
};

static void record(void *ctx, struct flow *f)
{
    struct evictions *e = ctx;
    if (e->n < 16)
        e->ids[e->n] = f->id;
    e->n++;
}

static void addr4(struct ip_addr *a, const char *text) { assert_true(ip_addr_parse(text, a)); }

static void test_key_is_direction_free(void **state)
{
    (void)state;
    struct ip_addr x, y;
    addr4(&x, "198.18.0.1");
    addr4(&y, "198.18.0.2");
    struct flow_key k1, k2;
    bool a1, a2;
    flow_key_make(&k1, &x, 40000, &y, 443, &a1);
    flow_key_make(&k2, &y, 443, &x, 40000, &a2);
    assert_memory_equal(&k1, &k2, sizeof k1);
    assert_true(a1 != a2);
    /* same addresses, ports decide */
    flow_key_make(&k1, &x, 2, &x, 1, &a1);
    flow_key_make(&k2, &x, 1, &x, 2, &a2);
    assert_memory_equal(&k1, &k2, sizeof k1);
    assert_true(a1 != a2);
}

static void test_lookup_and_eviction(void **state)
{
    (void)state;
    struct evictions ev = {0};
    struct flow_table_cfg cfg = {.idle_timeout_us = 100, .closed_linger_us = 10, .max_flows = 3};
    struct flow_table *t = flow_table_new(&cfg, record, &ev);
    assert_non_null(t);
    struct ip_addr x, y;
    addr4(&x, "198.18.0.1");
    addr4(&y, "198.18.0.2");
    struct flow_key k[5];
    bool src_a, created;
    for (int i = 0; i < 5; i++)
        flow_key_make(&k[i], &x, (uint16_t)(1000 + i), &y, 80, &src_a);
    struct flow *f0 = flow_table_get(t, &k[0], 1, &created);
    assert_true(created);
    assert_ptr_equal(flow_table_get(t, &k[0], 2, &created), f0);
    assert_false(created);
    flow_table_get(t, &k[1], 3, &created);
    struct flow *f2 = flow_table_get(t, &k[2], 4, &created);
    assert_int_equal(flow_table_size(t), 3);
    /* cap: a fourth flow pushes out the least recently used one (k[0] was used at 2, k[1] at 3) */
    flow_table_get(t, &k[3], 5, &created);
    assert_int_equal(ev.n, 1);
    assert_int_equal(ev.ids[0], 0);
    /* a closed flow lingers closed_linger_us, an open one idle_timeout_us */
    flow_table_mark_closed(t, f2);
    flow_table_expire(t, 4 + 10);
    assert_int_equal(ev.n, 1);
    flow_table_expire(t, 4 + 11);
    assert_int_equal(ev.n, 2);
    assert_int_equal(ev.ids[1], 2);
    flow_table_expire(t, 3 + 101); /* k[1] idle since 3 */
    assert_int_equal(ev.n, 3);
    assert_int_equal(ev.ids[2], 1);
    assert_int_equal(flow_table_size(t), 1);
    /* 10000 flows: the table grows and finds each one again */
    cfg.max_flows = 100000;
    flow_table_free(t);
    assert_int_equal(ev.n, 4);
    ev.n = 0;
    t = flow_table_new(&cfg, record, &ev);
    for (uint32_t i = 0; i < 10000; i++) {
        struct ip_addr s;
        ip_addr_from_v4(&s, 0xC6120000u + i);
        struct flow_key kk;
        flow_key_make(&kk, &s, 5000, &y, 443, &src_a);
        flow_table_get(t, &kk, 1, &created);
        assert_true(created);
    }
    for (uint32_t i = 0; i < 10000; i++) {
        struct ip_addr s;
        ip_addr_from_v4(&s, 0xC6120000u + i);
        struct flow_key kk;
        flow_key_make(&kk, &s, 5000, &y, 443, &src_a);
        struct flow *f = flow_table_get(t, &kk, 2, &created);
        assert_false(created);
        assert_int_equal(f->id, i);
    }
    flow_table_free(t);
    assert_int_equal(ev.n, 10000);
}

static void test_dataflow_bytes(void **state)
{
    (void)state;
    struct mptcp_dataflow d = {0};
    assert_int_equal(mptcp_dataflow_bytes(&d), 0);
    /* mappings out of order; the DATA_FIN octet is not data */
    mptcp_dataflow_map(&d, 1001, true, 500, false);
    mptcp_dataflow_map(&d, 1501, true, 101, true);
    mptcp_dataflow_map(&d, 1201, true, 100, false); /* retransmission */
    assert_int_equal(mptcp_dataflow_bytes(&d), 600);
    /* with the IDSN known, bytes count from IDSN + 1 even if the first mapping was missed */
    mptcp_dataflow_set_idsn(&d, 900);
    assert_int_equal(mptcp_dataflow_bytes(&d), 700);
    /* 32-bit DSNs widen across the 2^32 boundary */
    struct mptcp_dataflow w = {0};
    mptcp_dataflow_set_idsn(&w, 0x1fffffff0ULL);
    mptcp_dataflow_map(&w, 0xfffffff1u, false, 0x20, false);
    mptcp_dataflow_map(&w, 0x00000011u, false, 0x10, false);
    assert_int_equal(mptcp_dataflow_bytes(&w), 0x30);
    /* an infinite mapping (length 0) carries no range */
    struct mptcp_dataflow z = {0};
    mptcp_dataflow_map(&z, 5, true, 0, false);
    assert_int_equal(mptcp_dataflow_bytes(&z), 0);
}

/* Token = most significant 32 bits of SHA-1 (v0) / SHA-256 (v1) of the key:
 * computed here with OpenSSL as the oracle. */
static uint32_t oracle_token(int version, uint64_t key)
{
    uint8_t k[8], h[32];
    store_be64(k, key);
    if (version == 0)
        SHA1(k, 8, h);
    else
        SHA256(k, 8, h);
    return load_be32(h);
}

static void test_token_index(void **state)
{
    (void)state;
    struct mptcp_conn_table *t = mptcp_conn_table_new();
    assert_non_null(t);
    struct mptcp_conn *c = mptcp_conn_create(t, true, 1);
    uint64_t client_key = 0x0123456789abcdefULL, server_key = 0xfedcba9876543210ULL;
    mptcp_conn_set_key(t, c, 0, client_key);
    mptcp_conn_set_key(t, c, 1, server_key);
    int side = -1;
    assert_ptr_equal(mptcp_conn_by_token(t, oracle_token(1, server_key), &side), c);
    assert_int_equal(side, 1);
    assert_ptr_equal(mptcp_conn_by_token(t, oracle_token(1, client_key), &side), c);
    assert_int_equal(side, 0);
    assert_null(mptcp_conn_by_token(t, oracle_token(0, server_key), &side));
    struct mptcp_conn *c0 = mptcp_conn_create(t, true, 0);
    mptcp_conn_set_key(t, c0, 0, client_key);
    assert_ptr_equal(mptcp_conn_by_token(t, oracle_token(0, client_key), &side), c0);
    assert_int_equal(mptcp_conn_count(t), 2);
    mptcp_conn_retire(t, c);
    assert_null(mptcp_conn_by_token(t, oracle_token(1, server_key), &side));
    assert_ptr_equal(mptcp_conn_by_token(t, oracle_token(0, client_key), &side), c0);
    mptcp_conn_free(t, c);
    mptcp_conn_retire(t, c0);
    mptcp_conn_free(t, c0);
    assert_int_equal(mptcp_conn_count(t), 0);
    mptcp_conn_table_free(t);
}

/* The growing token index against a plain array (the oracle), with tokens
 * crowded into few values so that probe clusters, duplicates (newest wins)
 * and backward-shift deletion are all exercised, through several grows. */
static void test_token_index_random(void **state)
{
    (void)state;
    enum { N = 20000 };
    struct mptcp_conn_table *t = mptcp_conn_table_new();
    static struct mptcp_conn *conn[N];
    static uint32_t tok[N];
    static bool live[N];
    uint64_t rnd = 88172645463325252ULL;
#define NEXT() (rnd ^= rnd << 13, rnd ^= rnd >> 7, rnd ^= rnd << 17, rnd)
    for (int i = 0; i < N; i++) {
        conn[i] = mptcp_conn_create(t, false, -1);
        assert_non_null(conn[i]);
        tok[i] = (uint32_t)(NEXT() % 3000) * 65536u; /* many duplicates, equal low bits */
        mptcp_conn_add_token(t, conn[i], 1, tok[i]);
        live[i] = true;
        if (i % 3 == 2) { /* retire a random live one */
            int k = (int)(NEXT() % (uint64_t)(i + 1));
            if (live[k]) {
                mptcp_conn_retire(t, conn[k]);
                live[k] = false;
            }
        }
        if (i % 997 == 0 || i == N - 1)
            for (int q = 0; q < 3000; q++) {
                uint32_t want_tok = (uint32_t)q * 65536u;
                struct mptcp_conn *want = NULL;
                for (int j = 0; j <= i; j++) /* the newest live connection with that token */
                    if (live[j] && tok[j] == want_tok)
                        want = conn[j];
                int side = -1;
                assert_ptr_equal(mptcp_conn_by_token(t, want_tok, &side), want);
                if (want)
                    assert_int_equal(side, 1);
            }
    }
#undef NEXT
    for (int i = 0; i < N; i++)
        if (live[i])
            mptcp_conn_retire(t, conn[i]);
    for (int q = 0; q < 3000; q++) {
        int side;
        assert_null(mptcp_conn_by_token(t, (uint32_t)q * 65536u, &side));
    }
    mptcp_conn_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_is_direction_free),
        cmocka_unit_test(test_lookup_and_eviction),
        cmocka_unit_test(test_dataflow_bytes),
        cmocka_unit_test(test_token_index),
        cmocka_unit_test(test_token_index_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
