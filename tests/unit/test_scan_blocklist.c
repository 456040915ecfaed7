/* test_scan_blocklist.c — CIDR parsing (good and bad input), blocklist files, range subtraction and the target index space. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "target/prefix_list.h"
#include "target/target_space.h"

static u128 v4(const char *s)
{
    uint8_t b[4];
    assert_int_equal(inet_pton(AF_INET, s, b), 1);
    return (u128)((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3]);
}

static u128 v6(const char *s)
{
    uint8_t b[16];
    assert_int_equal(inet_pton(AF_INET6, s, b), 1);
    u128 x = 0;
    for (int i = 0; i < 16; i++)
        x = x << 8 | b[i];
    return x;
}

static void test_parse_good(void **state)
{
    (void)state;
    struct prefix_entry e;
    char err[200];
    assert_true(prefix_parse("198.18.0.0/15", &e, err, sizeof(err)));
    assert_int_equal(e.family, 4);
    assert_true(e.lo == v4("198.18.0.0") && e.hi == v4("198.19.255.255"));
    assert_true(prefix_parse(" 10.1.2.3 ", &e, err, sizeof(err)));
    assert_true(e.lo == v4("10.1.2.3") && e.hi == e.lo);
    /* host bits are cleared, as ZMap does */
    assert_true(prefix_parse("10.1.2.3/8", &e, err, sizeof(err)));
    assert_true(e.lo == v4("10.0.0.0") && e.hi == v4("10.255.255.255"));
    assert_true(prefix_parse("0.0.0.0/0", &e, err, sizeof(err)));
    assert_true(e.lo == 0 && e.hi == 0xffffffffu);
    assert_true(prefix_parse("2001:db8::/32", &e, err, sizeof(err)));
    assert_int_equal(e.family, 6);
    assert_true(e.lo == v6("2001:db8::") && e.hi == v6("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"));
    assert_true(prefix_parse("2001:db8::1", &e, err, sizeof(err)));
    assert_true(e.lo == v6("2001:db8::1") && e.hi == e.lo);
}

