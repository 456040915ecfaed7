/* classify.h — turns one validated reply (SYN-ACK or RST) to an MP_CAPABLE probe into a scan record with an exact verdict. */
#ifndef SCAN_CLASSIFY_H
#define SCAN_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "net/addr.h"
#include "net/packet.h"
#include "net/syn_probe.h"
#include "net/verdict.h"

/* The closed verdict vocabulary (README.md, "mpcensus scan": Verdicts): the
 * scanner's names for net/verdict's rule, which decides them (one rule for
 * every stage that judges a reply). */
enum scan_verdict {
    VERDICT_MPTCP = MPC_VERDICT_MPTCP,                       /* MP_CAPABLE of the probed version, a key not ours */
    VERDICT_MIRRORED = MPC_VERDICT_MIRRORED,                 /* our v0 key / our v1 option came back */
    VERDICT_VERSION_MISMATCH = MPC_VERDICT_VERSION_MISMATCH, /* MP_CAPABLE of another version */
    VERDICT_MALFORMED = MPC_VERDICT_MALFORMED,               /* wrong length or cut; checked before the version */
    VERDICT_TCP = MPC_VERDICT_TCP,                           /* SYN-ACK without MP_CAPABLE */
    VERDICT_CLOSED = MPC_VERDICT_CLOSED,                     /* RST */
    VERDICT_COUNT = MPC_VERDICT_COUNT
};
const char *scan_verdict_name(enum scan_verdict v);

#define SCAN_OPT_MAX 40
struct scan_record {
    /* ZMap naming: saddr/sport are the responder, daddr/dport the scanner. */
    struct ip_addr saddr, daddr;
    uint16_t sport, dport;
    uint8_t ttl;
    uint16_t ipid;
    uint16_t window;
    uint8_t tcp_flags;
    bool synack;              /* classification: synack, else rst */
    bool has_mpc;             /* an MP_CAPABLE option was present */
    uint8_t mpc_raw[SCAN_OPT_MAX];
    uint8_t mpc_len;          /* bytes in mpc_raw (the option's length byte, clipped to the area) */
    int mptcp_version;        /* -1 when no option */
    uint8_t mptcp_flags;
    bool has_key;
    uint64_t mptcp_key;
    enum scan_verdict verdict;
    int probe_version;        /* what we sent: 0, 1, -1 */
    bool repeat;              /* a reply from this (saddr, sport) was already recorded */
    bool cooldown;            /* arrived after sending had finished */
    uint64_t ts_nsec;
};

/* Classifies a decoded reply. Returns false when the packet is neither a
 * SYN-ACK nor a RST (the caller counts it as noise). Only the option area
 * is walked: kind 30 found by the walker, and only MP_CAPABLE decoded. */
bool scan_classify(const struct pkt_view *pkt, const struct probe_sig *sig, struct scan_record *rec);

#endif
