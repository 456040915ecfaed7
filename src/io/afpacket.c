/* afpacket.c — AF_PACKET TX ring (TPACKET_V2, qdisc bypass, or sendmmsg) and TPACKET_V3 RX ring with a compiled BPF filter. */
#include "io/afpacket.h"

#include <errno.h>
#include <linux/ethtool.h>
#include <linux/filter.h>
#include <linux/sockios.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "io/errmsg.h"

#ifndef PACKET_QDISC_BYPASS
#define PACKET_QDISC_BYPASS 20
#endif
#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

/* PACKET_IGNORE_OUTGOING (Linux 4.20): frames this host sends are not looped
 * back to the socket. The #define above covers older headers. */
static int set_ignore_outgoing(int fd)
{
    int one = 1;
    return setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
}

/* sendmmsg until every message went or the kernel refused one: a signal
 * resumes it, a full send queue is waited out. Returns messages sent; on a
 * refusal errno is kept. */
static unsigned sendmmsg_all(int fd, struct mmsghdr *msgs, unsigned n)
{
    unsigned done = 0;
    while (done < n) {
        int k = sendmmsg(fd, msgs + done, n - done, 0);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            if (errno == ENOBUFS || errno == EAGAIN) {
                usleep(50);
                continue;
            }
            break;
        }
        done += (unsigned)k;
    }
    return done;
}

static int if_ioctl(const char *ifname, unsigned long req, struct ifreq *ifr, char *err, size_t errlen)
{
    if (!ifname || strlen(ifname) >= IFNAMSIZ)
        return errmsg_fail(err, errlen, "bad interface name '%s'", ifname ? ifname : "(null)");
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return errmsg_fail(err, errlen, "socket: %s", strerror(errno));
    memset(ifr, 0, sizeof(*ifr));
    memcpy(ifr->ifr_name, ifname, strlen(ifname) + 1);
    int rc = ioctl(fd, req, ifr);
    int e = errno;
    close(fd);
    if (rc < 0)
        return errmsg_fail(err, errlen, "interface %s: %s", ifname, strerror(e));
    return 0;
}

int afp_if_index(const char *ifname, int *ifindex, char *err, size_t errlen)
{
    struct ifreq ifr;
    if (if_ioctl(ifname, SIOCGIFINDEX, &ifr, err, errlen) < 0)
        return -1;
    *ifindex = ifr.ifr_ifindex;
    return 0;
}

int afp_if_mac(const char *ifname, uint8_t mac[6], char *err, size_t errlen)
{
    struct ifreq ifr;
    if (if_ioctl(ifname, SIOCGIFHWADDR, &ifr, err, errlen) < 0)
        return -1;
    memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
    return 0;
}

int afp_if_mtu(const char *ifname, unsigned *mtu, char *err, size_t errlen)
{
    struct ifreq ifr;
    if (if_ioctl(ifname, SIOCGIFMTU, &ifr, err, errlen) < 0)
        return -1;
    *mtu = (unsigned)ifr.ifr_mtu;
    return 0;
}

int afp_if_driver(const char *ifname, char *driver, size_t len, char *err, size_t errlen)
{
    struct ifreq ifr;
    struct ethtool_drvinfo info;
    memset(&info, 0, sizeof(info));
    info.cmd = ETHTOOL_GDRVINFO;
    if (!ifname || strlen(ifname) >= IFNAMSIZ)
        return errmsg_fail(err, errlen, "bad interface name");
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return errmsg_fail(err, errlen, "socket: %s", strerror(errno));
    memset(&ifr, 0, sizeof(ifr));
    memcpy(ifr.ifr_name, ifname, strlen(ifname) + 1);
    ifr.ifr_data = (void *)&info;
    int rc = ioctl(fd, SIOCETHTOOL, &ifr);
    int e = errno;
    close(fd);
    if (rc < 0)
        return errmsg_fail(err, errlen, "ethtool driver info of %s: %s", ifname, strerror(e));
    snprintf(driver, len, "%.*s", (int)sizeof(info.driver), info.driver);
    return 0;
}

