/* rawip.c — IPPROTO_RAW sockets (IPv4 and IPv6), one per family, and sendto of a complete packet. */
#include "io/rawip.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void rawip_init(struct rawip *r) { r->fd[0] = r->fd[1] = -1; }

int rawip_send(struct rawip *r, const struct ip_addr *dst, const uint8_t *pkt, size_t len, char *err, size_t errlen)
{
    int fi = dst->family == AF_INET ? 0 : 1;
    if (r->fd[fi] < 0 && (r->fd[fi] = socket(dst->family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW)) < 0) {
        snprintf(err, errlen, "raw socket: %s (root / CAP_NET_RAW needed)", strerror(errno));
        return -1;
    }
    struct sockaddr_storage ss;
    socklen_t slen = ip_addr_sockaddr(dst, 0, &ss);
    if (sendto(r->fd[fi], pkt, len, 0, (struct sockaddr *)&ss, slen) != (ssize_t)len) {
        snprintf(err, errlen, "sendto: %s", strerror(errno));
        return -1;
    }
    return 0;
}

void rawip_close(struct rawip *r)
{
    for (int i = 0; i < 2; i++)
        if (r->fd[i] >= 0)
            close(r->fd[i]);
    rawip_init(r);
}
