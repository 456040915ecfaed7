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
    const uint8_t *o = mpc.raw;
    size_t len = mpc.avail;
    bool cut = mpc.cut;
    rec->has_mpc = true;
    rec->mpc_len = (uint8_t)(len > SCAN_OPT_MAX ? SCAN_OPT_MAX : len);
    memcpy(rec->mpc_raw, o, rec->mpc_len);
    rec->mptcp_version = mpc.version;
    rec->mptcp_flags = mpc.has_flags ? mpc.flags : 0;
    bool full_key = !cut && mpc.has_sender_key;
    if (full_key) {
        rec->has_key = true;
        rec->mptcp_key = mpc.sender_key;
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
    if (cut || len != MPTCP_CAPABLE_SYNACK_LEN) {
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
