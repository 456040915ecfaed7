/* addr.h — one IPv4-or-IPv6 address type shared by every layer, plus text conversion. */
#ifndef NET_ADDR_H
#define NET_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An IPv4 address is stored in bytes[0..3] (network order), the rest zero. */
struct ip_addr {
    uint8_t family; /* AF_INET or AF_INET6 */
    uint8_t bytes[16];
};

#define IP_ADDR_STRLEN 46 /* INET6_ADDRSTRLEN */

void ip_addr_from_v4(struct ip_addr *a, uint32_t host_order);
uint32_t ip_addr_v4(const struct ip_addr *a); /* host order */
void ip_addr_from_v6(struct ip_addr *a, const uint8_t bytes[16]);
bool ip_addr_equal(const struct ip_addr *a, const struct ip_addr *b);
/* Parses dotted IPv4 or IPv6 text; returns false on bad input. */
bool ip_addr_parse(const char *text, struct ip_addr *out);
/* Writes text form into buf (at least IP_ADDR_STRLEN bytes); returns buf. */
const char *ip_addr_format(const struct ip_addr *a, char *buf, size_t len);
/* An address prefix: addr with every bit beyond len cleared. */
struct ip_prefix {
    struct ip_addr addr;
    uint8_t len;             /* 0..32 (IPv4) or 0..128 (IPv6) */
};
/* Parses "ADDR/LEN" or a bare "ADDR" (a host prefix). Host bits set beyond LEN
 * are refused unless allow_host_bits, which clears them (ZMap's reading).
 * Returns false with the reason in why. */
bool ip_prefix_parse(const char *text, bool allow_host_bits, struct ip_prefix *out, char *why, size_t whylen);
/* True when a lies inside p (same family). */
bool ip_prefix_contains(const struct ip_prefix *p, const struct ip_addr *a);
/* "198.18.0.0/15" into buf (at least IP_ADDR_STRLEN + 4 bytes); returns buf. */
const char *ip_prefix_format(const struct ip_prefix *p, char *buf, size_t len);
/* -1, 0, 1 ordering: IPv4 before IPv6, then by bytes (for sorting and ranges). */
int ip_addr_compare(const struct ip_addr *a, const struct ip_addr *b);

/* The socket address of a:port (sockaddr_in or sockaddr_in6) in ss; returns its length. */
struct sockaddr_storage;
unsigned ip_addr_sockaddr(const struct ip_addr *a, uint16_t port, struct sockaddr_storage *ss);

/* Address length on the wire: 4 or 16. */
static inline size_t ip_addr_len(const struct ip_addr *a) { return a->family == 10 /* AF_INET6 */ ? 16 : 4; }

#endif
