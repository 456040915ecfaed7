/* test_trace_state.c — a target's rounds and class: end of path learned from answers, retries and gap limit, proxy check, partial quotes, ICMP unreachable; the walk back to a clean quote. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>

#include "trace/trace_state.h"

/* FULL: every TTL up to the host (--full-path); WALK: the default walk back
 * from the host to the first clean quote; WALK_NC: the same without the proxy check. */
static const struct ts_params FULL = {.max_ttl = 8, .attempts = 3, .gap_limit = 2, .proxy_check = true,
                                      .full_path = true};
static const struct ts_params WALK = {.max_ttl = 8, .attempts = 3, .gap_limit = 2, .proxy_check = true};
static const struct ts_params WALK_NC = {.max_ttl = 8, .attempts = 3, .gap_limit = 2};
static struct ts_params P;   /* the plan of the test running */

static struct tstate *new_target_with(const struct ts_params *p, unsigned hint)
{
    P = *p;
    struct trace_keys k = {{1, 2, 3, 4}};
    struct tstate *st = ts_new(&P, 0, &k, hint, 1000);
    assert_non_null(st);
    return st;
}

static struct tstate *new_target(unsigned hint)
{
    return new_target_with(&FULL, hint);
}

/* Plans a round and "sends" every item still needed; returns how many left. */
static unsigned send_round(struct tstate *st, struct ts_item *items, unsigned *n)
{
    *n = ts_plan(st, &P, items, TRACE_MAX_TTL + 1);
    unsigned sent = 0;
    for (unsigned i = 0; i < *n; i++) {
        st->pending--;
        unsigned a, s;
        if (ts_still_needed(st, &items[i]) && ts_sent(st, &items[i], 2000, &a, &s))
            sent++;
    }
    return sent;
}

static void time_out(struct tstate *st)
{
    for (unsigned t = 0; t <= st->max_ttl; t++) {
        st->hop[t].waiting = false;
        if (st->echo)
            st->echo[t].waiting = false;
    }
    st->outstanding = 0;
}

static void te(struct tstate *st, unsigned ttl, uint8_t mpc, uint8_t extent, uint8_t type)
{
    struct icmp_error e = {.family = AF_INET, .type = type, .extent = extent, .is_error = true};
    assert_true(ip_addr_parse("198.19.255.11", &e.reporter));
    e.reporter.bytes[3] = (uint8_t)(10 + ttl);
    struct trace_diff d = {.extent = extent, .mpc = mpc};
    if (mpc == MPC_REMOVED) {
        d.n_removed = 1;
        d.removed[0] = 30 | 1 << 8;
    }
    ts_on_icmp(st, ttl, 0, &e, &d, true, 3000);
}

/* An answer from the host (at `dist` hops: a Linux reply TTL of 65 - dist) to the SYN at ttl. */
static void synack_from(struct tstate *st, unsigned ttl, unsigned dist, bool own, bool is_synack)
{
    struct trace_end_reply r = {.synack = is_synack, .reply_ttl = (uint8_t)(65 - dist),
                                .mpc = own ? SA_MPC_OWN : SA_MPC_NONE, .mptcp_version = own ? 1 : -1};
    ts_on_dest(st, ttl, 0, &r, 3000);
}

static void synack(struct tstate *st, unsigned ttl, bool own, bool is_synack)
{
    synack_from(st, ttl, ttl, own, is_synack);
}

