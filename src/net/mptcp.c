/* mptcp.c — decode/encode of every MPTCP option (RFC 6824 v0, RFC 8684 v1) and key→token/IDSN. */
#include "net/mptcp.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <pthread.h>

#include "net/bytes.h"
#include "net/tcpopt.h"

const char *mptcp_subtype_name(unsigned subtype)
{
    static const char *const names[] = {
        "MP_CAPABLE", "MP_JOIN", "DSS", "ADD_ADDR", "REMOVE_ADDR",
        "MP_PRIO", "MP_FAIL", "MP_FASTCLOSE", "MP_TCPRST",
    };
    if (subtype < sizeof(names) / sizeof(names[0]))
        return names[subtype];
    if (subtype == 15)
        return "MP_EXPERIMENTAL";
    return "unknown";
}

/* Decoding cursor: the option bytes that are really there (n) and a flag
 * raised as soon as a field of the chosen layout does not fit. */
struct cursor {
    const uint8_t *p;
    size_t n;
    struct mptcp_opt *o;
};

static bool fits(struct cursor *c, size_t off, size_t width)
{
    if (off + width <= c->n)
        return true;
    c->o->truncated = true;
    return false;
}

/* Lengths per layout follow RFC 8684 §3.1 (and RFC 6824 §3.1 for v0); the
 * layout is chosen by the length byte, as the receiver of the option must. */
static void decode_capable(struct cursor *c, uint8_t len)
{
    struct mptcp_opt *o = c->o;
    o->version = c->p[2] & 0x0f;
    if (!fits(c, 3, 1))
        return;
    o->flags = c->p[3];
    o->has_flags = true;
    if (len != 4 && len != 12 && len != 20 && len != 22 && len != 24) {
        o->truncated = true;
        return;
    }
    if (len >= 12 && fits(c, 4, 8)) {
        o->sendkey = load_be64(c->p + 4);
        o->has_sendkey = true;
    }
    if (len >= 20 && fits(c, 12, 8)) {
        o->recvkey = load_be64(c->p + 12);
        o->has_recvkey = true;
    }
    if (len >= 22 && fits(c, 20, 2)) {
        o->datalvllen = load_be16(c->p + 20);
        o->has_datalvllen = true;
    }
    if (len >= 24 && fits(c, 22, 2)) {
        o->checksum = load_be16(c->p + 22);
        o->has_checksum = true;
    }
}

static void decode_join(struct cursor *c, uint8_t len)
{
    struct mptcp_opt *o = c->o;
    if (len == 24) {
        /* third ACK: 12 reserved bits (no B flag), then the full HMAC */
        if (fits(c, 3, 1)) {
            o->reserved = load_be16(c->p + 2) & 0x0fff;
            o->has_reserved = true;
        }
        if (fits(c, 4, 20)) {
            memcpy(o->sendhmac, c->p + 4, 20);
            o->has_sendhmac = true;
        }
        return;
    }
    if (len != 12 && len != 16) {
        o->truncated = true; /* no MP_JOIN layout: not even the flags are known to mean B */
        return;
    }
    o->flags = c->p[2] & 0x0f;
    o->has_flags = true;
    if (fits(c, 3, 1)) {
        o->addrid = c->p[3];
        o->has_addrid = true;
    }
    switch (len) {
    case 12: /* SYN */
        if (fits(c, 4, 4)) {
            o->recvtok = load_be32(c->p + 4);
            o->has_recvtok = true;
        }
        if (fits(c, 8, 4)) {
            o->sendrand = load_be32(c->p + 8);
            o->has_sendrand = true;
        }
        break;
    case 16: /* SYN-ACK */
        if (fits(c, 4, 8)) {
            o->sendtrunchmac = load_be64(c->p + 4);
            o->has_sendtrunchmac = true;
        }
        if (fits(c, 12, 4)) {
            o->sendrand = load_be32(c->p + 12);
            o->has_sendrand = true;
        }
        break;
    }
}

