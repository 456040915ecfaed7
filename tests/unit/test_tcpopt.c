/* test_tcpopt.c — TCP option walker on good and malformed areas; SYN builder against real Linux SYNs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/capture.h"
#include "net/bytes.h"
#include "net/mptcp.h"
#include "net/packet.h"
#include "net/tcpopt.h"

/* Copies the area to a heap block of exactly its size so that ASan catches
 * any read past the end. */
static uint8_t *exact(const uint8_t *p, size_t n)
{
    uint8_t *b = malloc(n ? n : 1);
    assert_non_null(b);
    if (n)
        memcpy(b, p, n);
    return b;
}

/* A Linux SYN with MP_CAPABLE v1, as the kernel sends it (tshark's decode of
 * shared/data/pcaps/tcpdump/mptcp-v1.pcap frame 1). */
static const uint8_t linux_syn[] = {
    0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x1b, 0xaf, 0x9e, 0xa1, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x03, 0x03, 0x08, 0x1e, 0x04, 0x01, 0x01,
};

static void walks_linux_syn(void **state)
{
    (void)state;
    uint8_t *a = exact(linux_syn, sizeof linux_syn);
    struct tcpopt_iter it;
    struct tcp_opt o;
    const uint8_t kinds[] = {TCPOPT_MSS, TCPOPT_SACK_PERM, TCPOPT_TIMESTAMP, TCPOPT_WSCALE, TCPOPT_MPTCP};
    const uint8_t lens[] = {4, 2, 10, 3, 4};
    tcpopt_iter_init(&it, a, sizeof linux_syn);
    for (size_t i = 0; i < sizeof kinds; i++) {
        assert_true(tcpopt_next(&it, &o));
        assert_int_equal(o.kind, kinds[i]);
        assert_int_equal(o.len, lens[i]);
    }
    assert_false(tcpopt_next(&it, &o));
    assert_int_equal(it.error, TCPOPT_ERR_NONE);
    assert_false(it.saw_eol);
    size_t len = 0;
    const uint8_t *ts = tcpopt_find(a, sizeof linux_syn, TCPOPT_TIMESTAMP, &len);
    assert_ptr_equal(ts, a + 6);
    assert_int_equal(len, 10);
    assert_null(tcpopt_find(a, sizeof linux_syn, TCPOPT_SACK, &len));
    free(a);
}

struct bad_case {
    const char *what;
    uint8_t bytes[12];
    size_t len;
    unsigned yielded;          /* options yielded before the walk stops */
    enum tcpopt_error error;
    size_t bad_off;
};

