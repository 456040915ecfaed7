/* mptcp_mibs.h — the vantage kernel's MPTCP counters that explain fallbacks it caused itself (SYN retries without MP_CAPABLE, blackhole detection). */
#ifndef HTTP_MPTCP_MIBS_H
#define HTTP_MPTCP_MIBS_H

/*
 * Since Linux 6.12 a client kernel that sees its MP_CAPABLE SYNs dropped
 * retries without the option after net.mptcp.syn_retrans_before_tcp_fallback
 * retransmissions (MPCapableSYNTXDrop), and, when the plain SYN then gets
 * through, marks an "MPTCP blackhole" (Blackhole) and sends the next MPTCP
 * connections of the namespace as plain TCP for net.mptcp.blackhole_timeout
 * seconds (MPCapableSYNTXDisabled). Such fallbacks are our kernel's, not the
 * server's: `mpcensus http` reads these counters of its namespace before and
 * after the run and says so.
 */

#include <stdbool.h>
#include <stdint.h>

enum mptcp_mib {
    MIB_SYN_TX,           /* MPCapableSYNTX: MP_CAPABLE SYNs sent */
    MIB_SYNACK_RX,        /* MPCapableSYNACKRX: SYN-ACKs with MP_CAPABLE */
    MIB_FALLBACK_SYNACK,  /* MPCapableFallbackSYNACK: SYN-ACKs without it */
    MIB_SYN_TX_DROP,      /* MPCapableSYNTXDrop: retried as plain TCP after SYN retransmissions */
    MIB_SYN_TX_DISABLED,  /* MPCapableSYNTXDisabled: sent as TCP, MPTCP disabled by blackhole detection */
    MIB_BLACKHOLE,        /* Blackhole: blackholes detected */
    MIB_COUNT
};

struct mptcp_mibs {
    bool ok;
    uint64_t v[MIB_COUNT];
    bool has[MIB_COUNT];
};

/* The current network namespace's counters (/proc/self/net/netstat). */
void mptcp_mibs_read(struct mptcp_mibs *m);
/* net.mptcp.blackhole_timeout in seconds, -1 when the kernel has none. */
long mptcp_blackhole_timeout(void);

#endif