static void reached_host_is_mptcp(void **state)
{
    (void)state;
    struct tstate *st = new_target(0);
    struct ts_item it[TRACE_MAX_TTL + 1];
    unsigned n;
    /* random order: TTLs 3 and 6 go first; 6 answers first (the host is at 3) */
    n = ts_plan(st, &P, it, TRACE_MAX_TTL + 1);
    assert_int_equal(n, 8);
    unsigned a, s;
    struct ts_item six = {6, false}, three = {3, false};
    assert_true(ts_sent(st, &six, 1500, &a, &s));
    assert_int_equal(s, 0);
    assert_true(ts_sent(st, &three, 1500, &a, &s));
    synack_from(st, 6, 3, true, true);
    /* its reply TTL says 3 hops: 4, 5, 7, 8 are no longer worth sending */
    struct ts_item four = {4, false}, one = {1, false};
    assert_false(ts_still_needed(st, &four));
    assert_true(ts_still_needed(st, &one));
    for (unsigned t = 1; t <= 2; t++) {
        struct ts_item x = {(uint8_t)t, false};
        assert_true(ts_sent(st, &x, 1600, &a, &s));
        assert_int_equal(s, t + 1); /* serials count up per target */
    }
    st->pending = 0;
    te(st, 1, MPC_SAME, QUOTE_FULL, 11);
    te(st, 2, MPC_SAME, QUOTE_FULL, 11);
    synack(st, 3, true, false); /* a RST at the lower TTL (the host had a request open) */
    assert_int_equal(st->dest_ttl, 3);
    assert_true(st->dest.synack); /* judged by the SYN-ACK, not the RST */
    assert_int_equal(st->reach_ttl, 6);
    assert_int_equal(st->outstanding, 0);
    /* next: the proxy check at TTL 3 */
    n = ts_plan(st, &P, it, TRACE_MAX_TTL + 1);
    assert_int_equal(n, 1);
    assert_true(it[0].echo);
    assert_int_equal(it[0].ttl, 3);
    ts_sent(st, &it[0], 4000, &a, &s);
    ts_on_echo(st, 3, true, NULL, 4100);
    assert_int_equal(ts_plan(st, &P, it, TRACE_MAX_TTL + 1), 0);
    assert_int_equal(st->phase, PH_DONE);
    assert_false(st->dest_inferred);
    struct trace_verdict v;
    ts_verdict(st, &P, &v);
    assert_int_equal(v.cls, CLASS_MPTCP);
    assert_int_equal(v.hop, 0);
    assert_int_equal(v.dest_hops, 3);
    assert_int_equal(v.end, END_REACHED);
    assert_int_equal(st->check, CK_HOST);
    ts_free(st);
}

/* Without a hint, a SYN past the host that answers first names the distance:
 * the SYN at it is not sent, the proxy check's echo puts the host there. */
static void echo_stands_in_for_the_syn_at_the_distance(void **state)
{
    (void)state;
    struct tstate *st = new_target(0);
    struct ts_item it[TRACE_MAX_TTL + 1];
    unsigned a, s;
    assert_int_equal(ts_plan(st, &P, it, TRACE_MAX_TTL + 1), 8);
    struct ts_item six = {6, false}, three = {3, false}, four = {4, false}, two = {2, false};
    assert_true(ts_sent(st, &six, 1500, &a, &s));
    synack_from(st, 6, 3, true, true);
    assert_false(ts_still_needed(st, &three)); /* the echo will stand in for it */
    assert_false(ts_still_needed(st, &four));
    assert_true(ts_still_needed(st, &two));
    for (unsigned t = 1; t <= 2; t++) {
        struct ts_item x = {(uint8_t)t, false};
        assert_true(ts_sent(st, &x, 1600, &a, &s));
    }
    st->pending = 0;
    te(st, 1, MPC_SAME, QUOTE_FULL, 11);
    te(st, 2, MPC_SAME, QUOTE_FULL, 11);
    unsigned n = ts_plan(st, &P, it, TRACE_MAX_TTL + 1);
    assert_int_equal(n, 1);
    assert_true(it[0].echo);
    assert_int_equal(it[0].ttl, 3);
    ts_sent(st, &it[0], 4000, &a, &s);
    ts_on_echo(st, 3, true, NULL, 4100);
    assert_int_equal(ts_plan(st, &P, it, TRACE_MAX_TTL + 1), 0);
    assert_true(st->dest_inferred);
    assert_int_equal(st->dest_ttl, 3);
    assert_int_equal(st->hop[3].tries, 0);
    assert_int_equal(st->probes, 4); /* SYNs at 6, 1, 2 and the echo */
    struct trace_verdict v;
    ts_verdict(st, &P, &v);
    assert_int_equal(v.answered, 4); /* 1, 2, the echo at 3, the SYN-ACK at 6 */
    assert_int_equal(v.cls, CLASS_MPTCP);
    assert_int_equal(v.dest_hops, 3);
    assert_int_equal(v.end, END_REACHED);
    ts_free(st);
}

