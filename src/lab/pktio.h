/* pktio.h — frame batches for the lab's emulators on one interface (the socket is src/io/afpacket's): receive and send queues. */
#ifndef LAB_PKTIO_H
#define LAB_PKTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PKTIO_BATCH 64
#define PKTIO_FRAME 2048

struct pktio {
    int fd;
    int ifindex;
    uint8_t mac[6];
    /* receive batch */
    uint8_t (*rx)[PKTIO_FRAME];
    size_t rx_len[PKTIO_BATCH];
    /* send queue */
    uint8_t (*tx)[PKTIO_FRAME];
    size_t tx_len[PKTIO_BATCH];
    unsigned tx_n;
    uint64_t tx_errors;
};

/* Opens a socket on ifname of the current namespace, receiving only frames
 * that arrive (not the ones sent from here) and match the pcap-filter
 * expression `filter` (NULL: all). promisc: also frames for other MACs. */
int pktio_open(struct pktio *p, const char *ifname, const char *filter, bool promisc, char *err, size_t errlen);
/* Receives up to PKTIO_BATCH frames without blocking into p->rx / p->rx_len.
 * Returns the count (0: none waiting) or -1. */
int pktio_recv(struct pktio *p);
/* Turns on kernel receive timestamps (SO_TIMESTAMPNS) for pktio_recv_stamped. */
int pktio_timestamps(struct pktio *p);
/* pktio_recv, and rx_ns[i] = frame i's kernel receive time (CLOCK_REALTIME
 * nanoseconds; 0 when the kernel attached none). rx_ns has PKTIO_BATCH slots. */
int pktio_recv_stamped(struct pktio *p, uint64_t *rx_ns);
/* Queues one frame (copied); flushes when the queue is full. */
void pktio_queue(struct pktio *p, const uint8_t *frame, size_t len);
/* Returns a queue slot to build a frame in place; pktio_commit(len) queues it. */
uint8_t *pktio_slot(struct pktio *p);
void pktio_commit(struct pktio *p, size_t len);
void pktio_flush(struct pktio *p);
void pktio_close(struct pktio *p);

#endif
