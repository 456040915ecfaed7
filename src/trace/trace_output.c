/* trace_output.c — record schema of `mpcensus trace`, change summary, hop list and ICMP extension rendering. */
#include "trace/trace_output.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "net/bytes.h"
#include "io/utc_time.h"

enum {
    F_TARGET, F_PORT, F_PROBE_VERSION, F_CLASS, F_HOP, F_CHANGES, F_DEST_HOPS, F_REPLY, F_SYNACK_MPTCP,
    F_MPTCP_VERSION, F_MPTCP_KEY, F_REPLY_TTL, F_PROXY_CHECK, F_END, F_END_HOP, F_END_ICMP, F_HOPS_ANSWERED,
    F_PARTIAL_HOPS, F_PROBES, F_RTT_US, F_SOURCE, F_SPORT, F_TIMESTAMP, F_HOPS, F_COUNT
};

static const struct rec_field fields[F_COUNT] = {
    [F_TARGET] = {"target", REC_STR, "the traced address"},
    [F_PORT] = {"port", REC_NUM, "its TCP port"},
    [F_PROBE_VERSION] = {"probe_version", REC_NUM, "MP_CAPABLE version of the SYN probes (0 or 1)"},
    [F_CLASS] = {"class", REC_STR, "mptcp, middlebox, no-mptcp or unreachable"},
    [F_HOP] = {"hop", REC_NUM, "middlebox: first hop whose quote shows the change (the proxy's hop for a proxy), else null"},
    [F_CHANGES] = {"changes", REC_JSON, "every change seen on the path: a field name, +OPTION, -OPTION or proxy"},
    [F_DEST_HOPS] = {"dest_hops", REC_NUM, "the host's distance in hops (for a proxy: measured by ICMP echo beyond it)"},
    [F_REPLY] = {"reply", REC_STR, "synack or rst from the host (its first SYN-ACK, else a RST), null if none"},
    [F_SYNACK_MPTCP] = {"synack_mptcp", REC_STR, "MP_CAPABLE in that SYN-ACK: own, echo, other-version, malformed or none"},
    [F_MPTCP_VERSION] = {"mptcp_version", REC_NUM, "version of that MP_CAPABLE"},
    [F_MPTCP_KEY] = {"mptcp_key", REC_STR, "its key, 16 hex digits"},
    [F_REPLY_TTL] = {"reply_ttl", REC_NUM, "IP TTL / hop limit of the host's answer as received"},
    [F_PROXY_CHECK] = {"proxy_check", REC_STR, "ICMP echo at the answering TTL: host, proxy, no-answer, off"},
    [F_END] = {"end", REC_STR, "why probing stopped: reached, unreachable, gap, max-ttl, interrupted"},
    [F_END_HOP] = {"end_hop", REC_NUM, "TTL of the ICMP unreachable that ended the path"},
    [F_END_ICMP] = {"end_icmp", REC_STR, "that unreachable's code (admin-prohibited, host-unreachable, ...)"},
    [F_HOPS_ANSWERED] = {"hops_answered", REC_NUM, "TTLs that got an answer"},
    [F_PARTIAL_HOPS] = {"partial_hops", REC_NUM, "of them, ICMP quotes too short to show the TCP options (8, partial, none)"},
    [F_PROBES] = {"probes", REC_NUM, "probes sent to this target (SYNs and echoes)"},
    [F_RTT_US] = {"rtt_us", REC_NUM, "round-trip time of that answer, microseconds"},
    [F_SOURCE] = {"source", REC_STR, "our source address"},
    [F_SPORT] = {"sport", REC_NUM, "our source port (the same for every TTL)"},
    [F_TIMESTAMP] = {"timestamp", REC_STR, "when the trace of this target started, UTC"},
    [F_HOPS] = {"hops", REC_JSON, "per TTL up to the host: hop, from, rtt_us, reply (time-exceeded, unreachable, "
                                   "synack, rst; echo-reply where the proxy check's echo placed the host; skipped below a "
                                   "clean quote unless --full-path; null silent), quote, "
                                   "icmp_type, icmp_code, mptcp, changes, added, removed, extensions"},
};

