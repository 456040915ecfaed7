/* rawip.h — a raw IP socket of the current network namespace for sending complete IPv4/IPv6 packets built by src/net (the lab's probe tool). */
#ifndef IO_RAWIP_H
#define IO_RAWIP_H

#include <stddef.h>
#include <stdint.h>

#include "net/addr.h"

/* One IPPROTO_RAW socket per family, opened on first use. */
struct rawip {
    int fd[2];   /* IPv4, IPv6; -1 until needed */
};

void rawip_init(struct rawip *r);
/* Sends the whole IP packet pkt (header included, as built by
 * pkt_build_tcp) to dst; the kernel routes it. Returns 0, or -1 with err
 * (needs root / CAP_NET_RAW). */
int rawip_send(struct rawip *r, const struct ip_addr *dst, const uint8_t *pkt, size_t len, char *err, size_t errlen);
void rawip_close(struct rawip *r);

#endif
