/* test_icmp.c — ICMP/ICMPv6 error parsing, quote extents and RFC 4884 extensions, checked against tshark on built and crafted messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <glob.h>
#include <stdint.h>
#include <sys/socket.h>

#include "net/build.h"
#include "net/bytes.h"
#include "net/checksum.h"
#include "net/icmp.h"
#include "unit/test_pcapfile.h"

/* SYN options: 24 bytes, so the TCP header is 44 bytes (doff 11). */
static const uint8_t opts24[24] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7, 30, 4, 0x10, 0x81};
static uint8_t big_payload[1000];

/* An original probe: IPv4 or IPv6 TCP, with options, optionally 1000 bytes of payload. */
static size_t make_probe(uint8_t *buf, size_t cap, bool v6, bool payload, struct tcp_build *b)
{
    memset(b, 0, sizeof(*b));
    ip_addr_parse(v6 ? "2001:db8:5::1" : "198.18.5.1", &b->src);
    ip_addr_parse(v6 ? "2001:db8:9::9" : "198.19.9.9", &b->dst);
    b->sport = 51000;
    b->dport = 443;
    b->seq = 0x01020304;
    b->ack = 0;
    b->flags = TCP_SYN;
    b->window = 65535;
    b->ttl = 3;
    b->ip_id = 777;
    b->opts = opts24;
    b->opts_len = sizeof(opts24);
    if (payload) {
        for (size_t i = 0; i < sizeof(big_payload); i++)
            big_payload[i] = (uint8_t)i;
        b->payload = big_payload;
        b->payload_len = sizeof(big_payload);
    }
    size_t n = pkt_build_tcp(buf, cap, b);
    assert_true(n > 0);
    return n;
}

static enum net_status parse(const uint8_t *pkt, size_t len, struct pkt_view *pv, struct icmp_error *e)
{
    enum net_status st = pkt_decode_ip(pkt, len, pv);
    assert_int_equal(st, NET_OK);
    return icmp_parse(pv, e);
}

