/* cookie.h — keyed validation cookies (AES-128) so a stateless scanner recognises its own probes' answers. */
#ifndef NET_COOKIE_H
#define NET_COOKIE_H

#include <stdint.h>
#include "net/addr.h"

struct cookie_ctx;   /* opaque; two expanded AES keys, read-only after cookie_new */

/* Creates a context keyed with 16 bytes (NULL: random key from the OS). */
struct cookie_ctx *cookie_new(const uint8_t key[16]);
void cookie_free(struct cookie_ctx *c);
/* An independent context with the same key. (Not needed for threads:
 * cookie_compute only reads the context, so many threads may share one.) */
struct cookie_ctx *cookie_dup(const struct cookie_ctx *c);
/* 128 pseudo-random bits bound to (probe src, probe dst, dst port). The
 * scanner puts word[0] in the SYN's sequence number, derives the source port
 * and IP-ID from word[1], and the per-target v0 key from word[2..3]; a reply
 * is ours when its ack-1 == word[0] and its dport matches. */
void cookie_compute(const struct cookie_ctx *c, const struct ip_addr *src,
                    const struct ip_addr *dst, uint16_t dport, uint32_t word[4]);

#endif
