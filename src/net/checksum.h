/* checksum.h — Internet checksum (RFC 1071) with IPv4/IPv6 pseudo-headers. */
#ifndef NET_CHECKSUM_H
#define NET_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>
#include "net/addr.h"

/* Adds len bytes to a running 32-bit one's-complement sum. */
uint32_t csum_partial(const void *data, size_t len, uint32_t sum);
/* Folds a running sum to the final 16-bit checksum (already complemented),
 * in host order: store it with store_be16(). */
uint16_t csum_fold(uint32_t sum);
/* Sum of the pseudo-header of an upper-layer packet (RFC 793 / RFC 8200 §8.1). */
uint32_t csum_pseudo(const struct ip_addr *src, const struct ip_addr *dst, uint8_t proto, uint32_t l4_len);
/* Checksum of a TCP/UDP/ICMPv6 segment, its checksum field included as it is:
 * compute with the field zeroed; verify by checking the result is 0. */
uint16_t csum_l4(const struct ip_addr *src, const struct ip_addr *dst, uint8_t proto,
                 const uint8_t *segment, size_t len);

#endif