const struct rec_schema trace_schema = {"trace", fields, F_COUNT};

const char *trace_icmp_name(int family, uint8_t type, uint8_t code, char *buf, size_t len)
{
    static const char *const v4_unreach[] = {
        "net-unreachable", "host-unreachable", "protocol-unreachable", "port-unreachable", "fragmentation-needed",
        "source-route-failed", "net-unknown", "host-unknown", "source-host-isolated", "net-prohibited",
        "host-prohibited", "net-tos-unreachable", "host-tos-unreachable", "admin-prohibited",
        "host-precedence-violation", "precedence-cutoff"};
    static const char *const v6_unreach[] = {
        "no-route", "admin-prohibited", "beyond-scope", "address-unreachable", "port-unreachable",
        "source-policy-failed", "reject-route"};
    if (family == AF_INET6) {
        if (type == 1 && code < sizeof v6_unreach / sizeof v6_unreach[0])
            return v6_unreach[code];
        if (type == 2)
            return "packet-too-big";
        if (type == 3)
            return "time-exceeded";
        if (type == 4)
            return "parameter-problem";
    } else {
        if (type == 3 && code < sizeof v4_unreach / sizeof v4_unreach[0])
            return v4_unreach[code];
        if (type == 11)
            return "time-exceeded";
        if (type == 12)
            return "parameter-problem";
    }
    snprintf(buf, len, "icmp-%u/%u", type, code);
    return buf;
}

/* ------------------------------------------------------------- changes */

#define MAX_TOKENS 32
struct tokens {
    char t[MAX_TOKENS][24];
    unsigned n;
};

static void token_add(struct tokens *k, const char *s)
{
    for (unsigned i = 0; i < k->n; i++)
        if (!strcmp(k->t[i], s))
            return;
    if (k->n < MAX_TOKENS)
        snprintf(k->t[k->n++], sizeof k->t[0], "%s", s);
}

static unsigned shown_limit(const struct tstate *st, const struct trace_verdict *v)
{
    unsigned stop = st->dest_ttl;
    if (st->end_ttl && (!stop || st->end_ttl < stop))
        stop = st->end_ttl;
    return stop ? stop : v->last_ttl;
}

static void collect_changes(const struct tstate *st, const struct trace_verdict *v, struct tokens *k)
{
    char name[32];
    unsigned lim = shown_limit(st, v);
    k->n = 0;
    for (unsigned t = 1; t <= lim; t++) {
        const struct ts_hop *h = &st->hop[t];
        if (!h->x || !h->x->has_diff)
            continue;
        const struct trace_diff *d = &h->x->diff;
        for (unsigned i = 0; i < d->n_changes; i++) {
            if (d->ch[i].field == TF_OPT_BYTES) {
                snprintf(name, sizeof name, "opt.%u", d->ch[i].opt_kind);
                token_add(k, name);
            } else {
                token_add(k, trace_field_name((enum trace_field)d->ch[i].field));
            }
        }
        for (unsigned i = 0; i < d->n_added; i++) {
            char opt[24];
            snprintf(name, sizeof name, "+%s", trace_opt_name(d->added[i], opt, sizeof opt));
            token_add(k, name);
        }
        for (unsigned i = 0; i < d->n_removed; i++) {
            char opt[24];
            snprintf(name, sizeof name, "-%s", trace_opt_name(d->removed[i], opt, sizeof opt));
            token_add(k, name);
        }
    }
    if (st->check == CK_PROXY)
        token_add(k, "proxy");
}

/* ------------------------------------------------------------- hops */