int afp_attach_filter(int fd, const char *expr, unsigned snaplen, char *err, size_t errlen)
{
    pcap_t *p = pcap_open_dead(DLT_EN10MB, (int)snaplen);
    if (!p)
        return errmsg_fail(err, errlen, "pcap_open_dead failed");
    struct bpf_program prog;
    if (pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
        errmsg_fail(err, errlen, "bad filter '%s': %s", expr, pcap_geterr(p));
        pcap_close(p);
        return -1;
    }
    struct sock_fprog fprog = {.len = (unsigned short)prog.bf_len, .filter = (struct sock_filter *)prog.bf_insns};
    int rc = setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof(fprog));
    int e = errno;
    pcap_freecode(&prog);
    pcap_close(p);
    if (rc < 0)
        return errmsg_fail(err, errlen, "SO_ATTACH_FILTER: %s", strerror(e));
    return 0;
}

/* ---------------------------------------------------------------- send */

#define MMSG_BATCH 64

struct afp_tx {
    int fd;
    int ifindex;
    bool ring;
    /* ring mode */
    uint8_t *map;
    size_t map_len;
    unsigned frame_size, frame_count, next;
    unsigned pending;      /* committed since the last flush */
    /* sendmmsg mode */
    uint8_t *bufs;
    struct mmsghdr msgs[MMSG_BATCH];
    struct iovec iov[MMSG_BATCH];
    struct sockaddr_ll addr;
    struct afp_tx_stats st;
};

static const size_t TX_DATA_OFF = TPACKET_ALIGN(sizeof(struct tpacket2_hdr));

int afp_tx_open(struct afp_tx **out, const struct afp_tx_cfg *cfg, char *err, size_t errlen)
{
    *out = NULL;
    struct afp_tx *tx = calloc(1, sizeof(*tx));
    if (!tx)
        return errmsg_fail(err, errlen, "out of memory");
    tx->fd = -1;
    if (afp_if_index(cfg->ifname, &tx->ifindex, err, errlen) < 0)
        goto bad;
    /* protocol 0: this socket never receives, so it costs nothing on the RX path */
    tx->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (tx->fd < 0) {
        errmsg_fail(err, errlen, "AF_PACKET socket: %s (root / CAP_NET_RAW needed)", strerror(errno));
        goto bad;
    }
    if (cfg->qdisc_bypass) {
        int one = 1;
        if (setsockopt(tx->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) < 0) {
            errmsg_fail(err, errlen, "PACKET_QDISC_BYPASS: %s", strerror(errno));
            goto bad;
        }
    }
    tx->ring = !cfg->no_ring;
    tx->frame_size = cfg->frame_size ? cfg->frame_size : 2048;
    tx->frame_count = cfg->frame_count ? cfg->frame_count : 4096;
    if (tx->frame_size < 128 || tx->frame_size % TPACKET_ALIGNMENT || tx->frame_size > 65536) {
        errmsg_fail(err, errlen, "bad TX frame size %u", tx->frame_size);
        goto bad;
    }
    if (tx->ring) {
        int v = TPACKET_V2;
        if (setsockopt(tx->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) < 0) {
            errmsg_fail(err, errlen, "PACKET_VERSION: %s", strerror(errno));
            goto bad;
        }
        /* malformed frames are dropped and their slot freed instead of stalling the ring */
        int one = 1;
        setsockopt(tx->fd, SOL_PACKET, PACKET_LOSS, &one, sizeof(one));
        unsigned per_block = 64;
        while (per_block > 1 && (size_t)tx->frame_size * per_block > (1u << 20))
            per_block /= 2;
        unsigned blocks = (tx->frame_count + per_block - 1) / per_block;
        struct tpacket_req req = {
            .tp_block_size = tx->frame_size * per_block,
            .tp_block_nr = blocks,
            .tp_frame_size = tx->frame_size,
            .tp_frame_nr = blocks * per_block,
        };
        if (req.tp_block_size % (unsigned)getpagesize()) {
            errmsg_fail(err, errlen, "TX frame size %u gives a block not a multiple of the page size", tx->frame_size);
            goto bad;
        }
        if (setsockopt(tx->fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof(req)) < 0) {
            errmsg_fail(err, errlen, "PACKET_TX_RING: %s", strerror(errno));
            goto bad;
        }
        tx->frame_count = req.tp_frame_nr;
        tx->map_len = (size_t)req.tp_block_size * req.tp_block_nr;
        tx->map = mmap(NULL, tx->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, tx->fd, 0);
        if (tx->map == MAP_FAILED) {
            tx->map = NULL;
            errmsg_fail(err, errlen, "mmap TX ring: %s", strerror(errno));
            goto bad;
        }
    } else {
        tx->frame_count = MMSG_BATCH;
        tx->bufs = calloc(MMSG_BATCH, tx->frame_size);
        if (!tx->bufs) {
            errmsg_fail(err, errlen, "out of memory");
            goto bad;
        }
    }
    tx->addr.sll_family = AF_PACKET;
    tx->addr.sll_ifindex = tx->ifindex;
    tx->addr.sll_protocol = 0;
    if (bind(tx->fd, (struct sockaddr *)&tx->addr, sizeof(tx->addr)) < 0) {
        errmsg_fail(err, errlen, "bind to %s: %s", cfg->ifname, strerror(errno));
        goto bad;
    }
    *out = tx;
    return 0;
bad:
    afp_tx_close(tx);
    return -1;
}

