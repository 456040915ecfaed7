/* afpacket.h — fast raw Ethernet I/O on one interface: AF_PACKET TX ring (qdisc bypass) and TPACKET_V3 RX ring with a BPF filter. */
#ifndef IO_AFPACKET_H
#define IO_AFPACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Every function returns 0 on success and -1 on failure; on failure a
 * human-readable reason is written to err (errlen bytes, may be NULL/0).
 * Nothing here prints. Sockets need CAP_NET_RAW (root) and are bound to
 * one interface of the current network namespace. */

/* Interface helpers. */
int afp_if_index(const char *ifname, int *ifindex, char *err, size_t errlen);
int afp_if_mac(const char *ifname, uint8_t mac[6], char *err, size_t errlen);
int afp_if_mtu(const char *ifname, unsigned *mtu, char *err, size_t errlen);
/* Driver name from ethtool (e.g. "veth", "ixgbe"). */
int afp_if_driver(const char *ifname, char *driver, size_t len, char *err, size_t errlen);
/* (MAC address text is parsed by cli/args: args_parse_mac.) */

/* ---------------------------------------------------------------- send */

struct afp_tx;

struct afp_tx_cfg {
    const char *ifname;
    unsigned frame_size;   /* bytes per ring slot; 0 = 2048 (max frame ~ frame_size - 32) */
    unsigned frame_count;  /* ring slots; 0 = 4096 */
    bool qdisc_bypass;     /* PACKET_QDISC_BYPASS: skip the qdisc layer (faster, no shaping) */
    bool no_ring;          /* use sendmmsg batches instead of PACKET_TX_RING */
};

int afp_tx_open(struct afp_tx **out, const struct afp_tx_cfg *cfg, char *err, size_t errlen);
/* Zero-copy send: returns a buffer of *cap bytes for the next frame, or NULL
 * when every slot is still owned by the kernel (call afp_tx_flush and retry).
 * Write the complete Ethernet frame there, then afp_tx_commit(len). */
uint8_t *afp_tx_slot(struct afp_tx *tx, size_t *cap);
void afp_tx_commit(struct afp_tx *tx, size_t len);
/* Copying send of one complete Ethernet frame (slot + memcpy + commit; flushes
 * and waits when the ring is full). */
int afp_tx_send(struct afp_tx *tx, const uint8_t *frame, size_t len, char *err, size_t errlen);
/* Hands every committed frame to the kernel (one sendto / sendmmsg). Frames
 * are only guaranteed to leave after a flush. wait: block until sent. */
int afp_tx_flush(struct afp_tx *tx, bool wait, char *err, size_t errlen);
struct afp_tx_stats {
    uint64_t frames;       /* committed */
    uint64_t flushes;      /* system calls made */
    uint64_t errors;       /* frames the kernel reported as failed (TP_STATUS_WRONG_FORMAT) */
};
void afp_tx_get_stats(const struct afp_tx *tx, struct afp_tx_stats *st);
/* Flushes (waiting) and closes; NULL is fine. */
void afp_tx_close(struct afp_tx *tx);

/* ------------------------------------------------------------- receive */

struct afp_rx;

struct afp_rx_cfg {
    const char *ifname;
    const char *filter;    /* tcpdump/pcap-filter(7) expression on Ethernet frames; NULL = all */
    unsigned block_size;   /* bytes per ring block; 0 = 1 MiB (power of two, multiple of page size) */
    unsigned block_count;  /* 0 = 64 */
    unsigned block_timeout_ms; /* a partly filled block is handed over after this; 0 = 10 */
    unsigned snaplen;      /* bytes kept per frame; 0 = 256 */
    bool ignore_outgoing;  /* PACKET_IGNORE_OUTGOING: do not see frames sent from this host */
    bool promisc;
};

/* One received frame. data points into the ring and is valid only during the callback. */
struct afp_frame {
    const uint8_t *data;   /* starts at the Ethernet header */
    size_t caplen, wirelen;
    uint64_t ts_nsec;      /* kernel receive time, ns since the epoch */
    bool outgoing;         /* PACKET_OUTGOING: sent by this host */
};
typedef void (*afp_rx_fn)(void *user, const struct afp_frame *f);

int afp_rx_open(struct afp_rx **out, const struct afp_rx_cfg *cfg, char *err, size_t errlen);
/* Waits up to timeout_ms (0: do not wait, -1: forever) for ring blocks and
 * calls fn for every frame in them. Returns the number of frames delivered
 * (>= 0) or -1 on error. EINTR counts as 0 frames. */
int afp_rx_poll(struct afp_rx *rx, int timeout_ms, afp_rx_fn fn, void *user, char *err, size_t errlen);
struct afp_rx_stats {
    uint64_t frames;       /* delivered to fn */
    uint64_t kernel_drops; /* dropped by the kernel because the ring was full (tp_drops, cumulative) */
    uint64_t freezes;      /* ring-full episodes (tp_freeze_q_cnt, cumulative) */
};
/* Reads (and accumulates) the kernel counters. */
void afp_rx_get_stats(struct afp_rx *rx, struct afp_rx_stats *st);
void afp_rx_close(struct afp_rx *rx);

/* ------------------------------------------------- plain two-way socket */

/* A socket without rings for low-rate two-way use (the lab's emulators, `lab
 * probe`): bound to one interface, the BPF filter attached before the bind
 * so no unfiltered frame is queued, 8 MiB socket buffers. */
struct afp_sock_cfg {
    const char *ifname;
    const char *filter;    /* pcap-filter(7) expression; NULL = all frames */
    unsigned snaplen;      /* for the filter; 0 = 2048 */
    bool ignore_outgoing;  /* PACKET_IGNORE_OUTGOING, required (fails on kernels without it) */
    bool promisc;
};
/* Returns the (non-blocking) socket, or -1 with err. close(2) it. */
int afp_sock_open(const struct afp_sock_cfg *cfg, char *err, size_t errlen);
/* Receives up to n waiting frames (recvmmsg, never blocks) into frames
 * (n slots of stride bytes; longer frames are cut) with their lengths in
 * lens. Returns the count (0: none waiting) or -1 on a socket error. */
int afp_sock_recv(int fd, uint8_t *frames, size_t stride, size_t *lens, unsigned n);
/* Turns on kernel receive timestamps (SO_TIMESTAMPNS) for afp_sock_recv_stamped. Returns 0 or -1. */
int afp_sock_timestamps(int fd);
/* afp_sock_recv, and rx_ns[i] = frame i's kernel receive time (CLOCK_REALTIME
 * nanoseconds; 0 when the kernel attached none). */
int afp_sock_recv_stamped(int fd, uint8_t *frames, size_t stride, size_t *lens, uint64_t *rx_ns, unsigned n);
/* Sends n frames (slot i at frames + i * stride, lens[i] bytes) with
 * sendmmsg, resuming after signals and waiting out a full send queue.
 * Returns the number of frames the kernel refused (0: all sent). */
unsigned afp_sock_send(int fd, const uint8_t *frames, size_t stride, const size_t *lens, unsigned n);

/* Compiles a pcap-filter expression for Ethernet frames into a classic BPF
 * program and attaches it to fd (SO_ATTACH_FILTER). Exposed for callers
 * with their own sockets. */
int afp_attach_filter(int fd, const char *expr, unsigned snaplen, char *err, size_t errlen);

#endif
