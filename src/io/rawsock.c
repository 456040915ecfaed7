/* rawsock.c — batched raw IPv4/IPv6 send (sendmmsg, header included) and ICMP/TCP receive as whole IP packets (recvmmsg, IPv6 header rebuilt). */
#include "io/rawsock.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <linux/icmp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "io/errmsg.h"

#define RS_BATCH 64
#define RS_SLOT 256          /* largest packet we send (probes are < 128 bytes) */
#define RS_RX_SLOT 2048      /* ICMP errors stay below 1280 bytes (IPv6 minimum MTU) */
#define RS_RX_HDR 40         /* room for a rebuilt IPv6 header in front */
#define RS_MAX_RX 4

struct tx_queue {
    int fd;
    unsigned n;
    uint8_t (*buf)[RS_SLOT];
    size_t len[RS_BATCH];
    struct sockaddr_storage dst[RS_BATCH];
    socklen_t dst_len[RS_BATCH];
};

struct rx_sock {
    int fd;
    int family;
    uint8_t proto;           /* IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_TCP */
    uint32_t last_ovfl;
};

struct rawsock {
    struct tx_queue tx[2];   /* [0] IPv4, [1] IPv6 */
    struct rx_sock rx[RS_MAX_RX];
    unsigned n_rx;
    uint8_t (*rxbuf)[RS_RX_HDR + RS_RX_SLOT];
    struct rawsock_stats st;
};

static int open_rx(struct rawsock *rs, int family, int proto, unsigned rcvbuf, char *err, size_t errlen)
{
    int fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
    if (fd < 0)
        return errmsg_fail(err, errlen, "raw %s socket (protocol %d): %s", family == AF_INET ? "IPv4" : "IPv6", proto,
                    strerror(errno));
    int one = 1, buf = (int)rcvbuf;
    /* FORCE lifts the rmem_max cap (we are root); plain SO_RCVBUF is the fallback */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf) != 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one);
    if (family == AF_INET6) {
        setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one);
        setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof one);
    }
    if (proto == IPPROTO_ICMP) {
        /* only what a tracer reads: echo reply, unreachable, time exceeded, parameter problem */
        struct icmp_filter f = {.data = ~((1u << ICMP_ECHOREPLY) | (1u << ICMP_DEST_UNREACH) |
                                          (1u << ICMP_TIME_EXCEEDED) | (1u << ICMP_PARAMETERPROB))};
        setsockopt(fd, SOL_RAW, ICMP_FILTER, &f, sizeof f);
    } else if (proto == IPPROTO_ICMPV6) {
        struct icmp6_filter f;
        ICMP6_FILTER_SETBLOCKALL(&f);
        ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &f);
        ICMP6_FILTER_SETPASS(ICMP6_PACKET_TOO_BIG, &f);
        ICMP6_FILTER_SETPASS(ICMP6_TIME_EXCEEDED, &f);
        ICMP6_FILTER_SETPASS(ICMP6_PARAM_PROB, &f);
        ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
        setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof f);
    }
    rs->rx[rs->n_rx++] = (struct rx_sock){.fd = fd, .family = family, .proto = (uint8_t)proto};
    return 0;
}

