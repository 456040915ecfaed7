/* test_mptcp.c — every MPTCP option layout: RFC byte vectors, exhaustive encode/decode round trips, truncation, tokens. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/bytes.h"
#include "net/mptcp.h"

/* ---- helpers ------------------------------------------------------------ */

/* Field-by-field equality of everything a decode reports (not raw pointers). */
static void assert_opt_equal(const struct mptcp_opt *a, const struct mptcp_opt *b)
{
    assert_int_equal(a->subtype, b->subtype);
    assert_int_equal(a->len, b->len);
    assert_int_equal(a->truncated, b->truncated);
    assert_int_equal(a->version, b->version);
    assert_int_equal(a->has_flags, b->has_flags);
    if (a->has_flags)
        assert_int_equal(a->flags, b->flags);
#define SAME(has, field)                                                                                    \
    do {                                                                                                    \
        assert_int_equal(a->has, b->has);                                                                   \
        if (a->has)                                                                                         \
            assert_true(a->field == b->field);                                                              \
    } while (0)
    SAME(has_sendkey, sendkey);
    SAME(has_recvkey, recvkey);
    SAME(has_datalvllen, datalvllen);
    SAME(has_checksum, checksum);
    SAME(has_addrid, addrid);
    SAME(has_recvtok, recvtok);
    SAME(has_sendrand, sendrand);
    SAME(has_sendtrunchmac, sendtrunchmac);
    SAME(has_dataack, rawdataack);
    SAME(has_dsn, rawdataseqno);
    SAME(has_subflowseqno, subflowseqno);
    SAME(has_port, port);
    SAME(has_echo, echo);
    SAME(has_ipver, ipver);
    SAME(has_reserved, reserved);
    SAME(has_reason, reason);
#undef SAME
    assert_int_equal(a->has_sendhmac, b->has_sendhmac);
    if (a->has_sendhmac)
        assert_memory_equal(a->sendhmac, b->sendhmac, 20);
    assert_int_equal(a->has_ipv4, b->has_ipv4);
    if (a->has_ipv4)
        assert_memory_equal(a->ipv4, b->ipv4, 4);
    assert_int_equal(a->has_ipv6, b->has_ipv6);
    if (a->has_ipv6)
        assert_memory_equal(a->ipv6, b->ipv6, 16);
    assert_int_equal(a->n_remove_ids, b->n_remove_ids);
    assert_memory_equal(a->remove_ids, b->remove_ids, a->n_remove_ids);
}

/* Decodes from a heap block of exactly n bytes so ASan sees any overread. */
static bool decode_exact(const uint8_t *p, size_t n, uint8_t tcp_flags, struct mptcp_opt *o)
{
    uint8_t *b = malloc(n ? n : 1);
    assert_non_null(b);
    memcpy(b, p, n);
    bool ok = mptcp_decode(b, n, tcp_flags, o);
    o->raw = NULL; /* points into b, freed below */
    free(b);
    return ok;
}

/* encode → expected length → decode → equal → encode again gives the same bytes */
static void round_trip(const struct mptcp_opt *o, uint8_t tcp_flags, size_t expect_len)
{
    uint8_t buf[64], again[64];
    size_t n = mptcp_encode(o, tcp_flags, buf, sizeof buf);
    if (n != expect_len)
        fail_msg("subtype %u: encoded %zu bytes, RFC layout has %zu", o->subtype, n, expect_len);
    assert_int_equal(buf[0], 30);
    assert_int_equal(buf[1], n);
    assert_int_equal(buf[2] >> 4, o->subtype);
    struct mptcp_opt d;
    assert_true(decode_exact(buf, n, tcp_flags, &d));
    struct mptcp_opt want = *o;
    want.len = (uint8_t)n;
    assert_opt_equal(&d, &want);
    assert_int_equal(mptcp_encode(&d, tcp_flags, again, sizeof again), n);
    assert_memory_equal(buf, again, n);
    /* one byte short of room: refused, not overflowed */
    assert_int_equal(mptcp_encode(o, tcp_flags, buf, n - 1), 0);
}

/* xorshift: deterministic field values that exercise every byte */
static uint64_t rnd_state = 0x9e3779b97f4a7c15u;
static uint64_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return rnd_state;
}

static struct mptcp_opt blank(uint8_t subtype)
{
    struct mptcp_opt o;
    memset(&o, 0, sizeof o);
    o.subtype = subtype;
    o.version = -1;
    return o;
}

/* ---- RFC byte vectors ---------------------------------------------------- */

/* Each vector is written from the RFC 6824 / RFC 8684 figures; `want` lists
 * what the decoder must report. Encoding `want` must give the bytes back. */
