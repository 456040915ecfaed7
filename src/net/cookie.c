/* cookie.c — AES-128 validation cookies over (src, dst, dport): two read-only key schedules shared by every thread. */
#include "net/cookie.h"

#include <nettle/aes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "net/bytes.h"

/* Two independent keys: IPv4 inputs fit one AES block, IPv6 inputs take a
 * three-block CBC-MAC. A separate key for IPv6 (derived from the master key)
 * keeps the two input formats from ever producing related outputs, and a
 * fixed-length CBC-MAC under its own key is a sound PRF.
 *
 * Why nettle and not OpenSSL here: the scanner computes cookies from several
 * threads at once. An expanded AES key is read-only data, but OpenSSL 3 only
 * offers it through EVP contexts, which carry mutable state (one per thread,
 * with a thread key and a lock), or through the deprecated AES_KEY API, whose
 * AES_encrypt is the table implementation (64 ns per block here against 16 ns
 * with AES-NI). nettle's aes128_encrypt takes a const key schedule (a plain
 * struct, safe to share) and uses AES-NI when the CPU has it. OpenSSL stays
 * the oracle: the unit test checks every cookie against `openssl enc`. */
struct cookie_ctx {
    struct aes128_ctx v4;
    struct aes128_ctx v6;
};

static const uint8_t v6_key_label[16] = "mpcensus-cookie6";

struct cookie_ctx *cookie_new(const uint8_t key[16])
{
    uint8_t k[16], k6[16];
    if (key) {
        memcpy(k, key, 16);
    } else if (getrandom(k, sizeof(k), 0) != (ssize_t)sizeof(k)) {
        return NULL;
    }
    struct cookie_ctx *c = calloc(1, sizeof(*c));
    if (c) {
        aes128_set_encrypt_key(&c->v4, k);
        aes128_encrypt(&c->v4, sizeof k6, k6, v6_key_label);
        aes128_set_encrypt_key(&c->v6, k6);
    }
    memset(k, 0, sizeof(k));
    memset(k6, 0, sizeof(k6));
    return c;
}

struct cookie_ctx *cookie_dup(const struct cookie_ctx *src)
{
    if (!src)
        return NULL;
    struct cookie_ctx *c = malloc(sizeof(*c));
    if (c)
        *c = *src;
    return c;
}

void cookie_free(struct cookie_ctx *c)
{
    if (c)
        memset(c, 0, sizeof(*c));
    free(c);
}

void cookie_compute(const struct cookie_ctx *c, const struct ip_addr *src, const struct ip_addr *dst,
                    uint16_t dport, uint32_t word[4])
{
    uint8_t block[16], out[16];
    if (src->family == AF_INET6) {
        /* CBC-MAC with zero IV over src | dst | (dport, 6, zeros) */
        uint8_t tail[16] = {0};
        store_be16(tail, dport);
        tail[2] = 6;
        aes128_encrypt(&c->v6, 16, out, src->bytes);
        for (int i = 0; i < 16; i++)
            block[i] = out[i] ^ dst->bytes[i];
        aes128_encrypt(&c->v6, 16, out, block);
        for (int i = 0; i < 16; i++)
            block[i] = out[i] ^ tail[i];
        aes128_encrypt(&c->v6, 16, out, block);
    } else {
        /* src(4) | dst(4) | dport(2) | 4 | zeros: one block */
        memset(block, 0, sizeof(block));
        memcpy(block, src->bytes, 4);
        memcpy(block + 4, dst->bytes, 4);
        store_be16(block + 8, dport);
        block[10] = 4;
        aes128_encrypt(&c->v4, 16, out, block);
    }
    for (int i = 0; i < 4; i++)
        word[i] = load_be32(out + 4 * i);
}