static struct tpacket2_hdr *tx_hdr(struct afp_tx *tx, unsigned i)
{
    return (struct tpacket2_hdr *)(tx->map + (size_t)i * tx->frame_size);
}

uint8_t *afp_tx_slot(struct afp_tx *tx, size_t *cap)
{
    if (!tx->ring) {
        if (tx->pending >= MMSG_BATCH)
            return NULL;
        *cap = tx->frame_size;
        return tx->bufs + (size_t)tx->pending * tx->frame_size;
    }
    struct tpacket2_hdr *h = tx_hdr(tx, tx->next);
    uint32_t status = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
    if (status == TP_STATUS_WRONG_FORMAT) {
        tx->st.errors++;
        __atomic_store_n(&h->tp_status, TP_STATUS_AVAILABLE, __ATOMIC_RELEASE);
        status = TP_STATUS_AVAILABLE;
    }
    if (status != TP_STATUS_AVAILABLE)
        return NULL;
    *cap = tx->frame_size - TX_DATA_OFF;
    return (uint8_t *)h + TX_DATA_OFF;
}

void afp_tx_commit(struct afp_tx *tx, size_t len)
{
    tx->st.frames++;
    if (!tx->ring) {
        unsigned i = tx->pending++;
        tx->iov[i].iov_base = tx->bufs + (size_t)i * tx->frame_size;
        tx->iov[i].iov_len = len;
        memset(&tx->msgs[i], 0, sizeof(tx->msgs[i]));
        tx->msgs[i].msg_hdr.msg_iov = &tx->iov[i];
        tx->msgs[i].msg_hdr.msg_iovlen = 1;
        return;
    }
    struct tpacket2_hdr *h = tx_hdr(tx, tx->next);
    h->tp_len = (uint32_t)len;
    __atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
    tx->next = (tx->next + 1) % tx->frame_count;
    tx->pending++;
}

int afp_tx_flush(struct afp_tx *tx, bool wait, char *err, size_t errlen)
{
    if (!tx->ring) {
        unsigned n = tx->pending;
        tx->pending = 0;
        if (n == 0)
            return 0;
        tx->st.flushes++;
        if (sendmmsg_all(tx->fd, tx->msgs, n) < n)
            return errmsg_fail(err, errlen, "sendmmsg: %s", strerror(errno));
        return 0;
    }
    if (tx->pending == 0 && !wait)
        return 0;
    for (;;) {
        ssize_t rc = send(tx->fd, NULL, 0, wait ? 0 : MSG_DONTWAIT);
        tx->st.flushes++;
        if (rc >= 0)
            break;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == ENOBUFS) {
            if (!wait)
                break;     /* the kernel keeps the queued frames; a later flush sends them */
            usleep(50);
            continue;
        }
        return errmsg_fail(err, errlen, "send (TX ring): %s", strerror(errno));
    }
    tx->pending = 0;
    return 0;
}

