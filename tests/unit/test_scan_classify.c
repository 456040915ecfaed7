/* test_scan_classify.c — verdicts of crafted SYN-ACKs/RSTs (mirror, v0, v1, malformed, version mismatch, tcp, rst) and record output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "net/build.h"
#include "net/packet.h"
#include "scan/classify.h"
#include "scan/output.h"
#include "net/syn_probe.h"

static uint8_t pkt_buf[256];

/* Builds a reply from 198.18.0.9:80 (or 2001:db8::9) to the scanner with
 * the given TCP flags and raw option bytes (hand-written below), and decodes it. */
static void reply(bool v6, uint8_t flags, const uint8_t *opts, size_t olen, struct pkt_view *pv)
{
    struct tcp_build b;
    memset(&b, 0, sizeof(b));
    assert_true(ip_addr_parse(v6 ? "2001:db8::9" : "198.18.0.9", &b.src));
    assert_true(ip_addr_parse(v6 ? "2001:db8::1" : "198.18.0.1", &b.dst));
    b.sport = 80;
    b.dport = 40000;
    b.seq = 1000;
    b.ack = 2001;
    b.flags = flags;
    b.window = 65160;
    b.ttl = 61;
    b.ip_id = 0x1234;
    b.opts = opts;
    b.opts_len = olen;
    size_t n = pkt_build_tcp(pkt_buf, sizeof(pkt_buf), &b);
    assert_true(n > 0);
    assert_int_equal(pkt_decode_ip(pkt_buf, n, pv), NET_OK);
}

static struct probe_sig sig_v0(uint64_t key)
{
    struct probe_cfg cfg = {.mpc_flags = 0x81, .key = key};
    struct probe_target t;
    memset(&t, 0, sizeof(t));
    struct probe_sig s;
    probe_mptcp_v0.make_sig(&cfg, &t, &s);
    return s;
}

static struct probe_sig sig_v1(void)
{
    struct probe_cfg cfg = {.mpc_flags = 0x01};
    struct probe_target t;
    memset(&t, 0, sizeof(t));
    struct probe_sig s;
    probe_mptcp_v1.make_sig(&cfg, &t, &s);
    return s;
}

#define SA (TCP_SYN | TCP_ACK)

static enum scan_verdict verdict_of(const uint8_t *opts, size_t olen, const struct probe_sig *sig, struct scan_record *r)
{
    struct pkt_view pv;
    reply(false, SA, opts, olen, &pv);
    assert_true(scan_classify(&pv, sig, r));
    assert_true(r->synack);
    return r->verdict;
}

static void test_probe_options_match_linux(void **state)
{
    (void)state;
    /* bytes a Linux 6.x client put in its SYN (captured with tshark in a namespace) */
    static const uint8_t linux_v1[] = {0x1e, 0x04, 0x01, 0x01};
    struct probe_sig s1 = sig_v1();
    assert_int_equal(s1.opt_len, 4);
    assert_memory_equal(s1.opt, linux_v1, 4);
    static const uint8_t v0[] = {0x1e, 0x0c, 0x00, 0x81, 0x0c, 0x0c, 0x0c, 0x0c, 0x0c, 0x0c, 0x0c, 0x0c};
    struct probe_sig s0 = sig_v0(0x0c0c0c0c0c0c0c0cull);
    assert_int_equal(s0.opt_len, 12);
    assert_memory_equal(s0.opt, v0, 12);
}

