/* test_trace_probe.c — the tracer's stateless encoding: probes checked by tshark, codes recovered from SYN-ACKs, quotes (full and 8-byte) and echo replies, forged answers refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "net/build.h"
#include "net/bytes.h"
#include "net/checksum.h"
#include "net/icmp.h"
#include "net/icmp_echo.h"
#include "net/mptcp.h"
#include "test_pcapfile.h"
#include "trace/trace_match.h"
#include "trace/trace_probe.h"
#include "trace/trace_targets.h"

static const uint8_t key16[16] = "trace-test-key!!";

struct fixture {
    struct trace_enc enc;
    struct target_table tt;
    struct trace_matcher mt;
    struct ip_addr t4, t6, router4, router6;
};

static void setup_enc(struct fixture *f, const struct probe_module *m, bool per_target_key)
{
    memset(f, 0, sizeof *f);
    f->enc.probe = m;
    f->enc.pcfg = (struct probe_cfg){.mpc_flags = m->default_flags, .key_per_target = per_target_key,
                                     .key = 0x0c0c0c0c0c0c0c0cull, .window = 64240, .ttl = 64, .sport_lo = 32768,
                                     .sport_hi = 61000,
                                     .syn = {.mss = 1460, .wscale = 7, .sack_perm = true, .timestamps = true,
                                             .tsval = 0x01020304}};
    f->enc.cookie = cookie_new(key16);
    assert_non_null(f->enc.cookie);
    assert_true(ip_addr_parse("198.19.255.1", &f->enc.src4));
    assert_true(ip_addr_parse("2001:db8:ffff::1", &f->enc.src6));
    f->enc.have4 = f->enc.have6 = true;
    assert_true(ip_addr_parse("198.18.0.77", &f->t4));
    assert_true(ip_addr_parse("2001:db8:1::77", &f->t6));
    assert_true(ip_addr_parse("198.19.255.13", &f->router4));
    assert_true(ip_addr_parse("2001:db8:ffff::d", &f->router6));
    tt_init(&f->tt);
    assert_int_equal(tt_add(&f->tt, &f->t4, 443, 0), 1);
    assert_int_equal(tt_add(&f->tt, &f->t6, 443, 0), 1);
    assert_int_equal(tt_add(&f->tt, &f->t4, 443, 0), 0); /* deduplicated */
    f->mt = (struct trace_matcher){&f->enc, &f->tt, 32};
}

static void teardown_enc(struct fixture *f)
{
    cookie_free(f->enc.cookie);
    tt_free(&f->tt);
}