struct vector {
    const char *name;
    uint8_t tcp_flags;
    uint8_t bytes[40];
    size_t len;
    struct mptcp_opt want;
};

#define K8 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef
#define K8B 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10
#define KEY_A 0x0123456789abcdefu
#define KEY_B 0xfedcba9876543210u
#define SYN 0x02
#define SYNACK 0x12
#define ACK 0x10

static const struct vector vectors[] = {
    {"MP_CAPABLE v0 SYN", SYN, {30, 12, 0x00, 0x81, K8}, 12,
     {.subtype = 0, .version = 0, .has_flags = true, .flags = 0x81, .has_sendkey = true, .sendkey = KEY_A}},
    {"MP_CAPABLE v0 ACK", ACK, {30, 20, 0x00, 0x81, K8, K8B}, 20,
     {.subtype = 0, .version = 0, .has_flags = true, .flags = 0x81, .has_sendkey = true, .sendkey = KEY_A,
      .has_recvkey = true, .recvkey = KEY_B}},
    {"MP_CAPABLE v1 SYN", SYN, {30, 4, 0x01, 0x81}, 4,
     {.subtype = 0, .version = 1, .has_flags = true, .flags = 0x81}},
    {"MP_CAPABLE v1 SYN-ACK", SYNACK, {30, 12, 0x01, 0x01, K8}, 12,
     {.subtype = 0, .version = 1, .has_flags = true, .flags = 0x01, .has_sendkey = true, .sendkey = KEY_A}},
    {"MP_CAPABLE v1 ACK", ACK, {30, 20, 0x01, 0x21, K8, K8B}, 20,
     {.subtype = 0, .version = 1, .has_flags = true, .flags = 0x21, .has_sendkey = true, .sendkey = KEY_A,
      .has_recvkey = true, .recvkey = KEY_B}},
    {"MP_CAPABLE v1 ACK+data", ACK, {30, 22, 0x01, 0x01, K8, K8B, 0x05, 0x78}, 22,
     {.subtype = 0, .version = 1, .has_flags = true, .flags = 0x01, .has_sendkey = true, .sendkey = KEY_A,
      .has_recvkey = true, .recvkey = KEY_B, .has_datalvllen = true, .datalvllen = 1400}},
    {"MP_CAPABLE v1 ACK+data+csum", ACK, {30, 24, 0x01, 0x81, K8, K8B, 0x05, 0x78, 0xab, 0xcd}, 24,
     {.subtype = 0, .version = 1, .has_flags = true, .flags = 0x81, .has_sendkey = true, .sendkey = KEY_A,
      .has_recvkey = true, .recvkey = KEY_B, .has_datalvllen = true, .datalvllen = 1400,
      .has_checksum = true, .checksum = 0xabcd}},
    {"MP_JOIN SYN", SYN, {30, 12, 0x11, 0x05, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04}, 12,
     {.subtype = 1, .has_flags = true, .flags = 0x01, .has_addrid = true, .addrid = 5, .has_recvtok = true,
      .recvtok = 0xdeadbeef, .has_sendrand = true, .sendrand = 0x01020304}},
    {"MP_JOIN SYN-ACK", SYNACK, {30, 16, 0x10, 0x03, K8, 0xca, 0xfe, 0xba, 0xbe}, 16,
     {.subtype = 1, .has_flags = true, .flags = 0x00, .has_addrid = true, .addrid = 3,
      .has_sendtrunchmac = true, .sendtrunchmac = KEY_A, .has_sendrand = true, .sendrand = 0xcafebabe}},
    {"MP_JOIN ACK", ACK, {30, 24, 0x10, 0x00, K8, K8B, 0x11, 0x22, 0x33, 0x44}, 24,
     {.subtype = 1, .has_reserved = true, .reserved = 0, .has_sendhmac = true,
      .sendhmac = {K8, K8B, 0x11, 0x22, 0x33, 0x44}}},
    {"DSS ack4", ACK, {30, 8, 0x20, 0x01, 0x11, 0x22, 0x33, 0x44}, 8,
     {.subtype = 2, .has_flags = true, .flags = 0x01, .has_dataack = true, .rawdataack = 0x11223344}},
    {"DSS ack8", ACK, {30, 12, 0x20, 0x03, K8}, 12,
     {.subtype = 2, .has_flags = true, .flags = 0x03, .has_dataack = true, .rawdataack = KEY_A}},
    {"DSS map4", ACK, {30, 14, 0x20, 0x04, 0, 0, 0, 9, 0, 0, 0, 1, 0x05, 0x78}, 14,
     {.subtype = 2, .has_flags = true, .flags = 0x04, .has_dsn = true, .rawdataseqno = 9,
      .has_subflowseqno = true, .subflowseqno = 1, .has_datalvllen = true, .datalvllen = 1400}},
    {"DSS map4+csum", ACK, {30, 16, 0x20, 0x04, 0, 0, 0, 9, 0, 0, 0, 1, 0x05, 0x78, 0x12, 0x34}, 16,
     {.subtype = 2, .has_flags = true, .flags = 0x04, .has_dsn = true, .rawdataseqno = 9,
      .has_subflowseqno = true, .subflowseqno = 1, .has_datalvllen = true, .datalvllen = 1400,
      .has_checksum = true, .checksum = 0x1234}},
    {"DSS F ack8 map8 csum", ACK,
     {30, 28, 0x20, 0x1f, K8, K8B, 0, 0, 0, 2, 0, 0, 0xaa, 0x55}, 28,
     {.subtype = 2, .has_flags = true, .flags = 0x1f, .has_dataack = true, .rawdataack = KEY_A,
      .has_dsn = true, .rawdataseqno = KEY_B, .has_subflowseqno = true, .subflowseqno = 2,
      .has_datalvllen = true, .datalvllen = 0, .has_checksum = true, .checksum = 0xaa55}},
    {"ADD_ADDR v0 IPv4", ACK, {30, 8, 0x34, 0x01, 198, 18, 0, 2}, 8,
     {.subtype = 3, .version = 0, .has_ipver = true, .ipver = 4, .has_addrid = true, .addrid = 1,
      .has_ipv4 = true, .ipv4 = {198, 18, 0, 2}}},
    {"ADD_ADDR v0 IPv6+port", ACK,
     {30, 22, 0x36, 0x02, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0x1f, 0x90}, 22,
     {.subtype = 3, .version = 0, .has_ipver = true, .ipver = 6, .has_addrid = true, .addrid = 2,
      .has_ipv6 = true, .ipv6 = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2},
      .has_port = true, .port = 8080}},
    {"ADD_ADDR v1 IPv4+HMAC", ACK, {30, 16, 0x30, 0x01, 198, 18, 0, 2, K8}, 16,
     {.subtype = 3, .version = 1, .has_echo = true, .echo = 0, .has_addrid = true, .addrid = 1,
      .has_ipv4 = true, .ipv4 = {198, 18, 0, 2}, .has_sendtrunchmac = true, .sendtrunchmac = KEY_A}},
    {"ADD_ADDR v1 IPv4+port+HMAC", ACK, {30, 18, 0x30, 0x07, 198, 18, 0, 2, 0x01, 0xbb, K8}, 18,
     {.subtype = 3, .version = 1, .has_echo = true, .echo = 0, .has_addrid = true, .addrid = 7,
      .has_ipv4 = true, .ipv4 = {198, 18, 0, 2}, .has_port = true, .port = 443, .has_sendtrunchmac = true,
      .sendtrunchmac = KEY_A}},
    {"ADD_ADDR v1 echo IPv4", ACK, {30, 8, 0x31, 0x01, 198, 18, 0, 2}, 8,
     {.subtype = 3, .version = 1, .flags = 1, .has_echo = true, .echo = 1, .has_addrid = true, .addrid = 1,
      .has_ipv4 = true, .ipv4 = {198, 18, 0, 2}}},
    {"ADD_ADDR v1 echo IPv4+port", ACK, {30, 10, 0x31, 0x01, 198, 18, 0, 2, 0x01, 0xbb}, 10,
     {.subtype = 3, .version = 1, .flags = 1, .has_echo = true, .echo = 1, .has_addrid = true, .addrid = 1,
      .has_ipv4 = true, .ipv4 = {198, 18, 0, 2}, .has_port = true, .port = 443}},
    {"ADD_ADDR v1 IPv6+HMAC", ACK,
     {30, 28, 0x30, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, K8}, 28,
     {.subtype = 3, .version = 1, .has_echo = true, .has_addrid = true, .addrid = 1, .has_ipv6 = true,
      .ipv6 = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}, .has_sendtrunchmac = true,
      .sendtrunchmac = KEY_A}},
    {"ADD_ADDR v1 IPv6+port+HMAC", ACK,
     {30, 30, 0x30, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0x13, 0x89, K8}, 30,
     {.subtype = 3, .version = 1, .has_echo = true, .has_addrid = true, .addrid = 1, .has_ipv6 = true,
      .ipv6 = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}, .has_port = true, .port = 5001,
      .has_sendtrunchmac = true, .sendtrunchmac = KEY_A}},
    {"REMOVE_ADDR", ACK, {30, 5, 0x40, 3, 7}, 5,
     {.subtype = 4, .n_remove_ids = 2, .remove_ids = {3, 7}}},
    {"MP_PRIO backup", ACK, {30, 3, 0x51}, 3, {.subtype = 5, .has_flags = true, .flags = 1}},
    {"MP_PRIO addrid", ACK, {30, 4, 0x50, 0x02}, 4,
     {.subtype = 5, .has_flags = true, .flags = 0, .has_addrid = true, .addrid = 2}},
    {"MP_FAIL", ACK, {30, 12, 0x60, 0x00, K8}, 12,
     {.subtype = 6, .has_reserved = true, .has_dsn = true, .rawdataseqno = KEY_A}},
    {"MP_FASTCLOSE", ACK, {30, 12, 0x70, 0x00, K8B}, 12,
     {.subtype = 7, .has_reserved = true, .has_recvkey = true, .recvkey = KEY_B}},
    {"MP_TCPRST U+T", 0x14, {30, 4, 0x89, 0x05}, 4,
     {.subtype = 8, .has_flags = true, .flags = 0x9, .has_reason = true, .reason = 5}},
};
#define N_VECTORS (sizeof vectors / sizeof vectors[0])

