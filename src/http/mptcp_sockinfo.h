/* mptcp_sockinfo.h — asks the kernel about one connected socket: still MPTCP or fallen back to TCP, subflows, announced addresses, bytes. */
#ifndef HTTP_MPTCP_SOCKINFO_H
#define HTTP_MPTCP_SOCKINFO_H

/*
 * Three kernel interfaces, from the oldest to the newest:
 *   getsockopt(SOL_MPTCP, MPTCP_INFO)       Linux 5.16: struct mptcp_info
 *   getsockopt(SOL_TCP, TCP_IS_MPTCP)        Linux 5.16 (backported): 1 / 0
 *   getsockopt(SOL_MPTCP, MPTCP_FULL_INFO)   Linux 6.5: mptcp_info + every subflow's addresses
 *
 * After a fallback to TCP the MPTCP socket hands SOL_MPTCP requests to its
 * TCP subflow, whose IP layer refuses the unknown level: EOPNOTSUPP on IPv4,
 * ENOPROTOOPT on IPv6. A kernel that does not know MPTCP_INFO answers with
 * the same two errors, so an error alone does not tell fallback from an old
 * kernel. mptcp_caps_probe() therefore asks once, at start, an unconnected
 * MPTCP socket (which cannot have fallen back): if it answers MPTCP_INFO, a
 * later EOPNOTSUPP/ENOPROTOOPT on a connected socket means fallback. The
 * answer is cross-checked with TCP_IS_MPTCP where the kernel has it (0 after
 * fallback, 1 while MPTCP; on a kernel without it EOPNOTSUPP on MPTCP sockets
 * and ENOPROTOOPT on TCP sockets). See README ("mpcensus http", errno table).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/addr.h"

/* What this kernel can answer (asked once by mptcp_caps_probe). */
struct mptcp_caps {
    bool socket_v4, socket_v6;   /* socket(AF_INET[6], SOCK_STREAM, IPPROTO_MPTCP) works */
    int socket_errno_v4, socket_errno_v6; /* errno when it does not (EPROTONOSUPPORT: net.mptcp.enabled=0) */
    bool info;                   /* MPTCP_INFO answered on an unconnected MPTCP socket */
    bool full_info;              /* MPTCP_FULL_INFO too */
    bool is_mptcp;               /* TCP_IS_MPTCP answered */
    unsigned info_len;           /* bytes of struct mptcp_info this kernel fills */
};
/* Fills caps; never fails (a missing feature is a false flag). */
void mptcp_caps_probe(struct mptcp_caps *caps);

#define MPTCP_VIEW_MAX_PATHS 8

/* One subflow's addresses (MPTCP_FULL_INFO). */
struct mptcp_path {
    struct ip_addr local, remote;
    uint16_t local_port, remote_port;
};

/* The kernel's view of one socket at one moment. */
struct mptcp_view {
    bool valid;                  /* false: could not be asked (no socket) */
    int info_errno;              /* errno of MPTCP_INFO / MPTCP_FULL_INFO (0: answered) */
    int is_mptcp;                /* TCP_IS_MPTCP: 1, 0, or -1 when not answered */
    int is_mptcp_errno;
    bool known;                  /* the kernel told MPTCP from TCP (else the flags below mean nothing) */
    bool mptcp;                  /* an MPTCP connection: remote key received, no fallback */
    bool fallback;               /* MPTCP was asked for and the connection is plain TCP */
    uint32_t token;              /* local connection token (matches the MPTCP netlink events) */
    unsigned flags;              /* mptcpi_flags */
    unsigned subflows;           /* subflows now, the initial one included */
    unsigned add_addr_signal;    /* ADD_ADDRs we sent */
    unsigned add_addr_accepted;  /* peer's ADD_ADDRs our path manager accepted */
    bool has_bytes;              /* the kernel fills the byte counters (6.3+) */
    uint64_t bytes_sent, bytes_received, bytes_retrans;
    unsigned n_paths;            /* MPTCP_FULL_INFO subflows listed in paths[] */
    bool has_paths;
    struct mptcp_path paths[MPTCP_VIEW_MAX_PATHS];
};

/* Inspects fd, a connected socket opened as IPPROTO_MPTCP (asked_mptcp) or
 * IPPROTO_TCP. For TCP sockets only TCP_IS_MPTCP is asked (it must say 0). */
void mptcp_sock_inspect(int fd, bool asked_mptcp, const struct mptcp_caps *caps, struct mptcp_view *v);

/* "EOPNOTSUPP" etc. for the errnos this file interprets; strerror-like text otherwise. */
const char *mptcp_errno_name(int e);

#endif
