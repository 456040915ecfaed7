/* pktio.c — frame batches of the lab's emulators over src/io/afpacket's plain two-way socket (receive and send queues). */
#include "lab/pktio.h"
#include "io/afpacket.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    struct afp_sock_cfg sc = {
        .ifname = ifname, .filter = filter, .snaplen = PKTIO_FRAME, .ignore_outgoing = true, .promisc = promisc,
    };
    if ((p->fd = afp_sock_open(&sc, err, errlen)) < 0 || afp_if_mac(ifname, p->mac, err, errlen) != 0) {
        pktio_close(p);
        return -1;
    }
    return 0;
}

int pktio_recv(struct pktio *p)
{
    return afp_sock_recv(p->fd, &p->rx[0][0], PKTIO_FRAME, p->rx_len, PKTIO_BATCH);
}

int pktio_timestamps(struct pktio *p)
{
    return afp_sock_timestamps(p->fd);
}

int pktio_recv_stamped(struct pktio *p, uint64_t *rx_ns)
{
    return afp_sock_recv_stamped(p->fd, &p->rx[0][0], PKTIO_FRAME, p->rx_len, rx_ns, PKTIO_BATCH);
}

void pktio_flush(struct pktio *p)
{
    p->tx_errors += afp_sock_send(p->fd, &p->tx[0][0], PKTIO_FRAME, p->tx_len, p->tx_n);
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
