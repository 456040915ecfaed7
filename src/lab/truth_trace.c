/* truth_trace.c — walks a SYN probe hop by hop through the lab's path model and says what a correct tracer must report. */
#include "lab/truth_trace.h"

#include <stdio.h>
#include <string.h>

#include "lab/population.h"
#include "lab/spec_ext.h"

/* The probe's MP_CAPABLE as it travels forward. */
struct fwd {
    bool present;
    bool key_changed;       /* v0: the key is no longer ours */
};

static bool altered(const struct fwd *f)
{
    return !f->present || f->key_changed;
}

static const char *change_name(const struct fwd *f)
{
    return !f->present ? "-MP_CAPABLE" : "mptcp.key";
}

/* Hop h quotes the SYN as it arrived there; a kernel router quotes all of
 * it, a quote8 router 8 bytes (no options: it shows nothing). */
static void observe(struct trace_truth *t, unsigned h, bool full, const struct fwd *f)
{
    if (!t->hop && full && altered(f)) {
        t->hop = h;
        t->change = change_name(f);
    }
}

void truth_trace_of(const struct lab_spec *s, int profile, uint16_t port, int version, struct trace_truth *out)
{
    *out = (struct trace_truth){.cls = "unreachable", .change = "", .end_icmp = ""};
    if (profile < 0 || (unsigned)profile >= s->n_profiles)
        return; /* absent: the last core router blackholes it */
    const struct profile *p = &s->profiles[profile];
    unsigned n = s->n_routers;
    unsigned host_hop = n + (s->site_routers ? 2 : 1);
    struct fwd f = {.present = true};

    /* core routers: each quotes what it got, then may strip what it forwards */
    for (unsigned h = 1; h <= n; h++) {
        observe(out, h, s->routers[h - 1].kind == ROUTER_KERNEL, &f);
        if (s->routers[h - 1].strip)
            f.present = false;
    }
    if (p->mbox & MBOX_PROHIBIT) {
        /* TTL n+1 on: the last core router refuses the SYN (after its own strip,
         * before the per-profile one) and quotes it whole */
        observe(out, n + 1, true, &f);
        out->cls = out->hop ? "middlebox" : "unreachable";
        out->end_icmp = "admin-prohibited";
        out->end_hop = n + 1;
        return;
    }
    if ((p->mbox & MBOX_DROP_MPTCP) && f.present) {
        /* TTL n+1 on: the last core router's firewall drops SYNs that still carry MP_CAPABLE, silently */
        out->cls = out->hop ? "middlebox" : "unreachable";
        return;
    }
    if (p->mbox & MBOX_STRIP)
        f.present = false;
    if ((p->mbox & MBOX_KEYRW) && f.present && version == 0)
        f.key_changed = true;
    struct fwd recorded = f;   /* what the mirror remembers */

    bool reached, own = false;
    if (p->mbox & MBOX_PROXY) {
        /* the bridge answers every SYN that gets past the last core router, at TTL n+1 */
        unsigned proxy_hop = n + 1;
        if (proxy_hop < host_hop) {
            /* an ICMP echo at that TTL goes on to the site router: told apart */
            out->cls = "middlebox";
            if (!out->hop) {
                out->hop = proxy_hop;
                out->change = "proxy";
            }
            out->dest_hops = host_hop;
            return;
        }
        /* the proxy sits at the host's own distance: it is the host for a tracer */
        own = f.present && version == 1 && !(p->mbox & MBOX_STRIP_SYNACK);
        out->cls = out->hop ? "middlebox" : own ? "mptcp" : "no-mptcp";
        out->dest_hops = proxy_hop;
        return;
    }
    if (s->site_routers)
        observe(out, n + 1, true, &f);

    bool sa_present = false, sa_malformed = false;
    int sa_version = -1;
    enum truth_answer a = truth_host_answer(profile_port(p, port), f.present, version, &sa_present, &sa_version,
                                            &sa_malformed);
    reached = a != TRUTH_ANSWER_NONE;
    if (a == TRUTH_ANSWER_SYNACK) {
        bool echo = false, echo_ours = false;
        if ((p->mbox & MBOX_MIRROR) && !sa_present && recorded.present) {
            /* the mirror appends the SYN's option: v0 12 bytes with the key as it left, v1 our 4 bytes */
            sa_present = true;
            sa_version = version;
            echo = true;
            echo_ours = !recorded.key_changed;
            sa_malformed = version == 1;   /* 4 bytes are no SYN-ACK MP_CAPABLE */
        }
        if (p->mbox & MBOX_STRIP_SYNACK)
            sa_present = false;
        /* a tracer reads as the host's own: the probed version, 12 bytes, not our key / not our bytes
         * (so an echo of a rewritten v0 key reads as the host's, the false positive scans fall for) */
        own = sa_present && !sa_malformed && sa_version == version && !(echo && echo_ours);
    }
    out->cls = out->hop ? "middlebox" : !reached ? "unreachable" : own ? "mptcp" : "no-mptcp";
    out->dest_hops = reached ? host_hop : 0;
}