static void rfc_vectors_decode_and_encode(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_VECTORS; i++) {
        const struct vector *v = &vectors[i];
        struct mptcp_opt got, want = v->want;
        print_message("%s\n", v->name);
        want.len = (uint8_t)v->len;
        if (want.subtype != 0 && want.subtype != 3)
            want.version = -1;
        assert_true(decode_exact(v->bytes, v->len, v->tcp_flags, &got));
        assert_opt_equal(&got, &want);
        uint8_t buf[40];
        assert_int_equal(mptcp_encode(&got, v->tcp_flags, buf, sizeof buf), v->len);
        assert_memory_equal(buf, v->bytes, v->len);
    }
}

/* Every shorter slice of every vector (length byte unchanged) is a cut
 * option: reported truncated, and whatever is reported equals the full value. */
static void truncation_keeps_only_what_fits(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_VECTORS; i++) {
        const struct vector *v = &vectors[i];
        struct mptcp_opt full;
        assert_true(decode_exact(v->bytes, v->len, v->tcp_flags, &full));
        for (size_t n = 3; n < v->len; n++) {
            struct mptcp_opt cut;
            assert_true(decode_exact(v->bytes, n, v->tcp_flags, &cut));
            assert_true(cut.truncated);
            assert_int_equal(cut.subtype, full.subtype);
            assert_int_equal(cut.raw_len, n);
            if (cut.has_sendkey) assert_true(cut.sendkey == full.sendkey);
            if (cut.has_recvkey) assert_true(cut.recvkey == full.recvkey);
            if (cut.has_dataack) assert_true(cut.rawdataack == full.rawdataack);
            if (cut.has_dsn) assert_true(cut.rawdataseqno == full.rawdataseqno);
            if (cut.has_subflowseqno) assert_true(cut.subflowseqno == full.subflowseqno);
            if (cut.has_datalvllen) assert_true(cut.datalvllen == full.datalvllen);
            if (cut.has_checksum) assert_true(cut.checksum == full.checksum);
            if (cut.has_sendtrunchmac) assert_true(cut.sendtrunchmac == full.sendtrunchmac);
            if (cut.has_ipv4) assert_memory_equal(cut.ipv4, full.ipv4, 4);
            if (cut.has_ipv6) assert_memory_equal(cut.ipv6, full.ipv6, 16);
            assert_true(cut.n_remove_ids <= full.n_remove_ids);
            /* a truncated option is never re-encoded as if it were whole */
            uint8_t buf[40];
            assert_int_equal(mptcp_encode(&cut, v->tcp_flags, buf, sizeof buf), 0);
        }
    }
}