/* The same start, but a proxy answered at 3: the echo there expires further
 * on, so the SYN at 3 goes out after all, is answered, and the proxy is found
 * without a second echo at 3. */
static void refuted_estimate_sends_the_syns(void **state)
{
    (void)state;
    struct tstate *st = new_target(0);
    struct ts_item it[TRACE_MAX_TTL + 1];
    unsigned a, s, n;
    assert_int_equal(ts_plan(st, &P, it, TRACE_MAX_TTL + 1), 8);
    struct ts_item five = {5, false};
    assert_true(ts_sent(st, &five, 1500, &a, &s));
    synack_from(st, 5, 3, true, true);
    for (unsigned t = 1; t <= 2; t++) {
        struct ts_item x = {(uint8_t)t, false};
        assert_true(ts_sent(st, &x, 1600, &a, &s));
    }
    st->pending = 0;
    te(st, 1, MPC_SAME, QUOTE_FULL, 11);
    te(st, 2, MPC_SAME, QUOTE_FULL, 11);
    assert_int_equal(send_round(st, it, &n), 1);
    assert_true(it[0].echo && it[0].ttl == 3);
    struct icmp_error e = {.family = AF_INET, .type = 11, .is_error = true};
    ts_on_echo(st, 3, false, &e, 5000);
    /* the SYN at 3 alone (were it a router's, the SYNs above it would follow) */
    assert_int_equal(send_round(st, it, &n), 1);
    assert_true(!it[0].echo && it[0].ttl == 3);
    assert_true(st->est_refuted);
    synack(st, 3, true, true);
    /* the echo at 3 already said "beyond": a proxy, then its distance, one TTL at a time */
    assert_int_equal(send_round(st, it, &n), 1);
    assert_true(it[0].echo && it[0].ttl == 4);
    assert_int_equal(st->check, CK_PROXY);
    ts_on_echo(st, 4, true, NULL, 6000);
    assert_int_equal(ts_plan(st, &P, it, TRACE_MAX_TTL + 1), 0);
    struct trace_verdict v;
    ts_verdict(st, &P, &v);
    assert_int_equal(v.cls, CLASS_MIDDLEBOX);
    assert_int_equal(v.hop, 3);
    assert_int_equal(v.dest_hops, 4);
    assert_false(st->dest_inferred);
    ts_free(st);
}

/* The reply TTL named 3 but the host is at 4 (a shorter way back): the echo
 * at 3 and then the SYN at 3 expire at a router, so the SYN at 4 follows. */
static void short_way_back_probes_on(void **state)
{
    (void)state;
    struct tstate *st = new_target(0);
    struct ts_item it[TRACE_MAX_TTL + 1];
    unsigned a, s, n;
    assert_int_equal(ts_plan(st, &P, it, TRACE_MAX_TTL + 1), 8);
    struct ts_item seven = {7, false};
    assert_true(ts_sent(st, &seven, 1500, &a, &s));
    synack_from(st, 7, 3, true, true);
    for (unsigned t = 1; t <= 2; t++) {
        struct ts_item x = {(uint8_t)t, false};
        assert_true(ts_sent(st, &x, 1600, &a, &s));
    }
    st->pending = 0;
    te(st, 1, MPC_SAME, QUOTE_FULL, 11);
    te(st, 2, MPC_SAME, QUOTE_FULL, 11);
    assert_int_equal(send_round(st, it, &n), 1);
    struct icmp_error e = {.family = AF_INET, .type = 11, .is_error = true};
    ts_on_echo(st, 3, false, &e, 5000);
    assert_int_equal(send_round(st, it, &n), 1);
    assert_true(!it[0].echo && it[0].ttl == 3);
    te(st, 3, MPC_SAME, QUOTE_FULL, 11);
    assert_int_equal(send_round(st, it, &n), 3); /* 4, 5, 6: below the TTL that reached it */
    synack(st, 4, true, true);
    te(st, 5, MPC_SAME, QUOTE_FULL, 11);
    st->pending = 0;
    time_out(st);
    assert_int_equal(send_round(st, it, &n), 1); /* the proxy check at 4 */
    assert_true(it[0].echo && it[0].ttl == 4);
    ts_on_echo(st, 4, true, NULL, 6000);
    assert_int_equal(ts_plan(st, &P, it, TRACE_MAX_TTL + 1), 0);
    struct trace_verdict v;
    ts_verdict(st, &P, &v);
    assert_int_equal(v.cls, CLASS_MPTCP);
    assert_int_equal(v.dest_hops, 4);
    assert_false(st->dest_inferred);
    ts_free(st);
}

