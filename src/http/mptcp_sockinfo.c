/* mptcp_sockinfo.c — MPTCP_INFO, MPTCP_FULL_INFO and TCP_IS_MPTCP on one socket, and what their errnos mean. */
#include "http/mptcp_sockinfo.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The kernel ABI (include/uapi/linux/mptcp.h, tcp.h). Debian 12's headers are
 * Linux 6.1's and lack MPTCP_FULL_INFO and the newer mptcp_info fields, so
 * the layouts are spelled out here and checked by the asserts below. */
#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef SOL_MPTCP
#define SOL_MPTCP 284
#endif
#define K_MPTCP_INFO 1
#define K_MPTCP_FULL_INFO 4
#define K_TCP_IS_MPTCP 43
#define K_MPTCP_INFO_FLAG_FALLBACK 0x1u
#define K_MPTCP_INFO_FLAG_REMOTE_KEY_RECEIVED 0x2u

struct k_mptcp_info {
    uint8_t subflows;
    uint8_t add_addr_signal;
    uint8_t add_addr_accepted;
    uint8_t subflows_max;
    uint8_t add_addr_signal_max;
    uint8_t add_addr_accepted_max;
    uint32_t flags;
    uint32_t token;
    uint64_t write_seq;
    uint64_t snd_una;
    uint64_t rcv_nxt;
    uint8_t local_addr_used;
    uint8_t local_addr_max;
    uint8_t csum_enabled;
    uint32_t retransmits;          /* 6.3 */
    uint64_t bytes_retrans;
    uint64_t bytes_sent;
    uint64_t bytes_received;
    uint64_t bytes_acked;
    uint8_t subflows_total;        /* 6.10 */
    uint8_t reserved[3];
    uint32_t last_data_sent;
    uint32_t last_data_recv;
    uint32_t last_ack_recv;
};
_Static_assert(offsetof(struct k_mptcp_info, flags) == 8, "mptcp_info layout");
_Static_assert(offsetof(struct k_mptcp_info, local_addr_used) == 40, "mptcp_info layout");
_Static_assert(offsetof(struct k_mptcp_info, retransmits) == 44, "mptcp_info layout");
_Static_assert(offsetof(struct k_mptcp_info, bytes_received) == 64, "mptcp_info layout");
_Static_assert(offsetof(struct k_mptcp_info, subflows_total) == 80, "mptcp_info layout");
_Static_assert(sizeof(struct k_mptcp_info) == 96, "mptcp_info layout");
#define K_INFO_HAS_BYTES (offsetof(struct k_mptcp_info, bytes_acked) + 8)
#define K_INFO_HAS_TOTAL (offsetof(struct k_mptcp_info, subflows_total) + 1)

/* __kernel_sockaddr_storage is 128 bytes, pointer-aligned: glibc's sockaddr_storage is the same. */
struct k_subflow_info {
    uint32_t id;
    struct sockaddr_storage local;
    struct sockaddr_storage remote;
};
_Static_assert(offsetof(struct k_subflow_info, local) == 8 && sizeof(struct k_subflow_info) == 264,
               "mptcp_subflow_info layout");

struct k_full_info {
    uint32_t size_tcpinfo_kernel;  /* set by the kernel */
    uint32_t size_tcpinfo_user;
    uint32_t size_sfinfo_kernel;   /* set by the kernel */
    uint32_t size_sfinfo_user;
    uint32_t num_subflows;         /* set by the kernel: every subflow, not only the ones copied */
    uint32_t size_arrays_user;
    uint64_t subflow_info;         /* user pointer to size_arrays_user k_subflow_info */
    uint64_t tcp_info;             /* user pointer (we ask for none: size 0) */
    struct k_mptcp_info mptcp_info;
};
_Static_assert(offsetof(struct k_full_info, mptcp_info) == 40, "mptcp_full_info layout");

const char *mptcp_errno_name(int e)
{
    switch (e) {
    case 0: return "ok";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case ENOPROTOOPT: return "ENOPROTOOPT";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
    case EINVAL: return "EINVAL";
    case EBADF: return "EBADF";
    case ENOSYS: return "not asked";
    default: return strerror(e);
    }
}

static int get_info(int fd, struct k_mptcp_info *mi, unsigned *len)
{
    memset(mi, 0, sizeof *mi);
    socklen_t l = sizeof *mi;
    if (getsockopt(fd, SOL_MPTCP, K_MPTCP_INFO, mi, &l) != 0)
        return errno;
    *len = l;
    return 0;
}

static int get_full_info(int fd, struct k_full_info *fi, struct k_subflow_info *sf, unsigned n_sf, unsigned *info_len)
{
    memset(fi, 0, sizeof *fi);
    memset(sf, 0, n_sf * sizeof *sf);
    fi->size_sfinfo_user = sizeof *sf;
    fi->size_arrays_user = n_sf;
    fi->subflow_info = (uint64_t)(uintptr_t)sf;
    socklen_t l = sizeof *fi;
    if (getsockopt(fd, SOL_MPTCP, K_MPTCP_FULL_INFO, fi, &l) != 0)
        return errno;
    *info_len = l > offsetof(struct k_full_info, mptcp_info) ? (unsigned)(l - offsetof(struct k_full_info, mptcp_info)) : 0;
    return 0;
}

