/* test_source_pool.c — scan's -S pools: merging, size, membership at every edge, even and stable picks, and BPF terms that libpcap matches exactly where the pool does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net/build.h"
#include "scan/source_pool.h"

static void pool_of(const char *text, int family, struct source_pool *p)
{
    struct addr_ranges r = {0};
    char why[256];
    if (!args_parse_addr_ranges(text, &r, why, sizeof why))
        fail_msg("%s: %s", text, why);
    assert_int_equal(source_pool_init(p, &r, family), 0);
    args_addr_ranges_free(&r);
}

static struct ip_addr addr(const char *t)
{
    struct ip_addr a;
    assert_true(ip_addr_parse(t, &a));
    return a;
}

static void test_merge_and_size(void **state)
{
    (void)state;
    struct source_pool p;
    char text[256];
    /* overlapping, adjacent, out of order, duplicated; the IPv6 entry belongs to the other pool */
    pool_of("198.19.255.9,198.19.255.1-198.19.255.3,2001:db8::1,198.19.255.3-198.19.255.4,198.19.255.9", AF_INET, &p);
    assert_int_equal(p.n, 2);
    assert_true(p.size == 5);
    assert_string_equal(source_pool_format(&p, text, sizeof text), "198.19.255.1-198.19.255.4,198.19.255.9");
    struct ip_addr a;
    const char *nth[] = {"198.19.255.1", "198.19.255.2", "198.19.255.3", "198.19.255.4", "198.19.255.9"};
    for (unsigned i = 0; i < 5; i++) {
        char t[IP_ADDR_STRLEN];
        source_pool_nth(&p, i, &a);
        assert_string_equal(ip_addr_format(&a, t, sizeof t), nth[i]);
    }
    source_pool_free(&p);
    pool_of("198.18.0.0/30,2001:db8:ffff::1-2001:db8:ffff::4", AF_INET6, &p);
    assert_int_equal(p.n, 1);
    assert_true(p.size == 4);
    source_pool_free(&p);
    /* all of IPv6 saturates instead of wrapping to 0 */
    pool_of("::/0", AF_INET6, &p);
    assert_true(p.size == ~(src_u128)0);
    source_pool_free(&p);
}

static void test_contains_edges(void **state)
{
    (void)state;
    struct source_pool p;
    pool_of("198.19.255.1-198.19.255.4,198.19.255.9,198.19.255.200-198.19.255.255", AF_INET, &p);
    for (unsigned last = 0; last < 256; last++) {
        char t[32];
        snprintf(t, sizeof t, "198.19.255.%u", last);
        struct ip_addr a = addr(t);
        bool want = (last >= 1 && last <= 4) || last == 9 || last >= 200;
        assert_int_equal(source_pool_contains(&p, &a), want);
    }
    struct ip_addr other = addr("198.19.254.255"), v6 = addr("2001:db8::1");
    assert_false(source_pool_contains(&p, &other));
    assert_false(source_pool_contains(&p, &v6));
    source_pool_free(&p);
}

static void test_pick_even_and_stable(void **state)
{
    (void)state;
    struct source_pool p;
    pool_of("2001:db8:ffff::1-2001:db8:ffff::4", AF_INET6, &p);
    unsigned count[4] = {0};
    for (unsigned i = 0; i < 20000; i++) {
        char t[64];
        snprintf(t, sizeof t, "2001:db8:1::%x", i);
        struct ip_addr target = addr(t), a, b;
        source_pool_pick(&p, 7, &target, 443, &a);
        source_pool_pick(&p, 7, &target, 443, &b);
        assert_true(ip_addr_equal(&a, &b));             /* every probe of a target: one source */
        assert_true(source_pool_contains(&p, &a));
        count[a.bytes[15] - 1]++;
    }
    for (unsigned k = 0; k < 4; k++)                     /* 5000 expected each; 4.7 sigma is 300 */
        assert_true(count[k] > 4700 && count[k] < 5300);
    /* a single address is always that address */
    struct source_pool one;
    struct ip_addr only = addr("198.19.255.1"), t = addr("198.18.0.5"), got;
    assert_int_equal(source_pool_single(&one, &only), 0);
    source_pool_pick(&one, 99, &t, 80, &got);
    assert_true(ip_addr_equal(&got, &only));
    source_pool_free(&one);
    source_pool_free(&p);
}

