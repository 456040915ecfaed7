/* trace_state.c — per-target record of answers, round planning (retries, gap limit, proxy check) and the final class. */
#include "trace/trace_state.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "trace/trace_targets.h"

static const char *const class_names[CLASS_COUNT] = {"mptcp", "middlebox", "no-mptcp", "unreachable"};

const char *trace_class_name(enum trace_class c)
{
    return (unsigned)c < CLASS_COUNT ? class_names[c] : "?";
}

const char *trace_end_kind_name(enum trace_end_kind e)
{
    switch (e) {
    case END_REACHED: return "reached";
    case END_UNREACHABLE: return "unreachable";
    case END_GAP: return "gap";
    case END_MAX_TTL: return "max-ttl";
    case END_INTERRUPTED: return "interrupted";
    }
    return "?";
}

const char *ts_check_name(enum ts_check c)
{
    switch (c) {
    case CK_HOST: return "host";
    case CK_PROXY: return "proxy";
    case CK_NO_ANSWER: return "no-answer";
    case CK_OFF: return "off";
    default: return NULL;
    }
}

struct tstate *ts_new(const struct ts_params *p, uint32_t target, const struct trace_keys *k, unsigned hint,
                      uint64_t now_ns)
{
    size_t n = p->max_ttl + 1;
    struct tstate *st = calloc(1, sizeof *st + n * sizeof st->hop[0]);
    if (!st)
        return NULL;
    st->target = target;
    st->keys = *k;
    st->max_ttl = (uint8_t)p->max_ttl;
    st->horizon = (uint8_t)(hint && hint <= p->max_ttl ? hint : p->max_ttl);
    st->est = (uint8_t)(hint <= p->max_ttl ? hint : 0);
    st->start_ns = now_ns;
    st->phase = PH_SYN;
    st->check_on = p->proxy_check;
    st->attempts = (uint8_t)p->attempts;
    for (size_t i = 0; i < n; i++)
        st->hop[i].rtt_us = UINT32_MAX;
    return st;
}

void ts_free(struct tstate *st)
{
    if (!st)
        return;
    for (unsigned t = 0; t <= st->max_ttl; t++)
        free(st->hop[t].x);
    free(st->echo);
    free(st);
}

/* The distance the host's reply TTL names, while it stands in for a SYN at
 * it: a higher TTL reached the host, nothing answered at est yet, and the
 * proxy check's echo will confirm (or refute) it. 0 otherwise. */
static unsigned presumed_ttl(const struct tstate *st)
{
    if (!st->check_on || st->est_refuted || !st->have_dest || !st->est || st->est >= st->dest_ttl)
        return 0;
    if (st->hop[st->est].reply != HR_NONE || (st->est > 1 && st->hop[st->est - 1].reply == HR_DEST))
        return 0;
    return st->est;
}

static unsigned stop_ttl(const struct tstate *st)
{
    unsigned p = presumed_ttl(st);
    unsigned s = p ? p : st->dest_ttl;
    if (st->est_refuted && st->est < s && st->hop[st->est].reply == HR_NONE && st->hop[st->est].tries < st->attempts)
        s = st->est + 1u; /* refuted: the SYN at est alone first */
    if (st->end_ttl && (!s || st->end_ttl < s))
        s = st->end_ttl;
    return s;
}

static unsigned top_answer(const struct ts_hop *h, unsigned from, unsigned max)
{
    unsigned top = 0;
    for (unsigned t = from; t <= max; t++)
        if (h[t].reply != HR_NONE)
            top = t;
    return top;
}

static bool settled(const struct ts_hop *h, const struct ts_params *p)
{
    return h->reply != HR_NONE || h->tries >= p->attempts;
}

/* A router's quote that holds the whole probe and equals it: the packet was
 * unchanged when it reached that hop, so it was on every hop before. */
static bool clean_quote(const struct ts_hop *h)
{
    return (h->reply == HR_TE || h->reply == HR_UNREACH) && h->extent == QUOTE_FULL && h->mpc == MPC_SAME &&
           !h->differs;
}

