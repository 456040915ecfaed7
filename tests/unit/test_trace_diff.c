/* test_trace_diff.c — the quote differ on crafted router behaviour: clean quotes, strip, key rewrite, MSS clamp, NAT, short quotes that must never read as removals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>

#include "io/json.h"
#include "net/build.h"
#include "net/bytes.h"
#include "net/checksum.h"
#include "net/icmp.h"
#include "net/mptcp.h"
#include "net/tcpopt.h"
#include "trace/trace_diff.h"
#include "trace/trace_probe.h"

static const uint8_t key16[16] = "diff-test-key!!!";

struct probe {
    uint8_t sent[128];
    size_t len, l4;               /* l4: offset of the TCP header */
};

static void make_probe(struct probe *p, int family, const struct probe_module *m)
{
    struct trace_enc e = {.probe = m, .have4 = true, .have6 = true};
    e.pcfg = (struct probe_cfg){.mpc_flags = m->default_flags, .key = 0x0c0c0c0c0c0c0c0cull, .window = 64240,
                                .ttl = 64, .sport_lo = 40000, .sport_hi = 40999,
                                .syn = {.mss = 1460, .wscale = 7, .sack_perm = true, .timestamps = true, .tsval = 77}};
    e.cookie = cookie_new(key16);
    assert_non_null(e.cookie);
    assert_true(ip_addr_parse("198.19.255.1", &e.src4));
    assert_true(ip_addr_parse("2001:db8:ffff::1", &e.src6));
    struct ip_addr dst;
    assert_true(ip_addr_parse(family == AF_INET ? "198.18.3.4" : "2001:db8:3::4", &dst));
    struct trace_keys k;
    trace_keys_of(&e, &dst, 80, &k);
    size_t off;
    p->len = trace_build_syn(&e, &dst, 80, &k, 3, 0, 0, p->sent, sizeof p->sent, &off, NULL);
    assert_true(p->len > 0);
    p->l4 = family == AF_INET ? 20 : 40;
    cookie_free(e.cookie);
}

/* What a router at hop 3 sends back for `seen` (the probe as it arrived there),
 * quoting `quote` transport bytes; parsed as the tracer parses it. */
static void diff_of(const struct probe *sent, const uint8_t *seen, size_t seen_len, size_t quote, struct trace_diff *d,
                    bool expect_ok)
{
    static uint8_t icmp[1500];
    struct ip_addr router;
    assert_true(ip_addr_parse((seen[0] >> 4) == 4 ? "198.19.255.13" : "2001:db8:ffff::d", &router));
    uint8_t arrived[128];
    memcpy(arrived, seen, seen_len);
    arrived[(seen[0] >> 4) == 4 ? 8 : 7] = 1; /* the TTL left when it expired */
    if ((seen[0] >> 4) == 4) {                /* a router fixes the header checksum only */
        store_be16(arrived + 10, 0);
        store_be16(arrived + 10, csum_fold(csum_partial(arrived, 20, 0)));
    }
    size_t n = icmp_build_time_exceeded(icmp, sizeof icmp, &router, arrived, seen_len, quote, 64);
    assert_true(n > 0);
    struct pkt_view pv;
    struct icmp_error err;
    assert_int_equal(pkt_decode_ip(icmp, n, &pv), NET_OK);
    assert_int_equal(icmp_parse(&pv, &err), NET_OK);
    assert_true(err.is_error);
    assert_int_equal(trace_diff_quote(sent->sent, sent->len, &err, d), expect_ok);
}

static const struct trace_change *find(const struct trace_diff *d, enum trace_field f)
{
    for (unsigned i = 0; i < d->n_changes; i++)
        if (d->ch[i].field == f)
            return &d->ch[i];
    return NULL;
}

/* The option area's offset of the first option of `kind` in a packet. */
static size_t opt_off(const struct probe *p, const uint8_t *pkt, uint8_t kind)
{
    size_t hl = (size_t)(pkt[p->l4 + 12] >> 4) * 4, len;
    const uint8_t *o = tcpopt_find(pkt + p->l4 + 20, hl - 20, kind, &len);
    assert_non_null(o);
    return (size_t)(o - pkt);
}