/* Every built time-exceeded: our parse and tshark's agree, checksums are good. */
static void test_time_exceeded_build_and_parse(void **state)
{
    (void)state;
    struct tcapture cap = {.dlt = DLT_RAW};
    struct {
        bool v6;
        size_t quote, transport;
        enum quote_extent extent;
    } cases[32];
    size_t nc = 0;
    for (int v6 = 0; v6 < 2; v6++) {
        for (int payload = 0; payload < 2; payload++) {
            uint8_t orig[1200];
            struct tcp_build b;
            size_t olen = make_probe(orig, sizeof(orig), v6, payload, &b);
            size_t l4 = olen - (v6 ? 40 : 20);
            static const size_t quotes[] = {0, 8, 12, 20, 44, 100, SIZE_MAX};
            for (size_t q = 0; q < sizeof(quotes) / sizeof(quotes[0]); q++) {
                if (!payload && quotes[q] == 100)
                    continue;
                uint8_t msg[1600];
                struct ip_addr rep;
                ip_addr_parse(v6 ? "2001:db8:77::1" : "198.18.77.1", &rep);
                size_t mlen = icmp_build_time_exceeded(msg, sizeof(msg), &rep, orig, olen, quotes[q], 250);
                assert_true(mlen > 0);
                size_t want = quotes[q] < l4 ? quotes[q] : l4;
                if (quotes[q] == SIZE_MAX) {
                    size_t limit = v6 ? 1280 : 576;
                    assert_true(mlen <= limit);
                    want = (olen + (v6 ? 48 : 28) <= limit) ? l4 : limit - (v6 ? 48 : 28) - (v6 ? 40 : 20);
                    assert_true(mlen == limit || want == l4);
                }
                struct pkt_view pv;
                struct icmp_error e;
                assert_int_equal(parse(msg, mlen, &pv, &e), NET_OK);
                assert_true(e.is_error);
                assert_int_equal(e.type, v6 ? 3 : 11);
                assert_int_equal(e.code, 0);
                assert_int_equal(e.family, v6 ? AF_INET6 : AF_INET);
                assert_true(ip_addr_equal(&e.reporter, &rep));
                assert_int_equal(e.reporter_ttl, 250);
                assert_true(ip_addr_equal(&e.inner.src, &b.src));
                assert_true(ip_addr_equal(&e.inner.dst, &b.dst));
                assert_int_equal(e.inner.ttl, b.ttl);
                assert_int_equal(e.transport_quoted, want);
                enum quote_extent ex = want == 0 ? QUOTE_NONE : want < 8 ? QUOTE_NONE : want == 8 ? QUOTE_8
                                     : want < 44 ? QUOTE_PARTIAL : QUOTE_FULL;
                assert_int_equal(e.extent, ex);
                assert_int_equal(e.inner_tcp_header, want >= 20);
                assert_false(e.has_extension);
                if (want >= 8) {
                    assert_int_equal(e.inner.tcp.sport, b.sport);
                    assert_int_equal(e.inner.tcp.dport, b.dport);
                    assert_int_equal(e.inner.tcp.seq, b.seq);
                }
                if (want >= 44) {
                    assert_int_equal(e.inner.tcp.opts_len, 24);
                    assert_memory_equal(e.inner.tcp.opts, opts24, 24);
                }
                tcapture_add(&cap, msg, mlen);
                cases[nc].v6 = v6;
                cases[nc].quote = quotes[q];
                cases[nc].transport = want;
                cases[nc].extent = ex;
                nc++;
                /* every cut of the message decodes without fault, never claiming more */
                for (size_t n = 0; n <= mlen; n++) {
                    uint8_t *copy = malloc(n ? n : 1);
                    memcpy(copy, msg, n);
                    struct pkt_view cpv;
                    struct icmp_error ce;
                    if (pkt_decode_ip(copy, n, &cpv) == NET_OK) {
                        enum net_status st = icmp_parse(&cpv, &ce);
                        assert_true(st == NET_OK || st == NET_TRUNCATED);
                        if (st == NET_OK) {
                            assert_true(ce.transport_quoted <= want);
                            assert_true(ce.quote_len <= e.quote_len);
                        }
                    }
                    free(copy);
                }
            }
        }
    }
    char path[256];
    ttemp_path(path, sizeof(path), "icmp-te");
    assert_true(tcapture_write(path, &cap));
    static const char *const f[] = {"icmp.checksum.status", "icmpv6.checksum.status", "ip.checksum.status", "ip.src",
                                    "ipv6.src", "icmp.type", "icmpv6.type", "tcp.srcport", "tcp.seq",
                                    "tcp.hdr_len", "ip.ttl", "ipv6.hlim"};
    struct ttshark t;
    assert_true(ttshark_run(path, "-o ip.check_checksum:TRUE -o tcp.relative_sequence_numbers:FALSE -E occurrence=a", f, 12, &t));
    for (size_t i = 0; i < nc; i++) {
        size_t fr = i + 1;
        if (cases[i].v6) {
            assert_string_equal(ttshark_get(&t, fr, 1), "1");
            assert_string_equal(ttshark_get(&t, fr, 4), "2001:db8:77::1,2001:db8:5::1");
            assert_string_equal(ttshark_get(&t, fr, 6), "3");
            assert_string_equal(ttshark_get(&t, fr, 11), "250,3");
        } else {
            assert_string_equal(ttshark_get(&t, fr, 0), "1");
            assert_string_equal(ttshark_get(&t, fr, 2), "1,1"); /* outer and quoted header */
            assert_string_equal(ttshark_get(&t, fr, 3), "198.18.77.1,198.18.5.1");
            assert_string_equal(ttshark_get(&t, fr, 5), "11");
            assert_string_equal(ttshark_get(&t, fr, 10), "250,3");
        }
        /* tshark decodes the quoted TCP header as far as it goes */
        if (cases[i].transport >= 8) {
            assert_string_equal(ttshark_get(&t, fr, 7), "51000");
        }
        /* (tshark 4.0 shows no sequence number for an 8-byte quote in ICMPv6) */
        if (cases[i].transport >= 8 && (!cases[i].v6 || cases[i].transport >= 20)) {
            if (strcmp(ttshark_get(&t, fr, 8), "16909060") != 0)
                fail_msg("frame %zu (v6 %d, quote %zu): tshark seq '%s'", fr, cases[i].v6, cases[i].transport,
                         ttshark_get(&t, fr, 8));
        }
        if (cases[i].transport >= 20)
            assert_string_equal(ttshark_get(&t, fr, 9), "44");
    }
    printf("# %zu time-exceeded messages agree with tshark\n", nc);
    ttshark_free(&t);
    unlink(path);
    tcapture_free(&cap);
}

