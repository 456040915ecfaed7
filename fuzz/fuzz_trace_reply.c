/* fuzz_trace_reply.c — libFuzzer target: the tracer's matcher, quote differ, SYN-ACK judge and per-target state on arbitrary replies. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "io/json.h"
#include "net/build.h"
#include "net/icmp.h"
#include "trace/trace_diff.h"
#include "trace/trace_end.h"
#include "trace/trace_match.h"
#include "trace/trace_probe.h"
#include "trace/trace_state.h"
#include "trace/trace_targets.h"

#include "fuzz/fuzz_check.h"

static struct trace_enc enc;
static struct target_table tt;
static struct trace_matcher mt;
static struct ip_addr targets[2], routers[2];

static void init(void)
{
    static const uint8_t key[16] = "fuzz-trace-key!!";
    enc.probe = &probe_mptcp_v0;
    enc.pcfg = (struct probe_cfg){.mpc_flags = 0x81, .key_per_target = true, .window = 64240, .ttl = 64,
                                  .sport_lo = 40000, .sport_hi = 40099,
                                  .syn = {.mss = 1460, .wscale = 7, .sack_perm = true, .timestamps = true, .tsval = 9}};
    enc.cookie = cookie_new(key);
    ip_addr_parse("198.19.255.1", &enc.src4);
    ip_addr_parse("2001:db8:ffff::1", &enc.src6);
    enc.have4 = enc.have6 = true;
    ip_addr_parse("198.18.0.9", &targets[0]);
    ip_addr_parse("2001:db8:1::9", &targets[1]);
    ip_addr_parse("198.19.255.12", &routers[0]);
    ip_addr_parse("2001:db8:ffff::c", &routers[1]);
    tt_init(&tt);
    tt_add(&tt, &targets[0], 80, 0);
    tt_add(&tt, &targets[1], 80, 0);
    mt = (struct trace_matcher){&enc, &tt, 32};
}

/* What the engine does with a matched reply, with invariants on every result. */
static void handle(const uint8_t *ip, size_t len)
{
    struct trace_match m;
    enum trace_skip why;
    if (!trace_match(&mt, ip, len, &m, &why)) {
        CHECK(why < SKIP_COUNT);
        return;
    }
    CHECK(m.target >= 0 && (size_t)m.target < tt.n);
    CHECK(m.ttl >= 1 && m.ttl <= 32);
    const struct trace_target *t = &tt.v[m.target];
    /* both plans: the walk back to a clean quote and the full path */
    struct ts_params p = {.max_ttl = 32, .attempts = 3, .gap_limit = 5, .proxy_check = true,
                          .full_path = m.ttl & 1};
    struct tstate *st = ts_new(&p, (uint32_t)m.target, &m.keys, 0, 1);
    if (!st)
        return;
    /* pretend every attempt went out, so any serial/attempt in range resolves */
    for (unsigned a = 0; a < 3; a++) {
        struct ts_item it = {(uint8_t)m.ttl, false};
        unsigned at, se;
        ts_sent(st, &it, 1, &at, &se);
    }
    uint8_t sent[256];
    size_t off = 0, n = 0;
    if (m.kind == MATCH_DEST || m.kind == MATCH_SYN_ICMP) {
        if (!ts_resolve(st, m.ttl, &m.serial, &m.attempt)) {
            ts_free(st);
            return;
        }
        n = trace_build_syn(&enc, &t->addr, t->port, &st->keys, m.ttl, (unsigned)m.attempt, (unsigned)m.serial, sent,
                            sizeof sent, &off, NULL);
    }
    if (m.kind == MATCH_DEST) {
        struct probe_sig sig;
        struct probe_target pt = {.dst = t->addr, .dport = t->port,
                                  .cookie = {st->keys.c[0], st->keys.c[1], st->keys.c[2], st->keys.c[3]}};
        enc.probe->make_sig(&enc.pcfg, &pt, &sig);
        struct trace_end_reply er;
        if (trace_end_judge(&m.pv, &sig, &er)) {
            CHECK(er.mpc < SA_MPC_COUNT);
            CHECK(er.opt_len <= sizeof er.opt);
            CHECK(er.synack || er.mpc == SA_MPC_NONE);
            ts_on_dest(st, m.ttl, m.attempt, &er, 2);
        }
    } else if (m.kind == MATCH_SYN_ICMP) {
        struct trace_diff d;
        bool ok = n && trace_diff_quote(sent + off, n - off, &m.err, &d);
        if (ok) {
            CHECK(d.n_changes <= TRACE_DIFF_MAX_CHANGES && d.n_added <= TRACE_DIFF_MAX_OPTS &&
                  d.n_removed <= TRACE_DIFF_MAX_OPTS);
            /* a short quote is never a removal */
            CHECK(d.options_complete || (d.n_removed == 0 && d.mpc != MPC_REMOVED));
            CHECK(d.extent == QUOTE_FULL || d.mpc != MPC_REMOVED);
            CHECK(d.mpc < MPC_VIEW_COUNT);
            struct json j;
            json_init(&j);
            json_obj_begin(&j, JSON_COMPACT);
            trace_diff_json(&d, &j);
            json_obj_end(&j);
            CHECK(json_failed(&j) || json_len(&j) > 2);
            json_free(&j);
        }
        ts_on_icmp(st, m.ttl, m.attempt, &m.err, &d, ok, 2);
    } else {
        ts_plan(st, &p, (struct ts_item[TRACE_MAX_TTL + 2]){{0}}, TRACE_MAX_TTL + 2);
        ts_on_echo(st, m.ttl, m.kind == MATCH_ECHO_REPLY, &m.err, 2);
    }
    /* the next round, whatever came back: TTLs in range */
    struct ts_item next[TRACE_MAX_TTL + 2];
    unsigned planned = ts_plan(st, &p, next, TRACE_MAX_TTL + 2);
    for (unsigned i = 0; i < planned; i++)
        CHECK(next[i].ttl >= 1 && next[i].ttl <= 32);
    struct trace_verdict v;
    ts_verdict(st, &p, &v);
    CHECK(v.cls < CLASS_COUNT);
    CHECK(v.hop <= 32 && v.dest_hops <= 32);
    CHECK(v.cls != CLASS_MIDDLEBOX || v.hop != 0);
    ts_free(st);
}