static void reports_malformed_layouts(void **state)
{
    (void)state;
    static const struct bad_case cases[] = {
        {"length 0", {0x02, 0x00, 0x05, 0xb4}, 4, 0, TCPOPT_ERR_BAD_LENGTH, 0},
        {"length 1 after NOP", {0x01, 0x08, 0x01, 0x00}, 4, 0, TCPOPT_ERR_BAD_LENGTH, 1},
        {"kind at last byte", {0x02, 0x04, 0x05, 0xb4, 0x1e}, 5, 1, TCPOPT_ERR_NO_LENGTH, 4},
        {"overrun", {0x01, 0x01, 0x1e, 0x14, 0x20, 0x01}, 6, 0, TCPOPT_ERR_OVERRUN, 2},
        {"overrun by one", {0x03, 0x03, 0x07, 0x08, 0x0a, 1, 2, 3, 4, 5, 6}, 11, 1, TCPOPT_ERR_OVERRUN, 3},
        {"no EOL, exact end", {0x03, 0x03, 0x07, 0x01}, 4, 1, TCPOPT_ERR_NONE, 0},
        {"only NOPs", {0x01, 0x01, 0x01, 0x01}, 4, 0, TCPOPT_ERR_NONE, 0},
        {"empty", {0}, 0, 0, TCPOPT_ERR_NONE, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct bad_case *c = &cases[i];
        uint8_t *a = exact(c->bytes, c->len);
        struct tcpopt_iter it;
        struct tcp_opt o;
        unsigned n = 0;
        tcpopt_iter_init(&it, a, c->len);
        while (tcpopt_next(&it, &o)) {
            assert_true(o.data >= a && o.data + o.len <= a + c->len);
            n++;
        }
        print_message("%s: %u options, %s\n", c->what, n, tcpopt_error_name(it.error));
        assert_int_equal(n, c->yielded);
        assert_int_equal(it.error, c->error);
        if (c->error != TCPOPT_ERR_NONE)
            assert_int_equal(it.bad_off, c->bad_off);
        /* the walk stays finished */
        assert_false(tcpopt_next(&it, &o));
        free(a);
    }
    struct tcpopt_iter it;
    struct tcp_opt o;
    tcpopt_iter_init(&it, NULL, 12);
    assert_false(tcpopt_next(&it, &o));
    assert_int_equal(it.error, TCPOPT_ERR_NONE);
}

static void eol_ends_walk_and_counts_trailing(void **state)
{
    (void)state;
    const uint8_t area[] = {0x02, 0x04, 0x05, 0xb4, 0x00, 0x1e, 0x04, 0x01};
    uint8_t *a = exact(area, sizeof area);
    struct tcpopt_iter it;
    struct tcp_opt o;
    tcpopt_iter_init(&it, a, sizeof area);
    assert_true(tcpopt_next(&it, &o));
    assert_int_equal(o.kind, TCPOPT_MSS);
    assert_false(tcpopt_next(&it, &o));
    assert_true(it.saw_eol);
    assert_int_equal(it.eol_trailing, 3);
    assert_int_equal(it.error, TCPOPT_ERR_NONE);
    assert_null(tcpopt_find(a, sizeof area, TCPOPT_MPTCP, NULL)); /* behind EOL: not an option */
    free(a);
}

/* Every prefix of a valid area is a possibly cut area: the walker must yield
 * only whole options and flag the cut one. */
static void every_prefix_is_safe(void **state)
{
    (void)state;
    for (size_t n = 0; n <= sizeof linux_syn; n++) {
        uint8_t *a = exact(linux_syn, n);
        struct tcpopt_iter it;
        struct tcp_opt o;
        size_t covered = 0;
        tcpopt_iter_init(&it, a, n);
        while (tcpopt_next(&it, &o)) {
            assert_true(o.data + o.len <= a + n);
            covered = (size_t)(o.data - a) + o.len;
        }
        /* clean end exactly when the prefix ends on an option boundary */
        bool boundary = n == 0 || n == 4 || n == 6 || n == 16 || n == 17 || n == 20 || n == 24;
        assert_int_equal(it.error == TCPOPT_ERR_NONE, boundary);
        assert_true(covered <= n);
        free(a);
    }
}

/* tcpopt_build_syn must reproduce the kernel's SYN byte for byte. */
static void build_syn_matches_linux(void **state)
{
    (void)state;
    uint8_t cap[4];
    struct syn_opts_cfg cfg = {.mss = 1460, .wscale = 8, .sack_perm = true, .timestamps = true,
                               .tsval = load_be32(linux_syn + 8)};
    uint8_t buf[40];
    size_t m = mptcp_put_capable_v1_syn(cap, MPTCP_CAP_H);
    assert_int_equal(m, 4);
    size_t n = tcpopt_build_syn(buf, sizeof buf, &cfg, cap, m);
    assert_int_equal(n, sizeof linux_syn);
    assert_memory_equal(buf, linux_syn, n);

    /* Linux without timestamps: MSS, NOP NOP SACK_PERM, NOP WSCALE (RFC 7323 §3.2 alignment). */
    const uint8_t no_ts[] = {0x02, 0x04, 0x05, 0xb4, 0x01, 0x01, 0x04, 0x02, 0x01, 0x03, 0x03, 0x07};
    cfg = (struct syn_opts_cfg){.mss = 1460, .wscale = 7, .sack_perm = true};
    n = tcpopt_build_syn(buf, sizeof buf, &cfg, NULL, 0);
    assert_int_equal(n, sizeof no_ts);
    assert_memory_equal(buf, no_ts, n);

    /* timestamps without SACK: NOP NOP TS */
    cfg = (struct syn_opts_cfg){.mss = 0, .wscale = -1, .timestamps = true, .tsval = 7};
    n = tcpopt_build_syn(buf, sizeof buf, &cfg, NULL, 0);
    const uint8_t ts_only[] = {0x01, 0x01, 0x08, 0x0a, 0, 0, 0, 7, 0, 0, 0, 0};
    assert_int_equal(n, sizeof ts_only);
    assert_memory_equal(buf, ts_only, n);

    /* odd extra length is NOP-padded to a multiple of 4 */
    const uint8_t three[] = {0x1e, 0x03, 0x00};
    cfg = (struct syn_opts_cfg){.mss = 1460, .wscale = -1};
    n = tcpopt_build_syn(buf, sizeof buf, &cfg, three, sizeof three);
    const uint8_t padded[] = {0x02, 0x04, 0x05, 0xb4, 0x1e, 0x03, 0x00, 0x01};
    assert_int_equal(n, sizeof padded);
    assert_memory_equal(buf, padded, n);

    /* limits: more than 40 bytes, or a too small buffer, give 0 */
    uint8_t big[32] = {0};
    cfg = (struct syn_opts_cfg){.mss = 1460, .wscale = 7, .sack_perm = true, .timestamps = true};
    assert_int_equal(tcpopt_build_syn(buf, sizeof buf, &cfg, big, sizeof big), 0);
    assert_int_equal(tcpopt_build_syn(buf, 20, &cfg, cap, 4), 0);
}

/* Same check against every SYN of the shared Linux v1 captures, read with
 * the capture and packet layers: the kernel is the oracle. */
static void build_syn_matches_shared_captures(void **state)
{
    (void)state;
    const char *shared = getenv("SHARED");
    const char *files[] = {"tcpdump/mptcp-v1.pcap", "tcpdump/mptcp-aa-v1.pcap", "ptcpdump/mptcp.pcap"};
    unsigned checked = 0;
    for (size_t f = 0; f < 3; f++) {
        char path[1024], err[256];
        snprintf(path, sizeof path, "%s/data/pcaps/%s", shared ? shared : "../shared", files[f]);
        struct capture *c = capture_open(path, err, sizeof err);
        if (!c) {
            print_message("skipping %s: %s\n", path, err);
            continue;
        }
        enum link_type lt = link_from_dlt(capture_dlt(c));
        struct capture_pkt p;
        while (capture_next(c, &p) == 1) {
            struct pkt_view v;
            if (pkt_decode(lt, p.data, p.caplen, &v) != NET_OK || v.proto != 6 || v.tcp.flags != TCP_SYN)
                continue;
            size_t l;
            const uint8_t *mss = tcpopt_find(v.tcp.opts, v.tcp.opts_len, TCPOPT_MSS, &l);
            const uint8_t *ws = tcpopt_find(v.tcp.opts, v.tcp.opts_len, TCPOPT_WSCALE, &l);
            const uint8_t *ts = tcpopt_find(v.tcp.opts, v.tcp.opts_len, TCPOPT_TIMESTAMP, &l);
            const uint8_t *mp = tcpopt_find(v.tcp.opts, v.tcp.opts_len, TCPOPT_MPTCP, &l);
            assert_non_null(mss);
            assert_non_null(ws);
            assert_non_null(ts);
            assert_non_null(mp);
            struct syn_opts_cfg cfg = {.mss = load_be16(mss + 2), .wscale = ws[2], .sack_perm = true,
                                       .timestamps = true, .tsval = load_be32(ts + 2)};
            uint8_t cap[4], buf[40];
            mptcp_put_capable_v1_syn(cap, mp[3]);
            size_t n = tcpopt_build_syn(buf, sizeof buf, &cfg, cap, 4);
            assert_int_equal(n, v.tcp.opts_len);
            assert_memory_equal(buf, v.tcp.opts, n);
            checked++;
        }
        capture_close(c);
    }
    print_message("%u kernel SYNs rebuilt byte for byte\n", checked);
    if (!shared)
        return;
    assert_true(checked >= 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(walks_linux_syn),
        cmocka_unit_test(reports_malformed_layouts),
        cmocka_unit_test(eol_ends_walk_and_counts_trailing),
        cmocka_unit_test(every_prefix_is_safe),
        cmocka_unit_test(build_syn_matches_linux),
        cmocka_unit_test(build_syn_matches_shared_captures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