static unsigned one_syn(struct ts_item *items, unsigned ttl)
{
    items[0] = (struct ts_item){(uint8_t)ttl, false};
    return 1;
}

/* The walk back from the host, one SYN per round. Until the TTL just below
 * the host has answered (or was given up on), it looks for the host: one
 * TTL above the highest hop heard from (an estimate that fell short), else
 * the distance the host's reply TTL names, else just below the TTL that
 * reached it. Then it goes down until a clean quote or TTL 1; silent TTLs
 * are retried, then passed. */
static unsigned plan_walk(const struct tstate *st, const struct ts_params *p, struct ts_item *items)
{
    unsigned stop = stop_ttl(st);
    if (stop <= 1)
        return 0;
    if (!settled(&st->hop[stop - 1], p)) {
        for (unsigned t = stop - 2; t >= 1; t--)
            if (settled(&st->hop[t], p))
                return one_syn(items, t + 1);
        return one_syn(items, st->est && st->est < stop ? st->est : stop - 1);
    }
    for (unsigned t = stop - 1; t >= 1; t--) {
        if (!settled(&st->hop[t], p))
            return one_syn(items, t);
        if (clean_quote(&st->hop[t]))
            return 0;
    }
    return 0;
}

static unsigned plan_syn(struct tstate *st, const struct ts_params *p, struct ts_item *items)
{
    unsigned n = 0;
    bool walk = !p->full_path;
    if (st->round == 0) {
        st->first_round = true;
        if (walk)
            return one_syn(items, st->horizon);
        for (unsigned t = 1; t <= st->horizon; t++)
            items[n++] = (struct ts_item){(uint8_t)t, false};
        return n;
    }
    st->first_round = false;
    if (walk && st->have_dest)
        return plan_walk(st, p, items);
    if (walk && st->hop[st->horizon].reply == HR_TE && !settled(&st->hop[st->max_ttl], p))
        return one_syn(items, st->max_ttl); /* the hint fell short of the host: past it at once */
    unsigned stop = stop_ttl(st), limit;
    if (stop) {
        limit = stop - 1;
    } else {
        unsigned top = top_answer(st->hop, 1, st->max_ttl);
        limit = top + p->gap_limit;
        if (limit > st->max_ttl)
            limit = st->max_ttl;
    }
    for (unsigned t = 1; t <= limit; t++)
        if (st->hop[t].reply == HR_NONE && st->hop[t].tries < p->attempts)
            items[n++] = (struct ts_item){(uint8_t)t, false};
    return n;
}

/* One TTL at a time past the proxy (a reply from any TTL beyond the host
 * would do as well, so the first one found is the distance): the next TTL
 * not yet given up on, within --gap-limit of the last that answered. */
static unsigned plan_dist(struct tstate *st, const struct ts_params *p, struct ts_item *items)
{
    unsigned d = st->dest_ttl;
    if (st->echo_dist)
        return 0;
    unsigned top = top_answer(st->echo, d + 1, st->max_ttl);
    unsigned limit = (top > d ? top : d) + p->gap_limit;
    if (limit > st->max_ttl)
        limit = st->max_ttl;
    for (unsigned t = d + 1; t <= limit; t++) {
        if (st->echo[t].reply != HR_NONE)
            continue;
        if (st->echo[t].tries < p->attempts) {
            items[0] = (struct ts_item){(uint8_t)t, true};
            return 1;
        }
    }
    return 0;
}

