/* trace_diff.h — compares the IP + TCP header (options included) a router quoted with the probe as it was sent. */
#ifndef TRACE_DIFF_H
#define TRACE_DIFF_H

/*
 * What changes by design is ignored: the TTL / hop limit and the IPv4 header
 * checksum. The TCP checksum is reported only when everything else the
 * checksum covers (the quoted TCP header, options, addresses) is equal, since
 * any other change alters it anyway. Only fields inside the quoted bytes are
 * compared; an option is reported removed only when the quote holds the whole
 * option area, so a short quote never reads as a removal (it reads as
 * "unknown"). Options are matched by kind (and MPTCP subtype) in order of
 * appearance; NOP and EOL padding is not compared.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io/json.h"
#include "net/addr.h"
#include "net/icmp.h"

/* Header and option fields a diff can name (see trace_field_name). */
enum trace_field {
    TF_IP_TOS, TF_IP_LEN, TF_IP_ID, TF_IP_FRAG, TF_IP_IHL, TF_IP_PROTO, TF_IP_SRC, TF_IP_DST,
    TF_IP6_TCLASS, TF_IP6_FLOW, TF_IP6_PLEN, TF_IP6_NEXT,
    TF_TCP_SPORT, TF_TCP_DPORT, TF_TCP_SEQ, TF_TCP_ACK, TF_TCP_OFF, TF_TCP_FLAGS, TF_TCP_WINDOW,
    TF_TCP_CHECKSUM, TF_TCP_URGENT,
    TF_MSS, TF_WSCALE, TF_TS_VAL, TF_TS_ECR,
    TF_MPTCP_LEN, TF_MPTCP_VERSION, TF_MPTCP_FLAGS, TF_MPTCP_KEY,
    TF_OPT_BYTES,            /* another option of the same kind with other bytes (name "opt.<kind>") */
    TF_COUNT
};
const char *trace_field_name(enum trace_field f);

/* What the quote says about the probe's MP_CAPABLE. */
enum trace_mpc_view {
    MPC_UNKNOWN,             /* the quote does not reach that far (8 bytes, partial, none) */
    MPC_SAME,                /* present, byte for byte */
    MPC_REMOVED,             /* the whole option area is quoted and holds no MP_CAPABLE */
    MPC_KEY,                 /* present, only the key differs */
    MPC_CHANGED,             /* present, version, flags or length differ */
    MPC_ADDED,               /* quoted although the probe carried none */
    MPC_VIEW_COUNT
};
const char *trace_mpc_view_name(enum trace_mpc_view v);

enum trace_value_kind { TV_UINT, TV_HEX, TV_ADDR };
struct trace_value {
    uint8_t kind;
    uint8_t len;             /* TV_HEX: bytes */
    union {
        uint64_t u;
        uint8_t hex[40];
        struct ip_addr addr;
    };
};

struct trace_change {
    uint8_t field;           /* enum trace_field */
    uint8_t opt_kind;        /* TF_OPT_BYTES: the option kind */
    struct trace_value old_v, new_v;
};

/* Option identity: the kind; for kind 30 also the MPTCP subtype + 1 in the high byte. */
typedef uint16_t trace_opt_id;
/* "MSS", "WS", "SACK_PERM", "SACK", "TS", "MP_CAPABLE", "MP_JOIN", ..., "kind-N" into buf. */
const char *trace_opt_name(trace_opt_id id, char *buf, size_t len);

#define TRACE_DIFF_MAX_CHANGES 16
#define TRACE_DIFF_MAX_OPTS 12

struct trace_diff {
    uint8_t extent;                  /* enum quote_extent */
    uint16_t tcp_quoted;             /* TCP bytes in the quote */
    bool options_complete;           /* the whole option area is quoted */
    uint8_t mpc;                     /* enum trace_mpc_view */
    uint8_t n_changes, n_added, n_removed;
    bool overflow;                   /* more differences than the arrays hold */
    struct trace_change ch[TRACE_DIFF_MAX_CHANGES];
    trace_opt_id added[TRACE_DIFF_MAX_OPTS], removed[TRACE_DIFF_MAX_OPTS];
};

/* sent: the probe's IP packet as it left (IP header, TCP header, options).
 * quote: the parsed ICMP error quoting it. Fills d; returns false when the
 * quote holds no TCP bytes of ours to compare (then d->extent says why). */
bool trace_diff_quote(const uint8_t *sent, size_t sent_len, const struct icmp_error *quote, struct trace_diff *d);

/* True when d names any difference. */
static inline bool trace_diff_any(const struct trace_diff *d)
{
    return d->n_changes || d->n_added || d->n_removed || d->mpc == MPC_REMOVED || d->mpc == MPC_ADDED;
}

/* Appends `"changes":[...],"added":[...],"removed":[...]` as keys of the
 * JSON object being built (values: numbers, hex strings, addresses). */
void trace_diff_json(const struct trace_diff *d, struct json *j);

#endif