static void rejects_non_mptcp_and_flags_bad_lengths(void **state)
{
    (void)state;
    struct mptcp_opt o;
    const uint8_t mss[] = {2, 4, 5, 0xb4};
    assert_false(mptcp_decode(mss, sizeof mss, SYN, &o));
    const uint8_t two[] = {30, 4};
    assert_false(decode_exact(two, 2, SYN, &o));
    assert_false(mptcp_decode(NULL, 0, SYN, &o));

    /* length byte below 3: the subtype is all there is */
    const uint8_t len2[] = {30, 2, 0x20, 0x01};
    assert_true(decode_exact(len2, sizeof len2, ACK, &o));
    assert_true(o.truncated);
    assert_false(o.has_flags);

    /* lengths that are no layout of their subtype */
    static const struct {
        uint8_t b[16];
        size_t n;
    } bad[] = {
        {{30, 10, 0x01, 0x81, K8}, 10},          /* MP_CAPABLE 10 */
        {{30, 14, 0x10, 0x01, K8, 0, 0}, 14},     /* MP_JOIN 14 */
        {{30, 9, 0x20, 0x01, 1, 2, 3, 4, 5}, 9},  /* DSS ack4 + 1 stray byte */
        {{30, 12, 0x30, 0x01, 1, 2, 3, 4, 5, 6, 7, 8}, 12}, /* ADD_ADDR 12 */
        {{30, 3, 0x40}, 3},                       /* REMOVE_ADDR with no id */
        {{30, 5, 0x50, 1, 2}, 5},                 /* MP_PRIO 5 */
        {{30, 13, 0x60, 0, K8, 0}, 13},           /* MP_FAIL 13 */
        {{30, 5, 0x80, 1, 2}, 5},                 /* MP_TCPRST 5 */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_true(decode_exact(bad[i].b, bad[i].n, ACK, &o));
        assert_true(o.truncated);
    }

    /* unknown subtypes decode to just their number */
    const uint8_t exp[] = {30, 6, 0xf0, 1, 2, 3};
    assert_true(decode_exact(exp, sizeof exp, ACK, &o));
    assert_int_equal(o.subtype, 15);
    assert_false(o.truncated);
    assert_string_equal(mptcp_subtype_name(15), "MP_EXPERIMENTAL");
    assert_string_equal(mptcp_subtype_name(8), "MP_TCPRST");
    assert_string_equal(mptcp_subtype_name(11), "unknown");
}