static void decode_dss(struct cursor *c, uint8_t len)
{
    struct mptcp_opt *o = c->o;
    if (!fits(c, 3, 1))
        return;
    o->flags = c->p[3];
    o->has_flags = true;
    size_t off = 4;
    if (o->flags & MPTCP_DSS_A) {
        size_t w = (o->flags & MPTCP_DSS_a) ? 8 : 4;
        if (!fits(c, off, w))
            return;
        o->rawdataack = w == 8 ? load_be64(c->p + off) : load_be32(c->p + off);
        o->has_dataack = true;
        off += w;
    }
    if (o->flags & MPTCP_DSS_M) {
        size_t w = (o->flags & MPTCP_DSS_m) ? 8 : 4;
        if (!fits(c, off, w))
            return;
        o->rawdataseqno = w == 8 ? load_be64(c->p + off) : load_be32(c->p + off);
        o->has_dsn = true;
        off += w;
        if (!fits(c, off, 4))
            return;
        o->subflowseqno = load_be32(c->p + off);
        o->has_subflowseqno = true;
        off += 4;
        if (!fits(c, off, 2))
            return;
        o->datalvllen = load_be16(c->p + off);
        o->has_datalvllen = true;
        off += 2;
        /* The checksum is there exactly when the length leaves room for it
         * (RFC 8684 §3.3: negotiated per connection, visible only in length). */
        if (len >= off + 2 && fits(c, off, 2)) {
            o->checksum = load_be16(c->p + off);
            o->has_checksum = true;
            off += 2;
        }
    }
    if (len != off)
        o->truncated = true;
}

static void decode_add_addr(struct cursor *c, uint8_t len)
{
    struct mptcp_opt *o = c->o;
    uint8_t nibble = c->p[2] & 0x0f;
    /* v0 carries IPVer (4 or 6) where v1 has three reserved bits and E. */
    if (nibble == 4 || nibble == 6) {
        o->version = 0;
        o->ipver = nibble;
        o->has_ipver = true;
    } else {
        o->version = 1;
        o->echo = nibble & 0x01;
        o->flags = o->echo;
        o->has_echo = true;
    }
    if (fits(c, 3, 1)) {
        o->addrid = c->p[3];
        o->has_addrid = true;
    }
    /* The address family, port and HMAC are all told by the length alone:
     * IPv4 8, +port 10, +HMAC 16, both 18; IPv6 20, 22, 28, 30. */
    size_t alen, off = 4;
    bool port, hmac;
    switch (len) {
    case 8: alen = 4; port = false; hmac = false; break;
    case 10: alen = 4; port = true; hmac = false; break;
    case 16: alen = 4; port = false; hmac = true; break;
    case 18: alen = 4; port = true; hmac = true; break;
    case 20: alen = 16; port = false; hmac = false; break;
    case 22: alen = 16; port = true; hmac = false; break;
    case 28: alen = 16; port = false; hmac = true; break;
    case 30: alen = 16; port = true; hmac = true; break;
    default:
        o->truncated = true;
        return;
    }
    if (!fits(c, off, alen))
        return;
    if (alen == 4) {
        memcpy(o->ipv4, c->p + off, 4);
        o->has_ipv4 = true;
    } else {
        memcpy(o->ipv6, c->p + off, 16);
        o->has_ipv6 = true;
    }
    off += alen;
    if (port) {
        if (!fits(c, off, 2))
            return;
        o->port = load_be16(c->p + off);
        o->has_port = true;
        off += 2;
    }
    if (hmac && fits(c, off, 8)) {
        o->sendtrunchmac = load_be64(c->p + off);
        o->has_sendtrunchmac = true;
    }
}

static void decode_remove_addr(struct cursor *c, uint8_t len)
{
    struct mptcp_opt *o = c->o;
    if (len < 4)
        o->truncated = true; /* RFC: at least one address ID */
    for (size_t off = 3; off < len; off++) {
        if (!fits(c, off, 1))
            return;
        if (o->n_remove_ids == MPTCP_MAX_REMOVE_IDS) {
            o->truncated = true;
            return;
        }
        o->remove_ids[o->n_remove_ids++] = c->p[off];
    }
}

static void decode_prio(struct cursor *c, uint8_t len)
{
    struct mptcp_opt *o = c->o;
    o->flags = c->p[2] & 0x0f;
    o->has_flags = true;
    if (len == 4) {
        if (fits(c, 3, 1)) {
            o->addrid = c->p[3];
            o->has_addrid = true;
        }
    } else if (len != 3) {
        o->truncated = true;
    }
}