static int get_is_mptcp(int fd, int *val)
{
    int v = -1;
    socklen_t l = sizeof v;
    if (getsockopt(fd, SOL_TCP, K_TCP_IS_MPTCP, &v, &l) != 0)
        return errno;
    *val = v;
    return 0;
}

void mptcp_caps_probe(struct mptcp_caps *caps)
{
    memset(caps, 0, sizeof *caps);
    int fd6 = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_MPTCP);
    caps->socket_v6 = fd6 >= 0;
    caps->socket_errno_v6 = fd6 >= 0 ? 0 : errno;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_MPTCP);
    caps->socket_v4 = fd >= 0;
    caps->socket_errno_v4 = fd >= 0 ? 0 : errno;
    if (fd < 0) {
        fd = fd6;
        fd6 = -1;
    }
    if (fd >= 0) {
        struct k_mptcp_info mi;
        unsigned len = 0;
        caps->info = get_info(fd, &mi, &len) == 0;
        caps->info_len = caps->info ? len : 0;
        struct k_full_info fi;
        struct k_subflow_info sf[1];
        unsigned flen;
        caps->full_info = get_full_info(fd, &fi, sf, 1, &flen) == 0;
        int v;
        caps->is_mptcp = get_is_mptcp(fd, &v) == 0;
        close(fd);
    }
    if (fd6 >= 0)
        close(fd6);
}

static void sockaddr_to(const struct sockaddr_storage *ss, struct ip_addr *a, uint16_t *port)
{
    memset(a, 0, sizeof *a);
    *port = 0;
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *s = (const struct sockaddr_in *)ss;
        a->family = AF_INET;
        memcpy(a->bytes, &s->sin_addr, 4);
        *port = ntohs(s->sin_port);
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)ss;
        a->family = AF_INET6;
        memcpy(a->bytes, &s->sin6_addr, 16);
        *port = ntohs(s->sin6_port);
    }
}

static void take_info(struct mptcp_view *v, const struct k_mptcp_info *mi, unsigned len)
{
    v->flags = mi->flags;
    v->token = mi->token;
    v->add_addr_signal = mi->add_addr_signal;
    v->add_addr_accepted = mi->add_addr_accepted;
    /* mptcpi_subflows counts the additional subflows only */
    v->subflows = len >= K_INFO_HAS_TOTAL && mi->subflows_total ? mi->subflows_total : mi->subflows + 1u;
    v->has_bytes = len >= K_INFO_HAS_BYTES;
    if (v->has_bytes) {
        v->bytes_sent = mi->bytes_sent;
        v->bytes_received = mi->bytes_received;
        v->bytes_retrans = mi->bytes_retrans;
    }
}

void mptcp_sock_inspect(int fd, bool asked_mptcp, const struct mptcp_caps *caps, struct mptcp_view *v)
{
    memset(v, 0, sizeof *v);
    v->is_mptcp = -1;
    if (fd < 0)
        return;
    v->valid = true;
    v->is_mptcp_errno = caps->is_mptcp ? get_is_mptcp(fd, &v->is_mptcp) : ENOSYS;
    if (!asked_mptcp) {
        /* a TCP socket: TCP_IS_MPTCP says 0 where the kernel has it */
        v->known = true;
        v->subflows = 1;
        v->info_errno = ENOSYS;
        return;
    }
    bool answered = false;
    if (caps->full_info) {
        struct k_full_info fi;
        struct k_subflow_info sf[MPTCP_VIEW_MAX_PATHS];
        unsigned len = 0;
        v->info_errno = get_full_info(fd, &fi, sf, MPTCP_VIEW_MAX_PATHS, &len);
        if (v->info_errno == 0) {
            answered = true;
            take_info(v, &fi.mptcp_info, len);
            v->has_paths = true;
            unsigned copied = fi.num_subflows < MPTCP_VIEW_MAX_PATHS ? fi.num_subflows : MPTCP_VIEW_MAX_PATHS;
            for (unsigned i = 0; i < copied; i++) {
                sockaddr_to(&sf[i].local, &v->paths[i].local, &v->paths[i].local_port);
                sockaddr_to(&sf[i].remote, &v->paths[i].remote, &v->paths[i].remote_port);
            }
            v->n_paths = copied;
            if (fi.num_subflows > 0)
                v->subflows = fi.num_subflows;
        }
    } else if (caps->info) {
        struct k_mptcp_info mi;
        unsigned len = 0;
        v->info_errno = get_info(fd, &mi, &len);
        if (v->info_errno == 0) {
            answered = true;
            take_info(v, &mi, len);
        }
    } else {
        v->info_errno = ENOSYS;
    }

    if (answered) {
        v->known = true;
        v->fallback = (v->flags & K_MPTCP_INFO_FLAG_FALLBACK) != 0 || v->is_mptcp == 0;
        v->mptcp = !v->fallback && (v->flags & K_MPTCP_INFO_FLAG_REMOTE_KEY_RECEIVED) != 0;
    } else if ((v->info_errno == EOPNOTSUPP || v->info_errno == ENOPROTOOPT) && caps->info) {
        /* this kernel answers SOL_MPTCP on MPTCP sockets: the TCP subflow took the request */
        v->known = true;
        v->fallback = true;
    } else if (v->is_mptcp >= 0) {
        v->known = true;
        v->mptcp = v->is_mptcp == 1;
        v->fallback = v->is_mptcp == 0;
    }
    if (v->fallback) {
        v->subflows = 1;
        v->mptcp = false;
    }
}
