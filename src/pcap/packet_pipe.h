/* packet_pipe.h — reads a capture in a helper thread and hands packets over in batches, so reading and analysis use two cores. */
#ifndef PCAP_PACKET_PIPE_H
#define PCAP_PACKET_PIPE_H

#include <stddef.h>
#include "io/capture.h"

/* Bytes of each packet handed over: enough for every link, IP and TCP
 * header we decode; the payload is never looked at (wirelen and the IP
 * length keep the byte counts right). */
#define PACKET_PIPE_SNAP 512

struct packet_pipe;

/* Starts reading c (already opened) in a new thread; NULL if it cannot start. */
struct packet_pipe *packet_pipe_start(struct capture *c);
/* Next packet: 1, 0 at a clean end, -1 on a read error (capture_error() of
 * the capture says why). *p stays valid until the next call. */
int packet_pipe_next(struct packet_pipe *pp, struct capture_pkt *p);
/* Stops the thread (also early) and frees the pipe; the capture stays open. */
void packet_pipe_stop(struct packet_pipe *pp);

#endif
