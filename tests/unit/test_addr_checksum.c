/* test_addr_checksum.c — address parse/format and Internet checksums, checked against RFC 1071 and tshark's checksum verdicts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <glob.h>
#include <sys/socket.h>

#include "net/addr.h"
#include "net/checksum.h"
#include "net/packet.h"
#include "unit/test_pcapfile.h"

static void test_addr_parse_format(void **state)
{
    (void)state;
    static const char *const good[] = {"198.18.0.1", "0.0.0.0", "255.255.255.255", "2001:db8::1", "::",
                                       "::ffff:198.18.3.4", "2001:db8:1:2:3:4:5:6", "fe80::1"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        struct ip_addr a;
        char buf[IP_ADDR_STRLEN];
        assert_true(ip_addr_parse(good[i], &a));
        /* inet_pton/ntop of libc is the reference for the text forms */
        uint8_t ref[16];
        int fam = strchr(good[i], ':') ? AF_INET6 : AF_INET;
        assert_int_equal(inet_pton(fam, good[i], ref), 1);
        assert_int_equal(a.family, fam);
        assert_memory_equal(a.bytes, ref, fam == AF_INET6 ? 16 : 4);
        assert_int_equal(ip_addr_len(&a), fam == AF_INET6 ? 16 : 4);
        char refbuf[INET6_ADDRSTRLEN];
        inet_ntop(fam, ref, refbuf, sizeof(refbuf));
        assert_string_equal(ip_addr_format(&a, buf, sizeof(buf)), refbuf);
    }
    static const char *const bad[] = {"", "198.18.0", "198.18.0.256", "2001:db8:::1", "hello", "1.2.3.4 ", "::g"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct ip_addr a = {.family = 99};
        assert_false(ip_addr_parse(bad[i], &a));
        assert_int_equal(a.family, 99); /* untouched on failure */
    }
    assert_false(ip_addr_parse(NULL, &(struct ip_addr){0}));
}

static void test_addr_v4_helpers(void **state)
{
    (void)state;
    struct ip_addr a, b;
    ip_addr_from_v4(&a, 0xc6120001u); /* 198.18.0.1 */
    assert_true(ip_addr_parse("198.18.0.1", &b));
    assert_true(ip_addr_equal(&a, &b));
    assert_int_equal(ip_addr_v4(&a), 0xc6120001u);
    for (size_t i = 4; i < 16; i++)
        assert_int_equal(a.bytes[i], 0);
    ip_addr_from_v4(&b, 0xc6120002u);
    assert_false(ip_addr_equal(&a, &b));
    /* the same 16 bytes under two families are different addresses */
    struct ip_addr v6;
    uint8_t raw[16] = {0xc6, 0x12, 0, 1};
    ip_addr_from_v6(&v6, raw);
    assert_false(ip_addr_equal(&a, &v6));
    char small[4];
    ip_addr_format(&a, small, sizeof(small)); /* too small: empty, not overflowing */
    assert_string_equal(small, "");
}

/* RFC 1071 §3 numerical example: bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2. */
static void test_rfc1071_example(void **state)
{
    (void)state;
    static const uint8_t data[8] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    assert_int_equal(csum_fold(csum_partial(data, sizeof(data), 0)), (uint16_t)~0xddf2);
    /* summing in pieces of even length gives the same result (byte order independence aside) */
    uint32_t s = csum_partial(data, 4, 0);
    s = csum_partial(data + 4, 4, s);
    assert_int_equal(csum_fold(s), (uint16_t)~0xddf2);
    /* odd length: the last byte is padded with zero */
    static const uint8_t odd[3] = {0x12, 0x34, 0x56};
    assert_int_equal(csum_fold(csum_partial(odd, 3, 0)), (uint16_t)~(0x1234 + 0x5600));
    /* end-around carry: ffff + 0001 = 0001 after the carry */
    static const uint8_t carry[4] = {0xff, 0xff, 0x00, 0x01};
    assert_int_equal(csum_fold(csum_partial(carry, 4, 0)), (uint16_t)~0x0001);
    /* a long buffer of 0xff bytes must not lose carries */
    static uint8_t big[200000];
    memset(big, 0xff, sizeof(big));
    assert_int_equal(csum_fold(csum_partial(big, sizeof(big), 0)), 0);
}

/* The well-known IPv4 header example (Wikipedia/RFC 1071 style):
 * 4500 0073 0000 4000 4011 [b861] c0a8 0001 c0a8 00c7. */
