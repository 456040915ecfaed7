/* test_pcap_stats.c — concentration shares, EWMA, trace counts and the services / Apple port-list parsers of `mpcensus pcap`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcap/app_ports.h"
#include "pcap/size_dist.h"
#include "pcap/trace_stats.h"

static void test_concentration(void **state)
{
    (void)state;
    uint64_t v[] = {10, 50, 20, 20}; /* total 100 */
    struct size_dist d = {0};
    for (size_t i = 0; i < 4; i++)
        size_dist_add(&d, v[i]);
    assert_float_equal(size_dist_top_share(&d, 1), 0.5, 1e-12);
    assert_float_equal(size_dist_top_share(&d, 2), 0.7, 1e-12);
    assert_float_equal(size_dist_top_share(&d, 5), 1.0, 1e-12);
    size_dist_free(&d);
    struct size_dist empty = {0};
    assert_float_equal(size_dist_top_share(&empty, 1), 0.0, 1e-12);
    size_dist_free(&empty);
    struct size_dist zero = {0};
    size_dist_add(&zero, 0);
    size_dist_add(&zero, 0);
    assert_float_equal(size_dist_top_share(&zero, 1), 0.0, 1e-12);
    size_dist_free(&zero);
}

static int cmp_u64_desc(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* Bounded concentration: exact while small, within 1/128 of the cut bucket
 * beyond SIZE_DIST_EXACT values, top 1 and top 5 always exact; merging two
 * halves equals adding everything to one. Oracle: the sorted values. */
static void test_size_dist(void **state)
{
    (void)state;
    enum { N = 3 * SIZE_DIST_EXACT };
    uint64_t *v = malloc(N * sizeof *v);
    assert_non_null(v);
    struct size_dist all = {0}, a = {0}, b = {0};
    uint64_t rnd = 2463534242ULL;
    long double total = 0;
    for (size_t i = 0; i < N; i++) {
        rnd ^= rnd << 13; rnd ^= rnd >> 7; rnd ^= rnd << 17;
        v[i] = 40 + (rnd % 1000) * (rnd % 1000) * (1 + rnd % 7); /* heavy-tailed, 40 B .. ~7 MB */
        total += v[i];
        size_dist_add(&all, v[i]);
        size_dist_add(i % 2 ? &a : &b, v[i]);
        if (i == 1000) { /* still exact */
            uint64_t *c = malloc(1001 * sizeof *c);
            memcpy(c, v, 1001 * sizeof *c);
            qsort(c, 1001, sizeof *c, cmp_u64_desc);
            long double top = 0, sum = 0;
            for (size_t m = 0; m < 1001; m++) {
                sum += c[m];
                if (m < 500)
                    top += c[m];
            }
            assert_float_equal(size_dist_top_share(&all, 500), (double)(top / sum), 1e-12);
            free(c);
        }
    }
    assert_null(all.exact); /* histogram mode */
    size_dist_merge(&a, &b);
    qsort(v, N, sizeof *v, cmp_u64_desc);
    for (size_t k = 1; k <= N; k = k * 3 + 1) {
        long double top = 0;
        for (size_t i = 0; i < k; i++)
            top += v[i];
        double want = (double)(top / total);
        double got = size_dist_top_share(&all, k);
        assert_float_equal(got, want, k <= SIZE_DIST_TOP ? 1e-12 : want / 128);
        assert_float_equal(size_dist_top_share(&a, k), got, 1e-12);
    }
    size_dist_free(&all);
    size_dist_free(&a);
    size_dist_free(&b);
    free(v);
}

static void test_ewma(void **state)
{
    (void)state;
    double x[] = {100, 200, 0, 50}, out[4];
    ewma_series(x, 4, 0.2, out);
    /* by hand: 100; 0.2*200+0.8*100 = 120; 0.8*120 = 96; 0.2*50+0.8*96 = 86.8 */
    assert_float_equal(out[0], 100, 1e-9);
    assert_float_equal(out[1], 120, 1e-9);
    assert_float_equal(out[2], 96, 1e-9);
    assert_float_equal(out[3], 86.8, 1e-9);
}

static void test_trace_counts(void **state)
{
    (void)state;
    struct trace_stats s;
    assert_true(trace_stats_init(&s));
    trace_stats_add_flow(&s, FLOW_TCP, -1, 10, 1000, 0, 5, 443);
    trace_stats_add_flow(&s, FLOW_MPTCP_INITIAL, 1, 10, 600, 0, 5, 443);
    trace_stats_add_flow(&s, FLOW_MPTCP_JOIN, 1, 10, 200, 0, 7, 443);
    trace_stats_add_flow(&s, FLOW_MPTCP_MIDSTREAM, -1, 10, 200, 0, 1, 5223);
    trace_stats_add_conn(&s, 1, 2, 20, 800, 0, 7, 443);
    trace_stats_finish(&s);
    assert_int_equal(s.tcp_flows, 4);
    assert_int_equal(s.tcp_bytes, 2000);
    assert_int_equal(s.mptcp_flows, 3);
    assert_int_equal(s.mptcp_subflows, 2);
    assert_int_equal(s.mptcp_bytes, 1000);
    assert_int_equal(s.mptcp_connections, 1);
    assert_int_equal(s.mptcp_conn_by_version[1], 1);
    assert_float_equal(s.flow_share, 0.75, 1e-12);
    assert_float_equal(s.byte_share, 0.5, 1e-12);
    assert_float_equal(s.top1_share, 0.6, 1e-12);
    assert_float_equal(s.top50pct_share, 0.8, 1e-12); /* 2 of 3 flows */
    assert_int_equal(s.top_flows[0].bytes, 1000);
    assert_int_equal(trace_stats_port(&s, 443)->mptcp_bytes, 800);
    assert_int_equal(trace_stats_port(&s, 5223)->tcp_flows, 1);
    assert_null(trace_stats_port(&s, 80));
    assert_true(trace_stats_compact(&s, 1));
    assert_int_equal(s.n_apps, 1);
    assert_int_equal(s.apps[0].port, 443); /* 1,800 TCP bytes against 200 on 5223 */
    assert_int_equal(s.n_mptcp_apps, 1);
    assert_int_equal(s.mptcp_apps[0].mptcp_bytes, 800);
    assert_null(s.ports);
    trace_stats_free(&s);
}

static void test_services_parse(void **state)
{
    (void)state;
    char name[64];
    uint16_t port, last;
    assert_int_equal(services_parse_line("https\t\t443/tcp\t\t\t\t# http protocol over TLS/SSL\n", name, sizeof name, &port), 1);
    assert_string_equal(name, "https");
    assert_int_equal(port, 443);
    assert_int_equal(services_parse_line("domain\t53/udp\n", name, sizeof name, &port), 0);
    assert_int_equal(services_parse_line("# comment 80/tcp\n", name, sizeof name, &port), 0);
    assert_int_equal(services_parse_line("bad\t99999/tcp\n", name, sizeof name, &port), 0);
    assert_int_equal(apple_parse_line("5223\tTCP\tapple-push\tAPNs\n", name, sizeof name, &port, &last), 1);
    assert_string_equal(name, "apple-push");
    assert_int_equal(port, 5223);
    assert_int_equal(last, 5223);
    assert_int_equal(apple_parse_line("16384-16403\tUDP\tfacetime\tx\n", name, sizeof name, &port, &last), 0);
    assert_int_equal(apple_parse_line("20-21\tTCP\tftp\tx\n", name, sizeof name, &port, &last), 1);
    assert_int_equal(port, 20);
    assert_int_equal(last, 21);
    assert_int_equal(apple_parse_line("# 80\tTCP\thttp\n", name, sizeof name, &port, &last), 0);
}

/* The table agrees with the C library's own reading of /etc/services. */
static void test_services_table_matches_libc(void **state)
{
    (void)state;
    FILE *probe = fopen("/etc/services", "r");
    if (!probe)
        skip();
    fclose(probe);
    char tmpl[] = "/tmp/apple-XXXXXX";
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("# test\n5223\tTCP\tapple-push\tAPNs\n443\tTCP\thttps\tweb\n", f);
    fclose(f);
    struct app_ports *a = app_ports_load(NULL, tmpl);
    assert_non_null(a);
    static const int ports[] = {22, 25, 80, 443, 993, 5223};
    for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++) {
        struct servent *se = getservbyport(htons((uint16_t)ports[i]), "tcp");
        const char *ours = app_ports_iana(a, (uint16_t)ports[i]);
        if (se)
            assert_string_equal(ours, se->s_name);
        else
            assert_null(ours);
    }
    assert_string_equal(app_ports_apple(a, 5223), "apple-push");
    assert_null(app_ports_apple(a, 5224));
    app_ports_free(a);
    remove(tmpl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concentration),
        cmocka_unit_test(test_size_dist),
        cmocka_unit_test(test_ewma),
        cmocka_unit_test(test_trace_counts),
        cmocka_unit_test(test_services_parse),
        cmocka_unit_test(test_services_table_matches_libc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
