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
/* Address length on the wire: 4 or 16. */
static inline size_t ip_addr_len(const struct ip_addr *a) { return a->family == 10 /* AF_INET6 */ ? 16 : 4; }

#endif