static void clean_quote_is_clean(void **state)
{
    (void)state;
    for (int fam = 0; fam < 2; fam++) {
        struct probe p;
        make_probe(&p, fam ? AF_INET6 : AF_INET, fam ? &probe_mptcp_v1 : &probe_mptcp_v0);
        struct trace_diff d;
        /* TTL and header checksum change by design: nothing to report */
        diff_of(&p, p.sent, p.len, SIZE_MAX, &d, true);
        assert_int_equal(d.extent, QUOTE_FULL);
        assert_true(d.options_complete);
        assert_int_equal(d.mpc, MPC_SAME);
        assert_false(trace_diff_any(&d));
    }
}

static void strip_is_a_removal(void **state)
{
    (void)state;
    for (int fam = 0; fam < 2; fam++) {
        struct probe p;
        make_probe(&p, fam ? AF_INET6 : AF_INET, &probe_mptcp_v0);
        uint8_t seen[128];
        memcpy(seen, p.sent, p.len);
        /* TCPOPTSTRIP: the option's bytes become NOPs, the length stays */
        size_t o = opt_off(&p, seen, TCPOPT_MPTCP);
        memset(seen + o, TCPOPT_NOP, 12);
        pkt_fix_checksums(seen, p.len);
        struct trace_diff d;
        diff_of(&p, seen, p.len, SIZE_MAX, &d, true);
        assert_int_equal(d.mpc, MPC_REMOVED);
        assert_int_equal(d.n_removed, 1);
        char name[32];
        assert_string_equal(trace_opt_name(d.removed[0], name, sizeof name), "MP_CAPABLE");
        assert_int_equal(d.n_added, 0);
        assert_null(find(&d, TF_TCP_CHECKSUM)); /* implied by the removal, not reported */
        assert_int_equal(d.n_changes, 0);
        /* the same stripped SYN in an 8-byte quote shows nothing, never a removal */
        diff_of(&p, seen, p.len, 8, &d, true);
        assert_int_equal(d.extent, QUOTE_8);
        assert_int_equal(d.mpc, MPC_UNKNOWN);
        assert_int_equal(d.n_removed, 0);
        assert_false(trace_diff_any(&d));
        /* a partial quote that stops before the option: unknown again */
        diff_of(&p, seen, p.len, 28, &d, true);
        assert_int_equal(d.extent, QUOTE_PARTIAL);
        assert_false(d.options_complete);
        assert_int_equal(d.mpc, MPC_UNKNOWN);
        assert_int_equal(d.n_removed, 0);
    }
}

static void key_rewrite_and_mss_clamp(void **state)
{
    (void)state;
    struct probe p;
    make_probe(&p, AF_INET, &probe_mptcp_v0);
    uint8_t seen[128];
    memcpy(seen, p.sent, p.len);
    size_t o = opt_off(&p, seen, TCPOPT_MPTCP), m = opt_off(&p, seen, TCPOPT_MSS);
    uint64_t old_key = load_be64(seen + o + 4);
    store_be64(seen + o + 4, 0x1122334455667788ull);
    store_be16(seen + m + 2, 1400);
    pkt_fix_checksums(seen, p.len);
    struct trace_diff d;
    diff_of(&p, seen, p.len, SIZE_MAX, &d, true);
    assert_int_equal(d.mpc, MPC_KEY);
    const struct trace_change *k = find(&d, TF_MPTCP_KEY), *ms = find(&d, TF_MSS);
    assert_non_null(k);
    assert_int_equal(k->old_v.kind, TV_HEX);
    assert_int_equal(load_be64(k->old_v.hex), old_key);
    assert_int_equal(load_be64(k->new_v.hex), 0x1122334455667788ull);
    assert_non_null(ms);
    assert_int_equal(ms->old_v.u, 1460);
    assert_int_equal(ms->new_v.u, 1400);
    assert_null(find(&d, TF_TCP_CHECKSUM));
    assert_int_equal(d.n_changes, 2);
    /* rendered as the record's hop entry */
    struct json j;
    json_init(&j);
    json_obj_begin(&j, JSON_COMPACT);
    trace_diff_json(&d, &j);
    json_obj_end(&j);
    assert_non_null(strstr(json_data(&j), "{\"field\":\"mss\",\"old\":1460,\"new\":1400}"));
    assert_non_null(strstr(json_data(&j), "\"new\":\"1122334455667788\""));
    assert_non_null(strstr(json_data(&j), "\"removed\":[]"));
    json_free(&j);
    /* the version nibble changed: not just the key */
    memcpy(seen, p.sent, p.len);
    seen[o + 2] = (uint8_t)(MPTCP_SUB_CAPABLE << 4 | 1);
    pkt_fix_checksums(seen, p.len);
    diff_of(&p, seen, p.len, SIZE_MAX, &d, true);
    assert_int_equal(d.mpc, MPC_CHANGED);
    assert_non_null(find(&d, TF_MPTCP_VERSION));
}

