/* mptcp.c — decode/encode of every MPTCP option (RFC 6824 v0, RFC 8684 v1) and key→token/IDSN. */
#include "net/mptcp.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <pthread.h>

#include "net/bytes.h"
#include "net/packet.h"
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
    if (!fits(c, MPTCP_HEADER_LEN, 1))
        return;
    o->flags = c->p[MPTCP_HEADER_LEN];
    o->has_flags = true;
    if (len != MPTCP_CAPABLE_V1_SYN_LEN && len != MPTCP_CAPABLE_SYNACK_LEN && len != MPTCP_CAPABLE_ACK_LEN &&
        len != MPTCP_CAPABLE_ACK_DATA_LEN && len != MPTCP_CAPABLE_ACK_DATA_CSUM_LEN) {
        o->truncated = true;
        return;
    }
    /* each longer layout appends one field to the previous one */
    if (len >= MPTCP_CAPABLE_SYNACK_LEN && fits(c, MPTCP_CAPABLE_V1_SYN_LEN, MPTCP_KEY_LEN)) {
        o->sendkey = load_be64(c->p + MPTCP_CAPABLE_V1_SYN_LEN);
        o->has_sendkey = true;
    }
    if (len >= MPTCP_CAPABLE_ACK_LEN && fits(c, MPTCP_CAPABLE_SYNACK_LEN, MPTCP_KEY_LEN)) {
        o->recvkey = load_be64(c->p + MPTCP_CAPABLE_SYNACK_LEN);
        o->has_recvkey = true;
    }
    if (len >= MPTCP_CAPABLE_ACK_DATA_LEN && fits(c, MPTCP_CAPABLE_ACK_LEN, MPTCP_DSS_DATALEN_LEN)) {
        o->datalvllen = load_be16(c->p + MPTCP_CAPABLE_ACK_LEN);
        o->has_datalvllen = true;
    }
    if (len >= MPTCP_CAPABLE_ACK_DATA_CSUM_LEN && fits(c, MPTCP_CAPABLE_ACK_DATA_LEN, MPTCP_DSS_CHECKSUM_LEN)) {
        o->checksum = load_be16(c->p + MPTCP_CAPABLE_ACK_DATA_LEN);
        o->has_checksum = true;
    }
}

static void decode_join(struct cursor *c, uint8_t len)
{
    struct mptcp_opt *o = c->o;
    const size_t body = MPTCP_HEADER_LEN + 1;   /* after the address ID / reserved octet */
    if (len == MPTCP_JOIN_ACK_LEN) {
        /* third ACK: 12 reserved bits (no B flag), then the full HMAC */
        if (fits(c, MPTCP_HEADER_LEN, 1)) {
            o->reserved = load_be16(c->p + 2) & 0x0fff;
            o->has_reserved = true;
        }
        if (fits(c, body, MPTCP_JOIN_HMAC_LEN)) {
            memcpy(o->sendhmac, c->p + body, MPTCP_JOIN_HMAC_LEN);
            o->has_sendhmac = true;
        }
        return;
    }
    if (len != MPTCP_JOIN_SYN_LEN && len != MPTCP_JOIN_SYNACK_LEN) {
        o->truncated = true; /* no MP_JOIN layout: not even the flags are known to mean B */
        return;
    }
    o->flags = c->p[2] & 0x0f;
    o->has_flags = true;
    if (fits(c, MPTCP_HEADER_LEN, 1)) {
        o->addrid = c->p[MPTCP_HEADER_LEN];
        o->has_addrid = true;
    }
    if (len == MPTCP_JOIN_SYN_LEN) {          /* receiver's token, sender's random number */
        if (fits(c, body, sizeof o->recvtok)) {
            o->recvtok = load_be32(c->p + body);
            o->has_recvtok = true;
        }
        if (fits(c, body + sizeof o->recvtok, sizeof o->sendrand)) {
            o->sendrand = load_be32(c->p + body + sizeof o->recvtok);
            o->has_sendrand = true;
        }
    } else {                                  /* SYN-ACK: truncated HMAC, random number */
        if (fits(c, body, sizeof o->sendtrunchmac)) {
            o->sendtrunchmac = load_be64(c->p + body);
            o->has_sendtrunchmac = true;
        }
        if (fits(c, body + sizeof o->sendtrunchmac, sizeof o->sendrand)) {
            o->sendrand = load_be32(c->p + body + sizeof o->sendtrunchmac);
            o->has_sendrand = true;
        }
    }
}