static void proxy_found_at_its_hop(void **state)
{
    (void)state;
    struct tstate *st = new_target(3);
    struct ts_item it[TRACE_MAX_TTL + 1];
    unsigned n;
    assert_int_equal(send_round(st, it, &n), 3); /* the hint: TTL 1..3 only */
    te(st, 1, MPC_SAME, QUOTE_FULL, 11);
    te(st, 2, MPC_SAME, QUOTE_FULL, 11);
    synack(st, 3, true, true);
    assert_int_equal(send_round(st, it, &n), 1);
    assert_true(it[0].echo);
    /* the echo at TTL 3 expires further on: the SYN-ACK came from a box in front of the host */
    struct icmp_error e = {.family = AF_INET, .type = 11, .is_error = true};
    ts_on_echo(st, 3, false, &e, 5000);
    assert_int_equal(send_round(st, it, &n), 1); /* echoes beyond it one TTL at a time */
    assert_int_equal(it[0].ttl, 4);
    ts_on_echo(st, 4, false, &e, 5100);
    assert_int_equal(send_round(st, it, &n), 1);
    assert_int_equal(it[0].ttl, 5);
    ts_on_echo(st, 5, true, NULL, 5200);
    assert_int_equal(ts_plan(st, &P, it, TRACE_MAX_TTL + 1), 0);
    struct trace_verdict v;
    ts_verdict(st, &P, &v);
    assert_int_equal(v.cls, CLASS_MIDDLEBOX);
    assert_int_equal(v.hop, 3);
    assert_int_equal(v.dest_hops, 5);
    assert_int_equal(st->check, CK_PROXY);
    ts_free(st);
}

static void change_goes_to_the_next_full_quote(void **state)
{
    (void)state;
    struct tstate *st = new_target(4);
    struct ts_item it[TRACE_MAX_TTL + 1];
    unsigned n;
    send_round(st, it, &n);
    te(st, 1, MPC_SAME, QUOTE_FULL, 11);
    te(st, 2, MPC_UNKNOWN, QUOTE_8, 11);    /* an RFC 792 router: cannot show the option */
    te(st, 3, MPC_REMOVED, QUOTE_FULL, 11); /* the first full quote after it: gone */
    synack(st, 4, false, true);
    send_round(st, it, &n);
    ts_on_echo(st, 4, true, NULL, 6000);
    assert_int_equal(ts_plan(st, &P, it, TRACE_MAX_TTL + 1), 0);
    struct trace_verdict v;
    ts_verdict(st, &P, &v);
    assert_int_equal(v.cls, CLASS_MIDDLEBOX);
    assert_int_equal(v.hop, 3);
    assert_int_equal(v.mpc_hop, 3);
    assert_int_equal(v.partial, 1);
    assert_int_equal(v.answered, 4);
    ts_free(st);
}

static void silent_target_retries_then_gives_up(void **state)
{
    (void)state;
    struct tstate *st = new_target(0);
    struct ts_item it[TRACE_MAX_TTL + 1];
    unsigned n, rounds = 0, total = 0;
    total += send_round(st, it, &n); /* 1..8 */
    rounds++;
    te(st, 1, MPC_SAME, QUOTE_FULL, 11);
    for (;;) {
        time_out(st);
        unsigned sent = send_round(st, it, &n);
        if (!n)
            break;
        total += sent;
        rounds++;
        /* only the gap window past hop 1 comes back: TTL 2 and 3 */
        for (unsigned i = 0; i < n; i++)
            assert_true(it[i].ttl == 2 || it[i].ttl == 3);
    }
    assert_int_equal(rounds, 3);         /* the first try and 2 retries */
    assert_int_equal(total, 8 + 2 + 2);
    struct trace_verdict v;
    ts_verdict(st, &P, &v);
    assert_int_equal(v.cls, CLASS_UNREACHABLE);
    assert_int_equal(v.end, END_GAP);
    assert_int_equal(v.dest_hops, 0);
    ts_free(st);
}