/* ---- exhaustive round trips ---------------------------------------------- */

static void round_trip_capable(void **state)
{
    (void)state;
    for (int version = 0; version <= 1; version++)
        for (int layout = 0; layout < 5; layout++)
            for (int f = 0; f < 256; f += 17) {
                struct mptcp_opt o = blank(MPTCP_SUB_CAPABLE);
                o.version = version;
                o.has_flags = true;
                o.flags = (uint8_t)f;
                size_t len = 4;
                if (layout >= 1) { o.has_sendkey = true; o.sendkey = rnd(); len = 12; }
                if (layout >= 2) { o.has_recvkey = true; o.recvkey = rnd(); len = 20; }
                if (layout >= 3) { o.has_datalvllen = true; o.datalvllen = (uint16_t)rnd(); len = 22; }
                if (layout >= 4) { o.has_checksum = true; o.checksum = (uint16_t)rnd(); len = 24; }
                round_trip(&o, layout == 1 ? SYNACK : layout == 0 ? SYN : ACK, len);
            }
    /* the shorthands give the same bytes as the generic encoder */
    uint8_t a[12], b[12];
    struct mptcp_opt o = blank(MPTCP_SUB_CAPABLE);
    o.version = 0;
    o.has_flags = true;
    o.flags = 0x81;
    o.has_sendkey = true;
    o.sendkey = KEY_A;
    assert_int_equal(mptcp_put_capable_v0(a, 0x81, KEY_A), MPTCP_CAPABLE_V0_SYN_LEN);
    assert_int_equal(mptcp_encode(&o, SYN, b, sizeof b), 12);
    assert_memory_equal(a, b, 12);
    o.version = 1;
    assert_int_equal(mptcp_put_capable_v1_synack(a, 0x81, KEY_A), 12);
    assert_int_equal(mptcp_encode(&o, SYNACK, b, sizeof b), 12);
    assert_memory_equal(a, b, 12);
    o.has_sendkey = false;
    assert_int_equal(mptcp_put_capable_v1_syn(a, 0x81), MPTCP_CAPABLE_V1_SYN_LEN);
    assert_int_equal(mptcp_encode(&o, SYN, b, sizeof b), 4);
    assert_memory_equal(a, b, 4);
}

static void round_trip_join(void **state)
{
    (void)state;
    for (int b = 0; b < 16; b++) {
        struct mptcp_opt o = blank(MPTCP_SUB_JOIN);
        o.has_flags = true;
        o.flags = (uint8_t)b;
        o.has_addrid = true;
        o.addrid = (uint8_t)rnd();
        o.has_recvtok = true;
        o.recvtok = (uint32_t)rnd();
        o.has_sendrand = true;
        o.sendrand = (uint32_t)rnd();
        round_trip(&o, SYN, 12);
        o.has_recvtok = false;
        o.has_sendtrunchmac = true;
        o.sendtrunchmac = rnd();
        round_trip(&o, SYNACK, 16);
        struct mptcp_opt a = blank(MPTCP_SUB_JOIN);
        a.has_reserved = true;
        a.reserved = (uint16_t)(b << 8 | 0x5a);
        a.has_sendhmac = true;
        for (int i = 0; i < 20; i++)
            a.sendhmac[i] = (uint8_t)rnd();
        round_trip(&a, ACK, 24);
    }
}

