/* checksum.c — RFC 1071 Internet checksum and the IPv4/IPv6 pseudo-header sums. */
#include "net/checksum.h"

#include <sys/socket.h>

/* Sums 16-bit big-endian words; the caller folds. Works on unaligned data and
 * odd lengths (the last byte is padded with a zero byte, RFC 1071). The sum is
 * kept in 64 bits so no carry is lost, then folded back to 32 bits, which is
 * the same value modulo 0xffff. */
uint32_t csum_partial(const void *data, size_t len, uint32_t sum)
{
    const uint8_t *p = data;
    uint64_t acc = sum;
    while (len >= 2) {
        acc += (uint32_t)(p[0] << 8 | p[1]);
        p += 2;
        len -= 2;
    }
    if (len)
        acc += (uint32_t)p[0] << 8;
    while (acc >> 32)
        acc = (acc & 0xffffffffu) + (acc >> 32);
    return (uint32_t)acc;
}

uint16_t csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffffu) + (sum >> 16);
    return (uint16_t)~sum;
}

uint32_t csum_pseudo(const struct ip_addr *src, const struct ip_addr *dst, uint8_t proto, uint32_t l4_len)
{
    size_t alen = src->family == AF_INET6 ? 16 : 4;
    uint32_t sum = csum_partial(src->bytes, alen, 0);
    sum = csum_partial(dst->bytes, alen, sum);
    /* IPv4: zero, proto, 16-bit length; IPv6: 32-bit length, 3 zero bytes, next header.
     * Both add up to the same 16-bit words when the length fits in 16 bits. */
    uint64_t acc = (uint64_t)sum + proto + (l4_len >> 16) + (l4_len & 0xffffu);
    while (acc >> 32)
        acc = (acc & 0xffffffffu) + (acc >> 32);
    return (uint32_t)acc;
}

uint16_t csum_l4(const struct ip_addr *src, const struct ip_addr *dst, uint8_t proto,
                 const uint8_t *segment, size_t len)
{
    uint32_t sum = csum_pseudo(src, dst, proto, (uint32_t)len);
    return csum_fold(csum_partial(segment, len, sum));
}
