/* test_packet.c — link/IP/TCP decoding checked field by field against tshark on the shared captures and on frames crafted here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <glob.h>
#include <inttypes.h>

#include "net/bytes.h"
#include "net/packet.h"
#include "unit/test_pcapfile.h"

enum {
    F_IP_SRC, F_IP_DST, F_IP6_SRC, F_IP6_DST, F_IP_TTL, F_IP6_HLIM, F_IP_ID, F_IP_PROTO,
    F_TCP_SPORT, F_TCP_DPORT, F_TCP_SEQ, F_TCP_ACK, F_TCP_HDR_LEN, F_TCP_FLAGS, F_TCP_WIN,
    F_TCP_LEN, F_TCP_OPTS, F_IP_DSFIELD, F_IP6_TCLASS, F_ICMP_TYPE, F_ICMP6_TYPE, F_IP_FRAG_OFF,
    F_COUNT
};
static const char *const fields[F_COUNT] = {
    "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "ip.ttl", "ipv6.hlim", "ip.id", "ip.proto",
    "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.hdr_len", "tcp.flags", "tcp.window_size_value",
    "tcp.len", "tcp.options", "ip.dsfield", "ipv6.tclass", "icmp.type", "icmpv6.type", "ip.frag_offset",
};

/* Reassembly off: each frame is judged on its own bytes, as we decode them. */
#define TSHARK_OPTS "-o ip.defragment:FALSE -o ipv6.defragment:FALSE"

static unsigned long num(const char *s) { return strtoul(s, NULL, 0); }

struct compare_counts {
    size_t frames, ip, tcp;
};

/* Decodes every frame of capture c (stored in path) and compares with tshark. */
static void compare_with_tshark(const char *path, const struct tcapture *c, struct compare_counts *counts)
{
    struct ttshark t;
    memset(counts, 0, sizeof(*counts));
    if (!ttshark_run(path, TSHARK_OPTS, fields, F_COUNT, &t))
        fail_msg("tshark could not read %s", path);
    enum link_type link = link_from_dlt(c->dlt);
    assert_int_not_equal(link, LINK_UNKNOWN);
    for (size_t i = 0; i < c->n; i++) {
        size_t fr = i + 1;
        struct pkt_view pv;
        enum net_status st = pkt_decode(link, c->f[i].data, c->f[i].caplen, &pv);
        char buf[IP_ADDR_STRLEN], buf2[IP_ADDR_STRLEN];
        const char *src4 = ttshark_get(&t, fr, F_IP_SRC), *src6 = ttshark_get(&t, fr, F_IP6_SRC);
        counts->frames++;
        if (!*src4 && !*src6) {
            if (st == NET_OK || st == NET_FRAGMENT)
                fail_msg("%s frame %zu: tshark sees no IP, we decoded %s", path, fr, net_status_name(st));
            continue;
        }
        counts->ip++;
        if (st != NET_OK && st != NET_FRAGMENT)
            fail_msg("%s frame %zu: status %s", path, fr, net_status_name(st));
        if (*src4) {
            assert_int_equal(pv.ip_version, 4);
            assert_string_equal(ip_addr_format(&pv.src, buf, sizeof(buf)), src4);
            assert_string_equal(ip_addr_format(&pv.dst, buf2, sizeof(buf2)), ttshark_get(&t, fr, F_IP_DST));
            assert_int_equal(pv.ttl, num(ttshark_get(&t, fr, F_IP_TTL)));
            assert_int_equal(pv.ip_id, num(ttshark_get(&t, fr, F_IP_ID)));
            assert_int_equal(pv.proto, num(ttshark_get(&t, fr, F_IP_PROTO)));
            assert_int_equal(pv.tos, num(ttshark_get(&t, fr, F_IP_DSFIELD)));
            assert_int_equal(pv.fragment, num(ttshark_get(&t, fr, F_IP_FRAG_OFF)) != 0);
        } else {
            assert_int_equal(pv.ip_version, 6);
            assert_string_equal(ip_addr_format(&pv.src, buf, sizeof(buf)), src6);
            assert_string_equal(ip_addr_format(&pv.dst, buf2, sizeof(buf2)), ttshark_get(&t, fr, F_IP6_DST));
            assert_int_equal(pv.ttl, num(ttshark_get(&t, fr, F_IP6_HLIM)));
            assert_int_equal(pv.tos, num(ttshark_get(&t, fr, F_IP6_TCLASS)));
        }
        bool icmp = *ttshark_get(&t, fr, F_ICMP_TYPE) || *ttshark_get(&t, fr, F_ICMP6_TYPE);
        const char *sport = ttshark_get(&t, fr, F_TCP_SPORT);
        if (!*sport || icmp) {
            /* tshark found no TCP header here (or only one quoted in ICMP) */
            if (st == NET_OK && pv.proto == 6)
                fail_msg("%s frame %zu: we decoded TCP, tshark did not", path, fr);
            continue;
        }
        counts->tcp++;
        if (st != NET_OK || pv.proto != 6)
            fail_msg("%s frame %zu: tshark decoded TCP, we got %s proto %u", path, fr, net_status_name(st), pv.proto);
        assert_int_equal(pv.tcp.sport, num(sport));
        assert_int_equal(pv.tcp.dport, num(ttshark_get(&t, fr, F_TCP_DPORT)));
        assert_int_equal(pv.tcp.seq, num(ttshark_get(&t, fr, F_TCP_SEQ)));
        if (*ttshark_get(&t, fr, F_TCP_ACK))
            assert_int_equal(pv.tcp.ack, num(ttshark_get(&t, fr, F_TCP_ACK)));
        assert_int_equal(pv.tcp.doff * 4, num(ttshark_get(&t, fr, F_TCP_HDR_LEN)));
        assert_int_equal(pv.tcp.flags, num(ttshark_get(&t, fr, F_TCP_FLAGS)) & 0xff);
        assert_int_equal(pv.tcp.window, num(ttshark_get(&t, fr, F_TCP_WIN)));
        assert_int_equal(pv.tcp.payload_wire_len, num(ttshark_get(&t, fr, F_TCP_LEN)));
        char *opts = thex(pv.tcp.opts, pv.tcp.opts_len);
        const char *topts = ttshark_get(&t, fr, F_TCP_OPTS);
        if (pv.tcp.opts_truncated)
            assert_true(strncmp(topts, opts, strlen(opts)) == 0 || strncmp(opts, topts, strlen(topts)) == 0);
        else
            assert_string_equal(opts, topts);
        free(opts);
    }
    ttshark_free(&t);
}