int rawsock_open(struct rawsock **out, const struct rawsock_cfg *cfg, char *err, size_t errlen)
{
    *out = NULL;
    struct rawsock *rs = calloc(1, sizeof *rs);
    if (!rs)
        return errmsg_fail(err, errlen, "out of memory");
    rs->tx[0].fd = rs->tx[1].fd = -1;
    unsigned rcvbuf = cfg->rcvbuf ? cfg->rcvbuf : 8u << 20;
    int rc = 0;
    for (int f = 0; f < 2 && rc == 0; f++) {
        if (f == 0 ? !cfg->v4 : !cfg->v6)
            continue;
        int family = f == 0 ? AF_INET : AF_INET6;
        struct tx_queue *q = &rs->tx[f];
        /* blocking on purpose: a full socket buffer pushes back on the sender */
        q->fd = socket(family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
        q->buf = calloc(RS_BATCH, RS_SLOT);
        if (q->fd < 0 || !q->buf) {
            rc = errmsg_fail(err, errlen, "raw %s send socket: %s", f ? "IPv6" : "IPv4", q->buf ? strerror(errno) : "out of memory");
            break;
        }
        int sndbuf = 4 << 20;
        if (setsockopt(q->fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof sndbuf) != 0)
            setsockopt(q->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
        if (cfg->recv_icmp)
            rc = open_rx(rs, family, f ? IPPROTO_ICMPV6 : IPPROTO_ICMP, rcvbuf, err, errlen);
        if (rc == 0 && cfg->recv_tcp)
            rc = open_rx(rs, family, IPPROTO_TCP, rcvbuf, err, errlen);
    }
    if (rc == 0 && rs->n_rx && !(rs->rxbuf = calloc(RS_BATCH, sizeof *rs->rxbuf)))
        rc = errmsg_fail(err, errlen, "out of memory");
    if (rc != 0) {
        rawsock_close(rs);
        return -1;
    }
    *out = rs;
    return 0;
}

static int send_queue(struct rawsock *rs, struct tx_queue *q, char *err, size_t errlen)
{
    struct mmsghdr msgs[RS_BATCH];
    struct iovec iov[RS_BATCH];
    memset(msgs, 0, sizeof msgs);
    for (unsigned i = 0; i < q->n; i++) {
        iov[i] = (struct iovec){q->buf[i], q->len[i]};
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &q->dst[i];
        msgs[i].msg_hdr.msg_namelen = q->dst_len[i];
    }
    unsigned done = 0, retries = 0;
    while (done < q->n) {
        int r = sendmmsg(q->fd, msgs + done, q->n - done, 0);
        if (r > 0) {
            done += (unsigned)r;
            rs->st.sent += (unsigned)r;
            continue;
        }
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && (errno == ENOBUFS || errno == EAGAIN) && retries++ < 100) {
            /* the qdisc or device queue is full: give it a moment */
            struct timespec ts = {0, 200000};
            nanosleep(&ts, NULL);
            continue;
        }
        if (r < 0 && (errno == EBADF || errno == ENOTSOCK || errno == EFAULT)) {
            q->n = 0;
            return errmsg_fail(err, errlen, "raw send: %s", strerror(errno));
        }
        /* this one packet was refused (no route, EPERM from a firewall, ...): count, skip it */
        rs->st.send_errors++;
        rs->st.last_errno = r < 0 ? errno : EIO;
        done++;
    }
    q->n = 0;
    return 0;
}

int rawsock_queue(struct rawsock *rs, const uint8_t *ip, size_t len, char *err, size_t errlen)
{
    if (len < 20 || len > RS_SLOT)
        return errmsg_fail(err, errlen, "raw send: packet of %zu bytes", len);
    int f = (ip[0] >> 4) == 6 ? 1 : 0;
    if (f == 1 && len < 40)
        return errmsg_fail(err, errlen, "raw send: IPv6 packet of %zu bytes", len);
    struct tx_queue *q = &rs->tx[f];
    if (q->fd < 0)
        return errmsg_fail(err, errlen, "raw send: no IPv%d socket open", f ? 6 : 4);
    unsigned i = q->n;
    memcpy(q->buf[i], ip, len);
    q->len[i] = len;
    memset(&q->dst[i], 0, sizeof q->dst[i]);
    if (f == 0) {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&q->dst[i];
        s4->sin_family = AF_INET;
        memcpy(&s4->sin_addr, ip + 16, 4);
        q->dst_len[i] = sizeof *s4;
    } else {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&q->dst[i];
        s6->sin6_family = AF_INET6;
        memcpy(&s6->sin6_addr, ip + 24, 16);
        q->dst_len[i] = sizeof *s6;
    }
    if (++q->n == RS_BATCH)
        return send_queue(rs, q, err, errlen);
    return 0;
}

int rawsock_flush(struct rawsock *rs, char *err, size_t errlen)
{
    for (int f = 0; f < 2; f++)
        if (rs->tx[f].n && send_queue(rs, &rs->tx[f], err, errlen) != 0)
            return -1;
    return 0;
}

/* Rebuilds the IPv6 header the raw socket stripped: 40 bytes before data. */
static void rebuild_ipv6(uint8_t *hdr, size_t payload_len, uint8_t next, const struct sockaddr_in6 *src,
                         const struct msghdr *mh)
{
    uint8_t hoplimit = 0;
    struct in6_addr dst = IN6ADDR_ANY_INIT;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR((struct msghdr *)mh, c)) {
        if (c->cmsg_level != IPPROTO_IPV6)
            continue;
        if (c->cmsg_type == IPV6_PKTINFO) {
            struct in6_pktinfo pi;
            memcpy(&pi, CMSG_DATA(c), sizeof pi);
            dst = pi.ipi6_addr;
        } else if (c->cmsg_type == IPV6_HOPLIMIT) {
            int hl;
            memcpy(&hl, CMSG_DATA(c), sizeof hl);
            hoplimit = (uint8_t)hl;
        }
    }
    hdr[0] = 0x60;
    hdr[1] = hdr[2] = hdr[3] = 0;
    hdr[4] = (uint8_t)(payload_len >> 8);
    hdr[5] = (uint8_t)payload_len;
    hdr[6] = next;
    hdr[7] = hoplimit;
    memcpy(hdr + 8, &src->sin6_addr, 16);
    memcpy(hdr + 24, &dst, 16);
}