/* MP_FAIL and MP_FASTCLOSE share a shape: 12 reserved bits, then 8 octets. */
static bool decode_reserved_u64(struct cursor *c, uint8_t len, uint64_t *v)
{
    struct mptcp_opt *o = c->o;
    if (!fits(c, 3, 1))
        return false;
    o->reserved = load_be16(c->p + 2) & 0x0fff;
    o->has_reserved = true;
    if (len != 12)
        o->truncated = true;
    if (len < 12 || !fits(c, 4, 8))
        return false;
    *v = load_be64(c->p + 4);
    return true;
}

static void decode_tcprst(struct cursor *c, uint8_t len)
{
    struct mptcp_opt *o = c->o;
    o->flags = c->p[2] & 0x0f;
    o->has_flags = true;
    if (len != 4)
        o->truncated = true;
    if (len >= 4 && fits(c, 3, 1)) {
        o->reason = c->p[3];
        o->has_reason = true;
    }
}

bool mptcp_decode(const uint8_t *opt, size_t avail, uint8_t tcp_flags, struct mptcp_opt *out)
{
    (void)tcp_flags; /* every layout is told apart by its length byte */
    memset(out, 0, sizeof(*out));
    out->version = -1;
    if (!opt || avail < 3 || opt[0] != 30)
        return false;
    uint8_t len = opt[1];
    struct cursor c = {.p = opt, .n = avail < len ? avail : len, .o = out};
    out->len = len;
    out->raw = opt;
    out->raw_len = c.n;
    out->subtype = opt[2] >> 4;
    if (len < 3) {
        out->truncated = true;
        c.n = avail < 3 ? avail : 3; /* the subtype octet is there; nothing else belongs to the option */
        out->raw_len = c.n;
        return true;
    }
    if (avail < len)
        out->truncated = true;
    switch (out->subtype) {
    case MPTCP_SUB_CAPABLE: decode_capable(&c, len); break;
    case MPTCP_SUB_JOIN: decode_join(&c, len); break;
    case MPTCP_SUB_DSS: decode_dss(&c, len); break;
    case MPTCP_SUB_ADD_ADDR: decode_add_addr(&c, len); break;
    case MPTCP_SUB_REMOVE_ADDR: decode_remove_addr(&c, len); break;
    case MPTCP_SUB_PRIO: decode_prio(&c, len); break;
    case MPTCP_SUB_FAIL:
        out->has_dsn = decode_reserved_u64(&c, len, &out->rawdataseqno);
        break;
    case MPTCP_SUB_FASTCLOSE:
        out->has_recvkey = decode_reserved_u64(&c, len, &out->recvkey);
        break;
    case MPTCP_SUB_TCPRST: decode_tcprst(&c, len); break;
    default: break; /* unknown / experimental: the subtype is all we know */
    }
    return true;
}

/* ---- encoding ---------------------------------------------------------- */

static size_t put_header(uint8_t *buf, size_t len, uint8_t subtype, uint8_t nibble)
{
    buf[0] = 30;
    buf[1] = (uint8_t)len;
    buf[2] = (uint8_t)(subtype << 4 | (nibble & 0x0f));
    return 3;
}

static size_t encode_capable(const struct mptcp_opt *o, uint8_t *b, size_t cap)
{
    /* has_flags and the other later-added has_* bits are not required: the
     * first contract's callers do not know them. */
    if (o->version < 0 || o->version > 15)
        return 0;
    if ((o->has_recvkey && !o->has_sendkey) || (o->has_datalvllen && !o->has_recvkey) ||
        (o->has_checksum && !o->has_datalvllen))
        return 0;
    size_t len = o->has_checksum ? 24 : o->has_datalvllen ? 22 : o->has_recvkey ? 20 : o->has_sendkey ? 12 : 4;
    if (cap < len)
        return 0;
    put_header(b, len, MPTCP_SUB_CAPABLE, (uint8_t)o->version);
    b[3] = o->flags;
    if (o->has_sendkey)
        store_be64(b + 4, o->sendkey);
    if (o->has_recvkey)
        store_be64(b + 12, o->recvkey);
    if (o->has_datalvllen)
        store_be16(b + 20, o->datalvllen);
    if (o->has_checksum)
        store_be16(b + 22, o->checksum);
    return len;
}