/* ---- RFC 4884 extensions, crafted by hand ---- */

struct ext_spec {
    bool v6;
    bool length_attr;   /* false: compatibility layout (length 0, quote padded to 128) */
    bool bad_checksum;
    size_t quote_bytes; /* original datagram bytes before padding to 128 */
};

/* Builds: outer IP | ICMP error | quote padded to 128 | ext header | MPLS
 * object (class 1, c-type 1) | interface object (class 2, c-type 0x08). */
static size_t craft_ext_message(uint8_t *msg, const struct ext_spec *s, const uint8_t *orig, size_t olen)
{
    size_t ip_hdr = s->v6 ? 40 : 20;
    uint8_t *icmp = msg + ip_hdr;
    memset(msg, 0, 600);
    icmp[0] = s->v6 ? 3 : 11;
    size_t quote_len = 128;
    size_t q = s->quote_bytes < olen ? s->quote_bytes : olen;
    memcpy(icmp + 8, orig, q < quote_len ? q : quote_len);
    if (s->length_attr) {
        if (s->v6)
            icmp[4] = (uint8_t)(quote_len / 8);
        else
            icmp[5] = (uint8_t)(quote_len / 4);
    }
    uint8_t *ext = icmp + 8 + quote_len;
    ext[0] = 0x20; /* version 2 */
    /* MPLS label stack entry: label 16005, TC 0, S 1, TTL 1 */
    uint8_t *o = ext + 4;
    store_be16(o, 8);
    o[2] = 1;
    o[3] = 1;
    store_be32(o + 4, (16005u << 12) | (1u << 8) | 1u);
    o += 8;
    store_be16(o, 8);
    o[2] = 2;
    o[3] = 0x08; /* ifIndex present */
    store_be32(o + 4, 42);
    size_t ext_len = 4 + 8 + 8;
    store_be16(ext + 2, csum_fold(csum_partial(ext, ext_len, 0)));
    if (s->bad_checksum)
        ext[3] ^= 0x01;
    size_t icmp_len = 8 + quote_len + ext_len;
    struct ip_addr rep, dst;
    ip_addr_parse(s->v6 ? "2001:db8:77::1" : "198.18.77.1", &rep);
    ip_addr_parse(s->v6 ? "2001:db8:5::1" : "198.18.5.1", &dst);
    if (s->v6) {
        msg[0] = 0x60;
        store_be16(msg + 4, (uint16_t)icmp_len);
        msg[6] = 58;
        msg[7] = 64;
        memcpy(msg + 8, rep.bytes, 16);
        memcpy(msg + 24, dst.bytes, 16);
        store_be16(icmp + 2, csum_l4(&rep, &dst, 58, icmp, icmp_len));
    } else {
        msg[0] = 0x45;
        store_be16(msg + 2, (uint16_t)(20 + icmp_len));
        msg[8] = 64;
        msg[9] = 1;
        memcpy(msg + 12, rep.bytes, 4);
        memcpy(msg + 16, dst.bytes, 4);
        store_be16(msg + 10, csum_fold(csum_partial(msg, 20, 0)));
        store_be16(icmp + 2, csum_fold(csum_partial(icmp, icmp_len, 0)));
    }
    return ip_hdr + icmp_len;
}

