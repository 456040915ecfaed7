/* test_build_cookie.c — TCP probe builder, checksum repair and Ethernet framing checked by tshark; AES cookies checked by the openssl CLI. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pthread.h>
#include <sys/socket.h>
#include <time.h>

#include "net/build.h"
#include "net/bytes.h"
#include "net/checksum.h"
#include "net/cookie.h"
#include "net/packet.h"
#include "unit/test_pcapfile.h"

static const uint8_t syn_opts[24] = {
    2, 4, 0x05, 0xb4,                   /* MSS 1460 */
    4, 2,                               /* SACK permitted */
    8, 10, 0, 0, 0, 1, 0, 0, 0, 0,      /* timestamps */
    1, 3, 3, 7,                         /* NOP, window scale 7 */
    30, 4, 0x10, 0x81,                  /* MP_CAPABLE v1 SYN, flags A|H */
};

/* A set of probes covering both families, flags, options and payloads. */
static size_t make_probes(struct tcp_build *b, size_t max)
{
    static const uint8_t payload[] = "GET / HTTP/1.0\r\n\r\n";
    size_t n = 0;
    for (int v6 = 0; v6 < 2; v6++) {
        for (int variant = 0; variant < 4 && n < max; variant++) {
            struct tcp_build *p = &b[n++];
            memset(p, 0, sizeof(*p));
            assert_true(ip_addr_parse(v6 ? "2001:db8::a" : "198.18.0.10", &p->src));
            assert_true(ip_addr_parse(v6 ? "2001:db8:1::ff" : "198.19.255.1", &p->dst));
            p->sport = (uint16_t)(40000 + variant);
            p->dport = variant == 3 ? 443 : 80;
            p->seq = 0x80000001u * (uint32_t)(variant + 1);
            p->ack = variant ? 0xdeadbeefu : 0;
            p->flags = variant == 0 ? TCP_SYN : variant == 1 ? (TCP_ACK | TCP_PSH) : variant == 2 ? TCP_RST : (TCP_FIN | TCP_ACK);
            p->window = (uint16_t)(64240 - variant);
            p->ttl = (uint8_t)(64 - variant);
            p->ip_id = (uint16_t)(0x1234 + variant);
            p->dont_fragment = variant % 2;
            if (variant != 2) {
                p->opts = syn_opts;
                p->opts_len = variant == 3 ? 20 : sizeof(syn_opts);
            }
            if (variant == 1 || variant == 3) {
                p->payload = payload;
                p->payload_len = sizeof(payload) - 1 - (size_t)variant; /* odd and even lengths */
            }
        }
    }
    return n;
}

enum { B_TCPSUM, B_IPSUM, B_SRC, B_DST, B_SRC6, B_DST6, B_SPORT, B_DPORT, B_SEQ, B_ACK, B_FLAGS, B_WIN, B_TTL, B_HLIM,
       B_ID, B_DF, B_OPTS, B_LEN, B_PAYLOAD, B_COUNT };
static const char *const bfields[B_COUNT] = {
    "tcp.checksum.status", "ip.checksum.status", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport",
    "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.flags", "tcp.window_size_value", "ip.ttl", "ipv6.hlim",
    "ip.id", "ip.flags.df", "tcp.options", "tcp.len", "tcp.payload"};
#define CHECK_OPTS "-o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE"

