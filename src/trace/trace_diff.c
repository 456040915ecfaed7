/* trace_diff.c — field-by-field and option-by-option comparison of a quoted probe with the probe as sent. */
#include "trace/trace_diff.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "net/bytes.h"
#include "net/mptcp.h"
#include "net/packet.h"
#include "net/tcpopt.h"

static const char *const field_names[TF_COUNT] = {
    [TF_IP_TOS] = "ip.tos",         [TF_IP_LEN] = "ip.len",         [TF_IP_ID] = "ip.id",
    [TF_IP_FRAG] = "ip.frag",       [TF_IP_IHL] = "ip.ihl",         [TF_IP_PROTO] = "ip.proto",
    [TF_IP_SRC] = "ip.src",         [TF_IP_DST] = "ip.dst",         [TF_IP6_TCLASS] = "ip6.tclass",
    [TF_IP6_FLOW] = "ip6.flow",     [TF_IP6_PLEN] = "ip6.plen",     [TF_IP6_NEXT] = "ip6.next",
    [TF_TCP_SPORT] = "tcp.sport",   [TF_TCP_DPORT] = "tcp.dport",   [TF_TCP_SEQ] = "tcp.seq",
    [TF_TCP_ACK] = "tcp.ack",       [TF_TCP_OFF] = "tcp.off",       [TF_TCP_FLAGS] = "tcp.flags",
    [TF_TCP_WINDOW] = "tcp.window", [TF_TCP_CHECKSUM] = "tcp.checksum", [TF_TCP_URGENT] = "tcp.urgent",
    [TF_MSS] = "mss",               [TF_WSCALE] = "wscale",         [TF_TS_VAL] = "ts.val",
    [TF_TS_ECR] = "ts.ecr",         [TF_MPTCP_LEN] = "mptcp.len",   [TF_MPTCP_VERSION] = "mptcp.version",
    [TF_MPTCP_FLAGS] = "mptcp.flags", [TF_MPTCP_KEY] = "mptcp.key", [TF_OPT_BYTES] = "opt",
};

const char *trace_field_name(enum trace_field f)
{
    return (unsigned)f < TF_COUNT ? field_names[f] : "?";
}

static const char *const mpc_names[MPC_VIEW_COUNT] = {"unknown", "same", "removed", "key", "changed", "added"};

const char *trace_mpc_view_name(enum trace_mpc_view v)
{
    return (unsigned)v < MPC_VIEW_COUNT ? mpc_names[v] : "?";
}

#define OPT_ID_MP_CAPABLE ((trace_opt_id)(TCPOPT_MPTCP | (MPTCP_SUB_CAPABLE + 1) << 8))

const char *trace_opt_name(trace_opt_id id, char *buf, size_t len)
{
    uint8_t kind = (uint8_t)id;
    switch (kind) {
    case TCPOPT_MSS: return "MSS";
    case TCPOPT_WSCALE: return "WS";
    case TCPOPT_SACK_PERM: return "SACK_PERM";
    case TCPOPT_SACK: return "SACK";
    case TCPOPT_TIMESTAMP: return "TS";
    case TCPOPT_MPTCP:
        if (id >> 8)
            return mptcp_subtype_name((id >> 8) - 1u);
        return "MPTCP";
    default:
        snprintf(buf, len, "kind-%u", kind);
        return buf;
    }
}

static trace_opt_id opt_id(const struct tcp_opt *o)
{
    if (o->kind == TCPOPT_MPTCP && o->len >= 3)
        return (trace_opt_id)(TCPOPT_MPTCP | ((o->data[2] >> 4) + 1) << 8);
    return o->kind;
}

/* ---------------------------------------------------------------- recording */

static struct trace_change *add_change(struct trace_diff *d, enum trace_field f)
{
    if (d->n_changes >= TRACE_DIFF_MAX_CHANGES) {
        d->overflow = true;
        return NULL;
    }
    struct trace_change *c = &d->ch[d->n_changes++];
    memset(c, 0, sizeof *c);
    c->field = (uint8_t)f;
    return c;
}

