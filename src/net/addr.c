/* addr.c — IPv4/IPv6 address construction, comparison and text conversion. */
#include "net/addr.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

void ip_addr_from_v4(struct ip_addr *a, uint32_t host_order)
{
    memset(a, 0, sizeof(*a));
    a->family = AF_INET;
    a->bytes[0] = (uint8_t)(host_order >> 24);
    a->bytes[1] = (uint8_t)(host_order >> 16);
    a->bytes[2] = (uint8_t)(host_order >> 8);
    a->bytes[3] = (uint8_t)host_order;
}

uint32_t ip_addr_v4(const struct ip_addr *a)
{
    return (uint32_t)a->bytes[0] << 24 | (uint32_t)a->bytes[1] << 16 |
           (uint32_t)a->bytes[2] << 8 | a->bytes[3];
}

void ip_addr_from_v6(struct ip_addr *a, const uint8_t bytes[16])
{
    a->family = AF_INET6;
    memcpy(a->bytes, bytes, 16);
}

bool ip_addr_equal(const struct ip_addr *a, const struct ip_addr *b)
{
    if (a->family != b->family)
        return false;
    return memcmp(a->bytes, b->bytes, ip_addr_len(a)) == 0;
}

bool ip_addr_parse(const char *text, struct ip_addr *out)
{
    struct ip_addr a;
    memset(&a, 0, sizeof(a));
    if (text == NULL)
        return false;
    if (inet_pton(AF_INET, text, a.bytes) == 1) {
        a.family = AF_INET;
    } else if (inet_pton(AF_INET6, text, a.bytes) == 1) {
        a.family = AF_INET6;
    } else {
        return false;
    }
    *out = a;
    return true;
}

const char *ip_addr_format(const struct ip_addr *a, char *buf, size_t len)
{
    if (len == 0)
        return buf;
    int family = a->family == AF_INET6 ? AF_INET6 : AF_INET;
    if (inet_ntop(family, a->bytes, buf, (socklen_t)len) == NULL)
        buf[0] = '\0';
    return buf;
}
