/* addr.c — IPv4/IPv6 address construction, comparison and text conversion. */
#include "net/addr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
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

int ip_addr_compare(const struct ip_addr *a, const struct ip_addr *b)
{
    if (a->family != b->family)
        return a->family == AF_INET ? -1 : 1;
    int c = memcmp(a->bytes, b->bytes, ip_addr_len(a));
    return (c > 0) - (c < 0);
}

/* Clears (or tests, when only_test) the bits of a beyond plen; true if any was set. */
static bool host_bits(struct ip_addr *a, unsigned plen, bool only_test)
{
    bool any = false;
    for (unsigned i = 0; i < ip_addr_len(a); i++) {
        unsigned keep = plen >= 8 * (i + 1) ? 8 : plen > 8 * i ? plen - 8 * i : 0;
        uint8_t mask = (uint8_t)(keep ? 0xff << (8 - keep) : 0);
        if (a->bytes[i] & ~mask) {
            any = true;
            if (!only_test)
                a->bytes[i] &= mask;
        }
    }
    return any;
}

bool ip_prefix_parse(const char *text, bool allow_host_bits, struct ip_prefix *out, char *why, size_t whylen)
{
    char buf[IP_ADDR_STRLEN + 8];
    if (!text || !*text) {
        snprintf(why, whylen, "empty prefix");
        return false;
    }
    if (strlen(text) >= sizeof buf) {
        snprintf(why, whylen, "too long for an address prefix");
        return false;
    }
    strcpy(buf, text);
    char *slash = strchr(buf, '/');
    if (slash)
        *slash = '\0';
    struct ip_prefix p;
    if (!ip_addr_parse(buf, &p.addr)) {
        snprintf(why, whylen, "'%s' is not an IPv4 or IPv6 address", buf);
        return false;
    }
    unsigned max = p.addr.family == AF_INET ? 32 : 128;
    unsigned long plen = max;
    if (slash) {
        char *end;
        const char *l = slash + 1;
        if (*l < '0' || *l > '9' || strlen(l) > 3 || (plen = strtoul(l, &end, 10), *end)) {
            snprintf(why, whylen, "bad prefix length '%s' (0-%u)", l, max);
            return false;
        }
        if (plen > max) {
            snprintf(why, whylen, "prefix length /%lu exceeds %u", plen, max);
            return false;
        }
    }
    if (host_bits(&p.addr, (unsigned)plen, true)) {
        if (!allow_host_bits) {
            snprintf(why, whylen, "host bits set beyond /%lu", plen);
            return false;
        }
        host_bits(&p.addr, (unsigned)plen, false);
    }
    p.len = (uint8_t)plen;
    *out = p;
    return true;
}

bool ip_prefix_contains(const struct ip_prefix *p, const struct ip_addr *a)
{
    if (a->family != p->addr.family)
        return false;
    struct ip_addr x = *a;
    host_bits(&x, p->len, false);
    return ip_addr_equal(&x, &p->addr);
}

const char *ip_prefix_format(const struct ip_prefix *p, char *buf, size_t len)
{
    char a[IP_ADDR_STRLEN];
    snprintf(buf, len, "%s/%u", ip_addr_format(&p->addr, a, sizeof a), p->len);
    return buf;
}

unsigned ip_addr_sockaddr(const struct ip_addr *a, uint16_t port, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    if (a->family == AF_INET6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons(port);
        memcpy(&s6->sin6_addr, a->bytes, 16);
        return sizeof *s6;
    }
    struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
    s4->sin_family = AF_INET;
    s4->sin_port = htons(port);
    memcpy(&s4->sin_addr, a->bytes, 4);
    return sizeof *s4;
}