/* Every field the encoding documents, read back by tshark from a pcap of the probes. */
static void probes_as_tshark_sees_them(void **state)
{
    (void)state;
    struct fixture f;
    setup_enc(&f, &probe_mptcp_v0, true);
    struct tcapture c = {.dlt = DLT_RAW};
    const unsigned ttls[] = {1, 7, 32}, attempts[] = {0, 1, 3}, serials[] = {0, 5, 511};
    const struct ip_addr *dsts[2] = {&f.t4, &f.t6};
    struct trace_keys keys[2];
    for (int d = 0; d < 2; d++) {
        trace_keys_of(&f.enc, dsts[d], 443, &keys[d]);
        for (int i = 0; i < 3; i++) {
            uint8_t buf[256];
            size_t off, n = trace_build_syn(&f.enc, dsts[d], 443, &keys[d], ttls[i], attempts[i], serials[i], buf,
                                            sizeof buf, &off, NULL);
            assert_true(n > 0);
            assert_int_equal(off, 0);
            tcapture_add(&c, buf, n);
        }
    }
    char path[256];
    ttemp_path(path, sizeof path, "traceprobe");
    assert_true(tcapture_write(path, &c));
    enum { F_TCPSUM, F_IPSUM, F_TTL, F_HLIM, F_ID, F_FLOW, F_SPORT, F_SEQ, F_MPVER, F_KEY, F_DF, F_N };
    static const char *const fields[F_N] = {"tcp.checksum.status", "ip.checksum.status", "ip.ttl", "ipv6.hlim",
                                            "ip.id", "ipv6.flow", "tcp.srcport", "tcp.seq_raw",
                                            "tcp.options.mptcp.version", "tcp.options.mptcp.sendkey", "ip.flags.df"};
    struct ttshark t;
    assert_true(ttshark_run(path, "-o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE", fields, F_N, &t));
    for (int d = 0; d < 2; d++)
        for (int i = 0; i < 3; i++) {
            size_t fr = (size_t)(d * 3 + i + 1);
            const uint32_t *c0 = keys[d].c;
            assert_string_equal(ttshark_get(&t, fr, F_TCPSUM), "1");
            assert_int_equal(strtoul(ttshark_get(&t, fr, d ? F_HLIM : F_TTL), NULL, 0), ttls[i]);
            /* seq = c0 + (serial << 7 | ttl) */
            assert_int_equal(strtoul(ttshark_get(&t, fr, F_SEQ), NULL, 0), (uint32_t)(c0[0] + (serials[i] << 7 | ttls[i])));
            /* sport = 32768 + c1 % (61000 - 32768 + 1): the same for every TTL */
            assert_int_equal(strtoul(ttshark_get(&t, fr, F_SPORT), NULL, 0), 32768 + c0[1] % (61000 - 32768 + 1));
            assert_string_equal(ttshark_get(&t, fr, F_MPVER), "0");
            /* --key per-target: c2:c3 (tshark prints the key in decimal) */
            assert_true(strtoull(ttshark_get(&t, fr, F_KEY), NULL, 10) == ((uint64_t)c0[2] << 32 | c0[3]));
            if (d == 0) {
                assert_string_equal(ttshark_get(&t, fr, F_IPSUM), "1");
                assert_string_equal(ttshark_get(&t, fr, F_DF), "1");
                unsigned id = (unsigned)strtoul(ttshark_get(&t, fr, F_ID), NULL, 0);
                assert_int_equal(id, ((c0[1] >> 16) & 0xfe00u) | ttls[i] | attempts[i] << 7);
                assert_true(id != 0);
            } else {
                assert_int_equal(strtoul(ttshark_get(&t, fr, F_FLOW), NULL, 0), c0[2] & 0xfffff);
            }
        }
    ttshark_free(&t);
    tcapture_free(&c);
    unlink(path);
    teardown_enc(&f);
}

static void codes_round_trip_and_reject(void **state)
{
    (void)state;
    struct fixture f;
    setup_enc(&f, &probe_mptcp_v1, false);
    struct trace_keys k, other;
    trace_keys_of(&f.enc, &f.t4, 443, &k);
    trace_keys_of(&f.enc, &f.t6, 443, &other);
    unsigned ttl, x;
    for (unsigned t = 1; t <= 64; t++)
        for (unsigned s = 0; s < 512; s += 37) {
            assert_true(trace_code_from_seq(&k, trace_seq(&k, t, s), 64, &ttl, &x));
            assert_int_equal(ttl, t);
            assert_int_equal(x, s);
        }
    for (unsigned a = 0; a < 4; a++) {
        assert_true(trace_code_from_ipid(&k, trace_ipid(&k, 9, a), 32, &ttl, &x));
        assert_int_equal(ttl, 9);
        assert_int_equal(x, a);
    }
    /* another target's keys, a TTL above --max-ttl, a serial past 511: refused */
    int accepted = 0;
    for (unsigned t = 1; t <= 32; t++)
        accepted += trace_code_from_seq(&other, trace_seq(&k, t, 3), 32, &ttl, &x);
    assert_int_equal(accepted, 0);
    assert_false(trace_code_from_seq(&k, trace_seq(&k, 40, 0), 32, &ttl, &x));
    assert_false(trace_code_from_seq(&k, k.c[0] + (512u << 7 | 5), 64, &ttl, &x));
    assert_false(trace_code_from_seq(&k, k.c[0], 64, &ttl, &x)); /* TTL 0 */
    assert_true(trace_ttl_from_echo_seq(&k, trace_echo_seq(&k, 17), 32, &ttl));
    assert_int_equal(ttl, 17);
    assert_false(trace_ttl_from_echo_seq(&k, (uint16_t)(trace_echo_seq(&k, 17) ^ 0x8000), 32, &ttl));
    teardown_enc(&f);
}

