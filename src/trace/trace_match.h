/* trace_match.h — maps any received packet (ICMP error, echo reply, SYN-ACK/RST) back to (target, TTL, attempt) from the packet alone. */
#ifndef TRACE_MATCH_H
#define TRACE_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/icmp.h"
#include "net/packet.h"
#include "trace/trace_probe.h"
#include "trace/trace_targets.h"

enum trace_match_kind {
    MATCH_DEST,          /* SYN-ACK or RST from the target itself */
    MATCH_SYN_ICMP,      /* ICMP error quoting one of our SYNs */
    MATCH_ECHO_REPLY,    /* echo reply from the target */
    MATCH_ECHO_ICMP,     /* ICMP error quoting one of our echo requests */
};

/* Why a packet was not matched (counted, never fatal). */
enum trace_skip {
    SKIP_NOT_OURS,       /* not addressed to one of our source addresses */
    SKIP_NOT_REPLY,      /* TCP without SYN-ACK/RST, ICMP of another type, other protocols */
    SKIP_BAD_PACKET,     /* the IP/TCP/ICMP header itself does not decode */
    SKIP_GARBAGE_QUOTE,  /* an ICMP error whose quote is no IP packet of ours or too short (< 8 bytes) */
    SKIP_UNKNOWN_TARGET, /* an address/port we do not trace */
    SKIP_BAD_CHECK,      /* the keyed check failed: not our probe (or mangled beyond recognition) */
    SKIP_COUNT
};
const char *trace_skip_name(enum trace_skip s);

struct trace_matcher {
    const struct trace_enc *enc;
    const struct target_table *targets;
    unsigned max_ttl;
};

struct trace_match {
    enum trace_match_kind kind;
    long target;
    unsigned ttl;
    int serial;                  /* SYNs: from the sequence number (-1: rewritten beyond recognition) */
    int attempt;                 /* SYNs: from the IPv4 IP ID (-1: IPv6, or not decodable) */
    struct trace_keys keys;
    bool ttl_from_ipid;          /* the quoted sequence number did not carry the code (rewritten) */
    struct pkt_view pv;          /* the received packet */
    struct icmp_error err;       /* ICMP kinds: the parsed error and its quote */
};

/* Returns true with *m filled, or false with the reason in *skip. ip points
 * at the IP header; the packet must stay valid while m is used. */
bool trace_match(const struct trace_matcher *mt, const uint8_t *ip, size_t len, struct trace_match *m,
                 enum trace_skip *skip);

#endif