static void change_u(struct trace_diff *d, enum trace_field f, uint64_t old_v, uint64_t new_v)
{
    if (old_v == new_v)
        return;
    struct trace_change *c = add_change(d, f);
    if (!c)
        return;
    c->old_v.kind = c->new_v.kind = TV_UINT;
    c->old_v.u = old_v;
    c->new_v.u = new_v;
}

static void set_hex(struct trace_value *v, const uint8_t *p, size_t n)
{
    v->kind = TV_HEX;
    v->len = (uint8_t)(n > sizeof v->hex ? sizeof v->hex : n);
    memcpy(v->hex, p, v->len);
}

static void change_hex(struct trace_diff *d, enum trace_field f, uint8_t kind, const uint8_t *o, size_t on,
                       const uint8_t *n, size_t nn)
{
    if (on == nn && !memcmp(o, n, on))
        return;
    struct trace_change *c = add_change(d, f);
    if (!c)
        return;
    c->opt_kind = kind;
    set_hex(&c->old_v, o, on);
    set_hex(&c->new_v, n, nn);
}

static void change_addr(struct trace_diff *d, enum trace_field f, const struct ip_addr *o, const struct ip_addr *n)
{
    if (ip_addr_equal(o, n))
        return;
    struct trace_change *c = add_change(d, f);
    if (!c)
        return;
    c->old_v.kind = c->new_v.kind = TV_ADDR;
    c->old_v.addr = *o;
    c->new_v.addr = *n;
}

static void note_opt(struct trace_diff *d, trace_opt_id *list, uint8_t *n, trace_opt_id id)
{
    if (*n >= TRACE_DIFF_MAX_OPTS) {
        d->overflow = true;
        return;
    }
    list[(*n)++] = id;
}

/* ---------------------------------------------------------------- IP header */

static void diff_ipv4(struct trace_diff *d, const uint8_t *s, const uint8_t *q)
{
    /* the quote holds at least the 20-byte header (inner.l4 is set) */
    change_u(d, TF_IP_IHL, s[0] & 0x0f, q[0] & 0x0f);
    change_u(d, TF_IP_TOS, s[1], q[1]);
    change_u(d, TF_IP_LEN, load_be16(s + 2), load_be16(q + 2));
    change_u(d, TF_IP_ID, load_be16(s + 4), load_be16(q + 4));
    change_u(d, TF_IP_FRAG, load_be16(s + 6), load_be16(q + 6));
    /* s[8] TTL and s[10..11] header checksum change by design */
    change_u(d, TF_IP_PROTO, s[9], q[9]);
    struct ip_addr a, b;
    ip_addr_from_v4(&a, load_be32(s + 12));
    ip_addr_from_v4(&b, load_be32(q + 12));
    change_addr(d, TF_IP_SRC, &a, &b);
    ip_addr_from_v4(&a, load_be32(s + 16));
    ip_addr_from_v4(&b, load_be32(q + 16));
    change_addr(d, TF_IP_DST, &a, &b);
}

static void diff_ipv6(struct trace_diff *d, const uint8_t *s, const uint8_t *q)
{
    uint32_t sw = load_be32(s), qw = load_be32(q);
    change_u(d, TF_IP6_TCLASS, (sw >> 20) & 0xff, (qw >> 20) & 0xff);
    change_u(d, TF_IP6_FLOW, sw & 0xfffff, qw & 0xfffff);
    change_u(d, TF_IP6_PLEN, load_be16(s + 4), load_be16(q + 4));
    change_u(d, TF_IP6_NEXT, s[6], q[6]);
    /* s[7] hop limit changes by design */
    struct ip_addr a, b;
    ip_addr_from_v6(&a, s + 8);
    ip_addr_from_v6(&b, q + 8);
    change_addr(d, TF_IP_SRC, &a, &b);
    ip_addr_from_v6(&a, s + 24);
    ip_addr_from_v6(&b, q + 24);
    change_addr(d, TF_IP_DST, &a, &b);
}