/* A SYN-ACK/RST built as the host would: ack = our seq + 1. */
static size_t host_answer(const struct fixture *f, const struct ip_addr *dst, const struct trace_keys *k, unsigned ttl,
                          unsigned serial, uint8_t flags, uint8_t *buf)
{
    struct tcp_build b = {.src = *dst, .dst = dst->family == AF_INET6 ? f->enc.src6 : f->enc.src4, .sport = 443,
                          .dport = trace_sport(&f->enc, k), .seq = 12345, .ack = trace_seq(k, ttl, serial) + 1,
                          .flags = flags, .window = 65535, .ttl = 60};
    return pkt_build_tcp(buf, 256, &b);
}

static void matcher_maps_answers_back(void **state)
{
    (void)state;
    struct fixture f;
    setup_enc(&f, &probe_mptcp_v1, false);
    const struct ip_addr *dsts[2] = {&f.t4, &f.t6};
    const struct ip_addr *routers[2] = {&f.router4, &f.router6};
    for (int d = 0; d < 2; d++) {
        struct trace_keys k;
        trace_keys_of(&f.enc, dsts[d], 443, &k);
        uint8_t pkt[256], icmp[1500];
        struct trace_match m;
        enum trace_skip why;
        /* SYN-ACK and RST from the host */
        size_t n = host_answer(&f, dsts[d], &k, 6, 2, TCP_SYN | TCP_ACK, pkt);
        assert_true(trace_match(&f.mt, pkt, n, &m, &why));
        assert_int_equal(m.kind, MATCH_DEST);
        assert_int_equal(m.ttl, 6);
        assert_int_equal(m.serial, 2);
        assert_int_equal(m.target, d);
        n = host_answer(&f, dsts[d], &k, 6, 3, TCP_RST | TCP_ACK, pkt);
        assert_true(trace_match(&f.mt, pkt, n, &m, &why));
        assert_int_equal(m.serial, 3);
        /* an ack that is not seq+1 of ours */
        struct tcp_build forged = {.src = *dsts[d], .dst = d ? f.enc.src6 : f.enc.src4, .sport = 443,
                                   .dport = trace_sport(&f.enc, &k), .seq = 1, .ack = k.c[0] + 0x12345,
                                   .flags = TCP_SYN | TCP_ACK, .ttl = 60};
        n = pkt_build_tcp(pkt, sizeof pkt, &forged);
        assert_false(trace_match(&f.mt, pkt, n, &m, &why));
        assert_int_equal(why, SKIP_BAD_CHECK);
        /* the quote of the SYN, whole and 8 bytes */
        size_t off, sn = trace_build_syn(&f.enc, dsts[d], 443, &k, 4, 1, 9, pkt, sizeof pkt, &off, NULL);
        assert_true(sn > 0);
        for (int q = 0; q < 2; q++) {
            size_t in = icmp_build_time_exceeded(icmp, sizeof icmp, routers[d], pkt, sn, q ? 8 : SIZE_MAX, 64);
            assert_true(in > 0);
            assert_true(trace_match(&f.mt, icmp, in, &m, &why));
            assert_int_equal(m.kind, MATCH_SYN_ICMP);
            assert_int_equal(m.ttl, 4);
            assert_int_equal(m.serial, 9);
            assert_int_equal(m.err.extent, q ? QUOTE_8 : QUOTE_FULL);
            assert_true(ip_addr_equal(&m.err.reporter, routers[d]));
            if (d == 0)
                assert_int_equal(m.attempt, 1);
        }
        /* a sequence randomiser on the path: IPv4 still maps by IP ID + port, IPv6 cannot */
        uint8_t mangled[256];
        memcpy(mangled, pkt, sn);
        size_t l4 = d ? 40 : 20;
        store_be32(mangled + l4 + 4, 0xdeadbeef);
        pkt_fix_checksums(mangled, sn);
        size_t in = icmp_build_time_exceeded(icmp, sizeof icmp, routers[d], mangled, sn, SIZE_MAX, 64);
        bool ok = trace_match(&f.mt, icmp, in, &m, &why);
        if (d == 0) {
            assert_true(ok);
            assert_true(m.ttl_from_ipid);
            assert_int_equal(m.ttl, 4);
            assert_int_equal(m.attempt, 1);
            assert_int_equal(m.serial, -1);
        } else {
            assert_false(ok);
            assert_int_equal(why, SKIP_BAD_CHECK);
        }
        /* sport and seq rewritten: not recognisably ours */
        store_be16(mangled + l4, 1234);
        pkt_fix_checksums(mangled, sn);
        in = icmp_build_time_exceeded(icmp, sizeof icmp, routers[d], mangled, sn, SIZE_MAX, 64);
        assert_false(trace_match(&f.mt, icmp, in, &m, &why));
        assert_int_equal(why, SKIP_BAD_CHECK);
        /* a quote of fewer than 8 transport bytes, and one that is no IP packet */
        in = icmp_build_time_exceeded(icmp, sizeof icmp, routers[d], pkt, sn, 4, 64);
        assert_false(trace_match(&f.mt, icmp, in, &m, &why));
        assert_int_equal(why, SKIP_GARBAGE_QUOTE);
        in = icmp_build_time_exceeded(icmp, sizeof icmp, routers[d], pkt, sn, SIZE_MAX, 64);
        memset(icmp + (d ? 48 : 28), 0xee, 12);
        assert_false(trace_match(&f.mt, icmp, in, &m, &why));
        assert_int_equal(why, SKIP_GARBAGE_QUOTE);
        /* echo request quoted, and its reply */
        sn = trace_build_echo(&f.enc, dsts[d], 443, &k, 5, pkt, sizeof pkt, &off);
        assert_true(sn > 0);
        in = icmp_build_time_exceeded(icmp, sizeof icmp, routers[d], pkt, sn, 8, 64);
        assert_true(trace_match(&f.mt, icmp, in, &m, &why));
        assert_int_equal(m.kind, MATCH_ECHO_ICMP);
        assert_int_equal(m.ttl, 5);
        uint8_t payload[8];
        trace_echo_payload(&k, payload);
        struct icmp_echo_build eb = {.src = *dsts[d], .dst = d ? f.enc.src6 : f.enc.src4, .ttl = 60, .id = 443,
                                     .seq = trace_echo_seq(&k, 5), .payload = payload, .payload_len = 8};
        n = icmp_build_echo_request(pkt, sizeof pkt, &eb);
        pkt[d ? 40 : 20] = d ? 129 : 0; /* turn the request into a reply */
        pkt_fix_checksums(pkt, n);
        assert_true(trace_match(&f.mt, pkt, n, &m, &why));
        assert_int_equal(m.kind, MATCH_ECHO_REPLY);
        assert_int_equal(m.ttl, 5);
        pkt[n - 1] ^= 1; /* payload no longer ours */
        pkt_fix_checksums(pkt, n);
        assert_false(trace_match(&f.mt, pkt, n, &m, &why));
        /* an answer to another address of ours is not ours; another target is unknown */
        struct ip_addr stranger;
        assert_true(ip_addr_parse(d ? "2001:db8:1::78" : "198.18.0.78", &stranger));
        n = host_answer(&f, &stranger, &k, 6, 2, TCP_SYN | TCP_ACK, pkt);
        assert_false(trace_match(&f.mt, pkt, n, &m, &why));
        assert_int_equal(why, SKIP_UNKNOWN_TARGET);
    }
    teardown_enc(&f);
}

static void distance_from_reply_ttl(void **state)
{
    (void)state;
    assert_int_equal(tt_hops_from_ttl(64), 1);
    assert_int_equal(tt_hops_from_ttl(58), 7);
    assert_int_equal(tt_hops_from_ttl(250), 6);
    assert_int_equal(tt_hops_from_ttl(120), 9);
    assert_int_equal(tt_hops_from_ttl(30), 3);
    assert_int_equal(tt_hops_from_ttl(0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(probes_as_tshark_sees_them),
        cmocka_unit_test(codes_round_trip_and_reject),
        cmocka_unit_test(matcher_maps_answers_back),
        cmocka_unit_test(distance_from_reply_ttl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
