/* trace_match.c — validates replies against the keyed probe encoding and tells which probe they answer. */
#include "trace/trace_match.h"

#include <string.h>
#include <sys/socket.h>

#include "net/bytes.h"
#include "net/icmp_echo.h"

static const char *const skip_names[SKIP_COUNT] = {
    "not-ours", "not-a-reply", "bad-packet", "garbage-quote", "unknown-target", "bad-check",
};

const char *trace_skip_name(enum trace_skip s)
{
    return (unsigned)s < SKIP_COUNT ? skip_names[s] : "?";
}

static bool is_ours(const struct trace_enc *e, const struct ip_addr *a)
{
    const struct ip_addr *src = trace_src_for(e, a);
    return src && ip_addr_equal(src, a);
}

static bool fail(enum trace_skip *skip, enum trace_skip why)
{
    *skip = why;
    return false;
}

static bool match_tcp(const struct trace_matcher *mt, struct trace_match *m, enum trace_skip *skip)
{
    const struct pkt_view *pv = &m->pv;
    uint8_t f = pv->tcp.flags;
    if (!(f & TCP_RST) && (f & (TCP_SYN | TCP_ACK)) != (TCP_SYN | TCP_ACK))
        return fail(skip, SKIP_NOT_REPLY);
    m->target = tt_find(mt->targets, &pv->src, pv->tcp.sport);
    if (m->target < 0)
        return fail(skip, SKIP_UNKNOWN_TARGET);
    trace_keys_of(mt->enc, &pv->src, pv->tcp.sport, &m->keys);
    /* the answer acknowledges our sequence number + 1: the code is in it */
    unsigned serial;
    if (pv->tcp.dport != trace_sport(mt->enc, &m->keys) ||
        !trace_code_from_seq(&m->keys, pv->tcp.ack - 1u, mt->max_ttl, &m->ttl, &serial))
        return fail(skip, SKIP_BAD_CHECK);
    m->serial = (int)serial;
    m->kind = MATCH_DEST;
    return true;
}

static bool match_echo_reply(const struct trace_matcher *mt, struct trace_match *m, enum trace_skip *skip)
{
    struct icmp_echo_reply er;
    if (!icmp_echo_reply_parse(&m->pv, &er))
        return fail(skip, SKIP_NOT_REPLY);
    m->target = tt_find(mt->targets, &m->pv.src, er.id);
    if (m->target < 0)
        return fail(skip, SKIP_UNKNOWN_TARGET);
    trace_keys_of(mt->enc, &m->pv.src, er.id, &m->keys);
    uint8_t want[8];
    trace_echo_payload(&m->keys, want);
    if (!trace_ttl_from_echo_seq(&m->keys, er.seq, mt->max_ttl, &m->ttl) || er.payload_len < 8 ||
        memcmp(er.payload, want, 8))
        return fail(skip, SKIP_BAD_CHECK);
    m->kind = MATCH_ECHO_REPLY;
    return true;
}

static bool match_quote(const struct trace_matcher *mt, struct trace_match *m, enum trace_skip *skip)
{
    const struct icmp_error *e = &m->err;
    const struct pkt_view *in = &e->inner;
    if (!in->l4 || in->fragment || in->ip_version != m->pv.ip_version || e->transport_quoted < 8)
        return fail(skip, SKIP_GARBAGE_QUOTE);
    if (!is_ours(mt->enc, &in->src) && !trace_src_for(mt->enc, &in->dst))
        return fail(skip, SKIP_GARBAGE_QUOTE);
    if (in->proto == (in->ip_version == 6 ? 58 : 1)) {
        uint16_t id, seq;
        if (!icmp_quoted_echo(in, &id, &seq))
            return fail(skip, SKIP_GARBAGE_QUOTE);
        m->target = tt_find(mt->targets, &in->dst, id);
        if (m->target < 0)
            return fail(skip, SKIP_UNKNOWN_TARGET);
        trace_keys_of(mt->enc, &in->dst, id, &m->keys);
        if (!trace_ttl_from_echo_seq(&m->keys, seq, mt->max_ttl, &m->ttl))
            return fail(skip, SKIP_BAD_CHECK);
        m->kind = MATCH_ECHO_ICMP;
        return true;
    }
    if (in->proto != 6)
        return fail(skip, SKIP_GARBAGE_QUOTE);
    /* sport, dport and seq: the first 8 bytes, quoted by every router */
    m->target = tt_find(mt->targets, &in->dst, in->tcp.dport);
    if (m->target < 0)
        return fail(skip, SKIP_UNKNOWN_TARGET);
    trace_keys_of(mt->enc, &in->dst, in->tcp.dport, &m->keys);
    bool sport_ok = in->tcp.sport == trace_sport(mt->enc, &m->keys);
    unsigned t1, a1, t2 = 0, a2 = 0;
    bool seq_ok = trace_code_from_seq(&m->keys, in->tcp.seq, mt->max_ttl, &t1, &a1);
    bool id_ok;
    if (in->ip_version == 4)
        id_ok = trace_code_from_ipid(&m->keys, in->ip_id, mt->max_ttl, &t2, &a2);
    else
        id_ok = (load_be32(in->l3) & 0xfffffu) == trace_flow_label(&m->keys);
    /* two independent keyed fields must agree: a NAT may rewrite the port,
     * a sequence randomiser the seq, a scrubber the IP ID, not all of them */
    if (seq_ok && (sport_ok || id_ok)) {
        m->ttl = t1;
        m->serial = (int)a1;
        if (in->ip_version == 4 && id_ok && t2 == t1)
            m->attempt = (int)a2;
    } else if (!seq_ok && sport_ok && id_ok && in->ip_version == 4) {
        m->ttl = t2;
        m->attempt = (int)a2;
        m->ttl_from_ipid = true;
    } else {
        return fail(skip, SKIP_BAD_CHECK);
    }
    m->kind = MATCH_SYN_ICMP;
    return true;
}

bool trace_match(const struct trace_matcher *mt, const uint8_t *ip, size_t len, struct trace_match *m,
                 enum trace_skip *skip)
{
    memset(m, 0, sizeof *m);
    m->serial = m->attempt = -1;
    enum net_status st = pkt_decode_ip(ip, len, &m->pv);
    if (st != NET_OK)
        return fail(skip, m->pv.proto == 6 || st == NET_BAD_VERSION || !m->pv.l4 ? SKIP_BAD_PACKET : SKIP_NOT_REPLY);
    if (!is_ours(mt->enc, &m->pv.dst))
        return fail(skip, SKIP_NOT_OURS);
    if (m->pv.proto == 6)
        return match_tcp(mt, m, skip);
    if (m->pv.proto != (m->pv.ip_version == 6 ? 58 : 1))
        return fail(skip, SKIP_NOT_REPLY);
    if (icmp_parse(&m->pv, &m->err) != NET_OK)
        return fail(skip, SKIP_BAD_PACKET);
    if (!m->err.is_error)
        return match_echo_reply(mt, m, skip);
    return match_quote(mt, m, skip);
}