static void test_build_tcp_tshark(void **state)
{
    (void)state;
    struct tcp_build b[8];
    size_t n = make_probes(b, 8);
    struct tcapture c = {.dlt = DLT_RAW};
    for (size_t i = 0; i < n; i++) {
        uint8_t pkt[256];
        size_t len = pkt_build_tcp(pkt, sizeof(pkt), &b[i]);
        assert_true(len > 0);
        /* exactly the size asked for, and not one byte more room needed */
        assert_int_equal(pkt_build_tcp(pkt, len - 1, &b[i]), 0);
        assert_int_equal(pkt_build_tcp(pkt, len, &b[i]), len);
        /* sum over the segment with its pseudo-header is zero (RFC 1071 verify) */
        struct pkt_view pv;
        assert_int_equal(pkt_decode_ip(pkt, len, &pv), NET_OK);
        assert_int_equal(csum_l4(&pv.src, &pv.dst, 6, pv.l4, pv.l4_len), 0);
        if (pv.ip_version == 4)
            assert_int_equal(csum_fold(csum_partial(pkt, 20, 0)), 0);
        tcapture_add(&c, pkt, len);
    }
    char path[256];
    ttemp_path(path, sizeof(path), "build");
    assert_true(tcapture_write(path, &c));
    struct ttshark t;
    assert_true(ttshark_run(path, CHECK_OPTS, bfields, B_COUNT, &t));
    for (size_t i = 0; i < n; i++) {
        size_t fr = i + 1;
        char buf[IP_ADDR_STRLEN];
        bool v6 = b[i].src.family == AF_INET6;
        assert_string_equal(ttshark_get(&t, fr, B_TCPSUM), "1"); /* good */
        assert_string_equal(ttshark_get(&t, fr, v6 ? B_SRC6 : B_SRC), ip_addr_format(&b[i].src, buf, sizeof(buf)));
        assert_string_equal(ttshark_get(&t, fr, v6 ? B_DST6 : B_DST), ip_addr_format(&b[i].dst, buf, sizeof(buf)));
        if (!v6) {
            assert_string_equal(ttshark_get(&t, fr, B_IPSUM), "1");
            assert_int_equal(strtoul(ttshark_get(&t, fr, B_ID), NULL, 0), b[i].ip_id);
            assert_int_equal(strtoul(ttshark_get(&t, fr, B_DF), NULL, 0), b[i].dont_fragment);
            assert_int_equal(strtoul(ttshark_get(&t, fr, B_TTL), NULL, 0), b[i].ttl);
        } else {
            assert_int_equal(strtoul(ttshark_get(&t, fr, B_HLIM), NULL, 0), b[i].ttl);
        }
        assert_int_equal(strtoul(ttshark_get(&t, fr, B_SPORT), NULL, 0), b[i].sport);
        assert_int_equal(strtoul(ttshark_get(&t, fr, B_DPORT), NULL, 0), b[i].dport);
        assert_int_equal(strtoul(ttshark_get(&t, fr, B_SEQ), NULL, 0), b[i].seq);
        if (b[i].flags & TCP_ACK)
            assert_int_equal(strtoul(ttshark_get(&t, fr, B_ACK), NULL, 0), b[i].ack);
        assert_int_equal(strtoul(ttshark_get(&t, fr, B_FLAGS), NULL, 0), b[i].flags);
        assert_int_equal(strtoul(ttshark_get(&t, fr, B_WIN), NULL, 0), b[i].window);
        char *hex = thex(b[i].opts ? b[i].opts : (const uint8_t *)"", b[i].opts_len);
        assert_string_equal(ttshark_get(&t, fr, B_OPTS), hex);
        free(hex);
        assert_int_equal(strtoul(ttshark_get(&t, fr, B_LEN), NULL, 0), b[i].payload_len);
        hex = thex(b[i].payload ? b[i].payload : (const uint8_t *)"", b[i].payload_len);
        assert_string_equal(ttshark_get(&t, fr, B_PAYLOAD), hex);
        free(hex);
    }
    ttshark_free(&t);
    unlink(path);
    tcapture_free(&c);
}

static void test_build_rejects_bad_input(void **state)
{
    (void)state;
    struct tcp_build b[8];
    make_probes(b, 8);
    uint8_t pkt[256];
    struct tcp_build x = b[0];
    x.dst = b[4].dst; /* IPv4 source, IPv6 destination */
    assert_int_equal(pkt_build_tcp(pkt, sizeof(pkt), &x), 0);
    x = b[0];
    x.opts_len = 3;
    assert_int_equal(pkt_build_tcp(pkt, sizeof(pkt), &x), 0);
    x.opts_len = 44;
    assert_int_equal(pkt_build_tcp(pkt, sizeof(pkt), &x), 0);
    x = b[0];
    x.src.family = 0;
    x.dst.family = 0;
    assert_int_equal(pkt_build_tcp(pkt, sizeof(pkt), &x), 0);
    assert_int_equal(pkt_build_tcp(pkt, 39, &b[2]), 0);
    assert_int_equal(pkt_build_tcp(pkt, 40, &b[2]), 40); /* bare IPv4 RST */
    assert_int_equal(pkt_build_tcp(pkt, 60, &b[6]), 60); /* bare IPv6 RST */
}

/* Packets whose checksums tshark calls bad (offloaded captures, or an
 * option rewritten in place) are good after pkt_fix_checksums. */