int afp_tx_send(struct afp_tx *tx, const uint8_t *frame, size_t len, char *err, size_t errlen)
{
    size_t cap = 0;
    uint8_t *slot;
    unsigned spins = 0;
    while (!(slot = afp_tx_slot(tx, &cap))) {
        if (afp_tx_flush(tx, spins++ > 0, err, errlen) < 0)
            return -1;
    }
    if (len > cap)
        return errmsg_fail(err, errlen, "frame of %zu bytes exceeds the TX slot (%zu)", len, cap);
    memcpy(slot, frame, len);
    afp_tx_commit(tx, len);
    return 0;
}

void afp_tx_get_stats(const struct afp_tx *tx, struct afp_tx_stats *st)
{
    *st = tx->st;
}

void afp_tx_close(struct afp_tx *tx)
{
    if (!tx)
        return;
    if (tx->fd >= 0 && (tx->map || tx->bufs))
        afp_tx_flush(tx, true, NULL, 0);
    if (tx->map) {
        /* wait (bounded) until the kernel has taken every frame, so none is lost at exit */
        for (int tries = 0; tries < 2000; tries++) {
            bool busy = false;
            for (unsigned i = 0; i < tx->frame_count && !busy; i++) {
                uint32_t s = __atomic_load_n(&tx_hdr(tx, i)->tp_status, __ATOMIC_ACQUIRE);
                busy = s == TP_STATUS_SEND_REQUEST || s == TP_STATUS_SENDING;
            }
            if (!busy)
                break;
            send(tx->fd, NULL, 0, 0);
            usleep(500);
        }
        munmap(tx->map, tx->map_len);
    }
    free(tx->bufs);
    if (tx->fd >= 0)
        close(tx->fd);
    free(tx);
}

/* ------------------------------------------------------------- receive */

struct afp_rx {
    int fd;
    uint8_t *map;
    size_t map_len;
    unsigned block_size, block_count, cur;
    struct afp_rx_stats st;
};