static void test_rfc4884_extensions(void **state)
{
    (void)state;
    static const struct ext_spec specs[] = {
        {.v6 = false, .length_attr = true, .quote_bytes = 200},  /* quote cut at 128 */
        {.v6 = false, .length_attr = true, .quote_bytes = 64},   /* whole probe, zero padding */
        {.v6 = false, .length_attr = false, .quote_bytes = 200}, /* compatibility layout */
        {.v6 = true, .length_attr = true, .quote_bytes = 200},
        {.v6 = true, .length_attr = true, .quote_bytes = 84},
        {.v6 = false, .length_attr = true, .bad_checksum = true, .quote_bytes = 200},
    };
    size_t n = sizeof(specs) / sizeof(specs[0]);
    struct tcapture cap = {.dlt = DLT_RAW};
    for (size_t i = 0; i < n; i++) {
        uint8_t orig[1200], msg[700];
        struct tcp_build b;
        /* short quotes: a probe without payload, so the padding follows the whole packet */
        size_t olen = make_probe(orig, sizeof(orig), specs[i].v6, specs[i].quote_bytes >= 128, &b);
        size_t mlen = craft_ext_message(msg, &specs[i], orig, olen);
        struct pkt_view pv;
        struct icmp_error e;
        assert_int_equal(parse(msg, mlen, &pv, &e), NET_OK);
        assert_true(e.is_error);
        assert_true(e.has_extension);
        if (e.ext_checksum_ok != !specs[i].bad_checksum)
            fail_msg("case %zu: extension checksum verdict %d", i, e.ext_checksum_ok);
        assert_int_equal(e.quote_len, 128);
        assert_int_equal(e.n_ext_objects, 2);
        assert_int_equal(e.ext[0].class_num, 1);
        assert_int_equal(e.ext[0].c_type, 1);
        assert_int_equal(e.ext[0].len, 4);
        assert_int_equal(load_be32(e.ext[0].data) >> 12, 16005);
        assert_int_equal(e.ext[1].class_num, 2);
        assert_int_equal(e.ext[1].c_type, 8);
        assert_int_equal(load_be32(e.ext[1].data), 42);
        /* the padding after a short original is not transport data */
        size_t ip_hdr = specs[i].v6 ? 40 : 20;
        size_t q = specs[i].quote_bytes < olen ? specs[i].quote_bytes : olen;
        size_t expect_t = (q < 128 ? q : 128) - ip_hdr;
        assert_int_equal(e.transport_quoted, expect_t);
        assert_int_equal(e.extent, expect_t >= 44 ? QUOTE_FULL : QUOTE_PARTIAL);
        tcapture_add(&cap, msg, mlen);
    }
    char path[256];
    ttemp_path(path, sizeof(path), "icmp-ext");
    assert_true(tcapture_write(path, &cap));
    static const char *const f[] = {"icmp.ext.version", "icmp.ext.checksum.status", "icmp.ext.class", "icmp.ext.ctype",
                                    "icmp.ext.length", "icmp.mpls.label"};
    struct ttshark t;
    assert_true(ttshark_run(path, "-E occurrence=a -o icmp.favor_icmp_mpls:TRUE", f, 6, &t));
    for (size_t i = 0; i < n; i++) {
        size_t fr = i + 1;
        assert_string_equal(ttshark_get(&t, fr, 0), "2");
        assert_string_equal(ttshark_get(&t, fr, 1), specs[i].bad_checksum ? "0" : "1");
        assert_string_equal(ttshark_get(&t, fr, 2), "1,2");
        assert_string_equal(ttshark_get(&t, fr, 3), "1,8");
        assert_string_equal(ttshark_get(&t, fr, 4), "8,8");
        assert_string_equal(ttshark_get(&t, fr, 5), "16005");
    }
    ttshark_free(&t);
    unlink(path);
    tcapture_free(&cap);

    /* compatibility layout with a bad checksum: not taken for an extension */
    uint8_t orig[1200], msg[700];
    struct tcp_build b;
    size_t olen = make_probe(orig, sizeof(orig), false, true, &b);
    struct ext_spec s = {.v6 = false, .length_attr = false, .bad_checksum = true, .quote_bytes = 200};
    size_t mlen = craft_ext_message(msg, &s, orig, olen);
    struct pkt_view pv;
    struct icmp_error e;
    assert_int_equal(parse(msg, mlen, &pv, &e), NET_OK);
    assert_false(e.has_extension);
    assert_int_equal(e.quote_len, mlen - 28);
    /* a length attribute below 128 bytes cannot carry an extension */
    msg[20 + 5] = 16; /* 64 bytes */
    assert_int_equal(parse(msg, mlen, &pv, &e), NET_OK);
    assert_false(e.has_extension);
    assert_int_equal(e.quote_len, 64);
    assert_int_equal(e.transport_quoted, 44);
    assert_int_equal(e.extent, QUOTE_FULL);
    /* objects that overrun the structure stop the walk without harm */
    s.bad_checksum = false;
    s.length_attr = true;
    mlen = craft_ext_message(msg, &s, orig, olen);
    store_be16(msg + 20 + 8 + 128 + 4 + 8, 200); /* second object claims 200 bytes */
    assert_int_equal(parse(msg, mlen, &pv, &e), NET_OK);
    assert_true(e.has_extension);
    assert_int_equal(e.n_ext_objects, 1);
    store_be16(msg + 20 + 8 + 128 + 4, 2); /* first object shorter than its header */
    assert_int_equal(parse(msg, mlen, &pv, &e), NET_OK);
    assert_int_equal(e.n_ext_objects, 0);
}