static size_t encode_join(const struct mptcp_opt *o, uint8_t *b, size_t cap)
{
    size_t len;
    if (o->has_recvtok && o->has_sendrand && o->has_addrid && !o->has_sendtrunchmac && !o->has_sendhmac)
        len = 12;
    else if (o->has_sendtrunchmac && o->has_sendrand && o->has_addrid && !o->has_recvtok && !o->has_sendhmac)
        len = 16;
    else if (o->has_sendhmac && o->reserved <= 0x0fff && !o->has_addrid && !o->has_sendrand && !o->has_recvtok &&
             !o->has_sendtrunchmac)
        len = 24;
    else
        return 0;
    if (cap < len)
        return 0;
    put_header(b, len, MPTCP_SUB_JOIN, len == 24 ? (uint8_t)(o->reserved >> 8) : o->flags);
    if (len == 12) {
        b[3] = o->addrid;
        store_be32(b + 4, o->recvtok);
        store_be32(b + 8, o->sendrand);
    } else if (len == 16) {
        b[3] = o->addrid;
        store_be64(b + 4, o->sendtrunchmac);
        store_be32(b + 12, o->sendrand);
    } else {
        b[3] = (uint8_t)o->reserved;
        memcpy(b + 4, o->sendhmac, 20);
    }
    return len;
}

static size_t encode_dss(const struct mptcp_opt *o, uint8_t *b, size_t cap)
{
    bool ack = o->flags & MPTCP_DSS_A, map = o->flags & MPTCP_DSS_M;
    if (ack != o->has_dataack || map != o->has_dsn || (o->has_checksum && !map))
        return 0;
    size_t ackw = (o->flags & MPTCP_DSS_a) ? 8 : 4, dsnw = (o->flags & MPTCP_DSS_m) ? 8 : 4;
    if (ack && ackw == 4 && o->rawdataack > UINT32_MAX)
        return 0;
    if (map && dsnw == 4 && o->rawdataseqno > UINT32_MAX)
        return 0;
    size_t len = 4 + (ack ? ackw : 0) + (map ? dsnw + 6 : 0) + (o->has_checksum ? 2 : 0);
    if (cap < len)
        return 0;
    put_header(b, len, MPTCP_SUB_DSS, 0);
    b[3] = o->flags;
    size_t off = 4;
    if (ack) {
        if (ackw == 8)
            store_be64(b + off, o->rawdataack);
        else
            store_be32(b + off, (uint32_t)o->rawdataack);
        off += ackw;
    }
    if (map) {
        if (dsnw == 8)
            store_be64(b + off, o->rawdataseqno);
        else
            store_be32(b + off, (uint32_t)o->rawdataseqno);
        off += dsnw;
        store_be32(b + off, o->subflowseqno);
        store_be16(b + off + 4, o->datalvllen);
        off += 6;
        if (o->has_checksum) {
            store_be16(b + off, o->checksum);
            off += 2;
        }
    }
    return off;
}

static size_t encode_add_addr(const struct mptcp_opt *o, uint8_t *b, size_t cap)
{
    uint8_t nibble;
    if (o->version == 0 && (o->ipver == 4 || o->ipver == 6))
        nibble = o->ipver;
    else if (o->version == 1 && o->echo <= 1)
        nibble = o->echo;
    else
        return 0;
    if (!o->has_addrid || o->has_ipv4 == o->has_ipv6)
        return 0;
    size_t alen = o->has_ipv4 ? 4 : 16;
    size_t len = 4 + alen + (o->has_port ? 2 : 0) + (o->has_sendtrunchmac ? 8 : 0);
    if (cap < len)
        return 0;
    put_header(b, len, MPTCP_SUB_ADD_ADDR, nibble);
    b[3] = o->addrid;
    memcpy(b + 4, o->has_ipv4 ? o->ipv4 : o->ipv6, alen);
    size_t off = 4 + alen;
    if (o->has_port) {
        store_be16(b + off, o->port);
        off += 2;
    }
    if (o->has_sendtrunchmac) {
        store_be64(b + off, o->sendtrunchmac);
        off += 8;
    }
    return off;
}