/* Every shared capture: each IP and TCP field agrees with tshark. */
static void test_shared_captures_match_tshark(void **state)
{
    (void)state;
    char pattern[512];
    snprintf(pattern, sizeof(pattern), "%s/data/pcaps/*/*.pcap", tshared_dir());
    glob_t g;
    assert_int_equal(glob(pattern, 0, NULL, &g), 0);
    assert_true(g.gl_pathc >= 10);
    bool seen[LINK_UNKNOWN + 1] = {0};
    for (size_t k = 0; k < g.gl_pathc; k++) {
        struct tcapture c;
        assert_true(tcapture_load(g.gl_pathv[k], &c));
        struct compare_counts n;
        compare_with_tshark(g.gl_pathv[k], &c, &n);
        printf("# %-60s %-8s frames %5zu ip %5zu tcp %5zu\n", g.gl_pathv[k], link_type_name(link_from_dlt(c.dlt)),
               n.frames, n.ip, n.tcp);
        assert_true(n.ip > 0);
        seen[link_from_dlt(c.dlt)] = true;
        tcapture_free(&c);
    }
    /* the link types the shared data is meant to cover */
    assert_true(seen[LINK_ETHERNET] && seen[LINK_RAW] && seen[LINK_IPV4] && seen[LINK_IPV6] && seen[LINK_SLL] &&
                seen[LINK_PPP]);
    globfree(&g);
}

/* Cutting a frame anywhere must give TRUNCATED until the TCP header's fixed
 * 20 bytes are in, then the status and header fields of the whole frame. */
static void check_prefixes(enum link_type link, const uint8_t *frame, size_t caplen, const char *what)
{
    struct pkt_view full, cut;
    enum net_status st_full = pkt_decode(link, frame, caplen, &full);
    bool reached = false;
    for (size_t n = 0; n <= caplen; n++) {
        /* a private copy of exactly n bytes so ASan sees any overread */
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, frame, n);
        enum net_status st = pkt_decode(link, copy, n, &cut);
        if (st == NET_TRUNCATED && !reached) {
            free(copy);
            continue;
        }
        reached = true;
        if (st != st_full && !(st == NET_TRUNCATED && st_full == NET_TRUNCATED))
            fail_msg("%s: prefix %zu/%zu gives %s, whole frame %s", what, n, caplen, net_status_name(st),
                     net_status_name(st_full));
        if (st == NET_OK || st == NET_FRAGMENT) {
            assert_true(ip_addr_equal(&cut.src, &full.src) && ip_addr_equal(&cut.dst, &full.dst));
            assert_int_equal(cut.proto, full.proto);
            if (cut.proto == 6 && st == NET_OK) {
                assert_int_equal(cut.tcp.sport, full.tcp.sport);
                assert_int_equal(cut.tcp.dport, full.tcp.dport);
                assert_int_equal(cut.tcp.seq, full.tcp.seq);
                assert_int_equal(cut.tcp.flags, full.tcp.flags);
                assert_true(cut.tcp.opts_len <= full.tcp.opts_len);
                assert_memory_equal(cut.tcp.opts, full.tcp.opts, cut.tcp.opts_len);
                assert_true(cut.tcp.payload_len <= cut.tcp.payload_wire_len || full.ip_len_from_capture);
            }
        }
        free(copy);
    }
}