static void round_trip_dss_every_flag_combination(void **state)
{
    (void)state;
    unsigned n = 0;
    for (int flags = 0; flags < 256; flags++)
        for (int csum = 0; csum <= 1; csum++) {
            bool ack = flags & MPTCP_DSS_A, map = flags & MPTCP_DSS_M;
            if (csum && !map)
                continue;
            struct mptcp_opt o = blank(MPTCP_SUB_DSS);
            o.has_flags = true;
            o.flags = (uint8_t)flags; /* reserved high bits travel too */
            size_t len = 4;
            if (ack) {
                o.has_dataack = true;
                o.rawdataack = (flags & MPTCP_DSS_a) ? rnd() : (uint32_t)rnd();
                len += (flags & MPTCP_DSS_a) ? 8 : 4;
            }
            if (map) {
                o.has_dsn = o.has_subflowseqno = o.has_datalvllen = true;
                o.rawdataseqno = (flags & MPTCP_DSS_m) ? rnd() : (uint32_t)rnd();
                o.subflowseqno = (uint32_t)rnd();
                o.datalvllen = (uint16_t)rnd();
                len += ((flags & MPTCP_DSS_m) ? 8 : 4) + 4 + 2;
            }
            if (csum) {
                o.has_checksum = true;
                o.checksum = (uint16_t)rnd();
                len += 2;
            }
            round_trip(&o, ACK, len);
            n++;
        }
    print_message("%u DSS layouts round-tripped\n", n);
    /* a 4-byte field cannot carry a 64-bit value: refused */
    struct mptcp_opt o = blank(MPTCP_SUB_DSS);
    uint8_t buf[40];
    o.has_flags = true;
    o.flags = MPTCP_DSS_A;
    o.has_dataack = true;
    o.rawdataack = 1ull << 40;
    assert_int_equal(mptcp_encode(&o, ACK, buf, sizeof buf), 0);
}

static void round_trip_add_addr(void **state)
{
    (void)state;
    for (int version = 0; version <= 1; version++)
        for (int v6 = 0; v6 <= 1; v6++)
            for (int port = 0; port <= 1; port++)
                for (int hmac = 0; hmac <= 1; hmac++)
                    for (int echo = 0; echo <= 1; echo++) {
                        struct mptcp_opt o = blank(MPTCP_SUB_ADD_ADDR);
                        o.version = version;
                        if (version == 0) {
                            if (echo)
                                continue;
                            o.has_ipver = true;
                            o.ipver = v6 ? 6 : 4;
                        } else {
                            o.has_echo = true;
                            o.echo = (uint8_t)echo;
                            o.flags = (uint8_t)echo;
                        }
                        o.has_addrid = true;
                        o.addrid = (uint8_t)rnd();
                        if (v6) {
                            o.has_ipv6 = true;
                            store_be64(o.ipv6, 0x20010db800000000u);
                            store_be64(o.ipv6 + 8, rnd());
                        } else {
                            o.has_ipv4 = true;
                            store_be32(o.ipv4, 0xc6120000u | (uint32_t)(rnd() & 0x1ffff));
                        }
                        if (port) {
                            o.has_port = true;
                            o.port = (uint16_t)rnd();
                        }
                        if (hmac) {
                            o.has_sendtrunchmac = true;
                            o.sendtrunchmac = rnd();
                        }
                        size_t len = 4 + (v6 ? 16 : 4) + (port ? 2 : 0) + (hmac ? 8 : 0);
                        round_trip(&o, ACK, len);
                    }
}

static void round_trip_remaining_subtypes(void **state)
{
    (void)state;
    for (unsigned k = 1; k <= MPTCP_MAX_REMOVE_IDS; k++) {
        struct mptcp_opt o = blank(MPTCP_SUB_REMOVE_ADDR);
        o.n_remove_ids = (uint8_t)k;
        for (unsigned i = 0; i < k; i++)
            o.remove_ids[i] = (uint8_t)rnd();
        round_trip(&o, ACK, 3 + k);
    }
    for (int f = 0; f < 16; f++) {
        struct mptcp_opt o = blank(MPTCP_SUB_PRIO);
        o.has_flags = true;
        o.flags = (uint8_t)f;
        round_trip(&o, ACK, 3);
        o.has_addrid = true;
        o.addrid = (uint8_t)rnd();
        round_trip(&o, ACK, 4);

        struct mptcp_opt r = blank(MPTCP_SUB_TCPRST);
        r.has_flags = true;
        r.flags = (uint8_t)f;
        r.has_reason = true;
        r.reason = (uint8_t)rnd();
        round_trip(&r, 0x14, 4);
    }
    for (unsigned res = 0; res <= 0xfff; res += 0x111) {
        struct mptcp_opt o = blank(MPTCP_SUB_FAIL);
        o.has_reserved = true;
        o.reserved = (uint16_t)res;
        o.has_dsn = true;
        o.rawdataseqno = rnd();
        round_trip(&o, ACK, 12);
        struct mptcp_opt c = blank(MPTCP_SUB_FASTCLOSE);
        c.has_reserved = true;
        c.reserved = (uint16_t)res;
        c.has_recvkey = true;
        c.recvkey = rnd();
        round_trip(&c, ACK, 12);
    }
}