static void test_fix_checksums(void **state)
{
    (void)state;
    char src[512];
    snprintf(src, sizeof(src), "%s/data/pcaps/pymptcpanalyzer/client_2.pcap", tshared_dir());
    struct tcapture in, out = {.dlt = DLT_RAW};
    assert_true(tcapture_load(src, &in));
    size_t tcp = 0, other = 0;
    for (size_t i = 0; i < in.n && out.n < 400; i++) {
        struct pkt_view pv;
        if (pkt_decode(link_from_dlt(in.dlt), in.f[i].data, in.f[i].caplen, &pv) != NET_OK ||
            pv.l3_caplen < pv.ip_len || pv.ip_len > 2048)
            continue;
        uint8_t ip[2048];
        memcpy(ip, pv.l3, pv.ip_len);
        if (pv.ip_version == 4)
            ip[10] ^= 0x5a; /* break the header checksum too */
        pkt_fix_checksums(ip, pv.ip_len);
        tcapture_add(&out, ip, pv.ip_len);
        if (pv.proto == 6)
            tcp++;
        else
            other++;
    }
    /* built probes with an option byte rewritten by a "middlebox" */
    struct tcp_build b[8];
    size_t n = make_probes(b, 8);
    for (size_t i = 0; i < n; i++) {
        uint8_t pkt[256];
        size_t len = pkt_build_tcp(pkt, sizeof(pkt), &b[i]);
        size_t ip_hdr = b[i].src.family == AF_INET6 ? 40 : 20;
        pkt[ip_hdr + 20] ^= 0x40;
        pkt[ip_hdr + 18] = 0x12; /* and an urgent pointer */
        pkt_fix_checksums(pkt, len);
        tcapture_add(&out, pkt, len);
        tcp++;
    }
    char path[256];
    ttemp_path(path, sizeof(path), "fix");
    assert_true(tcapture_write(path, &out));
    static const char *const f[] = {"tcp.checksum.status", "ip.checksum.status", "udp.checksum.status",
                                    "icmpv6.checksum.status", "ip.src", "ipv6.src"};
    struct ttshark t;
    assert_true(ttshark_run(path, CHECK_OPTS " -o udp.check_checksum:TRUE", f, 6, &t));
    size_t verified = 0;
    for (size_t i = 0; i < out.n; i++) {
        for (size_t k = 0; k < 4; k++) {
            const char *s = ttshark_get(&t, i + 1, k);
            if (*s) {
                if (strcmp(s, "1") != 0)
                    fail_msg("frame %zu: %s = %s after repair", i + 1, f[k], s);
                verified++;
            }
        }
    }
    printf("# repaired %zu TCP and %zu other packets, %zu checksums verified good by tshark\n", tcp, other, verified);
    assert_true(tcp > 300 && other > 0 && verified > tcp);
    ttshark_free(&t);
    unlink(path);
    tcapture_free(&in);
    tcapture_free(&out);
}

static void test_eth_build(void **state)
{
    (void)state;
    struct tcp_build b[8];
    size_t n = make_probes(b, 8);
    static const uint8_t dmac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55}, smac[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};
    struct tcapture c = {.dlt = DLT_EN10MB};
    for (size_t i = 0; i < n; i++) {
        uint8_t frame[300];
        bool v6 = b[i].src.family == AF_INET6;
        eth_build(frame, dmac, smac, v6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4);
        size_t len = pkt_build_tcp(frame + ETH_HDR_LEN, sizeof(frame) - ETH_HDR_LEN, &b[i]);
        tcapture_add(&c, frame, ETH_HDR_LEN + len);
    }
    char path[256];
    ttemp_path(path, sizeof(path), "eth");
    assert_true(tcapture_write(path, &c));
    static const char *const f[] = {"eth.dst", "eth.src", "eth.type", "tcp.checksum.status"};
    struct ttshark t;
    assert_true(ttshark_run(path, CHECK_OPTS, f, 4, &t));
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(ttshark_get(&t, i + 1, 0), "02:11:22:33:44:55");
        assert_string_equal(ttshark_get(&t, i + 1, 1), "02:aa:bb:cc:dd:ee");
        assert_string_equal(ttshark_get(&t, i + 1, 2), b[i].src.family == AF_INET6 ? "0x86dd" : "0x0800");
        assert_string_equal(ttshark_get(&t, i + 1, 3), "1");
    }
    ttshark_free(&t);
    unlink(path);
    tcapture_free(&c);
}

/* ---- cookies ---- */

/* AES-128 of `blocks` 16-byte blocks through the openssl command line tool
 * (an implementation independent of our EVP calls): ECB, or CBC with IV 0. */