/* Every ICMP message in the shared captures: type/code as tshark says, none
 * of them an error; non-ICMP packets are refused. */
static void test_shared_captures_icmp(void **state)
{
    (void)state;
    char pattern[512];
    snprintf(pattern, sizeof(pattern), "%s/data/pcaps/*/*.pcap", tshared_dir());
    glob_t g;
    assert_int_equal(glob(pattern, 0, NULL, &g), 0);
    static const char *const f[] = {"icmp.type", "icmpv6.type", "icmp.code", "icmpv6.code"};
    size_t icmp = 0, refused = 0;
    for (size_t k = 0; k < g.gl_pathc; k++) {
        struct tcapture c;
        struct ttshark t;
        assert_true(tcapture_load(g.gl_pathv[k], &c));
        assert_true(ttshark_run(g.gl_pathv[k], NULL, f, 4, &t));
        for (size_t i = 0; i < c.n; i++) {
            struct pkt_view pv;
            struct icmp_error e;
            if (pkt_decode(link_from_dlt(c.dlt), c.f[i].data, c.f[i].caplen, &pv) != NET_OK)
                continue;
            enum net_status st = icmp_parse(&pv, &e);
            const char *type = ttshark_get(&t, i + 1, pv.ip_version == 6 ? 1 : 0);
            if (!*type) {
                assert_int_equal(st, NET_NOT_TCP);
                refused++;
                continue;
            }
            assert_int_equal(st, NET_OK);
            assert_int_equal(e.type, strtoul(type, NULL, 0));
            assert_int_equal(e.code, strtoul(ttshark_get(&t, i + 1, pv.ip_version == 6 ? 3 : 2), NULL, 0));
            assert_int_equal(e.is_error, e.type < 128 && pv.ip_version == 6);
            icmp++;
        }
        ttshark_free(&t);
        tcapture_free(&c);
    }
    globfree(&g);
    printf("# %zu ICMP messages match tshark, %zu other packets refused\n", icmp, refused);
    assert_true(icmp > 30 && refused > 1000);
}

/* Other error types: unreachable (v4 and v6), packet too big, parameter
 * problem — built by hand, parsed, and their quotes found. */
static void test_other_error_types(void **state)
{
    (void)state;
    static const struct { bool v6; uint8_t type, code; } types[] = {
        {false, 3, 3}, {false, 3, 4}, {false, 12, 0}, {true, 1, 4}, {true, 2, 0}, {true, 4, 1}, {false, 8, 0}, {true, 128, 0},
    };
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        uint8_t orig[1200], msg[1600];
        struct tcp_build b;
        size_t olen = make_probe(orig, sizeof(orig), types[i].v6, false, &b);
        struct ip_addr rep;
        ip_addr_parse(types[i].v6 ? "2001:db8:77::1" : "198.18.77.1", &rep);
        size_t mlen = icmp_build_time_exceeded(msg, sizeof(msg), &rep, orig, olen, SIZE_MAX, 9);
        size_t ip_hdr = types[i].v6 ? 40 : 20;
        msg[ip_hdr] = types[i].type;
        msg[ip_hdr + 1] = types[i].code;
        if (types[i].v6 && types[i].type == 2)
            store_be32(msg + ip_hdr + 4, 1280); /* MTU, not a length attribute */
        pkt_fix_checksums(msg, mlen);
        struct pkt_view pv;
        struct icmp_error e;
        assert_int_equal(parse(msg, mlen, &pv, &e), NET_OK);
        bool err = types[i].type != 8 && types[i].type != 128;
        assert_int_equal(e.is_error, err);
        if (!err)
            continue;
        assert_int_equal(e.type, types[i].type);
        assert_int_equal(e.code, types[i].code);
        assert_int_equal(e.quote_len, olen);
        assert_int_equal(e.extent, QUOTE_FULL);
        assert_true(e.inner_tcp_header);
        assert_int_equal(e.inner.tcp.sport, b.sport);
    }
    /* not ICMP at all */
    uint8_t orig[1200];
    struct tcp_build b;
    size_t olen = make_probe(orig, sizeof(orig), false, false, &b);
    struct pkt_view pv;
    struct icmp_error e;
    assert_int_equal(pkt_decode_ip(orig, olen, &pv), NET_OK);
    assert_int_equal(icmp_parse(&pv, &e), NET_NOT_TCP);
    /* the builder refuses a reporter of the other family and a cut IP header */
    uint8_t msg[700];
    struct ip_addr rep6;
    ip_addr_parse("2001:db8::1", &rep6);
    assert_int_equal(icmp_build_time_exceeded(msg, sizeof(msg), &rep6, orig, olen, 8, 64), 0);
    struct ip_addr rep4;
    ip_addr_parse("198.18.0.1", &rep4);
    assert_int_equal(icmp_build_time_exceeded(msg, sizeof(msg), &rep4, orig, 19, 8, 64), 0);
    assert_int_equal(icmp_build_time_exceeded(msg, 40, &rep4, orig, olen, 8, 64), 0);
    assert_int_equal(icmp_build_time_exceeded(msg, 56, &rep4, orig, olen, 8, 64), 56);
    assert_string_equal(quote_extent_name(QUOTE_8), "8");
    assert_string_equal(quote_extent_name(QUOTE_PARTIAL), "partial");
    assert_string_equal(quote_extent_name(QUOTE_FULL), "full");
    assert_string_equal(quote_extent_name(QUOTE_NONE), "none");
}