int afp_rx_open(struct afp_rx **out, const struct afp_rx_cfg *cfg, char *err, size_t errlen)
{
    *out = NULL;
    struct afp_rx *rx = calloc(1, sizeof(*rx));
    if (!rx)
        return errmsg_fail(err, errlen, "out of memory");
    rx->fd = -1;
    int ifindex;
    if (afp_if_index(cfg->ifname, &ifindex, err, errlen) < 0)
        goto bad;
    /* protocol 0 until the filter is in place, so no unfiltered frame reaches the ring */
    rx->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (rx->fd < 0) {
        errmsg_fail(err, errlen, "AF_PACKET socket: %s (root / CAP_NET_RAW needed)", strerror(errno));
        goto bad;
    }
    unsigned snaplen = cfg->snaplen ? cfg->snaplen : 256;
    if (afp_attach_filter(rx->fd, cfg->filter && *cfg->filter ? cfg->filter : "", snaplen, err, errlen) < 0)
        goto bad;
    /* best effort here: old kernels lack it; the caller can still check afp_frame.outgoing */
    if (cfg->ignore_outgoing)
        (void)set_ignore_outgoing(rx->fd);
    int v = TPACKET_V3;
    if (setsockopt(rx->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) < 0) {
        errmsg_fail(err, errlen, "PACKET_VERSION v3: %s", strerror(errno));
        goto bad;
    }
    rx->block_size = cfg->block_size ? cfg->block_size : (1u << 20);
    rx->block_count = cfg->block_count ? cfg->block_count : 64;
    unsigned frame = 2048;
    while (frame < snaplen + 128)
        frame *= 2;
    struct tpacket_req3 req = {
        .tp_block_size = rx->block_size,
        .tp_block_nr = rx->block_count,
        .tp_frame_size = frame,
        .tp_frame_nr = (rx->block_size / frame) * rx->block_count,
        .tp_retire_blk_tov = cfg->block_timeout_ms ? cfg->block_timeout_ms : 10,
    };
    if (setsockopt(rx->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) < 0) {
        errmsg_fail(err, errlen, "PACKET_RX_RING (block %u x %u): %s", rx->block_size, rx->block_count, strerror(errno));
        goto bad;
    }
    rx->map_len = (size_t)rx->block_size * rx->block_count;
    rx->map = mmap(NULL, rx->map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED, rx->fd, 0);
    if (rx->map == MAP_FAILED)
        rx->map = mmap(NULL, rx->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, rx->fd, 0);
    if (rx->map == MAP_FAILED) {
        rx->map = NULL;
        errmsg_fail(err, errlen, "mmap RX ring: %s", strerror(errno));
        goto bad;
    }
    struct sockaddr_ll addr = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_ifindex = ifindex};
    if (bind(rx->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        errmsg_fail(err, errlen, "bind to %s: %s", cfg->ifname, strerror(errno));
        goto bad;
    }
    if (cfg->promisc) {
        struct packet_mreq mr = {.mr_ifindex = ifindex, .mr_type = PACKET_MR_PROMISC};
        if (setsockopt(rx->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0) {
            errmsg_fail(err, errlen, "promiscuous mode: %s", strerror(errno));
            goto bad;
        }
    }
    *out = rx;
    return 0;
bad:
    afp_rx_close(rx);
    return -1;
}

static unsigned rx_walk_block(struct afp_rx *rx, struct tpacket_block_desc *bd, afp_rx_fn fn, void *user)
{
    unsigned n = bd->hdr.bh1.num_pkts;
    uint8_t *p = (uint8_t *)bd + bd->hdr.bh1.offset_to_first_pkt;
    for (unsigned i = 0; i < n; i++) {
        struct tpacket3_hdr *h = (struct tpacket3_hdr *)p;
        const struct sockaddr_ll *sll = (const struct sockaddr_ll *)(p + TPACKET_ALIGN(sizeof(struct tpacket3_hdr)));
        struct afp_frame f = {
            .data = p + h->tp_mac,
            .caplen = h->tp_snaplen,
            .wirelen = h->tp_len,
            .ts_nsec = (uint64_t)h->tp_sec * 1000000000ull + h->tp_nsec,
            .outgoing = sll->sll_pkttype == PACKET_OUTGOING,
        };
        fn(user, &f);
        if (!h->tp_next_offset)
            break;
        p += h->tp_next_offset;
    }
    rx->st.frames += n;
    return n;
}

int afp_rx_poll(struct afp_rx *rx, int timeout_ms, afp_rx_fn fn, void *user, char *err, size_t errlen)
{
    int total = 0;
    bool polled = false;
    for (;;) {
        struct tpacket_block_desc *bd = (struct tpacket_block_desc *)(rx->map + (size_t)rx->cur * rx->block_size);
        uint32_t status = __atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE);
        if (status & TP_STATUS_USER) {
            total += (int)rx_walk_block(rx, bd, fn, user);
            __atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
            rx->cur = (rx->cur + 1) % rx->block_count;
            if (total > 1 << 20)
                return total;
            continue;
        }
        if (total > 0 || polled || timeout_ms == 0)
            return total;
        struct pollfd pfd = {.fd = rx->fd, .events = POLLIN | POLLERR};
        int rc = poll(&pfd, 1, timeout_ms);
        polled = true;
        if (rc < 0) {
            if (errno == EINTR)
                return 0;
            return errmsg_fail(err, errlen, "poll: %s", strerror(errno));
        }
    }
}

void afp_rx_get_stats(struct afp_rx *rx, struct afp_rx_stats *st)
{
    struct tpacket_stats_v3 ks;
    socklen_t len = sizeof(ks);
    /* the kernel resets its counters on every read: accumulate */
    if (getsockopt(rx->fd, SOL_PACKET, PACKET_STATISTICS, &ks, &len) == 0) {
        rx->st.kernel_drops += ks.tp_drops;
        rx->st.freezes += ks.tp_freeze_q_cnt;
    }
    *st = rx->st;
}

void afp_rx_close(struct afp_rx *rx)
{
    if (!rx)
        return;
    if (rx->map)
        munmap(rx->map, rx->map_len);
    if (rx->fd >= 0)
        close(rx->fd);
    free(rx);
}

/* ------------------------------------------------- plain two-way socket */