/* Callers written against the first header (no has_flags, has_ipver,
 * has_reserved, has_reason, has_subflowseqno) still get the layout they ask for. */
static void encode_needs_only_the_first_contract(void **state)
{
    (void)state;
    uint8_t buf[40];
    struct mptcp_opt d;
    struct mptcp_opt c = blank(MPTCP_SUB_CAPABLE);
    c.version = 1;
    c.flags = MPTCP_CAP_H;
    c.has_sendkey = true;
    c.sendkey = KEY_A;
    assert_int_equal(mptcp_encode(&c, SYNACK, buf, sizeof buf), 12);
    assert_true(mptcp_decode(buf, 12, SYNACK, &d) && d.has_flags && d.flags == MPTCP_CAP_H && d.sendkey == KEY_A);

    struct mptcp_opt s = blank(MPTCP_SUB_DSS);
    s.flags = MPTCP_DSS_A | MPTCP_DSS_M;
    s.has_dataack = s.has_dsn = true;
    s.rawdataack = 5;
    s.rawdataseqno = 6;
    s.subflowseqno = 7;
    s.datalvllen = 8;
    assert_int_equal(mptcp_encode(&s, ACK, buf, sizeof buf), 18);
    assert_true(mptcp_decode(buf, 18, ACK, &d) && d.has_subflowseqno && d.subflowseqno == 7 && d.datalvllen == 8);

    struct mptcp_opt a = blank(MPTCP_SUB_ADD_ADDR);
    a.version = 0;
    a.ipver = 4;
    a.has_addrid = a.has_ipv4 = true;
    a.addrid = 9;
    memcpy(a.ipv4, (uint8_t[]){198, 18, 0, 9}, 4);
    assert_int_equal(mptcp_encode(&a, ACK, buf, sizeof buf), 8);
    assert_int_equal(buf[2], 0x34);
    assert_true(mptcp_decode(buf, 8, ACK, &d) && d.version == 0 && d.ipver == 4 && d.addrid == 9);

    struct mptcp_opt j = blank(MPTCP_SUB_JOIN);
    j.has_sendhmac = true;
    memset(j.sendhmac, 0x5a, 20);
    assert_int_equal(mptcp_encode(&j, ACK, buf, sizeof buf), 24);
    assert_true(mptcp_decode(buf, 24, ACK, &d) && d.has_sendhmac && d.reserved == 0);

    struct mptcp_opt r = blank(MPTCP_SUB_TCPRST);
    r.flags = 0x8;
    r.reason = 3;
    assert_int_equal(mptcp_encode(&r, 0x14, buf, sizeof buf), 4);
    assert_int_equal(buf[2], 0x88);
    assert_int_equal(buf[3], 3);
}

/* ---- key-derived values ------------------------------------------------- */

/* Hash of the key's 8 network-order bytes, by the openssl command line. */
static bool openssl_digest(const char *alg, uint64_t key, char *hex, size_t hexlen)
{
    char cmd[256];
    int n = snprintf(cmd, sizeof cmd, "printf '");
    for (int i = 7; i >= 0; i--)
        n += snprintf(cmd + n, sizeof cmd - (size_t)n, "\\%03o", (unsigned)(key >> (i * 8)) & 0xff);
    snprintf(cmd + n, sizeof cmd - (size_t)n, "' | openssl dgst -%s -r 2>/dev/null", alg);
    FILE *p = popen(cmd, "r");
    if (!p)
        return false;
    bool ok = fgets(hex, (int)hexlen, p) != NULL;
    pclose(p);
    return ok && strlen(hex) > 40;
}

static uint64_t hex_at(const char *hex, size_t digits)
{
    char tmp[17] = {0};
    memcpy(tmp, hex, digits);
    return strtoull(tmp, NULL, 16);
}

