/* route.h — asks the kernel (rtnetlink) how a destination is reached: interface, source address, next hop and its MAC, as ZMap does without -i/-S/-G. */
#ifndef IO_ROUTE_H
#define IO_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>

#include "net/addr.h"

struct route_info {
    char ifname[IF_NAMESIZE];
    int ifindex;
    struct ip_addr src;        /* the kernel's preferred source for this destination */
    bool has_gateway;          /* false: the destination is on-link */
    struct ip_addr next_hop;   /* the gateway, or the destination itself when on-link; may be of the
                                  other family (an IPv4 route via an IPv6 next hop, RFC 5549) */
};

/* RTM_GETROUTE for dst in the current network namespace (the kernel's own
 * route selection, policy rules included). Returns 0, or -1 with err. */
int route_lookup(const struct ip_addr *dst, struct route_info *out, char *err, size_t errlen);

/* The MAC of addr on ifindex from the neighbour table (RTM_GETNEIGH). When
 * there is no usable entry, it makes the kernel resolve it (ARP / neighbour
 * discovery, triggered by a one-byte UDP datagram to the discard port of that
 * address on that interface) and waits up to timeout_ms. Returns 0, or -1
 * with err ("no ARP/ND answer from 198.18.0.1 on eth0 within 1000 ms"). */
int route_neighbour_mac(int ifindex, const struct ip_addr *addr, unsigned timeout_ms, uint8_t mac[6], char *err,
                        size_t errlen);

/* The first address of `family` (AF_INET/AF_INET6; IPv6: global scope, not
 * tentative) configured on ifindex (RTM_GETADDR). Returns 0, or -1 with err. */
int route_if_address(int ifindex, int family, struct ip_addr *out, char *err, size_t errlen);

#endif