int afp_sock_open(const struct afp_sock_cfg *cfg, char *err, size_t errlen)
{
    int ifindex;
    if (afp_if_index(cfg->ifname, &ifindex, err, errlen) < 0)
        return -1;
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
    if (fd < 0)
        return errmsg_fail(err, errlen, "AF_PACKET socket: %s (root / CAP_NET_RAW needed)", strerror(errno));
    if (cfg->filter && afp_attach_filter(fd, cfg->filter, cfg->snaplen ? cfg->snaplen : 2048, err, errlen) < 0)
        goto bad;
    if (cfg->ignore_outgoing && set_ignore_outgoing(fd) < 0) {
        errmsg_fail(err, errlen, "PACKET_IGNORE_OUTGOING: %s", strerror(errno));
        goto bad;
    }
    int bufsz = 8 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof bufsz);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof bufsz);
    struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_ifindex = ifindex};
    if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
        errmsg_fail(err, errlen, "bind to %s: %s", cfg->ifname, strerror(errno));
        goto bad;
    }
    if (cfg->promisc) {
        struct packet_mreq mr = {.mr_ifindex = ifindex, .mr_type = PACKET_MR_PROMISC};
        if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr) < 0) {
            errmsg_fail(err, errlen, "promiscuous mode on %s: %s", cfg->ifname, strerror(errno));
            goto bad;
        }
    }
    return fd;
bad:
    close(fd);
    return -1;
}

int afp_sock_recv(int fd, uint8_t *frames, size_t stride, size_t *lens, unsigned n)
{
    struct mmsghdr msgs[MMSG_BATCH];
    struct iovec iov[MMSG_BATCH];
    if (n > MMSG_BATCH)
        n = MMSG_BATCH;
    for (unsigned i = 0; i < n; i++) {
        iov[i] = (struct iovec){frames + (size_t)i * stride, stride};
        msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_iov = &iov[i], .msg_iovlen = 1}};
    }
    int got = recvmmsg(fd, msgs, n, MSG_DONTWAIT, NULL);
    if (got < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
    for (int i = 0; i < got; i++)
        lens[i] = msgs[i].msg_len > stride ? stride : msgs[i].msg_len;
    return got;
}

int afp_sock_timestamps(int fd)
{
    int one = 1;
    return setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
}

int afp_sock_recv_stamped(int fd, uint8_t *frames, size_t stride, size_t *lens, uint64_t *rx_ns, unsigned n)
{
    struct mmsghdr msgs[MMSG_BATCH];
    struct iovec iov[MMSG_BATCH];
    union {
        char buf[CMSG_SPACE(sizeof(struct timespec))];
        struct cmsghdr align;
    } ctl[MMSG_BATCH];
    if (n > MMSG_BATCH)
        n = MMSG_BATCH;
    for (unsigned i = 0; i < n; i++) {
        iov[i] = (struct iovec){frames + (size_t)i * stride, stride};
        msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_iov = &iov[i], .msg_iovlen = 1, .msg_control = ctl[i].buf,
                                               .msg_controllen = sizeof ctl[i].buf}};
    }
    int got = recvmmsg(fd, msgs, n, MSG_DONTWAIT, NULL);
    if (got < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
    for (int i = 0; i < got; i++) {
        lens[i] = msgs[i].msg_len > stride ? stride : msgs[i].msg_len;
        rx_ns[i] = 0;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c; c = CMSG_NXTHDR(&msgs[i].msg_hdr, c))
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
                struct timespec ts;
                memcpy(&ts, CMSG_DATA(c), sizeof ts);
                rx_ns[i] = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
            }
    }
    return got;
}

unsigned afp_sock_send(int fd, const uint8_t *frames, size_t stride, const size_t *lens, unsigned n)
{
    struct mmsghdr msgs[MMSG_BATCH];
    struct iovec iov[MMSG_BATCH];
    unsigned refused = 0;
    for (unsigned start = 0; start < n; start += MMSG_BATCH) {
        unsigned k = n - start < MMSG_BATCH ? n - start : MMSG_BATCH;
        for (unsigned i = 0; i < k; i++) {
            iov[i] = (struct iovec){(void *)(frames + (size_t)(start + i) * stride), lens[start + i]};
            msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_iov = &iov[i], .msg_iovlen = 1}};
        }
        refused += k - sendmmsg_all(fd, msgs, k);
    }
    return refused;
}
