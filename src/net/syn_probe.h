/* syn_probe.h — probe modules (ZMap style) shared by scan and trace: how the SYN for one target is built, what it carried, and whether a reply answers it. */
#ifndef NET_SYN_PROBE_H
#define NET_SYN_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "net/addr.h"
#include "net/cookie.h"
#include "net/packet.h"
#include "net/tcpopt.h"

/* What the probe to this target carried (recomputed from the cookie). */
struct probe_sig {
    int version;              /* 0, 1, or -1 for a plain SYN (no MP_CAPABLE) */
    uint64_t key;             /* v0 key sent */
    uint8_t opt[12];          /* the MP_CAPABLE option sent */
    uint8_t opt_len;
};

struct probe_cfg {
    uint8_t mpc_flags;          /* MP_CAPABLE flags byte (v0 default 0x81, v1 0x01 as Linux) */
    bool key_per_target;        /* v0 key from the cookie instead of `key` */
    uint64_t key;               /* v0 static key */
    struct syn_opts_cfg syn;    /* MSS, SACK_PERM, timestamps, window scale */
    uint16_t window;
    uint8_t ttl;
    uint16_t sport_lo, sport_hi;
    uint8_t src_mac[6], gw_mac[6];
};

/* The per-target values derived from the validation cookie. */
struct probe_target {
    struct ip_addr src, dst;
    uint16_t dport;
    uint32_t cookie[4];
};

struct probe_module {
    const char *name;
    const char *help;
    int mptcp_version;          /* 0, 1, or -1 (plain SYN) */
    uint8_t default_flags;
    /* The MP_CAPABLE option (if any) this target's SYN carries. */
    void (*make_sig)(const struct probe_cfg *cfg, const struct probe_target *t, struct probe_sig *sig);
};

extern const struct probe_module probe_mptcp_v0, probe_mptcp_v1, probe_tcp_syn;
/* By name ("mptcp_v0", "mptcp_v1", "tcp_syn"), NULL if unknown. */
const struct probe_module *probe_find(const char *name);
/* All modules, NULL-terminated (for --list-probes). */
extern const struct probe_module *const probe_modules[];

/* Source port and IP-ID of a target, from cookie word 1. */
static inline uint16_t probe_sport(const struct probe_cfg *cfg, const uint32_t cookie[4])
{
    uint32_t span = (uint32_t)cfg->sport_hi - cfg->sport_lo + 1;
    return (uint16_t)(cfg->sport_lo + cookie[1] % span);
}

/* Whether a decoded reply (TCP from a target to one of our addresses) answers
 * a probe of module m sent with cfg: recomputes that target's cookie from the
 * reply's addresses and source port (no per-target state), then checks that
 * the reply's destination port is the probe's source port and that it
 * acknowledges the probe's sequence number. On success t holds the target
 * (src = our address) and sig what its SYN carried. */
bool probe_validate(const struct probe_module *m, const struct probe_cfg *cfg, const struct cookie_ctx *ck,
                    const struct pkt_view *reply, struct probe_target *t, struct probe_sig *sig);

/* Writes the complete Ethernet frame of the SYN into buf; returns its
 * length, 0 if cap is too small. sig receives what the SYN carried. */
size_t probe_build_frame(const struct probe_module *m, const struct probe_cfg *cfg,
                         const struct probe_target *t, uint8_t *buf, size_t cap, struct probe_sig *sig);

#endif