/* ---------------------------------------------------------------- options */

#define MAX_WALK 20
struct opt_list {
    struct tcp_opt o[MAX_WALK];
    trace_opt_id id[MAX_WALK];
    bool matched[MAX_WALK];
    unsigned n;
};

static void walk(const uint8_t *area, size_t len, struct opt_list *l)
{
    struct tcpopt_iter it;
    struct tcp_opt o;
    l->n = 0;
    tcpopt_iter_init(&it, area, len);
    while (l->n < MAX_WALK && tcpopt_next(&it, &o)) {
        l->o[l->n] = o;
        l->id[l->n] = opt_id(&o);
        l->matched[l->n] = false;
        l->n++;
    }
}

/* Compares two MP_CAPABLE options; returns the view (SAME, KEY or CHANGED). */
static enum trace_mpc_view diff_mpc(struct trace_diff *d, const struct tcp_opt *s, const struct tcp_opt *q)
{
    struct mptcp_capable a, b;
    if (!mptcp_capable_find(s->data, s->len, &a) || !mptcp_capable_find(q->data, q->len, &b)) {
        change_hex(d, TF_OPT_BYTES, TCPOPT_MPTCP, s->data, s->len, q->data, q->len);
        return MPC_CHANGED;
    }
    bool other = false, key = false;
    if (a.len != b.len) {
        change_u(d, TF_MPTCP_LEN, a.len, b.len);
        other = true;
    }
    if (a.version != b.version) {
        change_u(d, TF_MPTCP_VERSION, a.version, b.version);
        other = true;
    }
    if (a.has_flags && b.has_flags && a.flags != b.flags) {
        change_u(d, TF_MPTCP_FLAGS, a.flags, b.flags);
        other = true;
    }
    if (a.has_sender_key && b.has_sender_key && a.sender_key != b.sender_key) {
        uint8_t ka[8], kb[8];
        store_be64(ka, a.sender_key);
        store_be64(kb, b.sender_key);
        change_hex(d, TF_MPTCP_KEY, TCPOPT_MPTCP, ka, 8, kb, 8);
        key = true;
    }
    if (!other && !key && (s->len != q->len || memcmp(s->data, q->data, s->len))) {
        change_hex(d, TF_OPT_BYTES, TCPOPT_MPTCP, s->data, s->len, q->data, q->len);
        other = true;
    }
    return other ? MPC_CHANGED : key ? MPC_KEY : MPC_SAME;
}

static void diff_option(struct trace_diff *d, const struct tcp_opt *s, const struct tcp_opt *q)
{
    if (s->len == q->len && !memcmp(s->data, q->data, s->len))
        return;
    if (s->kind == TCPOPT_MSS && s->len == 4 && q->len == 4) {
        change_u(d, TF_MSS, load_be16(s->data + 2), load_be16(q->data + 2));
    } else if (s->kind == TCPOPT_WSCALE && s->len == 3 && q->len == 3) {
        change_u(d, TF_WSCALE, s->data[2], q->data[2]);
    } else if (s->kind == TCPOPT_TIMESTAMP && s->len == 10 && q->len == 10) {
        change_u(d, TF_TS_VAL, load_be32(s->data + 2), load_be32(q->data + 2));
        change_u(d, TF_TS_ECR, load_be32(s->data + 6), load_be32(q->data + 6));
    } else {
        change_hex(d, TF_OPT_BYTES, s->kind, s->data, s->len, q->data, q->len);
    }
}

