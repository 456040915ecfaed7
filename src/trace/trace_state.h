/* trace_state.h — one target's trace: what each TTL answered, which probes the next round needs, and the class at the end. */
#ifndef TRACE_STATE_H
#define TRACE_STATE_H

/*
 * A target moves through phases, each made of rounds:
 *   SYN    SYNs at TTL 1..horizon (the input's distance hint, else --max-ttl);
 *          later rounds retry silent TTLs below the end, or probe up to
 *          --gap-limit TTLs past the last answering hop.
 *   CHECK  one ICMP echo at the TTL that reached the host (the proxy check):
 *          an echo reply from the target means the host is there; a
 *          time-exceeded means the SYN-ACK came from a box in front of it.
 *   DIST   for a proxy: echoes beyond it, one TTL at a time, until the host
 *          answers (its distance).
 * Without a distance hint the first round's random order often sends a SYN
 * past the host before the one at its distance; its answer's TTL names the
 * distance (est). With the proxy check on, the SYN at est is then not sent:
 * the echo at est stands in for it (an echo reply there, with a router's
 * quote at est - 1, puts the host at est). If the echo does not come back
 * from the host the presumption is dropped: the SYN at est goes out (a box
 * answering there is a proxy), and only if a router answers it, the SYNs
 * above it.
 * Walking back (the default; --full-path turns it off): the first round is
 * one SYN, at the hint or --max-ttl, to reach the host; once it has answered,
 * SYNs go one TTL at a time down from the host, and stop at the first hop
 * whose quote is full and equal to the probe. A middlebox changes what
 * reaches the hops after it, so every quote below a clean one is clean too:
 * the walk sees every quote that can show a change, and the class, the hop
 * and the changes are those of the full path. TTLs it skipped read `skipped`.
 * If the host was not reached by that first SYN, the full plan takes over.
 * A round is over when every probe of it was answered, or --wait after its
 * last probe left; the next round is then planned from what came back. The
 * engine owns the probes' order and timing; this module only decides.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/addr.h"
#include "net/icmp.h"
#include "trace/trace_diff.h"
#include "trace/trace_end.h"
#include "trace/trace_probe.h"

enum ts_phase { PH_SYN, PH_CHECK, PH_DIST, PH_DONE };
enum ts_reply { HR_NONE, HR_TE, HR_UNREACH, HR_DEST };   /* HR_DEST: SYN-ACK/RST, or echo reply */
enum ts_check { CK_NONE, CK_HOST, CK_PROXY, CK_NO_ANSWER, CK_OFF };
const char *ts_check_name(enum ts_check c);   /* null for CK_NONE */

#define TS_MAX_EXT 4
#define TS_EXT_DATA 64
struct ts_ext {
    uint8_t class_num, c_type;
    uint16_t len;                /* object payload length on the wire */
    uint8_t data[TS_EXT_DATA];   /* its first bytes */
};

struct ts_hop_extra {
    bool has_diff;
    struct trace_diff diff;
    uint8_t n_ext;
    bool ext_checksum_ok;
    struct ts_ext ext[TS_MAX_EXT];
};

struct ts_hop {
    uint64_t sent_ns;            /* last send (monotonic) */
    uint32_t rtt_us;             /* UINT32_MAX: unknown */
    struct ip_addr from;
    uint8_t tries, last_attempt;
    uint16_t serial[TRACE_MAX_ATTEMPTS];  /* SYNs: the serial each attempt carried */
    uint8_t reply;               /* enum ts_reply */
    uint8_t icmp_type, icmp_code, extent, mpc;
    bool waiting;                /* sent in this round, not answered yet */
    bool synack;                 /* HR_DEST: a SYN-ACK (else a RST) answered this TTL */
    bool differs;                /* the quote showed a difference from the probe */
    struct ts_hop_extra *x;      /* only when the quote differs or carries extensions */
};

