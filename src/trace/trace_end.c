/* trace_end.c — classifies the MP_CAPABLE of a destination's SYN-ACK: the host's own, an echo of ours, another version, malformed, none. */
#include "trace/trace_end.h"

#include <string.h>

#include "net/bytes.h"
#include "net/mptcp.h"
#include "net/tcpopt.h"

static const char *const names[SA_MPC_COUNT] = {"none", "own", "echo", "other-version", "malformed"};

const char *trace_synack_mpc_name(enum trace_synack_mpc m)
{
    return (unsigned)m < SA_MPC_COUNT ? names[m] : "?";
}

bool trace_end_judge(const struct pkt_view *reply, const struct probe_sig *sig, struct trace_end_reply *out)
{
    memset(out, 0, sizeof *out);
    out->mptcp_version = -1;
    uint8_t f = reply->tcp.flags;
    bool synack = (f & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK) && !(f & TCP_RST);
    if (!synack && !(f & TCP_RST))
        return false;
    out->synack = synack;
    out->tcp_flags = f;
    out->reply_ttl = reply->ttl;
    out->window = reply->tcp.window;
    size_t mlen;
    const uint8_t *mss = tcpopt_find(reply->tcp.opts, reply->tcp.opts_len, TCPOPT_MSS, &mlen);
    if (mss && mlen == 4)
        out->mss = load_be16(mss + 2);
    out->mpc = SA_MPC_NONE;
    struct mptcp_capable c;
    if (!synack || !mptcp_capable_find(reply->tcp.opts, reply->tcp.opts_len, &c))
        return true;
    out->mptcp_version = c.version;
    out->has_key = c.has_sender_key;
    out->key = c.sender_key;
    out->opt_len = (uint8_t)(c.avail > sizeof out->opt ? sizeof out->opt : c.avail);
    memcpy(out->opt, c.raw, out->opt_len);
    /* the scanner's order: a mirror first (what came back is ours), then the shape, then the version */
    bool ours = sig->version == 0 ? (c.version == 0 && c.has_sender_key && c.sender_key == sig->key)
                                  : (c.avail == sig->opt_len && !memcmp(c.raw, sig->opt, sig->opt_len));
    if (ours && !c.cut)
        out->mpc = SA_MPC_ECHO;
    else if (c.cut || c.len != MPTCP_CAPABLE_SYNACK_LEN)
        out->mpc = SA_MPC_MALFORMED;
    else if ((int)c.version != sig->version)
        out->mpc = SA_MPC_OTHER_VERSION;
    else
        out->mpc = SA_MPC_OWN;
    return true;
}
