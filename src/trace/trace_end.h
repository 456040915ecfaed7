/* trace_end.h — what the destination's own answer (SYN-ACK or RST) says about MPTCP, judged separately from the path. */
#ifndef TRACE_END_H
#define TRACE_END_H

#include <stdbool.h>
#include <stdint.h>

#include "net/packet.h"
#include "net/syn_probe.h"

/* MP_CAPABLE in the destination's SYN-ACK, compared with what the probe carried. */
enum trace_synack_mpc {
    SA_MPC_NONE,          /* no MP_CAPABLE (or a RST) */
    SA_MPC_OWN,           /* MP_CAPABLE of the probed version, 12 bytes, a key that is not ours: the host's */
    SA_MPC_ECHO,          /* our option came back (v0: our key; v1: our 4 bytes): a mirror */
    SA_MPC_OTHER_VERSION, /* MP_CAPABLE of another version than probed */
    SA_MPC_MALFORMED,     /* MP_CAPABLE of a wrong length for a SYN-ACK, or cut */
    SA_MPC_COUNT
};
const char *trace_synack_mpc_name(enum trace_synack_mpc m);

struct trace_end_reply {
    bool synack;          /* else RST */
    uint8_t tcp_flags;
    uint8_t reply_ttl;    /* IP TTL / hop limit as received */
    uint16_t window;
    uint16_t mss;         /* 0: no MSS option */
    uint8_t mpc;          /* enum trace_synack_mpc */
    int mptcp_version;    /* of the option, -1 none */
    bool has_key;
    uint64_t key;
    uint8_t opt_len;
    uint8_t opt[40];      /* raw MP_CAPABLE as received */
};

/* Judges a decoded SYN-ACK or RST against the probe's signature. Returns
 * false when the packet is neither. */
bool trace_end_judge(const struct pkt_view *reply, const struct probe_sig *sig, struct trace_end_reply *out);

#endif
