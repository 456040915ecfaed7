/* pktio.c — AF_PACKET socket bound to one interface (BPF filter via src/io/afpacket), recvmmsg/sendmmsg batches. */
#include "lab/pktio.h"
#include "io/afpacket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

int pktio_open(struct pktio *p, const char *ifname, const char *filter, bool promisc, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    p->fd = -1;
    if (afp_if_index(ifname, &p->ifindex, err, errlen) != 0)
        return -1;
    p->rx = malloc(sizeof *p->rx * PKTIO_BATCH);
    p->tx = malloc(sizeof *p->tx * PKTIO_BATCH);
    if (!p->rx || !p->tx) {
        snprintf(err, errlen, "out of memory");
        pktio_close(p);
        return -1;
    }
    p->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
    if (p->fd < 0) {
        snprintf(err, errlen, "AF_PACKET socket: %s", strerror(errno));
        pktio_close(p);
        return -1;
    }
    /* the filter goes on before bind so no unfiltered frame is queued */
    if (filter && afp_attach_filter(p->fd, filter, PKTIO_FRAME, err, errlen) != 0) {
        pktio_close(p);
        return -1;
    }
    int one = 1;
    if (setsockopt(p->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one) != 0) {
        snprintf(err, errlen, "PACKET_IGNORE_OUTGOING: %s", strerror(errno));
        pktio_close(p);
        return -1;
    }
    int bufsz = 8 << 20;
    setsockopt(p->fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof bufsz);
    setsockopt(p->fd, SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof bufsz);
    struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_ifindex = p->ifindex};
    if (bind(p->fd, (struct sockaddr *)&sll, sizeof sll) != 0) {
        snprintf(err, errlen, "bind %s: %s", ifname, strerror(errno));
        pktio_close(p);
        return -1;
    }
    if (promisc) {
        struct packet_mreq mr = {.mr_ifindex = p->ifindex, .mr_type = PACKET_MR_PROMISC};
        if (setsockopt(p->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr) != 0) {
            snprintf(err, errlen, "promisc %s: %s", ifname, strerror(errno));
            pktio_close(p);
            return -1;
        }
    }
    if (afp_if_mac(ifname, p->mac, err, errlen) != 0) {
        pktio_close(p);
        return -1;
    }
    return 0;
}

int pktio_recv(struct pktio *p)
{
    struct mmsghdr msgs[PKTIO_BATCH];
    struct iovec iov[PKTIO_BATCH];
    for (unsigned i = 0; i < PKTIO_BATCH; i++) {
        iov[i] = (struct iovec){p->rx[i], PKTIO_FRAME};
        msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_iov = &iov[i], .msg_iovlen = 1}};
    }
    int n = recvmmsg(p->fd, msgs, PKTIO_BATCH, MSG_DONTWAIT, NULL);
    if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
    for (int i = 0; i < n; i++)
        p->rx_len[i] = msgs[i].msg_len > PKTIO_FRAME ? PKTIO_FRAME : msgs[i].msg_len;
    return n;
}

int pktio_timestamps(struct pktio *p)
{
    int one = 1;
    return setsockopt(p->fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
}

int pktio_recv_stamped(struct pktio *p, uint64_t *rx_ns)
{
    struct mmsghdr msgs[PKTIO_BATCH];
    struct iovec iov[PKTIO_BATCH];
    union {
        char buf[CMSG_SPACE(sizeof(struct timespec))];
        struct cmsghdr align;
    } ctl[PKTIO_BATCH];
    for (unsigned i = 0; i < PKTIO_BATCH; i++) {
        iov[i] = (struct iovec){p->rx[i], PKTIO_FRAME};
        msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_iov = &iov[i], .msg_iovlen = 1, .msg_control = ctl[i].buf,
                                               .msg_controllen = sizeof ctl[i].buf}};
    }
    int n = recvmmsg(p->fd, msgs, PKTIO_BATCH, MSG_DONTWAIT, NULL);
    if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
    for (int i = 0; i < n; i++) {
        p->rx_len[i] = msgs[i].msg_len > PKTIO_FRAME ? PKTIO_FRAME : msgs[i].msg_len;
        rx_ns[i] = 0;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c; c = CMSG_NXTHDR(&msgs[i].msg_hdr, c))
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
                struct timespec ts;
                memcpy(&ts, CMSG_DATA(c), sizeof ts);
                rx_ns[i] = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
            }
    }
    return n;
}

void pktio_flush(struct pktio *p)
{
    struct mmsghdr msgs[PKTIO_BATCH];
    struct iovec iov[PKTIO_BATCH];
    unsigned done = 0;
    for (unsigned i = 0; i < p->tx_n; i++) {
        iov[i] = (struct iovec){p->tx[i], p->tx_len[i]};
        msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_iov = &iov[i], .msg_iovlen = 1}};
    }
    while (done < p->tx_n) {
        int n = sendmmsg(p->fd, msgs + done, p->tx_n - done, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == ENOBUFS) {
                usleep(50);
                continue;
            }
            p->tx_errors += p->tx_n - done;
            break;
        }
        done += (unsigned)n;
    }
    p->tx_n = 0;
}

uint8_t *pktio_slot(struct pktio *p)
{
    if (p->tx_n == PKTIO_BATCH)
        pktio_flush(p);
    return p->tx[p->tx_n];
}

void pktio_commit(struct pktio *p, size_t len)
{
    p->tx_len[p->tx_n++] = len;
}

void pktio_queue(struct pktio *p, const uint8_t *frame, size_t len)
{
    if (len > PKTIO_FRAME)
        return;
    uint8_t *slot = pktio_slot(p);
    memcpy(slot, frame, len);
    pktio_commit(p, len);
}

void pktio_close(struct pktio *p)
{
    if (p->fd >= 0)
        close(p->fd);
    free(p->rx);
    free(p->tx);
    p->rx = NULL;
    p->tx = NULL;
    p->fd = -1;
}
