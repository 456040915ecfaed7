/* cookie.c — AES-128 validation cookies over (src, dst, dport), keyed once, cheap per probe. */
#include "net/cookie.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
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
 * An EVP context carries mutable state, and the scanner computes cookies
 * from several threads at once. The contexts here are templates: each
 * thread encrypts with its own copy (keyed schedule included, so copying
 * costs no key expansion), made on first use and freed when the thread
 * exits. */
struct cookie_ctx {
    uint64_t id;              /* tells a thread's copy which context it mirrors */
    EVP_CIPHER_CTX *v4;
    EVP_CIPHER_CTX *v6;
    pthread_mutex_t fallback; /* serialises use of the templates if a copy fails */
};

struct thread_copy {
    uint64_t id;
    EVP_CIPHER_CTX *v4, *v6;
};

static _Atomic uint64_t next_id = 1;
static pthread_key_t copy_key;
static pthread_once_t copy_key_once = PTHREAD_ONCE_INIT;
static _Thread_local struct thread_copy *this_thread;

static void free_thread_copy(void *p)
{
    struct thread_copy *t = p;
    EVP_CIPHER_CTX_free(t->v4);
    EVP_CIPHER_CTX_free(t->v6);
    free(t);
}

static void make_copy_key(void) { (void)pthread_key_create(&copy_key, free_thread_copy); }

/* This thread's contexts for c, or NULL if they cannot be made. */
static struct thread_copy *thread_copy_for(const struct cookie_ctx *c)
{
    struct thread_copy *t = this_thread;
    if (t && t->id == c->id)
        return t;
    if (!t) {
        pthread_once(&copy_key_once, make_copy_key);
        t = calloc(1, sizeof(*t));
        if (!t)
            return NULL;
        t->v4 = EVP_CIPHER_CTX_new();
        t->v6 = EVP_CIPHER_CTX_new();
        if (!t->v4 || !t->v6 || pthread_setspecific(copy_key, t) != 0) {
            free_thread_copy(t);
            return NULL;
        }
        this_thread = t;
    }
    t->id = 0;
    if (EVP_CIPHER_CTX_copy(t->v4, c->v4) != 1 || EVP_CIPHER_CTX_copy(t->v6, c->v6) != 1)
        return NULL;
    t->id = c->id;
    return t;
}

static const uint8_t v6_key_label[16] = "mpcensus-cookie6";

static EVP_CIPHER_CTX *ecb_context(const uint8_t key[16])
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    if (!c)
        return NULL;
    /* ECB with padding off: one call per 16-byte block, key schedule done once here */
    if (EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), NULL, key, NULL) != 1 || EVP_CIPHER_CTX_set_padding(c, 0) != 1) {
        EVP_CIPHER_CTX_free(c);
        return NULL;
    }
    return c;
}

static bool encrypt_block(EVP_CIPHER_CTX *c, const uint8_t in[16], uint8_t out[16])
{
    int outl = 0;
    return EVP_EncryptUpdate(c, out, &outl, in, 16) == 1 && outl == 16;
}

/* A context with its identity and fallback lock, ciphers still to be set. */
static struct cookie_ctx *cookie_alloc(void)
{
    struct cookie_ctx *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->id = atomic_fetch_add(&next_id, 1);
    pthread_mutex_init(&c->fallback, NULL);
    return c;
}

struct cookie_ctx *cookie_new(const uint8_t key[16])
{
    uint8_t k[16], k6[16];
    if (key) {
        memcpy(k, key, 16);
    } else if (getrandom(k, sizeof(k), 0) != (ssize_t)sizeof(k)) {
        return NULL;
    }
    struct cookie_ctx *c = cookie_alloc();
    if (!c)
        return NULL;
    c->v4 = ecb_context(k);
    if (c->v4 && encrypt_block(c->v4, v6_key_label, k6))
        c->v6 = ecb_context(k6);
    memset(k, 0, sizeof(k));
    memset(k6, 0, sizeof(k6));
    if (!c->v6) {
        cookie_free(c);
        return NULL;
    }
    return c;
}

struct cookie_ctx *cookie_dup(const struct cookie_ctx *src)
{
    if (!src)
        return NULL;
    struct cookie_ctx *c = cookie_alloc();
    if (!c)
        return NULL;
    c->v4 = EVP_CIPHER_CTX_new();
    c->v6 = EVP_CIPHER_CTX_new();
    if (!c->v4 || !c->v6 || EVP_CIPHER_CTX_copy(c->v4, src->v4) != 1 || EVP_CIPHER_CTX_copy(c->v6, src->v6) != 1) {
        cookie_free(c);
        return NULL;
    }
    return c;
}

void cookie_free(struct cookie_ctx *c)
{
    if (!c)
        return;
    EVP_CIPHER_CTX_free(c->v4);
    EVP_CIPHER_CTX_free(c->v6);
    pthread_mutex_destroy(&c->fallback);
    free(c);
}

static void compute_with(EVP_CIPHER_CTX *v4, EVP_CIPHER_CTX *v6, const struct ip_addr *src,
                         const struct ip_addr *dst, uint16_t dport, uint8_t out[16])
{
    uint8_t block[16];
    if (src->family == AF_INET6) {
        /* CBC-MAC with zero IV over src | dst | (dport, 6, zeros) */
        uint8_t tail[16] = {0};
        store_be16(tail, dport);
        tail[2] = 6;
        encrypt_block(v6, src->bytes, out);
        for (int i = 0; i < 16; i++)
            block[i] = out[i] ^ dst->bytes[i];
        encrypt_block(v6, block, out);
        for (int i = 0; i < 16; i++)
            block[i] = out[i] ^ tail[i];
        encrypt_block(v6, block, out);
    } else {
        /* src(4) | dst(4) | dport(2) | 4 | zeros: one block */
        memset(block, 0, sizeof(block));
        memcpy(block, src->bytes, 4);
        memcpy(block + 4, dst->bytes, 4);
        store_be16(block + 8, dport);
        block[10] = 4;
        encrypt_block(v4, block, out);
    }
}

void cookie_compute(const struct cookie_ctx *c, const struct ip_addr *src, const struct ip_addr *dst,
                    uint16_t dport, uint32_t word[4])
{
    uint8_t out[16] = {0};
    struct thread_copy *t = thread_copy_for(c);
    if (t) {
        compute_with(t->v4, t->v6, src, dst, dport, out);
    } else {
        /* out of memory for a private copy: share the templates, one thread at a time */
        struct cookie_ctx *shared = (struct cookie_ctx *)c;
        pthread_mutex_lock(&shared->fallback);
        compute_with(shared->v4, shared->v6, src, dst, dport, out);
        pthread_mutex_unlock(&shared->fallback);
    }
    for (int i = 0; i < 4; i++)
        word[i] = load_be32(out + 4 * i);
}