static void count_overflow(struct rawsock *rs, struct rx_sock *s, const struct msghdr *mh)
{
    for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR((struct msghdr *)mh, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) {
            uint32_t v;
            memcpy(&v, CMSG_DATA(c), sizeof v);
            if (v > s->last_ovfl)
                rs->st.rx_drops += v - s->last_ovfl;
            s->last_ovfl = v;
        }
}

static int drain(struct rawsock *rs, struct rx_sock *s, rawsock_rx_fn fn, void *user, char *err, size_t errlen)
{
    struct mmsghdr msgs[RS_BATCH];
    struct iovec iov[RS_BATCH];
    struct sockaddr_storage names[RS_BATCH];
    static _Thread_local uint8_t ctl[RS_BATCH][128];
    int delivered = 0;
    for (int round = 0; round < 8; round++) {
        memset(msgs, 0, sizeof msgs);
        for (unsigned i = 0; i < RS_BATCH; i++) {
            /* IPv4 sockets deliver the header; IPv6 data goes after room for one */
            size_t off = s->family == AF_INET6 ? RS_RX_HDR : 0;
            iov[i] = (struct iovec){rs->rxbuf[i] + off, RS_RX_SLOT};
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            msgs[i].msg_hdr.msg_name = &names[i];
            msgs[i].msg_hdr.msg_namelen = sizeof names[i];
            msgs[i].msg_hdr.msg_control = ctl[i];
            msgs[i].msg_hdr.msg_controllen = sizeof ctl[i];
        }
        int n = recvmmsg(s->fd, msgs, RS_BATCH, MSG_DONTWAIT, NULL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                return delivered;
            return errmsg_fail(err, errlen, "raw receive: %s", strerror(errno));
        }
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        uint64_t now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
        for (int i = 0; i < n; i++) {
            size_t len = msgs[i].msg_len;
            count_overflow(rs, s, &msgs[i].msg_hdr);
            if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC)
                len = RS_RX_SLOT; /* keep what fit; the decoder sees the cut */
            rs->st.received++;
            if (s->family == AF_INET6) {
                rebuild_ipv6(rs->rxbuf[i], len, s->proto, (const struct sockaddr_in6 *)&names[i], &msgs[i].msg_hdr);
                fn(user, rs->rxbuf[i], len + RS_RX_HDR, now);
            } else {
                fn(user, rs->rxbuf[i], len, now);
            }
            delivered++;
        }
        if (n < RS_BATCH)
            return delivered;
    }
    return delivered;
}

int rawsock_poll(struct rawsock *rs, int timeout_ms, rawsock_rx_fn fn, void *user, char *err, size_t errlen)
{
    if (!rs->n_rx)
        return 0;
    struct pollfd pf[RS_MAX_RX];
    for (unsigned i = 0; i < rs->n_rx; i++)
        pf[i] = (struct pollfd){rs->rx[i].fd, POLLIN, 0};
    int r = poll(pf, rs->n_rx, timeout_ms);
    if (r < 0)
        return errno == EINTR ? 0 : errmsg_fail(err, errlen, "poll: %s", strerror(errno));
    int total = 0;
    for (unsigned i = 0; i < rs->n_rx; i++) {
        if (!(pf[i].revents & (POLLIN | POLLERR)))
            continue;
        int n = drain(rs, &rs->rx[i], fn, user, err, errlen);
        if (n < 0)
            return -1;
        total += n;
    }
    return total;
}

void rawsock_get_stats(const struct rawsock *rs, struct rawsock_stats *st)
{
    *st = rs->st;
}

void rawsock_close(struct rawsock *rs)
{
    if (!rs)
        return;
    char ignored[64];
    rawsock_flush(rs, ignored, sizeof ignored);
    for (int f = 0; f < 2; f++) {
        if (rs->tx[f].fd >= 0)
            close(rs->tx[f].fd);
        free(rs->tx[f].buf);
    }
    for (unsigned i = 0; i < rs->n_rx; i++)
        close(rs->rx[i].fd);
    free(rs->rxbuf);
    free(rs);
}