static const struct rec_field trace_truth_fields[TT_FIELDS] = {
    [TT_DADDR] = {"daddr", REC_STR, "population address (the trace's target)"},
    [TT_DPORT] = {"dport", REC_NUM, "port"},
    [TT_PROBE_VERSION] = {"probe_version", REC_NUM, "MP_CAPABLE version of the SYN probes (0|1)"},
    [TT_CLASS] = {"class", REC_STR, "what a correct tracer reports: mptcp, middlebox, no-mptcp, unreachable"},
    [TT_HOP] = {"hop", REC_NUM, "middlebox: the first hop whose full quote shows the change, or the proxy's hop"},
    [TT_CHANGE] = {"change", REC_STR, "that change: -MP_CAPABLE, mptcp.key or proxy"},
    [TT_DEST_HOPS] = {"dest_hops", REC_NUM, "the host's distance in hops (empty: not reached)"},
    [TT_END_ICMP] = {"end_icmp", REC_STR, "ICMP unreachable that ends the path: admin-prohibited"},
    [TT_END_HOP] = {"end_hop", REC_NUM, "the TTL that first gets it"},
    [TT_PROFILE] = {"profile", REC_STR, "profile of the address that month, `absent` when it is down"},
    [TT_MONTH] = {"month", REC_STR, "YYYY-MM of the month"},
    [TT_MONTH_INDEX] = {"month_index", REC_NUM, "month number of the lab (lab up --month)"},
};
const struct rec_schema trace_truth_schema = {"lab truth --trace", trace_truth_fields, TT_FIELDS};

struct row_ctx {
    const struct lab_spec *s;
    const struct summary_opts *o;
    struct rec_writer *w;
    int month;
    char label[16];
    bool ok;
};

static bool row_cb(void *user, const struct ip_addr *a, int profile)
{
    struct row_ctx *c = user;
    char text[IP_ADDR_STRLEN];
    ip_addr_format(a, text, sizeof text);
    const char *pname = profile >= 0 ? c->s->profiles[profile].name : "absent";
    for (unsigned i = 0; i < c->o->n_ports; i++)
        for (int v = 0; v <= 1; v++) {
            if ((v == 0 && !c->o->v0) || (v == 1 && !c->o->v1))
                continue;
            struct trace_truth t;
            truth_trace_of(c->s, profile, c->o->ports[i], v, &t);
            rec_set_str(c->w, TT_DADDR, text);
            rec_set_u64(c->w, TT_DPORT, c->o->ports[i]);
            rec_set_u64(c->w, TT_PROBE_VERSION, (uint64_t)v);
            rec_set_str(c->w, TT_CLASS, t.cls);
            if (t.hop)
                rec_set_u64(c->w, TT_HOP, t.hop);
            if (t.change[0])
                rec_set_str(c->w, TT_CHANGE, t.change);
            if (t.dest_hops)
                rec_set_u64(c->w, TT_DEST_HOPS, t.dest_hops);
            if (t.end_icmp[0])
                rec_set_str(c->w, TT_END_ICMP, t.end_icmp);
            if (t.end_hop)
                rec_set_u64(c->w, TT_END_HOP, t.end_hop);
            rec_set_str(c->w, TT_PROFILE, pname);
            rec_set_str(c->w, TT_MONTH, c->label);
            rec_set_u64(c->w, TT_MONTH_INDEX, (uint64_t)c->month);
            if (rec_emit(c->w) != 0)
                return c->ok = false;
        }
    return true;
}

bool truth_trace_write_records(const struct lab_spec *s, const struct summary_opts *o, struct rec_writer *w,
                               char *err, size_t errlen)
{
    struct row_ctx c = {s, o, w, 0, "", true};
    for (int m = o->first; m <= o->last; m++) {
        c.month = m;
        study_month_label(s, m, c.label, sizeof c.label);
        if (!population_walk(s, m, row_cb, &c) || !c.ok) {
            snprintf(err, errlen, "%s", rec_failed(w) ? rec_error(w) : "write error");
            return false;
        }
    }
    return true;
}
