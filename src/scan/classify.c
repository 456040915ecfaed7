/* classify.c — a validated reply (SYN-ACK or RST) to an MP_CAPABLE probe as a scan record; the verdict by net/verdict's rule. */
#include "scan/classify.h"

#include <string.h>

#include "net/mptcp.h"

const char *scan_verdict_name(enum scan_verdict v)
{
    return mpc_verdict_name((enum mpc_verdict)v);
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
    struct mptcp_capable mpc;
    /* a cut option (by the header or, with a short snap length, the capture:
     * net/tcpopt's rule) cannot be judged: malformed below */
    if (!mptcp_capable_find_tcp(t, &mpc)) {
        rec->verdict = VERDICT_TCP;
        return true;
    }
    rec->has_mpc = true;
    rec->mpc_len = (uint8_t)(mpc.avail > SCAN_OPT_MAX ? SCAN_OPT_MAX : mpc.avail);
    memcpy(rec->mpc_raw, mpc.raw, rec->mpc_len);
    rec->mptcp_version = mpc.version;
    rec->mptcp_flags = mpc.has_flags ? mpc.flags : 0;
    if (!mpc.cut && mpc.has_sender_key) {
        rec->has_key = true;
        rec->mptcp_key = mpc.sender_key;
    }
    /* mirror, then length, then version: net/verdict's rule */
    rec->verdict = (enum scan_verdict)mpc_verdict_of(false, &mpc, sig);
    return true;
}