/* Quotes of packets whose IP header is longer than the minimum: IPv4 with
 * options, IPv6 with hop-by-hop and destination options headers. The
 * transport bytes are counted after those headers. */
static void test_quotes_after_long_ip_headers(void **state)
{
    (void)state;
    for (int v6 = 0; v6 < 2; v6++) {
        uint8_t plain[1200], orig[1300];
        struct tcp_build b;
        size_t plen = make_probe(plain, sizeof(plain), v6, false, &b);
        size_t hdr = v6 ? 40 : 20, extra = v6 ? 8 + 16 : 8;
        memcpy(orig, plain, hdr);
        if (v6) {
            static const uint8_t hbh[8] = {60, 0, 1, 4, 0, 0, 0, 0};
            static const uint8_t dst[16] = {6, 1, 1, 12};
            memcpy(orig + 40, hbh, 8);
            memcpy(orig + 48, dst, 16);
            orig[6] = 0;
            store_be16(orig + 4, (uint16_t)(load_be16(plain + 4) + extra));
        } else {
            static const uint8_t opt[8] = {0x94, 4, 0, 0, 1, 1, 1, 0};
            memcpy(orig + 20, opt, 8);
            orig[0] = 0x47;
            store_be16(orig + 2, (uint16_t)(plen + extra));
        }
        memcpy(orig + hdr + extra, plain + hdr, plen - hdr);
        size_t olen = plen + extra;
        pkt_fix_checksums(orig, olen);
        struct ip_addr rep;
        ip_addr_parse(v6 ? "2001:db8:77::1" : "198.18.77.1", &rep);
        static const size_t quotes[] = {0, 8, 30, SIZE_MAX};
        static const enum quote_extent want[] = {QUOTE_NONE, QUOTE_8, QUOTE_PARTIAL, QUOTE_FULL};
        for (size_t q = 0; q < 4; q++) {
            uint8_t msg[1600];
            size_t mlen = icmp_build_time_exceeded(msg, sizeof(msg), &rep, orig, olen, quotes[q], 64);
            assert_int_equal(mlen, (v6 ? 48 : 28) + hdr + extra + (quotes[q] < 44 ? quotes[q] : 44));
            struct pkt_view pv;
            struct icmp_error e;
            assert_int_equal(parse(msg, mlen, &pv, &e), NET_OK);
            assert_int_equal(e.inner.proto, 6);
            assert_int_equal(e.transport_quoted, quotes[q] < 44 ? quotes[q] : 44);
            assert_int_equal(e.extent, want[q]);
            assert_true(ip_addr_equal(&e.inner.src, &b.src));
            if (quotes[q] >= 8) {
                assert_int_equal(e.inner.tcp.sport, b.sport);
                assert_int_equal(e.inner.tcp.seq, b.seq);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_exceeded_build_and_parse),
        cmocka_unit_test(test_rfc4884_extensions),
        cmocka_unit_test(test_shared_captures_icmp),
        cmocka_unit_test(test_other_error_types),
        cmocka_unit_test(test_quotes_after_long_ip_headers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