/* Input: byte 0 picks the mode.
 *   even: bytes 1.. are an IP packet as received.
 *   odd:  a real probe (family from bit 1, TTL from byte 1, serial from byte 2)
 *         is XORed with bytes 4.. and quoted by a router in a time-exceeded of
 *         byte 3 transport bytes (255: all), so quotes of our own probes,
 *         mangled any way, reach the differ. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!enc.cookie)
        init();
    if (size < 1)
        return 0;
    if (!(data[0] & 1)) {
        handle(data + 1, size - 1);
        return 0;
    }
    if (size < 4)
        return 0;
    int fam = (data[0] >> 1) & 1;
    unsigned ttl = 1 + data[1] % 32, serial = data[2];
    struct trace_keys k;
    trace_keys_of(&enc, &targets[fam], 80, &k);
    uint8_t probe[256], icmp[1500];
    size_t off, n = trace_build_syn(&enc, &targets[fam], 80, &k, ttl, 0, serial, probe, sizeof probe, &off, NULL);
    if (!n)
        return 0;
    for (size_t i = 4; i < size && i - 4 < n; i++)
        probe[i - 4] ^= data[i];
    size_t q = data[3] == 255 ? SIZE_MAX : data[3];
    size_t in = icmp_build_time_exceeded(icmp, sizeof icmp, &routers[fam], probe, n, q, 64);
    if (in)
        handle(icmp, in);
    handle(probe, n);
    return 0;
}