static void test_ipv4_header_vector(void **state)
{
    (void)state;
    uint8_t h[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                     0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    assert_int_equal(csum_fold(csum_partial(h, 20, 0)), 0xb861);
    h[10] = 0xb8;
    h[11] = 0x61;
    assert_int_equal(csum_fold(csum_partial(h, 20, 0)), 0);
}

/* Every TCP/ICMPv6 checksum and IPv4 header checksum in the shared captures:
 * our verdict (sum == 0) must equal tshark's good/bad status. */
static void test_checksums_match_tshark(void **state)
{
    (void)state;
    char pattern[512];
    snprintf(pattern, sizeof(pattern), "%s/data/pcaps/*/*.pcap", tshared_dir());
    glob_t g;
    assert_int_equal(glob(pattern, 0, NULL, &g), 0);
    static const char *const fields[] = {"tcp.checksum.status", "ip.checksum.status", "icmpv6.checksum.status",
                                         "udp.checksum.status"};
    size_t good = 0, bad = 0, ipgood = 0, other = 0;
    for (size_t k = 0; k < g.gl_pathc; k++) {
        struct tcapture c;
        struct ttshark t;
        assert_true(tcapture_load(g.gl_pathv[k], &c));
        assert_true(ttshark_run(g.gl_pathv[k],
                                "-o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE "
                                "-o ip.defragment:FALSE -o ipv6.defragment:FALSE",
                                fields, 4, &t));
        enum link_type link = link_from_dlt(c.dlt);
        for (size_t i = 0; i < c.n; i++) {
            struct pkt_view pv;
            enum net_status st = pkt_decode(link, c.f[i].data, c.f[i].caplen, &pv);
            if (st != NET_OK || pv.l3_caplen < pv.ip_len)
                continue; /* not whole: neither we nor tshark can verify */
            const char *ipst = ttshark_get(&t, i + 1, 1);
            if (pv.ip_version == 4 && *ipst) {
                size_t ihl = (size_t)(pv.l3[0] & 0x0f) * 4;
                bool ok = csum_fold(csum_partial(pv.l3, ihl, 0)) == 0;
                if (ok != (strcmp(ipst, "1") == 0))
                    fail_msg("%s frame %zu: IP checksum ours %d tshark %s", g.gl_pathv[k], i + 1, ok, ipst);
                ipgood += ok;
            }
            const char *l4st = "";
            if (pv.proto == 6)
                l4st = ttshark_get(&t, i + 1, 0);
            else if (pv.proto == 58)
                l4st = ttshark_get(&t, i + 1, 2);
            else if (pv.proto == 17)
                l4st = ttshark_get(&t, i + 1, 3);
            if (strcmp(l4st, "0") != 0 && strcmp(l4st, "1") != 0)
                continue; /* tshark did not verify it (e.g. UDP checksum 0) */
            bool ok = csum_l4(&pv.src, &pv.dst, pv.proto, pv.l4, pv.l4_len) == 0;
            if (ok != (strcmp(l4st, "1") == 0))
                fail_msg("%s frame %zu: proto %u checksum ours %d tshark %s", g.gl_pathv[k], i + 1, pv.proto, ok,
                         l4st);
            if (pv.proto != 6)
                other++;
            if (ok)
                good++;
            else
                bad++;
        }
        ttshark_free(&t);
        tcapture_free(&c);
    }
    globfree(&g);
    printf("# transport checksums agreeing with tshark: %zu good, %zu bad (offloaded), %zu non-TCP; %zu IPv4 headers good\n",
           good, bad, other, ipgood);
    /* the captures hold both verdicts; both must have been exercised */
    assert_true(good > 1000 && bad > 1000 && ipgood > 1000 && other > 0);
}

/* Recomputing a checksum from scratch reproduces the one on the wire. */
static void test_recompute_matches_wire(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof(path), "%s/data/pcaps/tcpdump/mptcp-v0.pcap", tshared_dir());
    struct tcapture c;
    assert_true(tcapture_load(path, &c));
    size_t n = 0;
    for (size_t i = 0; i < c.n; i++) {
        struct pkt_view pv;
        if (pkt_decode(LINK_ETHERNET, c.f[i].data, c.f[i].caplen, &pv) != NET_OK || pv.proto != 6)
            continue;
        uint8_t seg[2048];
        memcpy(seg, pv.l4, pv.l4_len);
        seg[16] = seg[17] = 0;
        assert_int_equal(csum_l4(&pv.src, &pv.dst, 6, seg, pv.l4_len), pv.tcp.checksum);
        n++;
    }
    assert_true(n > 200);
    tcapture_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_addr_parse_format),
        cmocka_unit_test(test_addr_v4_helpers),
        cmocka_unit_test(test_rfc1071_example),
        cmocka_unit_test(test_ipv4_header_vector),
        cmocka_unit_test(test_checksums_match_tshark),
        cmocka_unit_test(test_recompute_matches_wire),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
