/* emu.h — the lab's packet emulators: MPTCPv0 responder, transparent middlebox, 8-byte-quote router. */
#ifndef LAB_EMU_H
#define LAB_EMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lab/pktio.h"
#include "lab/spec.h"

/* Emulated host: answers SYNs to its emulated ports on one interface. */
struct responder {
    struct pktio io;
    const struct profile *profile;
    uint64_t seed;
    uint64_t answered;
};
void responder_frame(struct responder *r, const uint8_t *frame, size_t len);

/* Transparent middlebox between two interfaces ("up" faces the vantage). */
#define MIRROR_SLOTS 16384
#define MIRROR_WAYS 4    /* set-associative: flows in flight together never evict each other */
struct mirror_slot {
    uint64_t tag;        /* hash of the SYN's (src, dst, sport, dport); 0 = empty */
    uint32_t stamp;      /* when it was remembered (lab/emu_mirror.c): the oldest of a set goes first */
    uint8_t len;
    uint8_t opt[40];
};
struct delay_line;
struct bridge {
    struct pktio up, down;
    unsigned mbox;
    uint64_t seed;
    struct mirror_slot *mirror;  /* MIRROR_SLOTS entries when MBOX_MIRROR */
    struct delay_line *delay;    /* MBOX_DELAY: frames toward the hosts wait here (lab/emu_delay.h) */
    uint64_t rewritten, mirrored, proxied;
};
/* A frame that arrived on `up` goes out on `down`, and the reverse. */
void bridge_frame_from_up(struct bridge *b, const uint8_t *frame, size_t len);
/* The same with the frame's kernel receive time (CLOCK_REALTIME ns), from which a delay counts. */
void bridge_frame_from_up_at(struct bridge *b, const uint8_t *frame, size_t len, uint64_t rx_ns);
void bridge_frame_from_down(struct bridge *b, const uint8_t *frame, size_t len);

/* Router whose ICMP time-exceeded messages quote only 8 transport bytes. */
struct quote8 {
    struct pktio io;
    struct ip_addr self4, self6;
    uint64_t sent;
};
void quote8_frame(struct quote8 *q, const uint8_t *frame, size_t len);

/* mbox=proxy, inside the bridge: a terminating proxy answers a SYN (arriving
 * on `up`) itself, like a Linux MPTCPv1 stack: MP_CAPABLE v1 with its own key
 * to a v1 SYN, a plain SYN-ACK otherwise; the SYN goes no further. Writes the
 * SYN-ACK frame (to the SYN's sender) into out; returns its length, 0 when the
 * frame is not a TCP SYN (it is then forwarded as usual). */
size_t proxy_answer(uint64_t seed, const uint8_t *frame, size_t len, const uint8_t mac[6], uint8_t *out, size_t cap);

/* The v0 key a middlebox writes over the scanner's (never equal to it). */
uint64_t keyrw_key(uint64_t seed, uint64_t original);

#endif