static void admin_prohibited_ends_the_path(void **state)
{
    (void)state;
    struct tstate *st = new_target(0);
    struct ts_item it[TRACE_MAX_TTL + 1];
    unsigned n;
    send_round(st, it, &n);
    te(st, 1, MPC_SAME, QUOTE_FULL, 11);
    te(st, 2, MPC_SAME, QUOTE_FULL, 11);
    te(st, 3, MPC_SAME, QUOTE_FULL, 3);    /* type 3: unreachable */
    te(st, 5, MPC_SAME, QUOTE_FULL, 3);
    /* everything below the end answered, nothing past it is waited for */
    assert_int_equal(st->outstanding, 0);
    assert_int_equal(ts_plan(st, &P, it, TRACE_MAX_TTL + 1), 0);
    struct trace_verdict v;
    ts_verdict(st, &P, &v);
    assert_int_equal(v.cls, CLASS_UNREACHABLE);
    assert_int_equal(v.end, END_UNREACHABLE);
    assert_int_equal(v.end_ttl, 3);
    ts_free(st);
}

static void rst_only_is_no_mptcp(void **state)
{
    (void)state;
    struct tstate *st = new_target(2);
    struct ts_item it[TRACE_MAX_TTL + 1];
    unsigned n;
    send_round(st, it, &n);
    te(st, 1, MPC_SAME, QUOTE_FULL, 11);
    synack(st, 2, false, false);
    send_round(st, it, &n);
    ts_on_echo(st, 2, true, NULL, 6000);
    ts_plan(st, &P, it, TRACE_MAX_TTL + 1);
    struct trace_verdict v;
    ts_verdict(st, &P, &v);
    assert_int_equal(v.cls, CLASS_NO_MPTCP);
    assert_false(st->dest.synack);
    ts_free(st);
}

/* One SYN (the next round's) must be exactly this one. */
static void expect_syn(struct tstate *st, struct ts_item *it, unsigned ttl)
{
    unsigned n;
    assert_int_equal(send_round(st, it, &n), 1);
    assert_int_equal(n, 1);
    assert_false(it[0].echo);
    assert_int_equal(it[0].ttl, ttl);
}

static void expect_echo(struct tstate *st, struct ts_item *it, unsigned ttl)
{
    unsigned n;
    assert_int_equal(send_round(st, it, &n), 1);
    assert_true(it[0].echo);
    assert_int_equal(it[0].ttl, ttl);
}

/* The proxy check's echo at ttl comes back from the host, and the trace is over. */
static void host_answers_echo(struct tstate *st, struct ts_item *it, unsigned ttl)
{
    expect_echo(st, it, ttl);
    ts_on_echo(st, ttl, true, NULL, 6000);
    assert_int_equal(ts_plan(st, &P, it, TRACE_MAX_TTL + 1), 0);
}

/* The class, hop and distance of a trace that reached its host; frees it. */
static void verdict_is(struct tstate *st, enum trace_class cls, unsigned hop, unsigned dest_hops)
{
    struct trace_verdict v;
    ts_verdict(st, &P, &v);
    assert_int_equal(v.cls, cls);
    assert_int_equal(v.hop, hop);
    assert_int_equal(v.dest_hops, dest_hops);
    assert_int_equal(v.end, END_REACHED);
    ts_free(st);
}

/* No hint: one SYN at --max-ttl reaches the host, its reply TTL names 5 hops;
 * the SYN at 4 is quoted whole and unchanged, so nothing below it is probed,
 * and the echo at 5 stands in for the SYN there: 3 probes in all. */