static void openssl_aes(const uint8_t key[16], bool cbc, const uint8_t *in, size_t blocks, uint8_t *out)
{
    char inpath[256], outpath[256], cmd[1024];
    snprintf(inpath, sizeof(inpath), "/tmp/mpcensus-test-%d-aes.in", (int)getpid());
    snprintf(outpath, sizeof(outpath), "/tmp/mpcensus-test-%d-aes.out", (int)getpid());
    FILE *f = fopen(inpath, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(in, 16, blocks, f), blocks);
    fclose(f);
    char *hexkey = thex(key, 16);
    snprintf(cmd, sizeof(cmd), "openssl enc -%s -nopad -K %s %s -in %s -out %s", cbc ? "aes-128-cbc" : "aes-128-ecb",
             hexkey, cbc ? "-iv 00000000000000000000000000000000" : "", inpath, outpath);
    free(hexkey);
    assert_int_equal(system(cmd), 0);
    f = fopen(outpath, "rb");
    assert_non_null(f);
    assert_int_equal(fread(out, 16, blocks, f), blocks);
    fclose(f);
    unlink(inpath);
    unlink(outpath);
}

static void test_cookie_matches_openssl_cli(void **state)
{
    (void)state;
    const uint8_t key[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                             0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
    struct cookie_ctx *c = cookie_new(key);
    assert_non_null(c);
    uint32_t w[4];
    uint8_t expect[48];

    /* IPv4: one block src | dst | dport | 4 | zeros */
    struct ip_addr s4, d4;
    ip_addr_parse("198.18.0.1", &s4);
    ip_addr_parse("198.19.7.9", &d4);
    cookie_compute(c, &s4, &d4, 443, w);
    uint8_t block[16] = {198, 18, 0, 1, 198, 19, 7, 9, 0x01, 0xbb, 4};
    openssl_aes(key, false, block, 1, expect);
    for (int i = 0; i < 4; i++)
        assert_int_equal(w[i], load_be32(expect + 4 * i));

    /* IPv6: key6 = AES(key, label); CBC-MAC under key6 over src | dst | (dport, 6) */
    uint8_t key6[16];
    openssl_aes(key, false, (const uint8_t *)"mpcensus-cookie6", 1, key6);
    struct ip_addr s6, d6;
    ip_addr_parse("2001:db8::1", &s6);
    ip_addr_parse("2001:db8:ffff::4321", &d6);
    cookie_compute(c, &s6, &d6, 80, w);
    uint8_t msg[48] = {0};
    memcpy(msg, s6.bytes, 16);
    memcpy(msg + 16, d6.bytes, 16);
    msg[32] = 0;
    msg[33] = 80;
    msg[34] = 6;
    openssl_aes(key6, true, msg, 3, expect);
    for (int i = 0; i < 4; i++)
        assert_int_equal(w[i], load_be32(expect + 32 + 4 * i));
    cookie_free(c);
}

static void test_cookie_properties(void **state)
{
    (void)state;
    const uint8_t key[16] = "0123456789abcdef";
    struct cookie_ctx *a = cookie_new(key), *b = cookie_new(key), *r1 = cookie_new(NULL), *r2 = cookie_new(NULL);
    assert_true(a && b && r1 && r2);
    struct cookie_ctx *dup = cookie_dup(a);
    assert_non_null(dup);
    struct ip_addr src, dst, dst2, src6, dst6;
    ip_addr_parse("198.18.0.1", &src);
    ip_addr_parse("198.18.1.1", &dst);
    ip_addr_parse("198.18.1.2", &dst2);
    ip_addr_parse("2001:db8::1", &src6);
    ip_addr_parse("2001:db8::2", &dst6);
    uint32_t wa[4], wb[4], wc[4];
    cookie_compute(a, &src, &dst, 80, wa);
    cookie_compute(b, &src, &dst, 80, wb);
    assert_memory_equal(wa, wb, sizeof(wa)); /* same key, same input */
    cookie_compute(dup, &src, &dst, 80, wb);
    assert_memory_equal(wa, wb, sizeof(wa));
    cookie_compute(a, &src, &dst, 80, wb); /* reusing the context changes nothing */
    assert_memory_equal(wa, wb, sizeof(wa));
    cookie_compute(a, &src, &dst, 81, wc);
    assert_memory_not_equal(wa, wc, sizeof(wa));
    cookie_compute(a, &src, &dst2, 80, wc);
    assert_memory_not_equal(wa, wc, sizeof(wa));
    cookie_compute(a, &dst, &src, 80, wc);
    assert_memory_not_equal(wa, wc, sizeof(wa));
    cookie_compute(r1, &src, &dst, 80, wb);
    cookie_compute(r2, &src, &dst, 80, wc);
    assert_memory_not_equal(wb, wc, sizeof(wb)); /* OS-random keys differ */
    /* every byte of an IPv6 address matters */
    cookie_compute(a, &src6, &dst6, 80, wa);
    for (int i = 0; i < 16; i++) {
        struct ip_addr x = dst6;
        x.bytes[i] ^= 1;
        cookie_compute(a, &src6, &x, 80, wb);
        assert_memory_not_equal(wa, wb, sizeof(wa));
        x = src6;
        x.bytes[i] ^= 0x80;
        cookie_compute(a, &x, &dst6, 80, wb);
        assert_memory_not_equal(wa, wb, sizeof(wa));
    }
    /* informational cost figure (not asserted: no timing assertions) */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    uint32_t acc = 0;
    for (uint32_t i = 0; i < 200000; i++) {
        ip_addr_from_v4(&dst, 0xc6120000u + i);
        cookie_compute(a, &src, &dst, 80, wa);
        acc ^= wa[0];
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ns = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / 200000;
    printf("# cookie_compute IPv4: %.0f ns per call (sanitizer build), checksum %08x\n", ns, acc);
    cookie_free(a);
    cookie_free(b);
    cookie_free(r1);
    cookie_free(r2);
    cookie_free(dup);
    cookie_free(NULL);
}

/* Several threads on one context (as the scanner's senders and receiver do)
 * get exactly the single-threaded answers. */
#define MT_THREADS 4
#define MT_N 20000
struct mt_job {
    const struct cookie_ctx *c;
    const uint32_t (*expect)[4];
    size_t mismatches;
};

static void mt_input(uint32_t i, struct ip_addr *src, struct ip_addr *dst)
{
    if (i % 2) {
        ip_addr_parse("2001:db8::1", src);
        ip_addr_parse("2001:db8::", dst);
        store_be32(dst->bytes + 12, i);
    } else {
        ip_addr_from_v4(src, 0xc6120001u);
        ip_addr_from_v4(dst, 0xc6130000u + i);
    }
}

static void *mt_worker(void *arg)
{
    struct mt_job *j = arg;
    for (int round = 0; round < 3; round++) {
        for (uint32_t i = 0; i < MT_N; i++) {
            struct ip_addr s, d;
            uint32_t w[4];
            mt_input(i, &s, &d);
            cookie_compute(j->c, &s, &d, (uint16_t)i, w);
            if (memcmp(w, j->expect[i], sizeof(w)) != 0)
                j->mismatches++;
        }
    }
    return NULL;
}

static void test_cookie_threads(void **state)
{
    (void)state;
    const uint8_t key[16] = "thread-safe key!";
    struct cookie_ctx *c = cookie_new(key);
    assert_non_null(c);
    uint32_t(*expect)[4] = calloc(MT_N, sizeof(*expect));
    for (uint32_t i = 0; i < MT_N; i++) {
        struct ip_addr s, d;
        mt_input(i, &s, &d);
        cookie_compute(c, &s, &d, (uint16_t)i, expect[i]);
    }
    /* a second context used in between must not disturb the first */
    struct cookie_ctx *other = cookie_new(NULL);
    pthread_t th[MT_THREADS];
    struct mt_job jobs[MT_THREADS];
    for (int k = 0; k < MT_THREADS; k++) {
        jobs[k] = (struct mt_job){.c = c, .expect = (const uint32_t(*)[4])expect};
        assert_int_equal(pthread_create(&th[k], NULL, mt_worker, &jobs[k]), 0);
    }
    uint32_t w[4];
    struct ip_addr s, d;
    mt_input(7, &s, &d);
    cookie_compute(other, &s, &d, 7, w);
    cookie_compute(c, &s, &d, 7, w);
    assert_memory_equal(w, expect[7], sizeof(w));
    for (int k = 0; k < MT_THREADS; k++) {
        assert_int_equal(pthread_join(th[k], NULL), 0);
        assert_int_equal(jobs[k].mismatches, 0);
    }
    cookie_free(other);
    cookie_free(c);
    free(expect);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_tcp_tshark),
        cmocka_unit_test(test_build_rejects_bad_input),
        cmocka_unit_test(test_fix_checksums),
        cmocka_unit_test(test_eth_build),
        cmocka_unit_test(test_cookie_matches_openssl_cli),
        cmocka_unit_test(test_cookie_properties),
        cmocka_unit_test(test_cookie_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