struct tstate {
    uint32_t target;
    uint32_t round;
    struct trace_keys keys;
    uint8_t phase, max_ttl, horizon, est, dest_ttl, end_ttl;
    uint8_t reach_ttl;           /* the TTL whose answer is `dest` */
    uint8_t check_ttl;           /* TTL of the proxy check's echo */
    bool first_round;
    bool interrupted;
    bool check_on;               /* the proxy check will run (so est may stand in for a SYN) */
    bool est_refuted;            /* the echo at est did not find the host there */
    uint8_t attempts;            /* probes per TTL (retries + 1) */
    bool dest_inferred;          /* dest_ttl = est from the echo, no SYN was sent at it */
    uint32_t batch;              /* engine: the send batch of this target's last SYN ... */
    uint8_t batch_ttl;           /* ... and its TTL */
    uint16_t pending;            /* items of this round not yet taken by the sender */
    uint16_t outstanding;        /* sent in this round, unanswered */
    uint32_t probes;
    uint16_t next_serial;        /* SYNs sent to this target so far */
    uint64_t start_ns;
    bool have_dest;
    struct trace_end_reply dest; /* from the lowest TTL that reached the host */
    uint8_t check;               /* enum ts_check */
    uint8_t echo_dist;           /* lowest TTL an echo reply came back from (DIST) */
    struct ts_hop *echo;         /* [max_ttl + 1], from the CHECK phase on */
    struct ts_hop hop[];         /* [max_ttl + 1], index = TTL */
};

struct ts_params {
    unsigned max_ttl;            /* <= TRACE_MAX_TTL */
    unsigned attempts;           /* retries + 1, <= TRACE_MAX_ATTEMPTS */
    unsigned gap_limit;
    bool proxy_check;
    bool full_path;              /* every TTL up to the host, not only back to a clean quote */
};

struct ts_item {
    uint8_t ttl;
    bool echo;
};

struct tstate *ts_new(const struct ts_params *p, uint32_t target, const struct trace_keys *k, unsigned hint,
                      uint64_t now_ns);
void ts_free(struct tstate *st);

/* Plans the next round into items (cap >= max_ttl); advances the phase when
 * the current one needs nothing more. Returns the count; 0 means PH_DONE. */
unsigned ts_plan(struct tstate *st, const struct ts_params *p, struct ts_item *items, unsigned cap);
/* At send time: false when what came back meanwhile makes the probe useless. */
bool ts_still_needed(const struct tstate *st, const struct ts_item *it);
/* Records a send; returns the attempt number the probe carries and, for a
 * SYN, its serial (false: the serial space of this target is used up). */
bool ts_sent(struct tstate *st, const struct ts_item *it, uint64_t now_ns, unsigned *attempt, unsigned *serial);
/* Completes what a reply told of its SYN: the attempt from the serial or
 * the serial from the attempt. False when neither matches a probe sent. */
bool ts_resolve(const struct tstate *st, unsigned ttl, int *serial, int *attempt);

/* Replies. Each returns true when it answered a probe of the current round
 * (the caller then lowers `outstanding`-driven waiting). */
bool ts_on_dest(struct tstate *st, unsigned ttl, int attempt, const struct trace_end_reply *r, uint64_t now_ns);
bool ts_on_icmp(struct tstate *st, unsigned ttl, int attempt, const struct icmp_error *e,
                const struct trace_diff *d, bool diffed, uint64_t now_ns);
bool ts_on_echo(struct tstate *st, unsigned ttl, bool reply, const struct icmp_error *e, uint64_t now_ns);

enum trace_class { CLASS_MPTCP, CLASS_MIDDLEBOX, CLASS_NO_MPTCP, CLASS_UNREACHABLE, CLASS_COUNT };
const char *trace_class_name(enum trace_class c);

enum trace_end_kind { END_REACHED, END_UNREACHABLE, END_GAP, END_MAX_TTL, END_INTERRUPTED };
const char *trace_end_kind_name(enum trace_end_kind e);

struct trace_verdict {
    enum trace_class cls;
    unsigned hop;                /* middlebox: first hop showing the change (or the proxy's); 0 none */
    unsigned mpc_hop;            /* first hop whose quote shows MP_CAPABLE altered; 0 none */
    unsigned dest_hops;          /* the host's distance; 0 unknown */
    enum trace_end_kind end;
    unsigned end_ttl;            /* TTL of the ICMP unreachable, 0 none */
    unsigned last_ttl;           /* highest TTL probed */
    unsigned answered, partial;  /* hops that answered; of them, quotes that could not show the options */
};
void ts_verdict(const struct tstate *st, const struct ts_params *p, struct trace_verdict *v);

#endif
