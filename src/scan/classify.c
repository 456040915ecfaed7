/* classify.c — verdict rules for replies to MP_CAPABLE SYN probes (mirror, then length, then version). */
#include "scan/classify.h"

#include <string.h>

#include "net/bytes.h"
#include "net/mptcp.h"
#include "net/tcpopt.h"

const char *scan_verdict_name(enum scan_verdict v)
{
    switch (v) {
    case VERDICT_MPTCP: return "mptcp";
    case VERDICT_MIRRORED: return "mirrored";
    case VERDICT_VERSION_MISMATCH: return "version-mismatch";
    case VERDICT_MALFORMED: return "malformed";
    case VERDICT_TCP: return "tcp";
    case VERDICT_CLOSED: return "closed";
    case VERDICT_COUNT: break;
    }
    return "unknown";
}

/* Finds the first MP_CAPABLE option. *cut is set when it runs past the
 * option area (the walker stops there; we still want to report it). */
static const uint8_t *find_mp_capable(const uint8_t *opts, size_t len, size_t *optlen, bool *cut)
{
    struct tcpopt_iter it;
    struct tcp_opt o;
    *cut = false;
    tcpopt_iter_init(&it, opts, len);
    while (tcpopt_next(&it, &o)) {
        if (o.kind == TCPOPT_MPTCP && o.len >= 3 && (o.data[2] >> 4) == MPTCP_SUB_CAPABLE) {
            *optlen = o.len;
            return o.data;
        }
    }
    if (it.error != TCPOPT_ERR_NONE && it.bad_off + 2 < len && opts[it.bad_off] == TCPOPT_MPTCP &&
        (opts[it.bad_off + 2] >> 4) == MPTCP_SUB_CAPABLE) {
        *cut = true;
        *optlen = len - it.bad_off;
        return opts + it.bad_off;
    }
    return NULL;
}

bool scan_classify(const struct pkt_view *pkt, const struct probe_sig *sig, struct scan_record *rec)
{
    const struct tcp_view *t = &pkt->tcp;
    bool rst = t->flags & TCP_RST;
    bool synack = (t->flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK);
    if (!rst && !synack)
        return false;
    memset(rec, 0, sizeof(*rec));
    rec->saddr = pkt->src;
    rec->daddr = pkt->dst;
    rec->sport = t->sport;
    rec->dport = t->dport;
    rec->ttl = pkt->ttl;
    rec->ipid = pkt->ip_id;
    rec->window = t->window;
    rec->tcp_flags = t->flags;
    rec->probe_version = sig->version;
    rec->mptcp_version = -1;
    if (rst) {
        rec->synack = false;
        rec->verdict = VERDICT_CLOSED;
        return true;
    }
    rec->synack = true;
    size_t len = 0;
    bool cut = false;
    const uint8_t *o = find_mp_capable(t->opts, t->opts_len, &len, &cut);
    if (!o) {
        rec->verdict = VERDICT_TCP;
        return true;
    }
    rec->has_mpc = true;
    rec->mpc_len = (uint8_t)(len > SCAN_OPT_MAX ? SCAN_OPT_MAX : len);
    memcpy(rec->mpc_raw, o, rec->mpc_len);
    rec->mptcp_version = o[2] & 0x0f;
    rec->mptcp_flags = len >= 4 ? o[3] : 0;
    bool full_key = !cut && len >= 12;
    if (full_key) {
        rec->has_key = true;
        rec->mptcp_key = load_be64(o + 4);
    }
    /* 1. our own bytes back: a middlebox echoed the SYN option */
    if (sig->version == 0 && rec->mptcp_version == 0 && full_key && rec->mptcp_key == sig->key) {
        rec->verdict = VERDICT_MIRRORED;
        return true;
    }
    if (sig->version == 1 && !cut && len == sig->opt_len && !memcmp(o, sig->opt, len)) {
        rec->verdict = VERDICT_MIRRORED;
        return true;
    }
    /* 2. a SYN-ACK's MP_CAPABLE is 12 bytes in both versions: a wrong
     * length makes the option unusable whatever version it claims */
    if (cut || len != 12) {
        rec->verdict = VERDICT_MALFORMED;
        return true;
    }
    /* 3. another version than probed (a plain-SYN probe accepts any version) */
    if (sig->version >= 0 && rec->mptcp_version != sig->version) {
        rec->verdict = VERDICT_VERSION_MISMATCH;
        return true;
    }
    rec->verdict = VERDICT_MPTCP;
    return true;
}