/* What a cut MP_CAPABLE at the end of a partial quote still shows. */
static enum trace_mpc_view cut_mpc(struct trace_diff *d, const uint8_t *sent_area, size_t sent_len,
                                   const uint8_t *q_area, size_t q_len)
{
    struct mptcp_capable a, b;
    if (!mptcp_capable_find(q_area, q_len, &b) || !b.cut || !mptcp_capable_find(sent_area, sent_len, &a))
        return MPC_UNKNOWN;
    enum trace_mpc_view v = MPC_UNKNOWN;
    if (a.len != b.len) {
        change_u(d, TF_MPTCP_LEN, a.len, b.len);
        v = MPC_CHANGED;
    }
    if (b.avail >= 3 && a.version != b.version) {
        change_u(d, TF_MPTCP_VERSION, a.version, b.version);
        v = MPC_CHANGED;
    }
    if (a.has_flags && b.has_flags && a.flags != b.flags) {
        change_u(d, TF_MPTCP_FLAGS, a.flags, b.flags);
        v = MPC_CHANGED;
    }
    return v;
}

static void diff_options(struct trace_diff *d, const uint8_t *s_area, size_t s_len, const uint8_t *q_area,
                         size_t q_len)
{
    struct opt_list sl, ql;
    walk(s_area, s_len, &sl);
    walk(q_area, q_len, &ql);
    bool sent_mpc = false;
    d->mpc = MPC_UNKNOWN;
    for (unsigned i = 0; i < sl.n; i++) {
        bool is_mpc = sl.id[i] == OPT_ID_MP_CAPABLE;
        sent_mpc |= is_mpc;
        unsigned j = 0;
        while (j < ql.n && (ql.matched[j] || ql.id[j] != sl.id[i]))
            j++;
        if (j < ql.n) {
            ql.matched[j] = sl.matched[i] = true;
            if (is_mpc)
                d->mpc = diff_mpc(d, &sl.o[i], &ql.o[j]);
            else
                diff_option(d, &sl.o[i], &ql.o[j]);
        } else if (d->options_complete) {
            note_opt(d, d->removed, &d->n_removed, sl.id[i]);
            if (is_mpc)
                d->mpc = MPC_REMOVED;
        } else if (is_mpc) {
            d->mpc = cut_mpc(d, s_area, s_len, q_area, q_len);
        }
    }
    for (unsigned j = 0; j < ql.n; j++)
        if (!ql.matched[j]) {
            note_opt(d, d->added, &d->n_added, ql.id[j]);
            if (ql.id[j] == OPT_ID_MP_CAPABLE && !sent_mpc)
                d->mpc = MPC_ADDED;
        }
    if (!sent_mpc && d->mpc == MPC_UNKNOWN && d->options_complete)
        d->mpc = MPC_SAME; /* nothing sent, nothing there */
}

/* ---------------------------------------------------------------- the diff */

