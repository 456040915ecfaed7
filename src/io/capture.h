/* capture.h — reads pcap/pcapng files, pipes and stdin (plain, gzip, zstd, xz) through libpcap, one packet at a time. */
#ifndef IO_CAPTURE_H
#define IO_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

struct capture;

struct capture_pkt {
    const uint8_t *data;   /* valid until the next capture_next() */
    size_t caplen;         /* bytes captured */
    size_t wirelen;        /* bytes on the wire */
    uint64_t ts_usec;      /* timestamp, microseconds since the epoch */
    uint64_t frame;        /* 1-based packet number, as tshark counts */
};

/* Opens path ("-" = stdin). The compression (gzip, zstd, xz) is told by the
 * first bytes, which are read once and replayed, so pipes and FIFOs work like
 * files; a separate thread reads and inflates. Each input is read exactly
 * once. On failure returns NULL and writes a message to err. */
struct capture *capture_open(const char *path, char *err, size_t errlen);
int capture_dlt(const struct capture *c);          /* pcap link type (DLT) */
/* 1: a packet; 0: clean end of file; -1: error (truncated file, bad record):
 * capture_error() says what; packets read before it stay valid results. */
int capture_next(struct capture *c, struct capture_pkt *pkt);
/* Like capture_next, but the packet stays unread: the next capture_next
 * returns it again (data valid until then). Lets a caller look at the first
 * packet of a pipe without losing it. */
int capture_peek(struct capture *c, struct capture_pkt *pkt);
const char *capture_error(const struct capture *c);
void capture_close(struct capture *c);

#endif