unsigned ts_plan(struct tstate *st, const struct ts_params *p, struct ts_item *items, unsigned cap)
{
    unsigned n = 0;
    if (cap < st->max_ttl)
        return 0;
    for (;;) {
        switch (st->phase) {
        case PH_SYN:
            n = plan_syn(st, p, items);
            if (n)
                goto planned;
            if (!st->have_dest) {
                st->phase = PH_DONE;
                break;
            }
            if (!p->proxy_check) {
                st->check = CK_OFF;
                st->phase = PH_DONE;
                break;
            }
            if (!st->echo) {
                st->echo = calloc((size_t)st->max_ttl + 1, sizeof *st->echo);
                if (!st->echo) {
                    st->check = CK_NO_ANSWER;
                    st->phase = PH_DONE;
                    break;
                }
                for (unsigned t = 0; t <= st->max_ttl; t++)
                    st->echo[t].rtt_us = UINT32_MAX;
            }
            {
                unsigned pt = presumed_ttl(st);
                st->check_ttl = (uint8_t)(pt ? pt : st->dest_ttl);
            }
            st->phase = PH_CHECK;
            continue;
        case PH_CHECK: {
            struct ts_hop *e = &st->echo[st->check_ttl];
            bool presumed = st->check_ttl < st->dest_ttl;
            if (presumed && presumed_ttl(st) != st->check_ttl) {
                /* a late answer at est (or below) spoke against the presumption */
                st->est_refuted = true;
                st->phase = PH_SYN;
                continue;
            }
            if (e->reply == HR_DEST) {
                if (presumed) {
                    /* the host is at est: the echo came back from there, the SYN
                     * at est - 1 expired at a router */
                    st->dest_ttl = st->check_ttl;
                    st->dest_inferred = true;
                }
                st->check = CK_HOST;
                st->phase = PH_DONE;
            } else if (presumed && (e->reply != HR_NONE || e->tries >= p->attempts)) {
                /* not the host at est (a box in front of it, or the estimate was
                 * off): send the SYNs from est on after all, then check again */
                st->est_refuted = true;
                st->phase = PH_SYN;
                continue;
            } else if (e->reply == HR_TE) {
                /* the echo went on past the box that answered our SYN: a proxy */
                st->check = CK_PROXY;
                st->phase = PH_DIST;
                continue;
            } else if (e->reply == HR_UNREACH || e->tries >= p->attempts) {
                st->check = CK_NO_ANSWER;
                st->phase = PH_DONE;
            } else {
                items[n++] = (struct ts_item){st->check_ttl, true};
                goto planned;
            }
            break;
        }
        case PH_DIST:
            n = plan_dist(st, p, items);
            if (n)
                goto planned;
            st->phase = PH_DONE;
            break;
        case PH_DONE:
            break;
        }
        return 0;
    }
planned:
    st->round++;
    st->pending = (uint16_t)n;
    st->outstanding = 0;
    return n;
}

bool ts_still_needed(const struct tstate *st, const struct ts_item *it)
{
    if (it->echo) {
        const struct ts_hop *e = st->echo ? &st->echo[it->ttl] : NULL;
        if (!e || e->reply != HR_NONE)
            return false;
        return !(st->phase == PH_DIST && st->echo_dist && it->ttl > st->echo_dist);
    }
    if (st->hop[it->ttl].reply != HR_NONE)
        return false;
    unsigned stop = stop_ttl(st);
    if (stop && it->ttl >= stop)
        return false; /* the host (or an unreachable) answered at a lower TTL already */
    /* first round: past the distance the host's reply TTL implies, wait for what comes back */
    return !(st->first_round && st->est && it->ttl > st->est);
}

static struct ts_hop *slot_of(struct tstate *st, const struct ts_item *it)
{
    return it->echo ? &st->echo[it->ttl] : &st->hop[it->ttl];
}

bool ts_sent(struct tstate *st, const struct ts_item *it, uint64_t now_ns, unsigned *attempt_out, unsigned *serial_out)
{
    struct ts_hop *h = slot_of(st, it);
    unsigned attempt = h->tries;
    if (attempt >= TRACE_MAX_ATTEMPTS || (!it->echo && st->next_serial >= TRACE_MAX_SERIAL))
        return false;
    if (!it->echo)
        h->serial[attempt] = st->next_serial++;
    *attempt_out = attempt;
    *serial_out = it->echo ? 0 : h->serial[attempt];
    h->tries++;
    h->last_attempt = (uint8_t)attempt;
    h->sent_ns = now_ns;
    if (!h->waiting) {
        h->waiting = true;
        st->outstanding++;
    }
    st->probes++;
    return true;
}