static void test_v0_replies(void **state)
{
    (void)state;
    struct probe_sig s = sig_v0(0x0c0c0c0c0c0c0c0cull);
    struct scan_record r;
    /* MSS, NOP, NOP, SACK_PERM... then a v0 MP_CAPABLE with the server's own key */
    static const uint8_t own_key[] = {0x02, 0x04, 0x05, 0xb4, 0x01, 0x01, 0x04, 0x02, 0x1e, 0x0c, 0x00, 0x81,
                                      0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04};
    assert_int_equal(verdict_of(own_key, sizeof(own_key), &s, &r), VERDICT_MPTCP);
    assert_int_equal(r.mptcp_version, 0);
    assert_int_equal(r.mptcp_flags, 0x81);
    assert_true(r.has_key);
    assert_true(r.mptcp_key == 0xdeadbeef01020304ull);
    assert_int_equal(r.mpc_len, 12);
    /* our key came back: a mirroring middlebox */
    static const uint8_t mirror[] = {0x1e, 0x0c, 0x00, 0x81, 0x0c, 0x0c, 0x0c, 0x0c, 0x0c, 0x0c, 0x0c, 0x0c};
    assert_int_equal(verdict_of(mirror, sizeof(mirror), &s, &r), VERDICT_MIRRORED);
    assert_true(r.mptcp_key == 0x0c0c0c0c0c0c0c0cull);
    /* v1 SYN-ACK to a v0 probe */
    static const uint8_t v1[] = {0x1e, 0x0c, 0x01, 0x01, 1, 2, 3, 4, 5, 6, 7, 8};
    assert_int_equal(verdict_of(v1, sizeof(v1), &s, &r), VERDICT_VERSION_MISMATCH);
    assert_int_equal(r.mptcp_version, 1);
    /* v0 option of 8 bytes */
    static const uint8_t short8[] = {0x1e, 0x08, 0x00, 0x81, 1, 2, 3, 4};
    assert_int_equal(verdict_of(short8, sizeof(short8), &s, &r), VERDICT_MALFORMED);
    assert_false(r.has_key);
    /* an option that claims 12 bytes but the area ends after 8: cut */
    static const uint8_t cut[] = {0x01, 0x01, 0x01, 0x01, 0x1e, 0x0c, 0x00, 0x81, 1, 2, 3, 4};
    assert_int_equal(verdict_of(cut, sizeof(cut), &s, &r), VERDICT_MALFORMED);
    /* an MPTCP option that is not MP_CAPABLE (MP_JOIN subtype 1) is no MP_CAPABLE */
    static const uint8_t join[] = {0x1e, 0x0c, 0x10, 0x00, 1, 2, 3, 4, 5, 6, 7, 8};
    assert_int_equal(verdict_of(join, sizeof(join), &s, &r), VERDICT_TCP);
}

static void test_v1_replies(void **state)
{
    (void)state;
    struct probe_sig s = sig_v1();
    struct scan_record r;
    /* what the kernel answered in the capture: v1, flags 0x01, 8-byte key */
    static const uint8_t kernel[] = {0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x22, 0x73, 0x0b, 0xd1,
                                     0x9c, 0x97, 0x6f, 0x9d, 0x01, 0x03, 0x03, 0x0a, 0x1e, 0x0c, 0x01, 0x01,
                                     0x47, 0x75, 0x22, 0xd6, 0xee, 0xb1, 0x0e, 0xfa};
    assert_int_equal(verdict_of(kernel, sizeof(kernel), &s, &r), VERDICT_MPTCP);
    assert_true(r.mptcp_key == 0x477522d6eeb10efaull);
    assert_int_equal(r.mptcp_version, 1);
    /* our 4 bytes back */
    static const uint8_t mirror[] = {0x1e, 0x04, 0x01, 0x01};
    assert_int_equal(verdict_of(mirror, sizeof(mirror), &s, &r), VERDICT_MIRRORED);
    /* 4 bytes, other flags: wrong length for a SYN-ACK, not our bytes */
    static const uint8_t four[] = {0x1e, 0x04, 0x01, 0x81};
    assert_int_equal(verdict_of(four, sizeof(four), &s, &r), VERDICT_MALFORMED);
    /* a v0 answer to a v1 probe */
    static const uint8_t v0[] = {0x1e, 0x0c, 0x00, 0x81, 9, 9, 9, 9, 9, 9, 9, 9};
    assert_int_equal(verdict_of(v0, sizeof(v0), &s, &r), VERDICT_VERSION_MISMATCH);
}