static void nat_and_checksum_only(void **state)
{
    (void)state;
    for (int fam = 0; fam < 2; fam++) {
        struct probe p;
        make_probe(&p, fam ? AF_INET6 : AF_INET, &probe_mptcp_v1);
        uint8_t seen[128];
        memcpy(seen, p.sent, p.len);
        /* a NAT: another source address and port */
        if (fam)
            seen[8 + 15] ^= 0x40;
        else
            seen[12 + 3] ^= 0x40;
        store_be16(seen + p.l4, 2222);
        pkt_fix_checksums(seen, p.len);
        struct trace_diff d;
        diff_of(&p, seen, p.len, SIZE_MAX, &d, true);
        assert_non_null(find(&d, TF_IP_SRC));
        assert_non_null(find(&d, TF_TCP_SPORT));
        assert_null(find(&d, TF_TCP_CHECKSUM));
        assert_int_equal(d.mpc, MPC_SAME);
        /* only the checksum differs: something the quote does not show was altered */
        memcpy(seen, p.sent, p.len);
        seen[p.l4 + 17] ^= 0x01;
        diff_of(&p, seen, p.len, SIZE_MAX, &d, true);
        assert_int_equal(d.n_changes, 1);
        assert_non_null(find(&d, TF_TCP_CHECKSUM));
        if (fam) {
            /* a flow label rewritten by an IPv6 router */
            memcpy(seen, p.sent, p.len);
            seen[3] ^= 0x0f;
            diff_of(&p, seen, p.len, SIZE_MAX, &d, true);
            assert_non_null(find(&d, TF_IP6_FLOW));
            assert_int_equal(d.n_changes, 1);
        }
    }
}

static void added_option_and_8_byte_seq_change(void **state)
{
    (void)state;
    struct probe p;
    make_probe(&p, AF_INET, &probe_mptcp_v1);
    uint8_t seen[128];
    memcpy(seen, p.sent, p.len);
    /* a box appends an experimental option (kind 253, 4 bytes): data offset and lengths grow */
    size_t hl = (size_t)(seen[p.l4 + 12] >> 4) * 4;
    uint8_t extra[4] = {253, 4, 0xab, 0xcd};
    memcpy(seen + p.l4 + hl, extra, 4);
    seen[p.l4 + 12] = (uint8_t)(((hl + 4) / 4) << 4);
    store_be16(seen + 2, (uint16_t)(p.len + 4));
    pkt_fix_checksums(seen, p.len + 4);
    struct trace_diff d;
    diff_of(&p, seen, p.len + 4, SIZE_MAX, &d, true);
    assert_int_equal(d.n_added, 1);
    char name[32];
    assert_string_equal(trace_opt_name(d.added[0], name, sizeof name), "kind-253");
    assert_non_null(find(&d, TF_TCP_OFF));
    assert_non_null(find(&d, TF_IP_LEN));
    assert_int_equal(d.mpc, MPC_SAME);
    /* the sequence number is in every quote, 8 bytes too */
    memcpy(seen, p.sent, p.len);
    store_be32(seen + p.l4 + 4, load_be32(seen + p.l4 + 4) + 1000);
    pkt_fix_checksums(seen, p.len);
    diff_of(&p, seen, p.len, 8, &d, true);
    const struct trace_change *c = find(&d, TF_TCP_SEQ);
    assert_non_null(c);
    assert_int_equal(c->new_v.u - c->old_v.u, 1000);
    assert_int_equal(d.n_changes, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clean_quote_is_clean),
        cmocka_unit_test(strip_is_a_removal),
        cmocka_unit_test(key_rewrite_and_mss_clamp),
        cmocka_unit_test(nat_and_checksum_only),
        cmocka_unit_test(added_option_and_8_byte_seq_change),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