static void tokens_match_openssl(void **state)
{
    (void)state;
    const uint64_t keys[] = {0, 1, KEY_A, KEY_B, UINT64_MAX, rnd(), rnd(), rnd()};
    char hex[160];
    unsigned checked = 0;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (!openssl_digest("sha256", keys[i], hex, sizeof hex)) {
            print_message("openssl command line not available: skipping the CLI oracle\n");
            return;
        }
        assert_int_equal(mptcp_token(1, keys[i]), hex_at(hex, 8));
        assert_true(mptcp_idsn(1, keys[i]) == hex_at(hex + 48, 16));
        assert_true(openssl_digest("sha1", keys[i], hex, sizeof hex));
        assert_int_equal(mptcp_token(0, keys[i]), hex_at(hex, 8));
        assert_true(mptcp_idsn(0, keys[i]) == hex_at(hex + 24, 16));
        uint32_t tok;
        uint64_t idsn;
        mptcp_key_derive(0, keys[i], &tok, &idsn);
        assert_true(tok == hex_at(hex, 8) && idsn == hex_at(hex + 24, 16));
        assert_true(openssl_digest("sha256", keys[i], hex, sizeof hex));
        mptcp_key_derive(1, keys[i], &tok, &idsn);
        assert_true(tok == hex_at(hex, 8) && idsn == hex_at(hex + 48, 16));
        checked++;
    }
    print_message("%u keys checked against openssl dgst\n", checked);
}

/* mptcp_key_derive keeps a digest context per thread: from several threads
 * at once (pcap -j), alternating versions, it equals the one-shot digests. */
static void *derive_worker(void *arg)
{
    uint64_t seed = (uint64_t)(uintptr_t)arg, bad = 0;
    for (uint64_t i = 0; i < 20000; i++) {
        uint64_t key = (seed + i) * 0x9e3779b97f4a7c15ULL;
        int v = (int)(i & 1);
        uint32_t tok;
        uint64_t idsn;
        mptcp_key_derive(v, key, &tok, &idsn);
        bad += tok != mptcp_token(v, key) || idsn != mptcp_idsn(v, key);
    }
    return (void *)(uintptr_t)bad;
}

static void key_derive_per_thread_equals_one_shot(void **state)
{
    (void)state;
    pthread_t th[4];
    for (uintptr_t i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, derive_worker, (void *)(i * 1000003)), 0);
    uint64_t bad = (uint64_t)(uintptr_t)derive_worker((void *)(uintptr_t)77);
    for (int i = 0; i < 4; i++) {
        void *r;
        assert_int_equal(pthread_join(th[i], &r), 0);
        bad += (uint64_t)(uintptr_t)r;
    }
    assert_int_equal(bad, 0);
}

/* Values seen on the wire, decoded by tshark from the shared captures: the
 * token a peer's MP_JOIN names, and the first data sequence numbers
 * (IDSN + 1) each side used. */
static void tokens_match_real_connections(void **state)
{
    (void)state;
    /* tcpdump/mptcp-v0.pcap: server key (frame 2), JOIN SYN recvtok (frame 8),
     * first DSNs of server (frame 4) and client (frame 6, client key frame 1) */
    assert_int_equal(mptcp_token(0, 10843866842831127890u), 3833528642u);
    assert_int_equal((uint32_t)(mptcp_idsn(0, 10843866842831127890u) + 1), 3518592144u);
    assert_int_equal((uint32_t)(mptcp_idsn(0, 11285646634205721522u) + 1), 3576348362u);
    /* tcpdump/mptcp-v1.pcap: client key 2295531734017261039 (frame 3), server
     * key 3001306557161771836 (frame 2); frame 7 acks the client's first data
     * and maps the server's first byte (64-bit DSN/ack) */
    assert_true(mptcp_idsn(1, 2295531734017261039u) + 1 == 14413541604287230030u);
    assert_true(mptcp_idsn(1, 3001306557161771836u) + 1 == 11713449205243392242u);
    assert_int_equal(key_hamming(0), 0);
    assert_int_equal(key_hamming(UINT64_MAX), 64);
    assert_int_equal(key_hamming(KEY_A), 32);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc_vectors_decode_and_encode),
        cmocka_unit_test(truncation_keeps_only_what_fits),
        cmocka_unit_test(rejects_non_mptcp_and_flags_bad_lengths),
        cmocka_unit_test(round_trip_capable),
        cmocka_unit_test(round_trip_join),
        cmocka_unit_test(round_trip_dss_every_flag_combination),
        cmocka_unit_test(round_trip_add_addr),
        cmocka_unit_test(round_trip_remaining_subtypes),
        cmocka_unit_test(encode_needs_only_the_first_contract),
        cmocka_unit_test(tokens_match_openssl),
        cmocka_unit_test(tokens_match_real_connections),
        cmocka_unit_test(key_derive_per_thread_equals_one_shot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