bool ts_resolve(const struct tstate *st, unsigned ttl, int *serial, int *attempt)
{
    if (ttl == 0 || ttl > st->max_ttl)
        return false;
    const struct ts_hop *h = &st->hop[ttl];
    if (*serial >= 0) {
        for (unsigned a = 0; a < h->tries; a++)
            if (h->serial[a] == *serial) {
                *attempt = (int)a;
                return true;
            }
        return false;
    }
    if (*attempt >= 0 && (unsigned)*attempt < h->tries) {
        *serial = h->serial[*attempt];
        return true;
    }
    return false;
}

static bool answered(struct tstate *st, struct ts_hop *h, int attempt, uint64_t now_ns)
{
    if (h->reply == HR_NONE && attempt == (int)h->last_attempt && h->sent_ns && now_ns >= h->sent_ns) {
        uint64_t us = (now_ns - h->sent_ns) / 1000;
        h->rtt_us = us >= UINT32_MAX ? UINT32_MAX - 1 : (uint32_t)us;
    }
    if (!h->waiting)
        return false;
    h->waiting = false;
    if (st->outstanding)
        st->outstanding--;
    return true;
}

/* Probes past the end of the path will never be needed: stop waiting for them. */
static bool forget_beyond(struct tstate *st, unsigned stop)
{
    bool any = false;
    for (unsigned t = stop + 1; stop && t <= st->max_ttl; t++)
        if (st->hop[t].waiting) {
            st->hop[t].waiting = false;
            if (st->outstanding)
                st->outstanding--;
            any = true;
        }
    return any;
}

bool ts_on_dest(struct tstate *st, unsigned ttl, int attempt, const struct trace_end_reply *r, uint64_t now_ns)
{
    if (ttl == 0 || ttl > st->max_ttl)
        return false;
    struct ts_hop *h = &st->hop[ttl];
    bool cleared = answered(st, h, attempt, now_ns);
    if (h->reply == HR_NONE) {
        h->reply = HR_DEST;
        h->synack = r->synack;
    }
    if (!st->dest_ttl || ttl < st->dest_ttl)
        st->dest_ttl = (uint8_t)ttl;
    /* Every SYN that reaches the host shares one 5-tuple: the first opens a
     * request, a later one (another sequence number) gets a RST or a bare
     * ACK from it. So the host is judged by its first SYN-ACK, not by the
     * answer to the lowest TTL; only a host that never sent one is a RST. */
    if (!st->have_dest || (!st->dest.synack && r->synack)) {
        st->dest = *r;
        st->have_dest = true;
        st->reach_ttl = (uint8_t)ttl;
    }
    if (!st->est)
        st->est = (uint8_t)tt_hops_from_ttl(r->reply_ttl);
    return forget_beyond(st, stop_ttl(st)) || cleared;
}

static bool is_time_exceeded(const struct icmp_error *e)
{
    return e->family == AF_INET6 ? e->type == 3 : e->type == 11;
}

bool ts_on_icmp(struct tstate *st, unsigned ttl, int attempt, const struct icmp_error *e,
                const struct trace_diff *d, bool diffed, uint64_t now_ns)
{
    if (ttl == 0 || ttl > st->max_ttl)
        return false;
    struct ts_hop *h = &st->hop[ttl];
    bool fresh = h->reply == HR_NONE;
    bool cleared = answered(st, h, attempt, now_ns);
    if (!fresh)
        return cleared; /* a duplicate or a late answer to a retry: the first one stands */
    h->reply = is_time_exceeded(e) ? HR_TE : HR_UNREACH;
    h->from = e->reporter;
    h->icmp_type = e->type;
    h->icmp_code = e->code;
    h->extent = (uint8_t)e->extent;
    h->mpc = diffed ? d->mpc : MPC_UNKNOWN;
    bool keep_diff = diffed && trace_diff_any(d);
    h->differs = keep_diff;
    if (keep_diff || e->n_ext_objects) {
        h->x = calloc(1, sizeof *h->x);
        if (h->x) {
            if (keep_diff) {
                h->x->has_diff = true;
                h->x->diff = *d;
            }
            h->x->ext_checksum_ok = e->ext_checksum_ok;
            for (unsigned i = 0; i < e->n_ext_objects && i < TS_MAX_EXT; i++) {
                struct ts_ext *x = &h->x->ext[h->x->n_ext++];
                x->class_num = e->ext[i].class_num;
                x->c_type = e->ext[i].c_type;
                x->len = (uint16_t)(e->ext[i].len > 0xffff ? 0xffff : e->ext[i].len);
                memcpy(x->data, e->ext[i].data, e->ext[i].len < TS_EXT_DATA ? e->ext[i].len : TS_EXT_DATA);
            }
        }
    }
    if (h->reply == HR_UNREACH && (!st->end_ttl || ttl < st->end_ttl)) {
        st->end_ttl = (uint8_t)ttl;
        cleared = forget_beyond(st, stop_ttl(st)) || cleared;
    }
    return cleared;
}

