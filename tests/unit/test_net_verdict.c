/* test_net_verdict.c — net/verdict's rule equals scan_classify's verdict on crafted and random SYN-ACK option areas, v0 and v1 probes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "net/build.h"
#include "net/packet.h"
#include "net/verdict.h"
#include "scan/classify.h"

static uint8_t pkt_buf[256];

static void reply(uint8_t flags, const uint8_t *opts, size_t olen, struct pkt_view *pv)
{
    struct tcp_build b;
    memset(&b, 0, sizeof(b));
    assert_true(ip_addr_parse("198.18.0.9", &b.src));
    assert_true(ip_addr_parse("198.18.0.1", &b.dst));
    b.sport = 80;
    b.dport = 40000;
    b.flags = flags;
    b.window = 65160;
    b.ttl = 61;
    b.opts = opts;
    b.opts_len = olen;
    size_t n = pkt_build_tcp(pkt_buf, sizeof(pkt_buf), &b);
    assert_true(n > 0);
    assert_int_equal(pkt_decode_ip(pkt_buf, n, pv), NET_OK);
}

/* Both rules on one option area; returns the verdict. */
static int both(uint8_t flags, const uint8_t *opts, size_t olen, const struct probe_sig *sig)
{
    struct pkt_view pv;
    reply(flags, opts, olen, &pv);
    struct scan_record rec;
    assert_true(scan_classify(&pv, sig, &rec));
    enum mpc_verdict v = mpc_verdict_of_options(flags & TCP_RST, pv.tcp.opts, pv.tcp.opts_len, sig, NULL, NULL);
    assert_int_equal((int)v, (int)rec.verdict);
    assert_string_equal(mpc_verdict_name(v), scan_verdict_name(rec.verdict));
    return (int)v;
}

static void test_crafted(void **state)
{
    (void)state;
    struct probe_sig v0, v1, plain;
    mpc_probe_sig_static(0, 0x0c0c0c0c0c0c0c0cull, -1, &v0);
    mpc_probe_sig_static(1, 0, -1, &v1);
    mpc_probe_sig_static(-1, 0, -1, &plain);
    assert_int_equal(v0.opt_len, 12);
    assert_int_equal(v1.opt_len, 4);
    const uint8_t own_v0[] = {30, 12, 0x00, 0x81, 1, 2, 3, 4, 5, 6, 7, 8};
    const uint8_t own_v1[] = {30, 12, 0x01, 0x01, 1, 2, 3, 4, 5, 6, 7, 8};
    const uint8_t ours_v0[] = {30, 12, 0x00, 0x81, 12, 12, 12, 12, 12, 12, 12, 12};
    const uint8_t ours_v1[] = {30, 4, 0x01, 0x01};
    const uint8_t short8[] = {30, 8, 0x00, 0x81, 1, 2, 3, 4};
    const uint8_t cut[] = {1, 30, 12, 0x00};
    const uint8_t none[] = {2, 4, 5, 0xb4};
    uint8_t SA = TCP_SYN | TCP_ACK;
    assert_int_equal(both(SA, own_v0, sizeof own_v0, &v0), MPC_VERDICT_MPTCP);
    assert_int_equal(both(SA, own_v1, sizeof own_v1, &v1), MPC_VERDICT_MPTCP);
    assert_int_equal(both(SA, own_v1, sizeof own_v1, &v0), MPC_VERDICT_VERSION_MISMATCH);
    assert_int_equal(both(SA, own_v0, sizeof own_v0, &v1), MPC_VERDICT_VERSION_MISMATCH);
    assert_int_equal(both(SA, ours_v0, sizeof ours_v0, &v0), MPC_VERDICT_MIRRORED);
    assert_int_equal(both(SA, ours_v1, sizeof ours_v1, &v1), MPC_VERDICT_MIRRORED);
    assert_int_equal(both(SA, ours_v1, sizeof ours_v1, &v0), MPC_VERDICT_MALFORMED);
    assert_int_equal(both(SA, short8, sizeof short8, &v0), MPC_VERDICT_MALFORMED);
    assert_int_equal(both(SA, cut, sizeof cut, &v0), MPC_VERDICT_MALFORMED);
    assert_int_equal(both(SA, none, sizeof none, &v0), MPC_VERDICT_TCP);
    assert_int_equal(both(SA, own_v1, sizeof own_v1, &plain), MPC_VERDICT_MPTCP);
    assert_int_equal(both(TCP_RST | TCP_ACK, NULL, 0, &v0), MPC_VERDICT_CLOSED);
    assert_int_equal(mpc_verdict_from_name("version-mismatch"), MPC_VERDICT_VERSION_MISMATCH);
    assert_int_equal(mpc_verdict_from_name("bogus"), -1);
}

/* Random option areas built around MP_CAPABLE-looking bytes: the two rules never disagree. */
static void test_random(void **state)
{
    (void)state;
    struct probe_sig sigs[3];
    mpc_probe_sig_static(0, 0x0c0c0c0c0c0c0c0cull, -1, &sigs[0]);
    mpc_probe_sig_static(1, 0, -1, &sigs[1]);
    mpc_probe_sig_static(-1, 0, -1, &sigs[2]);
    srand(42);
    int seen[MPC_VERDICT_COUNT] = {0};
    for (int i = 0; i < 20000; i++) {
        uint8_t o[40];
        size_t len = (size_t)(rand() % 10) * 4;
        for (size_t k = 0; k < len; k++)
            o[k] = (uint8_t)rand();
        if (len >= 4 && rand() % 4) {
            size_t at = (size_t)(rand() % (int)(len - 3));
            uint8_t l = (uint8_t)(rand() % 3 == 0 ? rand() % 24 : rand() % 2 ? 12 : 4);
            o[at] = 30;
            o[at + 1] = l;
            o[at + 2] = (uint8_t)(rand() % 3 == 0 ? rand() : rand() % 2);
            if (rand() % 3 == 0 && at + 12 <= len)
                memset(o + at + 4, 12, 8);
            for (size_t k = 0; k < at; k++)
                o[k] = 1;   /* NOPs before, so the walker reaches it */
        }
        seen[both(TCP_SYN | TCP_ACK, o, len, &sigs[i % 3])]++;
    }
    for (int v = 0; v < MPC_VERDICT_CLOSED; v++)
        assert_true(seen[v] > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crafted),
        cmocka_unit_test(test_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