static void test_parse_bad_gives_clear_error(void **state)
{
    (void)state;
    static const struct {
        const char *text, *expect;
    } bad[] = {
        {"10.0.0.0/33", "exceeds 32"}, {"2001:db8::/129", "exceeds 128"}, {"10.0.0/8", "not an IPv4 or IPv6"},
        {"hello", "not an IPv4 or IPv6"}, {"1.2.3.4/", "prefix length"}, {"1.2.3.4/x", "prefix length"},
        {"1.2.3.4/-1", "prefix length"}, {"", "empty"}, {"300.1.1.1/8", "not an IPv4"}, {"1.2.3.4/8/9", "prefix length"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct prefix_entry e;
        char err[200] = "";
        assert_false(prefix_parse(bad[i].text, &e, err, sizeof(err)));
        if (!strstr(err, bad[i].expect))
            fail_msg("'%s': error '%s' lacks '%s'", bad[i].text, err, bad[i].expect);
    }
}

static void test_load_file_reports_line(void **state)
{
    (void)state;
    char path[] = "/tmp/test_scan_blocklistXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "# lab blocklist\n198.18.5.0/24   # quiet subnet\n\n2001:db8:5::/48\n10.0.0.0/99\n");
    fclose(f);
    struct prefix_list l;
    prefix_list_init(&l);
    char err[300] = "";
    assert_int_equal(prefix_list_load_file(&l, path, err, sizeof(err)), -1);
    char want[100];
    snprintf(want, sizeof(want), "%s:5:", path);
    assert_non_null(strstr(err, want));
    assert_non_null(strstr(err, "exceeds 32"));
    prefix_list_free(&l);
    /* the same file without the bad line loads; comments become reasons */
    f = fopen(path, "w");
    fprintf(f, "# lab blocklist\n198.18.5.0/24   # quiet subnet\n\n2001:db8:5::/48\n");
    fclose(f);
    prefix_list_init(&l);
    assert_int_equal(prefix_list_load_file(&l, path, err, sizeof(err)), 0);
    assert_int_equal(l.n, 2);
    prefix_list_normalize(&l);
    const struct prefix_entry *hit = prefix_list_lookup(&l, 4, v4("198.18.5.77"));
    assert_non_null(hit);
    assert_non_null(strstr(hit->reason, "quiet subnet"));
    assert_null(prefix_list_lookup(&l, 4, v4("198.18.6.1")));
    assert_non_null(prefix_list_lookup(&l, 6, v6("2001:db8:5:ffff::1")));
    assert_null(prefix_list_lookup(&l, 6, v6("2001:db8:6::1")));
    prefix_list_free(&l);
    unlink(path);
    prefix_list_init(&l);
    assert_int_equal(prefix_list_load_file(&l, "/nonexistent/blocklist", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "/nonexistent/blocklist"));
    prefix_list_free(&l);
}

static void test_default_blocklist(void **state)
{
    (void)state;
    struct prefix_list l;
    prefix_list_init(&l);
    assert_int_equal(prefix_list_add_iana_special(&l), 0);
    prefix_list_normalize(&l);
    static const char *const blocked4[] = {"0.1.2.3", "10.9.9.9", "100.64.0.1", "127.0.0.1", "169.254.1.1",
                                           "172.16.0.1", "192.0.2.1", "192.168.1.1", "198.18.0.1", "198.19.255.255",
                                           "198.51.100.7", "203.0.113.9", "224.0.0.1", "240.0.0.1", "255.255.255.255"};
    for (size_t i = 0; i < sizeof(blocked4) / sizeof(blocked4[0]); i++)
        if (!prefix_list_lookup(&l, 4, v4(blocked4[i])))
            fail_msg("%s not blocked", blocked4[i]);
    static const char *const open4[] = {"1.1.1.1", "8.8.8.8", "198.20.0.1", "198.17.255.255", "223.255.255.255"};
    for (size_t i = 0; i < sizeof(open4) / sizeof(open4[0]); i++)
        if (prefix_list_lookup(&l, 4, v4(open4[i])))
            fail_msg("%s blocked", open4[i]);
    static const char *const blocked6[] = {"::1", "::", "::ffff:1.2.3.4", "2001:db8::1", "fe80::1", "fc00::1", "ff02::1",
                                           "2002::1", "64:ff9b::1"};
    for (size_t i = 0; i < sizeof(blocked6) / sizeof(blocked6[0]); i++)
        if (!prefix_list_lookup(&l, 6, v6(blocked6[i])))
            fail_msg("%s not blocked", blocked6[i]);
    assert_null(prefix_list_lookup(&l, 6, v6("2a00:1450::1")));
    const struct prefix_entry *e = prefix_list_lookup(&l, 6, v6("2001:db8:1::5"));
    assert_non_null(strstr(e->reason, "documentation"));
    prefix_list_free(&l);
}

struct cuts {
    unsigned n;
    u128 lo[8], hi[8];
};
static void record_cut(void *user, const struct prefix_entry *part, const struct prefix_entry *blocker)
{
    struct cuts *c = user;
    (void)blocker;
    c->lo[c->n] = part->lo;
    c->hi[c->n] = part->hi;
    c->n++;
}

static void test_subtract_and_merge(void **state)
{
    (void)state;
    struct prefix_list t, b, out;
    prefix_list_init(&t);
    prefix_list_init(&b);
    prefix_list_init(&out);
    char err[100];
    /* overlapping and adjacent targets merge into one range */
    assert_int_equal(prefix_list_add_text(&t, "198.18.0.0/24", NULL, err, sizeof(err)), 0);
    assert_int_equal(prefix_list_add_text(&t, "198.18.1.0/24", NULL, err, sizeof(err)), 0);
    assert_int_equal(prefix_list_add_text(&t, "198.18.0.128/25", NULL, err, sizeof(err)), 0);
    assert_int_equal(prefix_list_add_text(&t, "2001:db8::/126", NULL, err, sizeof(err)), 0);
    assert_int_equal(prefix_list_add_text(&b, "198.18.0.64/26", "why", err, sizeof(err)), 0);
    assert_int_equal(prefix_list_add_text(&b, "198.18.1.255", NULL, err, sizeof(err)), 0);
    assert_int_equal(prefix_list_add_text(&b, "2001:db8::2", NULL, err, sizeof(err)), 0);
    prefix_list_normalize(&t);
    prefix_list_normalize(&b);
    assert_int_equal(t.n, 2);
    assert_int_equal(prefix_list_count(&t), 512 + 4);
    struct cuts c = {0};
    assert_int_equal(prefix_list_subtract(&t, &b, &out, record_cut, &c), 0);
    assert_int_equal(prefix_list_count(&out), 512 + 4 - 64 - 1 - 1);
    assert_int_equal(c.n, 3);
    assert_true(c.lo[0] == v4("198.18.0.64") && c.hi[0] == v4("198.18.0.127"));
    /* nothing blocked survives, everything else does */
    for (uint32_t a = (uint32_t)v4("198.18.0.0"); a <= (uint32_t)v4("198.18.1.255"); a++) {
        bool in_out = prefix_list_lookup(&out, 4, a) != NULL;
        bool in_block = prefix_list_lookup(&b, 4, a) != NULL;
        assert_int_equal(in_out, !in_block);
    }
    assert_null(prefix_list_lookup(&out, 6, v6("2001:db8::2")));
    assert_non_null(prefix_list_lookup(&out, 6, v6("2001:db8::3")));
    prefix_list_free(&t);
    prefix_list_free(&b);
    prefix_list_free(&out);
}

static void test_target_space_roundtrip(void **state)
{
    (void)state;
    struct prefix_list l;
    prefix_list_init(&l);
    char err[100];
    assert_int_equal(prefix_list_add_text(&l, "198.18.0.0/29", NULL, err, sizeof(err)), 0);
    assert_int_equal(prefix_list_add_text(&l, "198.18.4.1", NULL, err, sizeof(err)), 0);
    assert_int_equal(prefix_list_add_text(&l, "2001:db8::/125", NULL, err, sizeof(err)), 0);
    prefix_list_normalize(&l);
    struct target_space ts;
    uint16_t ports[] = {80, 443, 8080};
    assert_int_equal(target_space_init(&ts, &l, ports, 3, err, sizeof(err)), 0);
    assert_int_equal(ts.n, (8 + 1 + 8) * 3);
    unsigned v4n = 0, v6n = 0;
    for (uint64_t i = 0; i < ts.n; i++) {
        struct ip_addr a;
        memset(&a, 0, sizeof(a));
        uint16_t port;
        target_space_get(&ts, i, &a, &port, NULL);
        char text[64];
        inet_ntop(a.family, a.bytes, text, sizeof(text));
        if (a.family == AF_INET)
            v4n++;
        else
            v6n++;
        uint64_t back;
        assert_true(target_space_index(&ts, &a, port, &back));
        assert_int_equal(back, i);
        /* every address is inside one of the listed prefixes */
        assert_true(!strncmp(text, "198.18.0.", 9) || !strcmp(text, "198.18.4.1") || !strncmp(text, "2001:db8::", 10));
    }
    assert_int_equal(v4n, 27);
    assert_int_equal(v6n, 24);
    struct ip_addr other;
    inet_pton(AF_INET, "198.18.0.8", other.bytes);
    other.family = AF_INET;
    uint64_t idx;
    assert_false(target_space_index(&ts, &other, 80, &idx));
    inet_pton(AF_INET, "198.18.0.7", other.bytes);
    assert_false(target_space_index(&ts, &other, 22, &idx));
    assert_true(target_space_index(&ts, &other, 443, &idx));
    target_space_free(&ts);
    prefix_list_free(&l);
}

static void count_cut(void *user, const struct prefix_entry *part, const struct prefix_entry *blocker)
{
    assert_int_equal(part->lo, part->hi);
    assert_true(blocker->lo <= part->lo && part->hi <= blocker->hi);
    (*(unsigned *)user)++;
}

/* Hitlist single addresses (the compact store): duplicates and addresses
 * inside a listed prefix fold away, blockers of either kind remove them,
 * the index space maps each remaining (address, port) once, both ways. */
static void test_hitlist_singles(void **state)
{
    (void)state;
    char path[] = "/tmp/test_hitlistXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    /* 300 singles, unsorted, with repeats; a prefix covering some; one commented single (a range entry) */
    for (int i = 299; i >= 0; i--)
        fprintf(f, "2001:db8:1::%x\n", i * 7);
    fprintf(f, "2001:db8:1::7\n2001:db8:1::/120\n2001:db8:2::1 # with a reason\n198.18.0.1\n");
    fclose(f);
    struct prefix_list t, b, out, b2;
    prefix_list_init(&t);
    prefix_list_init(&b);
    prefix_list_init(&out);
    prefix_list_init(&b2);
    char err[300];
    assert_int_equal(prefix_list_load_file(&t, path, err, sizeof(err)), 0);
    prefix_list_normalize(&t);
    /* 300 singles; those below ::100 (i*7 < 256: i = 0..36) are inside the /120 */
    assert_int_equal(t.n_one, 300 - 37);
    assert_int_equal(prefix_list_count(&t), 263 + 256 + 1 + 1);
    const struct prefix_entry *e = prefix_list_lookup(&t, 6, v6("2001:db8:1::7e0")); /* 0x7e0 = 288 * 7 */
    assert_non_null(e);
    assert_int_equal(e->plen, 128);
    assert_null(prefix_list_lookup(&t, 6, v6("2001:db8:1::7e1")));
    assert_non_null(strstr(prefix_list_lookup(&t, 6, v6("2001:db8:2::1"))->reason, "with a reason"));
    /* blockers: a range over some singles, and single-address blockers from a file */
    assert_int_equal(prefix_list_add_text(&b, "2001:db8:1::200/119", "r", err, sizeof(err)), 0); /* ::200-::3ff */
    prefix_list_normalize(&b);
    unlink(path);
    char path2[] = "/tmp/test_hitlistXXXXXX";
    fd = mkstemp(path2);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    fprintf(f, "2001:db8:1::7e0\n2001:db8:1::10\n");
    fclose(f);
    assert_int_equal(prefix_list_load_file(&b2, path2, err, sizeof(err)), 0);
    prefix_list_normalize(&b2);
    unlink(path2);
    unsigned cuts = 0;
    assert_int_equal(prefix_list_subtract(&t, &b, &out, count_cut, &cuts), 0);
    unsigned in_block = 0;
    for (int i = 37; i < 300; i++)
        in_block += i * 7 >= 0x200 && i * 7 <= 0x3ff;
    assert_int_equal(out.n_one, 263 - in_block);
    assert_int_equal(cuts, in_block); /* each blocked single reported */
    struct prefix_list out2;
    prefix_list_init(&out2);
    assert_int_equal(prefix_list_subtract_move(&out, &b2, &out2, NULL, NULL), 0);
    assert_null(out.one);
    assert_int_equal(out2.n_one, 263 - in_block - 1);            /* ::7e0 blocked by a single */
    assert_null(prefix_list_lookup(&out2, 6, v6("2001:db8:1::10"))); /* inside the /120: range cut */
    assert_null(prefix_list_lookup(&out2, 6, v6("2001:db8:1::7e0")));
    assert_int_equal(prefix_list_count(&out2), 263 - in_block - 1 + 255 + 1 + 1);
    struct target_space ts;
    uint16_t ports[] = {80, 443};
    assert_int_equal(target_space_init(&ts, &out2, ports, 2, err, sizeof(err)), 0);
    assert_int_equal(ts.n, prefix_list_count(&out2) * 2);
    for (uint64_t i = 0; i < ts.n; i++) {
        struct ip_addr a;
        uint16_t port;
        target_space_get(&ts, i, &a, &port, NULL);
        uint8_t fam = a.family == AF_INET ? 4 : 6;
        u128 x = 0;
        for (int k = 0; k < (fam == 4 ? 4 : 16); k++)
            x = x << 8 | a.bytes[k];
        assert_non_null(prefix_list_lookup(&out2, fam, x));
        uint64_t back;
        assert_true(target_space_index(&ts, &a, port, &back));
        assert_int_equal(back, i);
    }
    target_space_free(&ts);
    prefix_list_free(&t);
    prefix_list_free(&b);
    prefix_list_free(&b2);
    prefix_list_free(&out);
    prefix_list_free(&out2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_good),
        cmocka_unit_test(test_parse_bad_gives_clear_error),
        cmocka_unit_test(test_load_file_reports_line),
        cmocka_unit_test(test_default_blocklist),
        cmocka_unit_test(test_subtract_and_merge),
        cmocka_unit_test(test_target_space_roundtrip),
        cmocka_unit_test(test_hitlist_singles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