/* libpcap is the oracle of the filter text: a TCP packet to every address
 * around the pool's edges passes the compiled filter iff the pool has it. */
static void check_bpf(const char *ranges, int family, const char *const *probes, size_t n_probes,
                      const char *want_text)
{
    struct source_pool p;
    pool_of(ranges, family, &p);
    char term[2048], filter[2100];
    assert_true(source_pool_bpf(&p, 64, term, sizeof term));
    if (want_text)
        assert_string_equal(term, want_text);
    snprintf(filter, sizeof filter, "%s and tcp and (%s)", family == AF_INET ? "ip" : "ip6", term);
    pcap_t *pc = pcap_open_dead(DLT_RAW, 256);
    struct bpf_program prog;
    if (pcap_compile(pc, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0)
        fail_msg("%s: %s", filter, pcap_geterr(pc));
    for (size_t i = 0; i < n_probes; i++) {
        struct tcp_build b;
        memset(&b, 0, sizeof b);
        b.src = addr(family == AF_INET ? "198.18.0.9" : "2001:db8:1::9");
        b.dst = addr(probes[i]);
        b.sport = 80;
        b.dport = 40000;
        b.flags = 0x12;
        b.ttl = 60;
        uint8_t buf[128];
        size_t len = pkt_build_tcp(buf, sizeof buf, &b);
        assert_true(len > 0);
        struct pcap_pkthdr h = {.caplen = (bpf_u_int32)len, .len = (bpf_u_int32)len};
        bool pass = pcap_offline_filter(&prog, &h, buf) != 0;
        if (pass != source_pool_contains(&p, &b.dst))
            fail_msg("%s: filter %s %s", probes[i], pass ? "passes" : "drops", filter);
    }
    pcap_freecode(&prog);
    pcap_close(pc);
    source_pool_free(&p);
}

static void test_bpf_terms(void **state)
{
    (void)state;
    static const char *const p4[] = {"198.19.255.0", "198.19.255.1", "198.19.255.2", "198.19.255.3",
                                     "198.19.255.4", "198.19.255.5", "198.19.255.9", "198.19.255.10",
                                     "198.19.255.255", "198.19.0.0", "198.19.0.1", "198.18.255.255"};
    check_bpf("198.19.255.1-198.19.255.4", AF_INET, p4, 12,
              "dst host 198.19.255.1 or dst net 198.19.255.2/31 or dst host 198.19.255.4");
    check_bpf("198.19.255.1-198.19.255.4,198.19.255.9,198.19.0.0-198.19.0.0", AF_INET, p4, 12, NULL);
    static const char *const p6[] = {"2001:db8:ffff::", "2001:db8:ffff::1", "2001:db8:ffff::2", "2001:db8:ffff::3",
                                     "2001:db8:ffff::4", "2001:db8:ffff::5", "2001:db8:fffe:ffff:ffff:ffff:ffff:ffff",
                                     "2001:db8:1::1"};
    check_bpf("2001:db8:ffff::1-2001:db8:ffff::4", AF_INET6, p6, 8,
              "dst host 2001:db8:ffff::1 or dst net 2001:db8:ffff::2/127 or dst host 2001:db8:ffff::4");
    check_bpf("2001:db8:ffff::/64", AF_INET6, p6, 8, "dst net 2001:db8:ffff::/64");
    /* more blocks than allowed: the caller falls back to the family alone */
    struct source_pool p;
    char term[4096];
    pool_of("198.19.0.1-198.19.255.254", AF_INET, &p);
    assert_false(source_pool_bpf(&p, 8, term, sizeof term));
    assert_true(source_pool_bpf(&p, 64, term, sizeof term));
    source_pool_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge_and_size),
        cmocka_unit_test(test_contains_edges),
        cmocka_unit_test(test_pick_even_and_stable),
        cmocka_unit_test(test_bpf_terms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