size_t mptcp_encode(const struct mptcp_opt *o, uint8_t tcp_flags, uint8_t *buf, size_t cap)
{
    (void)tcp_flags; /* the layout follows from the fields; the length byte tells receivers */
    if (!o || !buf || o->truncated)
        return 0;
    switch (o->subtype) {
    case MPTCP_SUB_CAPABLE: return encode_capable(o, buf, cap);
    case MPTCP_SUB_JOIN: return encode_join(o, buf, cap);
    case MPTCP_SUB_DSS: return encode_dss(o, buf, cap);
    case MPTCP_SUB_ADD_ADDR: return encode_add_addr(o, buf, cap);
    case MPTCP_SUB_REMOVE_ADDR: {
        size_t len = 3 + (size_t)o->n_remove_ids;
        if (o->n_remove_ids == 0 || o->n_remove_ids > MPTCP_MAX_REMOVE_IDS || cap < len)
            return 0;
        put_header(buf, len, MPTCP_SUB_REMOVE_ADDR, 0);
        memcpy(buf + 3, o->remove_ids, o->n_remove_ids);
        return len;
    }
    case MPTCP_SUB_PRIO: {
        size_t len = o->has_addrid ? 4 : 3;
        if (cap < len)
            return 0;
        put_header(buf, len, MPTCP_SUB_PRIO, o->flags);
        if (o->has_addrid)
            buf[3] = o->addrid;
        return len;
    }
    case MPTCP_SUB_FAIL:
    case MPTCP_SUB_FASTCLOSE: {
        bool fail = o->subtype == MPTCP_SUB_FAIL;
        if (cap < 12 || (fail ? !o->has_dsn : !o->has_recvkey) || o->reserved > 0x0fff)
            return 0;
        put_header(buf, 12, o->subtype, (uint8_t)(o->reserved >> 8));
        buf[3] = (uint8_t)o->reserved;
        store_be64(buf + 4, fail ? o->rawdataseqno : o->recvkey);
        return 12;
    }
    case MPTCP_SUB_TCPRST:
        if (cap < 4)
            return 0;
        put_header(buf, 4, MPTCP_SUB_TCPRST, o->flags);
        buf[3] = o->reason;
        return 4;
    default:
        return 0;
    }
}

size_t mptcp_put_capable_v0(uint8_t *buf, uint8_t flags, uint64_t key)
{
    put_header(buf, 12, MPTCP_SUB_CAPABLE, 0);
    buf[3] = flags;
    store_be64(buf + 4, key);
    return 12;
}

size_t mptcp_put_capable_v1_syn(uint8_t *buf, uint8_t flags)
{
    put_header(buf, 4, MPTCP_SUB_CAPABLE, 1);
    buf[3] = flags;
    return 4;
}

size_t mptcp_put_capable_v1_synack(uint8_t *buf, uint8_t flags, uint64_t key)
{
    put_header(buf, 12, MPTCP_SUB_CAPABLE, 1);
    buf[3] = flags;
    store_be64(buf + 4, key);
    return 12;
}

/* ---- key-derived values ------------------------------------------------ */

/* The hash input is the key in network byte order (RFC 6824 §3.1, RFC 8684
 * §3.1). Only v0 uses SHA-1; anything else is treated as v1 (SHA-256). */
static void key_digest(int version, uint64_t key, uint8_t *digest, size_t *dlen)
{
    uint8_t k[8];
    store_be64(k, key);
    if (version == 0) {
        SHA1(k, sizeof(k), digest);
        *dlen = SHA_DIGEST_LENGTH;
    } else {
        SHA256(k, sizeof(k), digest);
        *dlen = SHA256_DIGEST_LENGTH;
    }
}

uint32_t mptcp_token(int version, uint64_t key)
{
    uint8_t d[SHA256_DIGEST_LENGTH];
    size_t n;
    key_digest(version, key, d, &n);
    return load_be32(d);
}

uint64_t mptcp_idsn(int version, uint64_t key)
{
    uint8_t d[SHA256_DIGEST_LENGTH];
    size_t n;
    key_digest(version, key, d, &n);
    return load_be64(d + n - 8);
}

/* Digests fetched once: SHA1()/SHA256() look the algorithm up under a lock
 * on every call, which showed in traces with millions of keys. EVP_Digest()
 * also allocates a context per call; copying an initialised template into a
 * context kept per thread costs half as much (83 against 177 ns a key). */