static void decode_dss(struct cursor *c, uint8_t len)
{
    struct mptcp_opt *o = c->o;
    if (!fits(c, MPTCP_HEADER_LEN, 1))
        return;
    o->flags = c->p[MPTCP_HEADER_LEN];
    o->has_flags = true;
    size_t off = MPTCP_DSS_BASE_LEN;
    if (o->flags & MPTCP_DSS_A) {
        size_t w = (o->flags & MPTCP_DSS_a) ? MPTCP_DSS_ACK64_LEN : MPTCP_DSS_ACK32_LEN;
        if (!fits(c, off, w))
            return;
        o->rawdataack = w == MPTCP_DSS_ACK64_LEN ? load_be64(c->p + off) : load_be32(c->p + off);
        o->has_dataack = true;
        off += w;
    }
    if (o->flags & MPTCP_DSS_M) {
        size_t w = (o->flags & MPTCP_DSS_m) ? MPTCP_DSS_DSN64_LEN : MPTCP_DSS_DSN32_LEN;
        if (!fits(c, off, w))
            return;
        o->rawdataseqno = w == MPTCP_DSS_DSN64_LEN ? load_be64(c->p + off) : load_be32(c->p + off);
        o->has_dsn = true;
        off += w;
        if (!fits(c, off, MPTCP_DSS_SSN_LEN))
            return;
        o->subflowseqno = load_be32(c->p + off);
        o->has_subflowseqno = true;
        off += MPTCP_DSS_SSN_LEN;
        if (!fits(c, off, MPTCP_DSS_DATALEN_LEN))
            return;
        o->datalvllen = load_be16(c->p + off);
        o->has_datalvllen = true;
        off += MPTCP_DSS_DATALEN_LEN;
        /* The checksum is there exactly when the length leaves room for it
         * (RFC 8684 §3.3: negotiated per connection, visible only in length). */
        if (len >= off + MPTCP_DSS_CHECKSUM_LEN && fits(c, off, MPTCP_DSS_CHECKSUM_LEN)) {
            o->checksum = load_be16(c->p + off);
            o->has_checksum = true;
            off += MPTCP_DSS_CHECKSUM_LEN;
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
    if (fits(c, MPTCP_HEADER_LEN, 1)) {
        o->addrid = c->p[MPTCP_HEADER_LEN];
        o->has_addrid = true;
    }
    /* The address family, port and HMAC are all told by the length alone:
     * an IPv4 or IPv6 address, then optionally a port, then optionally the
     * truncated HMAC (IPv4 8, 10, 16, 18; IPv6 20, 22, 28, 30). */
    size_t alen = 0, off = MPTCP_ADD_ADDR_BASE_LEN;
    bool port = false, hmac = false, known = false;
    for (int fam = 0; fam < 2 && !known; fam++) {
        size_t base = fam ? MPTCP_ADD_ADDR_V6_LEN : MPTCP_ADD_ADDR_V4_LEN;
        for (int extra = 0; extra < 4 && !known; extra++) {
            size_t l = base + (extra & 1 ? MPTCP_ADD_ADDR_PORT_LEN : 0) + (extra & 2 ? MPTCP_ADD_ADDR_HMAC_LEN : 0);
            if (l == len) {
                known = true;
                alen = base - MPTCP_ADD_ADDR_BASE_LEN;
                port = extra & 1;
                hmac = extra & 2;
            }
        }
    }
    if (!known) {
        o->truncated = true;
        return;
    }
    if (!fits(c, off, alen))
        return;
    if (alen == sizeof o->ipv4) {
        memcpy(o->ipv4, c->p + off, alen);
        o->has_ipv4 = true;
    } else {
        memcpy(o->ipv6, c->p + off, alen);
        o->has_ipv6 = true;
    }
    off += alen;
    if (port) {
        if (!fits(c, off, MPTCP_ADD_ADDR_PORT_LEN))
            return;
        o->port = load_be16(c->p + off);
        o->has_port = true;
        off += MPTCP_ADD_ADDR_PORT_LEN;
    }
    if (hmac && fits(c, off, MPTCP_ADD_ADDR_HMAC_LEN)) {
        o->sendtrunchmac = load_be64(c->p + off);
        o->has_sendtrunchmac = true;
    }
}

static void decode_remove_addr(struct cursor *c, uint8_t len)
{
    struct mptcp_opt *o = c->o;
    if (len < MPTCP_REMOVE_ADDR_BASE_LEN + 1)
        o->truncated = true; /* RFC: at least one address ID */
    for (size_t off = MPTCP_REMOVE_ADDR_BASE_LEN; off < len; off++) {
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
    if (len == MPTCP_PRIO_ADDRID_LEN) {
        if (fits(c, MPTCP_HEADER_LEN, 1)) {
            o->addrid = c->p[MPTCP_HEADER_LEN];
            o->has_addrid = true;
        }
    } else if (len != MPTCP_PRIO_LEN) {
        o->truncated = true;
    }
}

/* MP_FAIL and MP_FASTCLOSE share a shape (MPTCP_FAIL_LEN == MPTCP_FASTCLOSE_LEN):
 * 12 reserved bits, then 8 octets. */
static bool decode_reserved_u64(struct cursor *c, uint8_t len, uint64_t *v)
{
    struct mptcp_opt *o = c->o;
    const size_t body = MPTCP_HEADER_LEN + 1;
    if (!fits(c, MPTCP_HEADER_LEN, 1))
        return false;
    o->reserved = load_be16(c->p + 2) & 0x0fff;
    o->has_reserved = true;
    if (len != MPTCP_FAIL_LEN)
        o->truncated = true;
    if (len < MPTCP_FAIL_LEN || !fits(c, body, sizeof *v))
        return false;
    *v = load_be64(c->p + body);
    return true;
}

static void decode_tcprst(struct cursor *c, uint8_t len)
{
    struct mptcp_opt *o = c->o;
    o->flags = c->p[2] & 0x0f;
    o->has_flags = true;
    if (len != MPTCP_TCPRST_LEN)
        o->truncated = true;
    if (len >= MPTCP_TCPRST_LEN && fits(c, MPTCP_HEADER_LEN, 1)) {
        o->reason = c->p[MPTCP_HEADER_LEN];
        o->has_reason = true;
    }
}

bool mptcp_opt_decode(const uint8_t *opt, size_t avail, struct mptcp_opt *out)
{
    memset(out, 0, sizeof(*out));
    out->version = -1;
    if (!opt || avail < MPTCP_HEADER_LEN || opt[0] != TCPOPT_MPTCP)
        return false;
    uint8_t len = opt[1];
    struct cursor c = {.p = opt, .n = avail < len ? avail : len, .o = out};
    out->len = len;
    out->raw = opt;
    out->raw_len = c.n;
    out->subtype = opt[2] >> 4;
    if (len < MPTCP_HEADER_LEN) {
        out->truncated = true;
        c.n = MPTCP_HEADER_LEN; /* the subtype octet is there (avail >= 3); nothing else belongs to the option */
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
    buf[0] = TCPOPT_MPTCP;
    buf[1] = (uint8_t)len;
    buf[2] = (uint8_t)(subtype << 4 | (nibble & 0x0f));
    return MPTCP_HEADER_LEN;
}

static size_t encode_capable(const struct mptcp_opt *o, uint8_t *b, size_t cap)
{
    /* the flags octet is always written: has_flags is not required */
    if (o->version < 0 || o->version > 15)
        return 0;
    if ((o->has_recvkey && !o->has_sendkey) || (o->has_datalvllen && !o->has_recvkey) ||
        (o->has_checksum && !o->has_datalvllen))
        return 0;
    size_t len = o->has_checksum     ? MPTCP_CAPABLE_ACK_DATA_CSUM_LEN
                 : o->has_datalvllen ? MPTCP_CAPABLE_ACK_DATA_LEN
                 : o->has_recvkey    ? MPTCP_CAPABLE_ACK_LEN
                 : o->has_sendkey    ? MPTCP_CAPABLE_SYNACK_LEN
                                     : MPTCP_CAPABLE_V1_SYN_LEN;
    if (cap < len)
        return 0;
    put_header(b, len, MPTCP_SUB_CAPABLE, (uint8_t)o->version);
    b[MPTCP_HEADER_LEN] = o->flags;
    if (o->has_sendkey)
        store_be64(b + MPTCP_CAPABLE_V1_SYN_LEN, o->sendkey);
    if (o->has_recvkey)
        store_be64(b + MPTCP_CAPABLE_SYNACK_LEN, o->recvkey);
    if (o->has_datalvllen)
        store_be16(b + MPTCP_CAPABLE_ACK_LEN, o->datalvllen);
    if (o->has_checksum)
        store_be16(b + MPTCP_CAPABLE_ACK_DATA_LEN, o->checksum);
    return len;
}

static size_t encode_join(const struct mptcp_opt *o, uint8_t *b, size_t cap)
{
    size_t len;
    const size_t body = MPTCP_HEADER_LEN + 1;
    if (o->has_recvtok && o->has_sendrand && o->has_addrid && !o->has_sendtrunchmac && !o->has_sendhmac)
        len = MPTCP_JOIN_SYN_LEN;
    else if (o->has_sendtrunchmac && o->has_sendrand && o->has_addrid && !o->has_recvtok && !o->has_sendhmac)
        len = MPTCP_JOIN_SYNACK_LEN;
    else if (o->has_sendhmac && o->reserved <= 0x0fff && !o->has_addrid && !o->has_sendrand && !o->has_recvtok &&
             !o->has_sendtrunchmac)
        len = MPTCP_JOIN_ACK_LEN;
    else
        return 0;
    if (cap < len)
        return 0;
    put_header(b, len, MPTCP_SUB_JOIN, len == MPTCP_JOIN_ACK_LEN ? (uint8_t)(o->reserved >> 8) : o->flags);
    if (len == MPTCP_JOIN_SYN_LEN) {
        b[MPTCP_HEADER_LEN] = o->addrid;
        store_be32(b + body, o->recvtok);
        store_be32(b + body + sizeof o->recvtok, o->sendrand);
    } else if (len == MPTCP_JOIN_SYNACK_LEN) {
        b[MPTCP_HEADER_LEN] = o->addrid;
        store_be64(b + body, o->sendtrunchmac);
        store_be32(b + body + sizeof o->sendtrunchmac, o->sendrand);
    } else {
        b[MPTCP_HEADER_LEN] = (uint8_t)o->reserved;
        memcpy(b + body, o->sendhmac, MPTCP_JOIN_HMAC_LEN);
    }
    return len;
}

static size_t encode_dss(const struct mptcp_opt *o, uint8_t *b, size_t cap)
{
    bool ack = o->flags & MPTCP_DSS_A, map = o->flags & MPTCP_DSS_M;
    if (ack != o->has_dataack || map != o->has_dsn || (o->has_checksum && !map))
        return 0;
    size_t ackw = (o->flags & MPTCP_DSS_a) ? MPTCP_DSS_ACK64_LEN : MPTCP_DSS_ACK32_LEN;
    size_t dsnw = (o->flags & MPTCP_DSS_m) ? MPTCP_DSS_DSN64_LEN : MPTCP_DSS_DSN32_LEN;
    if (ack && ackw == MPTCP_DSS_ACK32_LEN && o->rawdataack > UINT32_MAX)
        return 0;
    if (map && dsnw == MPTCP_DSS_DSN32_LEN && o->rawdataseqno > UINT32_MAX)
        return 0;
    size_t len = MPTCP_DSS_BASE_LEN + (ack ? ackw : 0) +
                 (map ? dsnw + MPTCP_DSS_SSN_LEN + MPTCP_DSS_DATALEN_LEN : 0) +
                 (o->has_checksum ? MPTCP_DSS_CHECKSUM_LEN : 0);
    if (cap < len)
        return 0;
    put_header(b, len, MPTCP_SUB_DSS, 0);
    b[MPTCP_HEADER_LEN] = o->flags;
    size_t off = MPTCP_DSS_BASE_LEN;
    if (ack) {
        if (ackw == MPTCP_DSS_ACK64_LEN)
            store_be64(b + off, o->rawdataack);
        else
            store_be32(b + off, (uint32_t)o->rawdataack);
        off += ackw;
    }
    if (map) {
        if (dsnw == MPTCP_DSS_DSN64_LEN)
            store_be64(b + off, o->rawdataseqno);
        else
            store_be32(b + off, (uint32_t)o->rawdataseqno);
        off += dsnw;
        store_be32(b + off, o->subflowseqno);
        off += MPTCP_DSS_SSN_LEN;
        store_be16(b + off, o->datalvllen);
        off += MPTCP_DSS_DATALEN_LEN;
        if (o->has_checksum) {
            store_be16(b + off, o->checksum);
            off += MPTCP_DSS_CHECKSUM_LEN;
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
    size_t base = o->has_ipv4 ? MPTCP_ADD_ADDR_V4_LEN : MPTCP_ADD_ADDR_V6_LEN;
    size_t len = base + (o->has_port ? MPTCP_ADD_ADDR_PORT_LEN : 0) + (o->has_sendtrunchmac ? MPTCP_ADD_ADDR_HMAC_LEN : 0);
    if (cap < len)
        return 0;
    put_header(b, len, MPTCP_SUB_ADD_ADDR, nibble);
    b[MPTCP_HEADER_LEN] = o->addrid;
    memcpy(b + MPTCP_ADD_ADDR_BASE_LEN, o->has_ipv4 ? o->ipv4 : o->ipv6, base - MPTCP_ADD_ADDR_BASE_LEN);
    size_t off = base;
    if (o->has_port) {
        store_be16(b + off, o->port);
        off += MPTCP_ADD_ADDR_PORT_LEN;
    }
    if (o->has_sendtrunchmac) {
        store_be64(b + off, o->sendtrunchmac);
        off += MPTCP_ADD_ADDR_HMAC_LEN;
    }
    return off;
}

size_t mptcp_opt_encode(const struct mptcp_opt *o, uint8_t *buf, size_t cap)
{
    if (!o || !buf || o->truncated)
        return 0;
    switch (o->subtype) {
    case MPTCP_SUB_CAPABLE: return encode_capable(o, buf, cap);
    case MPTCP_SUB_JOIN: return encode_join(o, buf, cap);
    case MPTCP_SUB_DSS: return encode_dss(o, buf, cap);
    case MPTCP_SUB_ADD_ADDR: return encode_add_addr(o, buf, cap);
    case MPTCP_SUB_REMOVE_ADDR: {
        size_t len = MPTCP_REMOVE_ADDR_BASE_LEN + (size_t)o->n_remove_ids;
        if (o->n_remove_ids == 0 || o->n_remove_ids > MPTCP_MAX_REMOVE_IDS || cap < len)
            return 0;
        put_header(buf, len, MPTCP_SUB_REMOVE_ADDR, 0);
        memcpy(buf + MPTCP_REMOVE_ADDR_BASE_LEN, o->remove_ids, o->n_remove_ids);
        return len;
    }
    case MPTCP_SUB_PRIO: {
        size_t len = o->has_addrid ? MPTCP_PRIO_ADDRID_LEN : MPTCP_PRIO_LEN;
        if (cap < len)
            return 0;
        put_header(buf, len, MPTCP_SUB_PRIO, o->flags);
        if (o->has_addrid)
            buf[MPTCP_HEADER_LEN] = o->addrid;
        return len;
    }
    case MPTCP_SUB_FAIL:
    case MPTCP_SUB_FASTCLOSE: {
        bool fail = o->subtype == MPTCP_SUB_FAIL;
        if (cap < MPTCP_FAIL_LEN || (fail ? !o->has_dsn : !o->has_recvkey) || o->reserved > 0x0fff)
            return 0;
        put_header(buf, MPTCP_FAIL_LEN, o->subtype, (uint8_t)(o->reserved >> 8));
        buf[MPTCP_HEADER_LEN] = (uint8_t)o->reserved;
        store_be64(buf + MPTCP_HEADER_LEN + 1, fail ? o->rawdataseqno : o->recvkey);
        return MPTCP_FAIL_LEN;
    }
    case MPTCP_SUB_TCPRST:
        if (cap < MPTCP_TCPRST_LEN)
            return 0;
        put_header(buf, MPTCP_TCPRST_LEN, MPTCP_SUB_TCPRST, o->flags);
        buf[MPTCP_HEADER_LEN] = o->reason;
        return MPTCP_TCPRST_LEN;
    default:
        return 0;
    }
}

size_t mptcp_put_capable_len(uint8_t *buf, uint8_t len, uint8_t version, uint8_t flags, uint64_t key)
{
    if (len < MPTCP_CAPABLE_V1_SYN_LEN || len > MPTCP_CAPABLE_ACK_DATA_CSUM_LEN)
        return 0;
    uint8_t field[MPTCP_CAPABLE_ACK_DATA_CSUM_LEN - MPTCP_CAPABLE_V1_SYN_LEN] = {0};
    store_be64(field, key);
    put_header(buf, len, MPTCP_SUB_CAPABLE, version);
    buf[MPTCP_HEADER_LEN] = flags;
    memcpy(buf + MPTCP_CAPABLE_V1_SYN_LEN, field, len - MPTCP_CAPABLE_V1_SYN_LEN);
    return len;
}

size_t mptcp_put_capable_v0(uint8_t *buf, uint8_t flags, uint64_t key)
{
    return mptcp_put_capable_len(buf, MPTCP_CAPABLE_V0_SYN_LEN, 0, flags, key);
}

size_t mptcp_put_capable_v1_syn(uint8_t *buf, uint8_t flags)
{
    return mptcp_put_capable_len(buf, MPTCP_CAPABLE_V1_SYN_LEN, 1, flags, 0);
}

size_t mptcp_put_capable_v1_synack(uint8_t *buf, uint8_t flags, uint64_t key)
{
    return mptcp_put_capable_len(buf, MPTCP_CAPABLE_SYNACK_LEN, 1, flags, key);
}

void mptcp_capable_set_sender_key(uint8_t *opt, uint64_t key)
{
    store_be64(opt + MPTCP_CAPABLE_V1_SYN_LEN, key);
}

/* ---- key-derived values ------------------------------------------------ */

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

/* The hash input is the key in network byte order (RFC 6824 §3.1, RFC 8684
 * §3.1). Only v0 uses SHA-1; anything else is treated as v1 (SHA-256).
 * This thread's cached context first; SHA1()/SHA256() when it cannot serve. */
static void key_digest(int version, uint64_t key, uint8_t *digest, size_t *dlen)
{
    uint8_t k[8];
    unsigned n = 0;
    pthread_once(&derive_once, derive_fetch);
    int v = version == 0 ? 0 : 1;
    store_be64(k, key);
    EVP_MD_CTX *ctx = derive_ctx(v);
    bool ok = ctx ? EVP_DigestUpdate(ctx, k, sizeof k) && EVP_DigestFinal_ex(ctx, digest, &n)
                  : derive_md[v] && EVP_Digest(k, sizeof k, digest, &n, derive_md[v], NULL);
    if (ok && n >= 12) {
        *dlen = n;
    } else if (v == 0) {
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

void mptcp_key_derive(int version, uint64_t key, uint32_t *token, uint64_t *idsn)
{
    uint8_t d[SHA256_DIGEST_LENGTH];
    size_t n;
    key_digest(version, key, d, &n);
    *token = load_be32(d);
    *idsn = load_be64(d + n - 8);
}

/* Fills out from an MP_CAPABLE option at `at` with avail bytes inside the area. */
static void capable_view(const uint8_t *at, size_t avail, bool cut, struct mptcp_capable *out)
{
    memset(out, 0, sizeof *out);
    out->raw = at;
    out->len = at[1];
    out->avail = avail;
    out->cut = cut;
    out->version = at[2] & 0x0f;
    if (avail > MPTCP_HEADER_LEN) {
        out->has_flags = true;
        out->flags = at[MPTCP_HEADER_LEN];
    }
    if (avail >= MPTCP_CAPABLE_SYNACK_LEN) {
        out->has_sender_key = true;
        out->sender_key = load_be64(at + MPTCP_CAPABLE_V1_SYN_LEN);
    }
    if (avail >= MPTCP_CAPABLE_ACK_LEN) {
        out->has_receiver_key = true;
        out->receiver_key = load_be64(at + MPTCP_CAPABLE_SYNACK_LEN);
    }
}

static bool is_capable(const uint8_t *o, size_t avail)
{
    return avail >= MPTCP_HEADER_LEN && o[0] == TCPOPT_MPTCP && o[1] >= MPTCP_HEADER_LEN &&
           (o[2] >> 4) == MPTCP_SUB_CAPABLE;
}

/* The walk itself; the finished iterator is left in *it for the caller's cut rule. */
static bool capable_walk(const uint8_t *opts, size_t len, struct tcpopt_iter *it, struct mptcp_capable *out)
{
    struct tcp_opt o;
    tcpopt_iter_init(it, opts, len);
    while (tcpopt_next(it, &o))
        if (is_capable(o.data, o.len)) {
            capable_view(o.data, o.len, false, out);
            return true;
        }
    /* the walker stops at an option running past the area: still ours to report */
    size_t avail;
    const uint8_t *at = tcpopt_stopped_at(it, &avail);
    if (at && is_capable(at, avail)) {
        capable_view(at, avail, true, out);
        return true;
    }
    return false;
}

bool mptcp_capable_find(const uint8_t *opts, size_t len, struct mptcp_capable *out)
{
    struct tcpopt_iter it;
    return capable_walk(opts, len, &it, out);
}

bool mptcp_capable_find_tcp(const struct tcp_view *t, struct mptcp_capable *out)
{
    struct tcpopt_iter it;
    if (!capable_walk(t->opts, t->opts_len, &it, out))
        return false;
    out->cut_by_capture = out->cut && tcpopt_cut_by_capture(&it, tcpopt_wire_len(t->doff));
    return true;
}