bool trace_diff_quote(const uint8_t *sent, size_t sent_len, const struct icmp_error *quote, struct trace_diff *d)
{
    memset(d, 0, sizeof *d);
    d->extent = (uint8_t)quote->extent;
    d->mpc = MPC_UNKNOWN;
    struct pkt_view ps;
    if (pkt_decode_ip(sent, sent_len, &ps) != NET_OK || ps.proto != 6)
        return false;
    const struct pkt_view *qi = &quote->inner;
    if (!qi->l3 || !qi->l4 || qi->ip_version != ps.ip_version || qi->fragment)
        return false;
    if (ps.ip_version == 4)
        diff_ipv4(d, ps.l3, qi->l3);
    else
        diff_ipv6(d, ps.l3, qi->l3);
    if (qi->proto != 6)
        return false;
    size_t tq = quote->transport_quoted < qi->l4_caplen ? quote->transport_quoted : qi->l4_caplen;
    d->tcp_quoted = (uint16_t)(tq > 0xffff ? 0xffff : tq);
    const uint8_t *s = ps.l4, *q = qi->l4;
    size_t s_hdr = (size_t)ps.tcp.doff * 4;
    uint8_t before = d->n_changes;
    bool addr_changed = false; /* the pseudo-header is part of the TCP checksum */
    for (unsigned i = 0; i < d->n_changes; i++)
        addr_changed |= d->ch[i].field == TF_IP_SRC || d->ch[i].field == TF_IP_DST;
    if (tq >= 2) change_u(d, TF_TCP_SPORT, load_be16(s), load_be16(q));
    if (tq >= 4) change_u(d, TF_TCP_DPORT, load_be16(s + 2), load_be16(q + 2));
    if (tq >= 8) change_u(d, TF_TCP_SEQ, load_be32(s + 4), load_be32(q + 4));
    if (tq >= 12) change_u(d, TF_TCP_ACK, load_be32(s + 8), load_be32(q + 8));
    size_t q_hdr = 0;
    if (tq >= 13) {
        change_u(d, TF_TCP_OFF, s[12] >> 4, q[12] >> 4);
        q_hdr = (size_t)(q[12] >> 4) * 4;
    }
    if (tq >= 14) change_u(d, TF_TCP_FLAGS, (unsigned)(s[12] & 0x0f) << 8 | s[13], (unsigned)(q[12] & 0x0f) << 8 | q[13]);
    if (tq >= 16) change_u(d, TF_TCP_WINDOW, load_be16(s + 14), load_be16(q + 14));
    bool csum_differs = tq >= 18 && load_be16(s + 16) != load_be16(q + 16);
    if (tq >= 20) change_u(d, TF_TCP_URGENT, load_be16(s + 18), load_be16(q + 18));
    if (tq >= 20 && q_hdr >= 20) {
        size_t q_opts_end = q_hdr < tq ? q_hdr : tq;
        d->options_complete = tq >= q_hdr;
        diff_options(d, s + 20, s_hdr - 20, q + 20, q_opts_end - 20);
    }
    bool tcp_changed = d->n_changes > before || d->n_added || d->n_removed;
    if (csum_differs && !tcp_changed && !addr_changed) {
        /* everything the checksum covers looks equal, yet it changed: something
         * beyond what we can compare (or an unquoted byte) was altered */
        change_u(d, TF_TCP_CHECKSUM, load_be16(s + 16), load_be16(q + 16));
    }
    return true;
}

/* ---------------------------------------------------------------- JSON */

static void json_value(struct json *j, const struct trace_value *v)
{
    char buf[IP_ADDR_STRLEN];
    switch (v->kind) {
    case TV_UINT: json_u64(j, v->u); break;
    case TV_HEX: json_hex(j, v->hex, v->len); break;
    case TV_ADDR: json_str(j, ip_addr_format(&v->addr, buf, sizeof buf)); break;
    default: json_null(j);
    }
}

void trace_diff_json(const struct trace_diff *d, struct json *j)
{
    char name[32];
    json_key(j, "changes");
    json_arr_begin(j, JSON_COMPACT);
    for (unsigned i = 0; i < d->n_changes; i++) {
        const struct trace_change *c = &d->ch[i];
        json_obj_begin(j, JSON_COMPACT);
        if (c->field == TF_OPT_BYTES) {
            snprintf(name, sizeof name, "opt.%u", c->opt_kind);
            json_kv_str(j, "field", name);
        } else {
            json_kv_str(j, "field", trace_field_name((enum trace_field)c->field));
        }
        json_key(j, "old");
        json_value(j, &c->old_v);
        json_key(j, "new");
        json_value(j, &c->new_v);
        json_obj_end(j);
    }
    json_arr_end(j);
    json_key(j, "added");
    json_arr_begin(j, JSON_COMPACT);
    for (unsigned i = 0; i < d->n_added; i++)
        json_str(j, trace_opt_name(d->added[i], name, sizeof name));
    json_arr_end(j);
    json_key(j, "removed");
    json_arr_begin(j, JSON_COMPACT);
    for (unsigned i = 0; i < d->n_removed; i++)
        json_str(j, trace_opt_name(d->removed[i], name, sizeof name));
    json_arr_end(j);
}