static void test_every_truncation_point(void **state)
{
    (void)state;
    char pattern[512];
    snprintf(pattern, sizeof(pattern), "%s/data/pcaps/*/*.pcap", tshared_dir());
    glob_t g;
    assert_int_equal(glob(pattern, 0, NULL, &g), 0);
    size_t frames = 0;
    for (size_t k = 0; k < g.gl_pathc; k++) {
        struct tcapture c;
        assert_true(tcapture_load(g.gl_pathv[k], &c));
        enum link_type link = link_from_dlt(c.dlt);
        for (size_t i = 0; i < c.n; i++) {
            char what[600];
            snprintf(what, sizeof(what), "%s frame %zu", g.gl_pathv[k], i + 1);
            check_prefixes(link, c.f[i].data, c.f[i].caplen, what);
            frames++;
        }
        tcapture_free(&c);
    }
    printf("# %zu frames cut at every length\n", frames);
    globfree(&g);
}

/* IP packets (no link header) of the Ethernet v0 capture, as crafting material. */
static void load_ip_packets(struct tcapture *ip)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/data/pcaps/tcpdump/mptcp-v0.pcap", tshared_dir());
    struct tcapture eth;
    assert_true(tcapture_load(path, &eth));
    memset(ip, 0, sizeof(*ip));
    ip->dlt = DLT_RAW;
    for (size_t i = 0; i < eth.n && ip->n < 40; i++)
        if (eth.f[i].caplen > 14 && load_be16(eth.f[i].data + 12) == 0x0800)
            tcapture_add(ip, eth.f[i].data + 14, eth.f[i].caplen - 14);
    tcapture_free(&eth);
    assert_true(ip->n > 10);
}

/* Wraps each IP packet in a link header, writes the capture with libpcap,
 * and compares our decode with tshark's; also cuts every frame. */
typedef size_t (*wrap_fn)(uint8_t *out, const uint8_t *ip, size_t len, size_t idx);

static void check_crafted(int dlt, wrap_fn wrap, const char *tag)
{
    struct tcapture ip, c = {.dlt = dlt};
    load_ip_packets(&ip);
    for (size_t i = 0; i < ip.n; i++) {
        uint8_t frame[2048];
        size_t len = wrap(frame, ip.f[i].data, ip.f[i].caplen, i);
        tcapture_add(&c, frame, len);
    }
    char path[256];
    ttemp_path(path, sizeof(path), tag);
    assert_true(tcapture_write(path, &c));
    struct compare_counts n;
    compare_with_tshark(path, &c, &n);
    printf("# crafted %-14s frames %zu ip %zu tcp %zu\n", tag, n.frames, n.ip, n.tcp);
    assert_int_equal(n.tcp, ip.n);
    for (size_t i = 0; i < c.n; i++)
        check_prefixes(link_from_dlt(dlt), c.f[i].data, c.f[i].caplen, tag);
    unlink(path);
    tcapture_free(&ip);
    tcapture_free(&c);
}

static size_t wrap_sll2(uint8_t *o, const uint8_t *ip, size_t len, size_t idx)
{
    memset(o, 0, 20);
    store_be16(o, 0x0800);           /* protocol */
    store_be32(o + 4, 3);            /* interface index */
    store_be16(o + 8, 1);            /* ARPHRD_ETHER */
    o[10] = idx % 2 ? 4 : 0;         /* outgoing / to us */
    o[11] = 6;                       /* address length */
    memcpy(o + 12, "\x02\x00\x00\x00\x00\x01", 6);
    memcpy(o + 20, ip, len);
    return len + 20;
}