bool ts_on_echo(struct tstate *st, unsigned ttl, bool reply, const struct icmp_error *e, uint64_t now_ns)
{
    if (!st->echo || ttl == 0 || ttl > st->max_ttl)
        return false;
    struct ts_hop *h = &st->echo[ttl];
    bool fresh = h->reply == HR_NONE;
    bool cleared = answered(st, h, 0, now_ns);
    if (!fresh)
        return cleared;
    if (reply) {
        h->reply = HR_DEST;
        if (!st->echo_dist || ttl < st->echo_dist)
            st->echo_dist = (uint8_t)ttl;
    } else {
        h->reply = is_time_exceeded(e) ? HR_TE : HR_UNREACH;
        h->from = e->reporter;
        h->icmp_type = e->type;
        h->icmp_code = e->code;
    }
    return cleared;
}

static bool mpc_altered(uint8_t v)
{
    return v == MPC_REMOVED || v == MPC_KEY || v == MPC_CHANGED || v == MPC_ADDED;
}

void ts_verdict(const struct tstate *st, const struct ts_params *p, struct trace_verdict *v)
{
    memset(v, 0, sizeof *v);
    for (unsigned t = 1; t <= st->max_ttl; t++) {
        const struct ts_hop *h = &st->hop[t];
        if (h->tries)
            v->last_ttl = t;
        if (h->reply == HR_NONE)
            continue;
        v->answered++;
        if (h->reply == HR_TE || h->reply == HR_UNREACH) {
            if (h->extent != QUOTE_FULL)
                v->partial++;
            /* a quote too short to show the option is never a removal: only full views count */
            if (!v->mpc_hop && mpc_altered(h->mpc))
                v->mpc_hop = t;
        }
    }
    if (st->dest_inferred)
        v->answered++; /* the echo answered at the host's distance, in place of a SYN */
    bool proxy = st->check == CK_PROXY;
    if (v->mpc_hop || proxy)
        v->cls = CLASS_MIDDLEBOX;
    else if (!st->have_dest)
        v->cls = CLASS_UNREACHABLE;
    else if (st->dest.synack && st->dest.mpc == SA_MPC_OWN)
        v->cls = CLASS_MPTCP;
    else
        v->cls = CLASS_NO_MPTCP;
    v->hop = v->mpc_hop ? v->mpc_hop : proxy ? st->dest_ttl : 0;
    v->dest_hops = proxy ? st->echo_dist : st->have_dest ? st->dest_ttl : 0;
    v->end_ttl = st->end_ttl;
    if (st->interrupted)
        v->end = END_INTERRUPTED;
    else if (st->have_dest && (!st->end_ttl || st->dest_ttl < st->end_ttl))
        v->end = END_REACHED;
    else if (st->end_ttl)
        v->end = END_UNREACHABLE;
    else if (top_answer(st->hop, 1, st->max_ttl) + p->gap_limit > p->max_ttl)
        v->end = END_MAX_TTL; /* the TTLs ran out before the gap limit was reached */
    else
        v->end = END_GAP;
}