static EVP_MD *derive_md[2];
static EVP_MD_CTX *derive_template[2];
static pthread_key_t derive_key;
static bool derive_key_ok;
static pthread_once_t derive_once = PTHREAD_ONCE_INIT;

static void derive_ctx_free(void *p)
{
    EVP_MD_CTX **ctx = p;
    EVP_MD_CTX_free(ctx[0]);
    EVP_MD_CTX_free(ctx[1]);
    free(ctx);
}

static void derive_fetch(void)
{
    derive_md[0] = EVP_MD_fetch(NULL, "SHA1", NULL);
    derive_md[1] = EVP_MD_fetch(NULL, "SHA256", NULL);
    for (int v = 0; v < 2; v++) {
        derive_template[v] = derive_md[v] ? EVP_MD_CTX_new() : NULL;
        if (derive_template[v] && !EVP_DigestInit_ex2(derive_template[v], derive_md[v], NULL)) {
            EVP_MD_CTX_free(derive_template[v]);
            derive_template[v] = NULL;
        }
    }
    derive_key_ok = pthread_key_create(&derive_key, derive_ctx_free) == 0;
}

/* This thread's context for digest v, a copy of the template; NULL: none. */
static EVP_MD_CTX *derive_ctx(int v)
{
    if (!derive_key_ok || !derive_template[v])
        return NULL;
    EVP_MD_CTX **ctx = pthread_getspecific(derive_key);
    if (!ctx) {
        ctx = calloc(2, sizeof *ctx);
        if (!ctx || pthread_setspecific(derive_key, ctx) != 0) {
            free(ctx);
            return NULL;
        }
    }
    if (!ctx[v] && !(ctx[v] = EVP_MD_CTX_new()))
        return NULL;
    return EVP_MD_CTX_copy_ex(ctx[v], derive_template[v]) ? ctx[v] : NULL;
}

void mptcp_key_derive(int version, uint64_t key, uint32_t *token, uint64_t *idsn)
{
    uint8_t d[SHA256_DIGEST_LENGTH], k[8];
    unsigned n = 0;
    pthread_once(&derive_once, derive_fetch);
    int v = version == 0 ? 0 : 1;
    store_be64(k, key);
    EVP_MD_CTX *ctx = derive_ctx(v);
    bool ok = ctx ? EVP_DigestUpdate(ctx, k, sizeof k) && EVP_DigestFinal_ex(ctx, d, &n)
                  : derive_md[v] && EVP_Digest(k, sizeof k, d, &n, derive_md[v], NULL);
    if (!ok || n < 12) {
        size_t len;
        key_digest(version, key, d, &len);
        n = (unsigned)len;
    }
    *token = load_be32(d);
    *idsn = load_be64(d + n - 8);
}

bool mptcp_capable_find(const uint8_t *opts, size_t len, struct mptcp_capable *out)
{
    struct tcpopt_iter it;
    struct tcp_opt o;
    const uint8_t *at = NULL;
    size_t avail = 0;
    bool cut = false;
    tcpopt_iter_init(&it, opts, len);
    while (tcpopt_next(&it, &o)) {
        if (o.kind == TCPOPT_MPTCP && o.len >= 3 && (o.data[2] >> 4) == MPTCP_SUB_CAPABLE) {
            at = o.data;
            avail = o.len;
            break;
        }
    }
    /* the walker stops at an option running past the area: still ours to report */
    if (!at && it.error != TCPOPT_ERR_NONE && it.bad_off + 2 < len && opts[it.bad_off] == TCPOPT_MPTCP &&
        (opts[it.bad_off + 2] >> 4) == MPTCP_SUB_CAPABLE) {
        at = opts + it.bad_off;
        avail = len - it.bad_off;
        cut = true;
    }
    if (!at)
        return false;
    memset(out, 0, sizeof *out);
    out->raw = at;
    out->len = at[1];
    out->avail = avail;
    out->cut = cut;
    out->version = at[2] & 0x0f;
    if (avail >= 4) {
        out->has_flags = true;
        out->flags = at[3];
    }
    if (avail >= 12) {
        out->has_sender_key = true;
        out->sender_key = load_be64(at + 4);
    }
    if (avail >= 20) {
        out->has_receiver_key = true;
        out->receiver_key = load_be64(at + 12);
    }
    return true;
}