static size_t wrap_vlan(uint8_t *o, const uint8_t *ip, size_t len, size_t idx)
{
    memcpy(o, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
    size_t off = 12;
    if (idx % 2) { /* 802.1ad service tag outside a customer tag (QinQ) */
        store_be16(o + off, 0x88a8);
        store_be16(o + off + 2, 100);
        off += 4;
    }
    store_be16(o + off, 0x8100);
    store_be16(o + off + 2, (uint16_t)(0x2000 | (10 + idx)));
    store_be16(o + off + 4, 0x0800);
    off += 6;
    memcpy(o + off, ip, len);
    return off + len;
}

static size_t wrap_ppp_hdlc(uint8_t *o, const uint8_t *ip, size_t len, size_t idx)
{
    o[0] = 0xff;
    o[1] = 0x03;
    store_be16(o + 2, 0x0021);
    memcpy(o + 4, ip, len);
    return len + 4;
}

static size_t wrap_null(uint8_t *o, const uint8_t *ip, size_t len, size_t idx)
{
    memcpy(o, "\x02\x00\x00\x00", 4); /* AF_INET, little-endian writer */
    memcpy(o + 4, ip, len);
    return len + 4;
}

static size_t wrap_loop(uint8_t *o, const uint8_t *ip, size_t len, size_t idx)
{
    memcpy(o, "\x00\x00\x00\x02", 4); /* DLT_LOOP: always big-endian */
    memcpy(o + 4, ip, len);
    return len + 4;
}

/* Adds IPv4 options (NOPs and a Router Alert) after the 20-byte header. */
static size_t wrap_ipv4_options(uint8_t *o, const uint8_t *ip, size_t len, size_t idx)
{
    size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
    static const uint8_t opts[8] = {1, 1, 1, 1, 0x94, 4, 0, 0};
    memcpy(o, ip, ihl);
    memcpy(o + ihl, opts, sizeof(opts));
    memcpy(o + ihl + sizeof(opts), ip + ihl, len - ihl);
    o[0] = (uint8_t)(0x40 | ((ihl + sizeof(opts)) / 4));
    store_be16(o + 2, (uint16_t)(load_be16(ip + 2) + sizeof(opts)));
    return len + sizeof(opts);
}

/* Rewrites an IPv4 TCP packet as IPv6 with a chain of extension headers that
 * depends on idx: hop-by-hop, routing, fragment (offset 0), destination
 * options, AH; frame 7 gets a non-first fragment. */
static size_t wrap_ipv6_ext(uint8_t *o, const uint8_t *ip, size_t len, size_t idx)
{
    size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
    size_t l4 = load_be16(ip + 2) - ihl;
    uint8_t *h = o + 40;
    size_t off = 0;
    uint8_t first_nh;
    uint8_t *prev_nh = &first_nh;
    unsigned set = (unsigned)idx % 8;
    if (set & 1) { /* hop-by-hop: PadN to 8 bytes */
        *prev_nh = 0;
        uint8_t e[8] = {0, 0, 1, 4, 0, 0, 0, 0};
        memcpy(h + off, e, 8);
        prev_nh = h + off;
        off += 8;
    }
    if (set & 2) { /* routing type 0 with no segments left (24 bytes) */
        *prev_nh = 43;
        uint8_t e[24] = {0, 2, 0, 0};
        memcpy(h + off, e, 24);
        prev_nh = h + off;
        off += 24;
    }
    if (set & 4) { /* atomic fragment header (offset 0, M clear) */
        *prev_nh = 44;
        uint8_t e[8] = {0, 0, 0, 0, 0x12, 0x34, 0x56, (uint8_t)idx};
        if (idx == 7)
            store_be16(e + 2, 185 << 3); /* a later fragment */
        memcpy(h + off, e, 8);
        prev_nh = h + off;
        off += 8;
    }
    /* destination options (16 bytes) then AH (24 bytes: payload len 4) on every other frame */
    if (idx % 2 == 0) {
        *prev_nh = 60;
        uint8_t e[16] = {0, 1, 1, 12};
        memcpy(h + off, e, 16);
        prev_nh = h + off;
        off += 16;
        *prev_nh = 51;
        uint8_t a[24] = {0, 4, 0, 0, 0, 0, 0x10, 0x01, 0, 0, 0, (uint8_t)idx};
        memcpy(h + off, a, 24);
        prev_nh = h + off;
        off += 24;
    }
    *prev_nh = 6;
    memset(o, 0, 40);
    o[0] = 0x60;
    o[1] = 0x20; /* traffic class 2 */
    store_be16(o + 4, (uint16_t)(off + l4));
    o[6] = first_nh;
    o[7] = ip[8];
    memcpy(o + 8, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
    memcpy(o + 24, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x02", 16);
    o[23] = ip[15];
    o[39] = ip[19];
    memcpy(o + 40 + off, ip + ihl, len - ihl);
    return 40 + off + (len - ihl);
}

static void test_sll2(void **state) { (void)state; check_crafted(276, wrap_sll2, "sll2"); }
static void test_vlan(void **state) { (void)state; check_crafted(DLT_EN10MB, wrap_vlan, "vlan"); }
static void test_ppp_hdlc(void **state) { (void)state; check_crafted(50, wrap_ppp_hdlc, "ppp-hdlc"); }
static void test_null(void **state) { (void)state; check_crafted(DLT_NULL, wrap_null, "null"); }
static void test_loop(void **state) { (void)state; check_crafted(108, wrap_loop, "loop"); }
static void test_ipv4_options(void **state) { (void)state; check_crafted(DLT_RAW, wrap_ipv4_options, "ipv4-opts"); }

static void test_ipv6_extension_headers(void **state)
{
    (void)state;
    /* frame 7 is a non-first fragment: tshark shows no TCP, we say FRAGMENT */
    struct tcapture ip, c = {.dlt = DLT_RAW};
    load_ip_packets(&ip);
    for (size_t i = 0; i < ip.n; i++) {
        uint8_t frame[2048];
        tcapture_add(&c, frame, wrap_ipv6_ext(frame, ip.f[i].data, ip.f[i].caplen, i));
    }
    char path[256];
    ttemp_path(path, sizeof(path), "ipv6-ext");
    assert_true(tcapture_write(path, &c));
    struct compare_counts n;
    compare_with_tshark(path, &c, &n);
    assert_int_equal(n.tcp, ip.n - 1);
    struct pkt_view pv;
    assert_int_equal(pkt_decode(LINK_RAW, c.f[7].data, c.f[7].caplen, &pv), NET_FRAGMENT);
    assert_true(pv.fragment);
    assert_int_equal(pv.ip_id, 0x5600 | 7);
    assert_int_equal(pv.proto, 6);
    for (size_t i = 0; i < c.n; i++)
        check_prefixes(LINK_RAW, c.f[i].data, c.f[i].caplen, "ipv6-ext");
    unlink(path);
    tcapture_free(&ip);
    tcapture_free(&c);
}

static void test_bad_headers(void **state)
{
    (void)state;
    struct tcapture ip;
    load_ip_packets(&ip);
    uint8_t p[2048];
    size_t len = ip.f[0].caplen;
    struct pkt_view pv;
    memcpy(p, ip.f[0].data, len);
    p[0] = 0x44; /* IHL 4 */
    assert_int_equal(pkt_decode_ip(p, len, &pv), NET_BAD_HEADER);
    p[0] = 0x55; /* version 5 */
    assert_int_equal(pkt_decode_ip(p, len, &pv), NET_BAD_VERSION);
    p[0] = 0x45;
    assert_int_equal(pkt_decode(LINK_IPV6, p, len, &pv), NET_BAD_VERSION);
    assert_int_equal(pkt_decode(LINK_IPV4, p, len, &pv), NET_OK);
    p[32] = (uint8_t)((p[32] & 0x0f) | 0x40); /* TCP doff 4 */
    assert_int_equal(pkt_decode_ip(p, len, &pv), NET_BAD_HEADER);
    p[32] = (uint8_t)((p[32] & 0x0f) | 0xf0); /* doff 15: 60 bytes, more than the segment */
    assert_int_equal(pkt_decode_ip(p, len, &pv), NET_BAD_HEADER);
    memcpy(p, ip.f[0].data, len);
    store_be16(p + 2, 10); /* total length below the header */
    assert_int_equal(pkt_decode_ip(p, len, &pv), NET_BAD_HEADER);
    assert_int_equal(pkt_decode(LINK_UNKNOWN, p, len, &pv), NET_UNSUPPORTED_LINK);
    assert_string_equal(net_status_name(NET_FRAGMENT), "fragment");
    assert_string_equal(net_status_name(NET_STATUS_COUNT), "unknown");
    char fl[9];
    assert_string_equal(tcp_flags_format(TCP_SYN | TCP_ACK, fl), "SA");
    assert_string_equal(tcp_flags_format(0xff, fl), "FSRPAUEC");
    assert_string_equal(tcp_flags_format(0, fl), "-");
    tcapture_free(&ip);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_captures_match_tshark),
        cmocka_unit_test(test_every_truncation_point),
        cmocka_unit_test(test_sll2),
        cmocka_unit_test(test_vlan),
        cmocka_unit_test(test_ppp_hdlc),
        cmocka_unit_test(test_null),
        cmocka_unit_test(test_loop),
        cmocka_unit_test(test_ipv4_options),
        cmocka_unit_test(test_ipv6_extension_headers),
        cmocka_unit_test(test_bad_headers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