static void test_plain_and_rst(void **state)
{
    (void)state;
    struct probe_sig s = sig_v1();
    struct scan_record r;
    static const uint8_t mss[] = {0x02, 0x04, 0x05, 0xb4};
    assert_int_equal(verdict_of(mss, sizeof(mss), &s, &r), VERDICT_TCP);
    assert_false(r.has_mpc);
    assert_int_equal(r.ttl, 61);
    assert_int_equal(r.ipid, 0x1234);
    assert_int_equal(r.window, 65160);
    struct pkt_view pv;
    reply(true, TCP_RST | TCP_ACK, NULL, 0, &pv);
    assert_true(scan_classify(&pv, &s, &r));
    assert_false(r.synack);
    assert_int_equal(r.verdict, VERDICT_CLOSED);
    assert_int_equal(r.saddr.family, 10);
    /* neither SYN-ACK nor RST: not a response */
    reply(false, TCP_ACK, NULL, 0, &pv);
    assert_false(scan_classify(&pv, &s, &r));
    reply(false, TCP_SYN, NULL, 0, &pv);
    assert_false(scan_classify(&pv, &s, &r));
}

static void test_record_csv_and_json(void **state)
{
    (void)state;
    struct probe_sig s = sig_v0(0x0c0c0c0c0c0c0c0cull);
    struct scan_record r;
    static const uint8_t own_key[] = {0x1e, 0x0c, 0x00, 0x81, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04};
    verdict_of(own_key, sizeof(own_key), &s, &r);
    r.ts_nsec = 1700000000123456789ull;   /* 2023-11-14T22:13:20.123456Z (date -u -d @1700000000) */
    /* key_hamming: popcount of de ad be ef 01 02 03 04 = 6+5+6+7+1+1+2+1 = 29 */
    struct scan_output o;
    char err[300], line[1024];
    assert_int_equal(output_open(&o, "/dev/null", OUTPUT_CSV,
                                 "saddr,sport,classification,mptcp_option,mptcp_version,mptcp_flags,mptcp_key,"
                                 "key_hamming,verdict,timestamp", err, sizeof(err)), 0);
    output_format_record(&o, &r, line, sizeof(line));
    assert_string_equal(line, "198.18.0.9,80,synack,1e0c0081deadbeef01020304,0,0x81,deadbeef01020304,29,mptcp,"
                              "2023-11-14T22:13:20.123456Z");
    output_close(&o);
    assert_int_equal(output_open(&o, "/dev/null", OUTPUT_JSON, "saddr,mptcp_version,repeat,mptcp_key", err,
                                 sizeof(err)), 0);
    output_format_record(&o, &r, line, sizeof(line));
    assert_string_equal(line, "{\"saddr\":\"198.18.0.9\",\"mptcp_version\":0,\"repeat\":false,\"mptcp_key\":\"deadbeef01020304\"}");
    struct pkt_view pv;
    reply(false, TCP_RST | TCP_ACK, NULL, 0, &pv);
    scan_classify(&pv, &s, &r);
    output_format_record(&o, &r, line, sizeof(line));
    assert_string_equal(line, "{\"saddr\":\"198.18.0.9\",\"mptcp_version\":null,\"repeat\":false,\"mptcp_key\":null}");
    /* a short buffer truncates (ASan checks nothing is written past it) */
    for (size_t cap = 1; cap < 40; cap++) {
        char *small = malloc(cap);
        size_t n = output_format_record(&o, &r, small, cap);
        assert_true(n < cap);
        assert_int_equal(strlen(small), n);
        assert_memory_equal(small, "{\"saddr\":\"198.18.0.9\",\"mptcp_version\":null", n);
        free(small);
    }
    output_close(&o);
    assert_int_equal(output_open(&o, "/dev/null", OUTPUT_CSV, "saddr,bogus", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "bogus"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probe_options_match_linux),
        cmocka_unit_test(test_v0_replies),
        cmocka_unit_test(test_v1_replies),
        cmocka_unit_test(test_plain_and_rst),
        cmocka_unit_test(test_record_csv_and_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