static void ext_json(struct json *j, const struct ts_hop_extra *x)
{
    json_arr_begin(j, JSON_COMPACT);
    for (unsigned i = 0; x && i < x->n_ext; i++) {
        const struct ts_ext *e = &x->ext[i];
        size_t have = e->len < TS_EXT_DATA ? e->len : TS_EXT_DATA;
        json_obj_begin(j, JSON_COMPACT);
        json_kv_u64(j, "class", e->class_num);
        json_kv_u64(j, "ctype", e->c_type);
        json_kv_u64(j, "len", e->len);
        json_key(j, "hex");
        json_hex(j, e->data, have);
        if (e->class_num == 1 && e->c_type == 1) {
            /* RFC 4950 MPLS label stack: 20-bit label, 3-bit TC, S, TTL per entry */
            json_key(j, "mpls");
            json_arr_begin(j, JSON_COMPACT);
            for (size_t o = 0; o + 4 <= have; o += 4) {
                uint32_t w = load_be32(e->data + o);
                json_obj_begin(j, JSON_COMPACT);
                json_kv_u64(j, "label", w >> 12);
                json_kv_u64(j, "tc", (w >> 9) & 7);
                json_kv_u64(j, "s", (w >> 8) & 1);
                json_kv_u64(j, "ttl", w & 0xff);
                json_obj_end(j);
            }
            json_arr_end(j);
        }
        json_obj_end(j);
    }
    json_arr_end(j);
}

static void empty_lists(struct json *j)
{
    json_key(j, "changes");
    json_arr_begin(j, JSON_COMPACT);
    json_arr_end(j);
    json_key(j, "added");
    json_arr_begin(j, JSON_COMPACT);
    json_arr_end(j);
    json_key(j, "removed");
    json_arr_begin(j, JSON_COMPACT);
    json_arr_end(j);
}

static void hops_json(struct json *j, const struct trace_target *t, const struct tstate *st,
                      const struct trace_verdict *v)
{
    char a[IP_ADDR_STRLEN];
    unsigned lim = shown_limit(st, v);
    json_arr_begin(j, JSON_COMPACT);
    for (unsigned ttl = 1; ttl <= lim; ttl++) {
        const struct ts_hop *h = &st->hop[ttl];
        json_obj_begin(j, JSON_COMPACT);
        json_kv_u64(j, "hop", ttl);
        if (st->dest_inferred && ttl == st->dest_ttl && st->echo) {
            /* no SYN went out at this TTL: the proxy check's echo found the host here */
            const struct ts_hop *e = &st->echo[ttl];
            json_kv_str(j, "from", ip_addr_format(&t->addr, a, sizeof a));
            json_key(j, "rtt_us");
            if (e->rtt_us != UINT32_MAX)
                json_u64(j, e->rtt_us);
            else
                json_null(j);
            json_kv_str(j, "reply", "echo-reply");
            json_key(j, "quote");
            json_null(j);
            json_key(j, "icmp_type");
            json_null(j);
            json_key(j, "icmp_code");
            json_null(j);
            json_key(j, "mptcp");
            json_null(j);
            empty_lists(j);
            json_key(j, "extensions");
            ext_json(j, NULL);
            json_obj_end(j);
            continue;
        }
        json_key(j, "from");
        if (h->reply == HR_DEST)
            json_str(j, ip_addr_format(&t->addr, a, sizeof a));
        else if (h->reply != HR_NONE)
            json_str(j, ip_addr_format(&h->from, a, sizeof a));
        else
            json_null(j);
        json_key(j, "rtt_us");
        if (h->reply != HR_NONE && h->rtt_us != UINT32_MAX)
            json_u64(j, h->rtt_us);
        else
            json_null(j);
        json_key(j, "reply");
        switch (h->reply) {
        case HR_TE: json_str(j, "time-exceeded"); break;
        case HR_UNREACH: json_str(j, "unreachable"); break;
        case HR_DEST: json_str(j, h->synack ? "synack" : "rst"); break;
        default:
            if (h->tries)
                json_null(j); /* silent */
            else
                json_str(j, "skipped"); /* below a clean quote: the walk back did not need it */
        }
        bool icmp = h->reply == HR_TE || h->reply == HR_UNREACH;
        json_key(j, "quote");
        if (icmp)
            json_str(j, quote_extent_name((enum quote_extent)h->extent));
        else
            json_null(j);
        json_key(j, "icmp_type");
        if (icmp) json_u64(j, h->icmp_type); else json_null(j);
        json_key(j, "icmp_code");
        if (icmp) json_u64(j, h->icmp_code); else json_null(j);
        json_key(j, "mptcp");
        if (icmp) json_str(j, trace_mpc_view_name((enum trace_mpc_view)h->mpc)); else json_null(j);
        if (h->x && h->x->has_diff)
            trace_diff_json(&h->x->diff, j);
        else
            empty_lists(j);
        json_key(j, "extensions");
        ext_json(j, h->x);
        json_obj_end(j);
    }
    json_arr_end(j);
}