static void walk_stops_at_a_clean_quote(void **state)
{
    (void)state;
    struct tstate *st = new_target_with(&WALK, 0);
    struct ts_item it[TRACE_MAX_TTL + 1];
    expect_syn(st, it, 8);
    synack_from(st, 8, 5, true, true);
    expect_syn(st, it, 4);
    te(st, 4, MPC_SAME, QUOTE_FULL, 11);
    host_answers_echo(st, it, 5);
    assert_int_equal(st->probes, 3);
    for (unsigned t = 1; t <= 3; t++)
        assert_int_equal(st->hop[t].tries, 0);
    assert_int_equal(st->check, CK_HOST);
    verdict_is(st, CLASS_MPTCP, 0, 5);
}

/* A strip at hop 3 behind an 8-byte quote at hop 2: the walk passes every
 * quote that shows the change or cannot show it, and ends at hop 1, so the
 * change goes to hop 3 as on the full path. */
static void walk_passes_changed_and_short_quotes(void **state)
{
    (void)state;
    struct tstate *st = new_target_with(&WALK, 5);
    struct ts_item it[TRACE_MAX_TTL + 1];
    expect_syn(st, it, 5); /* the hint */
    synack(st, 5, false, true);
    expect_syn(st, it, 4);
    te(st, 4, MPC_REMOVED, QUOTE_FULL, 11);
    expect_syn(st, it, 3);
    te(st, 3, MPC_REMOVED, QUOTE_FULL, 11);
    expect_syn(st, it, 2);
    te(st, 2, MPC_UNKNOWN, QUOTE_8, 11);
    expect_syn(st, it, 1);
    te(st, 1, MPC_SAME, QUOTE_FULL, 11);
    host_answers_echo(st, it, 5);
    struct trace_verdict v;
    ts_verdict(st, &P, &v);
    assert_int_equal(v.partial, 1);
    verdict_is(st, CLASS_MIDDLEBOX, 3, 5);
}

/* A silent TTL on the walk is retried, then passed: the walk goes on below it. */
static void walk_retries_then_passes_a_silent_hop(void **state)
{
    (void)state;
    struct tstate *st = new_target_with(&WALK, 4);
    struct ts_item it[TRACE_MAX_TTL + 1];
    expect_syn(st, it, 4);
    synack(st, 4, true, true);
    for (unsigned i = 0; i < P.attempts; i++) {
        expect_syn(st, it, 3);
        time_out(st);
    }
    expect_syn(st, it, 2);
    te(st, 2, MPC_SAME, QUOTE_FULL, 11);
    host_answers_echo(st, it, 4);
    assert_int_equal(st->hop[1].tries, 0);
    verdict_is(st, CLASS_MPTCP, 0, 4);
}

/* The reply TTL named 3, the host is at 4: the echo at 3 and the SYN at 3
 * expire at routers, so the walk goes up from there to the host, then down. */
static void walk_climbs_when_the_estimate_is_short(void **state)
{
    (void)state;
    struct tstate *st = new_target_with(&WALK, 0);
    struct ts_item it[TRACE_MAX_TTL + 1];
    expect_syn(st, it, 8);
    synack_from(st, 8, 3, true, true);
    expect_syn(st, it, 2);
    te(st, 2, MPC_SAME, QUOTE_FULL, 11);
    expect_echo(st, it, 3);
    struct icmp_error e = {.family = AF_INET, .type = 11, .is_error = true};
    ts_on_echo(st, 3, false, &e, 5000);
    expect_syn(st, it, 3);
    te(st, 3, MPC_SAME, QUOTE_FULL, 11);
    expect_syn(st, it, 4);
    synack(st, 4, true, true);
    host_answers_echo(st, it, 4);
    assert_int_equal(st->check, CK_HOST);
    verdict_is(st, CLASS_MPTCP, 0, 4);
}