int trace_emit(struct rec_writer *w, struct trace_emit_ctx *c, const struct trace_target *t, const struct tstate *st,
               const struct trace_verdict *v)
{
    char a[IP_ADDR_STRLEN], buf[64];
    rec_set_str(w, F_TARGET, ip_addr_format(&t->addr, a, sizeof a));
    rec_set_u64(w, F_PORT, t->port);
    rec_set_u64(w, F_PROBE_VERSION, (uint64_t)c->probe_version);
    rec_set_str(w, F_CLASS, trace_class_name(v->cls));
    if (v->hop)
        rec_set_u64(w, F_HOP, v->hop);
    if (rec_selected(w, F_CHANGES)) {
        struct tokens k;
        collect_changes(st, v, &k);
        json_reset(&c->jc);
        json_arr_begin(&c->jc, JSON_COMPACT);
        for (unsigned i = 0; i < k.n; i++)
            json_str(&c->jc, k.t[i]);
        json_arr_end(&c->jc);
        rec_set_json(w, F_CHANGES, json_data(&c->jc), json_len(&c->jc));
    }
    if (v->dest_hops)
        rec_set_u64(w, F_DEST_HOPS, v->dest_hops);
    if (st->have_dest) {
        rec_set_str(w, F_REPLY, st->dest.synack ? "synack" : "rst");
        rec_set_str(w, F_SYNACK_MPTCP, trace_synack_mpc_name((enum trace_synack_mpc)st->dest.mpc));
        if (st->dest.mptcp_version >= 0)
            rec_set_u64(w, F_MPTCP_VERSION, (uint64_t)st->dest.mptcp_version);
        if (st->dest.has_key) {
            snprintf(buf, sizeof buf, "%016llx", (unsigned long long)st->dest.key);
            rec_set_str(w, F_MPTCP_KEY, buf);
        }
        rec_set_u64(w, F_REPLY_TTL, st->dest.reply_ttl);
        const struct ts_hop *dh = &st->hop[st->reach_ttl];
        if (dh->rtt_us != UINT32_MAX)
            rec_set_u64(w, F_RTT_US, dh->rtt_us);
    }
    const char *ck = ts_check_name((enum ts_check)st->check);
    if (ck)
        rec_set_str(w, F_PROXY_CHECK, ck);
    rec_set_str(w, F_END, trace_end_kind_name(v->end));
    if (v->end_ttl) {
        const struct ts_hop *eh = &st->hop[v->end_ttl];
        rec_set_u64(w, F_END_HOP, v->end_ttl);
        rec_set_str(w, F_END_ICMP, trace_icmp_name(t->addr.family, eh->icmp_type, eh->icmp_code, buf, sizeof buf));
    }
    rec_set_u64(w, F_HOPS_ANSWERED, v->answered);
    rec_set_u64(w, F_PARTIAL_HOPS, v->partial);
    rec_set_u64(w, F_PROBES, st->probes);
    const struct ip_addr *src = trace_src_for(c->enc, &t->addr);
    if (src)
        rec_set_str(w, F_SOURCE, ip_addr_format(src, a, sizeof a));
    rec_set_u64(w, F_SPORT, trace_sport(c->enc, &st->keys));
    if (rec_selected(w, F_TIMESTAMP)) {
        uint64_t us = c->wall_base_us + (st->start_ns > c->mono_base_ns ? (st->start_ns - c->mono_base_ns) / 1000 : 0);
        utc_usec_format((int64_t)us, buf, sizeof buf);
        rec_set_str(w, F_TIMESTAMP, buf);
    }
    if (rec_selected(w, F_HOPS)) {
        json_reset(&c->j);
        hops_json(&c->j, t, st, v);
        rec_set_json(w, F_HOPS, json_data(&c->j), json_len(&c->j));
    }
    return rec_emit(w);
}