/* A proxy at 3 (the host at 5): the walk finds it as the full path does. */
static void walk_finds_a_proxy(void **state)
{
    (void)state;
    struct tstate *st = new_target_with(&WALK, 0);
    struct ts_item it[TRACE_MAX_TTL + 1];
    struct icmp_error e = {.family = AF_INET, .type = 11, .is_error = true};
    expect_syn(st, it, 8);
    synack_from(st, 8, 3, true, true); /* the proxy's SYN-ACK */
    expect_syn(st, it, 2);
    te(st, 2, MPC_SAME, QUOTE_FULL, 11);
    expect_echo(st, it, 3);
    ts_on_echo(st, 3, false, &e, 5000); /* the echo goes on past it */
    expect_syn(st, it, 3);
    synack(st, 3, true, true);
    expect_echo(st, it, 4);
    ts_on_echo(st, 4, false, &e, 5100);
    host_answers_echo(st, it, 5);
    verdict_is(st, CLASS_MIDDLEBOX, 3, 5);
}

/* Without the proxy check the SYN at the estimate goes out; a hint that fell
 * short of the host sends the next SYN to --max-ttl. */
static void walk_without_check_and_short_hint(void **state)
{
    (void)state;
    struct tstate *st = new_target_with(&WALK_NC, 0);
    struct ts_item it[TRACE_MAX_TTL + 1];
    expect_syn(st, it, 8);
    synack_from(st, 8, 5, true, true);
    expect_syn(st, it, 5);
    synack(st, 5, true, true);
    expect_syn(st, it, 4);
    te(st, 4, MPC_SAME, QUOTE_FULL, 11);
    assert_int_equal(ts_plan(st, &P, it, TRACE_MAX_TTL + 1), 0);
    assert_int_equal(st->probes, 3);
    assert_int_equal(st->check, CK_OFF);
    verdict_is(st, CLASS_MPTCP, 0, 5);

    st = new_target_with(&WALK_NC, 2);
    expect_syn(st, it, 2);
    te(st, 2, MPC_SAME, QUOTE_FULL, 11);
    expect_syn(st, it, 8);
    synack_from(st, 8, 4, true, true);
    expect_syn(st, it, 3); /* up from the hint */
    te(st, 3, MPC_SAME, QUOTE_FULL, 11);
    expect_syn(st, it, 4);
    synack(st, 4, true, true);
    assert_int_equal(ts_plan(st, &P, it, TRACE_MAX_TTL + 1), 0);
    verdict_is(st, CLASS_MPTCP, 0, 4);
}

/* A host that never answers the first SYN: the full plan takes over (its gap limit). */
static void walk_falls_back_for_a_silent_host(void **state)
{
    (void)state;
    struct tstate *st = new_target_with(&WALK, 0);
    struct ts_item it[TRACE_MAX_TTL + 1];
    unsigned n;
    expect_syn(st, it, 8);
    time_out(st);
    assert_int_equal(send_round(st, it, &n), 2); /* TTL 1 and 2: the gap window */
    te(st, 1, MPC_SAME, QUOTE_FULL, 11);
    for (;;) {
        time_out(st);
        send_round(st, it, &n);
        if (!n)
            break;
    }
    struct trace_verdict v;
    ts_verdict(st, &P, &v);
    assert_int_equal(v.cls, CLASS_UNREACHABLE);
    assert_int_equal(v.end, END_GAP);
    ts_free(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reached_host_is_mptcp),
        cmocka_unit_test(echo_stands_in_for_the_syn_at_the_distance),
        cmocka_unit_test(refuted_estimate_sends_the_syns),
        cmocka_unit_test(short_way_back_probes_on),
        cmocka_unit_test(proxy_found_at_its_hop),
        cmocka_unit_test(change_goes_to_the_next_full_quote),
        cmocka_unit_test(silent_target_retries_then_gives_up),
        cmocka_unit_test(admin_prohibited_ends_the_path),
        cmocka_unit_test(rst_only_is_no_mptcp),
        cmocka_unit_test(walk_stops_at_a_clean_quote),
        cmocka_unit_test(walk_passes_changed_and_short_quotes),
        cmocka_unit_test(walk_retries_then_passes_a_silent_hop),
        cmocka_unit_test(walk_climbs_when_the_estimate_is_short),
        cmocka_unit_test(walk_finds_a_proxy),
        cmocka_unit_test(walk_without_check_and_short_hint),
        cmocka_unit_test(walk_falls_back_for_a_silent_host),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
