/* icmp.c — ICMP/ICMPv6 errors: the quoted packet, how much of its TCP header came back, RFC 4884 extensions; time-exceeded builder. */
#include "net/icmp.h"

#include <string.h>
#include <sys/socket.h>

#include "net/bytes.h"
#include "net/checksum.h"

#define ICMP_HDR_LEN 8
/* RFC 4884 §5: without a length attribute, an extension follows a quote padded to 128 bytes. */
#define ICMP_EXT_COMPAT_OFFSET 128
#define ICMP_EXT_VERSION 2
#define ICMP_EXT_HDR_LEN 4
#define ICMP_EXT_OBJ_HDR_LEN 4

const char *quote_extent_name(enum quote_extent q)
{
    switch (q) {
    case QUOTE_NONE: return "none";
    case QUOTE_8: return "8";
    case QUOTE_PARTIAL: return "partial";
    case QUOTE_FULL: return "full";
    default: return "unknown";
    }
}

static bool is_error_type(bool v6, uint8_t type)
{
    if (v6) /* unreachable, packet too big, time exceeded, parameter problem */
        return type >= 1 && type <= 4;
    return type == 3 || type == 11 || type == 12;
}

/* RFC 4884 §4: the messages that may carry a length attribute and extensions. */
static bool type_has_rfc4884(bool v6, uint8_t type)
{
    if (v6) /* destination unreachable, time exceeded */
        return type == 1 || type == 3;
    return type == 3 || type == 11 || type == 12;
}

/* Bytes of original datagram announced by the RFC 4884 length attribute,
 * or 0 when it is unset. */
static size_t rfc4884_quote_len(bool v6, const uint8_t *icmp)
{
    if (v6) /* 64-bit words at byte 4 */
        return (size_t)icmp[4] * 8;
    return (size_t)icmp[5] * 4; /* 32-bit words at byte 5 */
}

/* Parses the extension structure at ext (avail captured bytes of wire_len). */
static void parse_extension(const uint8_t *ext, size_t avail, size_t wire_len, struct icmp_error *err)
{
    err->has_extension = true;
    err->ext_checksum_ok = avail >= wire_len && csum_fold(csum_partial(ext, wire_len, 0)) == 0;
    size_t end = avail < wire_len ? avail : wire_len;
    size_t off = ICMP_EXT_HDR_LEN;
    while (off + ICMP_EXT_OBJ_HDR_LEN <= end && err->n_ext_objects < ICMP_MAX_EXT_OBJECTS) {
        size_t olen = load_be16(ext + off);
        if (olen < ICMP_EXT_OBJ_HDR_LEN || off + olen > end)
            break; /* malformed or cut: keep the objects read so far */
        struct icmp_ext_object *o = &err->ext[err->n_ext_objects++];
        o->class_num = ext[off + 2];
        o->c_type = ext[off + 3];
        o->data = ext + off + ICMP_EXT_OBJ_HDR_LEN;
        o->len = olen - ICMP_EXT_OBJ_HDR_LEN;
        off += olen;
    }
}

static bool looks_like_extension(const uint8_t *ext, size_t avail, size_t wire_len)
{
    return wire_len >= ICMP_EXT_HDR_LEN && avail >= ICMP_EXT_HDR_LEN && (ext[0] >> 4) == ICMP_EXT_VERSION;
}

/* Locates quote and extension inside the ICMP body (after the 8-byte header). */
static void split_body(bool v6, const uint8_t *icmp, const uint8_t *body, size_t avail, size_t wire,
                       struct icmp_error *err)
{
    size_t quote_wire = wire;
    if (!type_has_rfc4884(v6, icmp[0])) {
        err->quote = body;
        err->quote_len = avail < quote_wire ? avail : quote_wire;
        return;
    }
    size_t announced = rfc4884_quote_len(v6, icmp);
    if (announced) {
        /* RFC 4884: an extension needs a quote of at least 128 bytes */
        if (announced >= ICMP_EXT_COMPAT_OFFSET && announced < wire &&
            looks_like_extension(body + announced, avail > announced ? avail - announced : 0, wire - announced)) {
            parse_extension(body + announced, avail - announced, wire - announced, err);
            quote_wire = announced;
        } else if (announced < wire) {
            quote_wire = announced;
        }
    } else if (wire > ICMP_EXT_COMPAT_OFFSET && avail > ICMP_EXT_COMPAT_OFFSET) {
        /* Pre-RFC 4884 senders (and compliant ones for compatibility)
         * put the extension at 128 without a length: accept it only with
         * a valid checksum so a long quote is not mistaken for one. */
        const uint8_t *ext = body + ICMP_EXT_COMPAT_OFFSET;
        size_t ext_avail = avail - ICMP_EXT_COMPAT_OFFSET, ext_wire = wire - ICMP_EXT_COMPAT_OFFSET;
        if (looks_like_extension(ext, ext_avail, ext_wire) && ext_avail >= ext_wire &&
            csum_fold(csum_partial(ext, ext_wire, 0)) == 0) {
            parse_extension(ext, ext_avail, ext_wire, err);
            quote_wire = ICMP_EXT_COMPAT_OFFSET;
        }
    }
    err->quote = body;
    err->quote_len = avail < quote_wire ? avail : quote_wire;
}

/* Fills the TCP fields that fit in a short quote: ports and sequence number
 * are in the first 8 bytes, which is all RFC 792 promises. */
static void partial_tcp_fields(const uint8_t *t, size_t n, struct tcp_view *v)
{
    if (n >= 8) {
        v->sport = load_be16(t);
        v->dport = load_be16(t + 2);
        v->seq = load_be32(t + 4);
    }
    if (n >= 12)
        v->ack = load_be32(t + 8);
    if (n >= 13)
        v->doff = t[12] >> 4;
    if (n >= 14)
        v->flags = t[13];
    if (n >= 16)
        v->window = load_be16(t + 14);
}

static enum quote_extent extent_of(const struct icmp_error *err)
{
    size_t q = err->transport_quoted;
    if (q < 8)
        return QUOTE_NONE;
    if (q == 8)
        return QUOTE_8;
    if (err->inner.proto != 6)
        return QUOTE_FULL; /* other transports: more than the 8-byte header */
    if (q < 13)
        return QUOTE_PARTIAL; /* data offset not even quoted */
    size_t hlen = (size_t)(err->inner.l4[12] >> 4) * 4;
    return q >= hlen && hlen >= 20 ? QUOTE_FULL : QUOTE_PARTIAL;
}

enum net_status icmp_parse(const struct pkt_view *pkt, struct icmp_error *err)
{
    memset(err, 0, sizeof(*err));
    bool v6 = pkt->ip_version == 6;
    if (!(pkt->ip_version == 4 && pkt->proto == 1) && !(v6 && pkt->proto == 58))
        return NET_NOT_TCP;
    if (pkt->fragment || !pkt->l4)
        return NET_FRAGMENT;
    err->family = v6 ? AF_INET6 : AF_INET;
    err->reporter = pkt->src;
    err->reporter_ttl = pkt->ttl;
    err->inner_status = NET_TRUNCATED;
    if (pkt->l4_len < ICMP_HDR_LEN)
        return NET_BAD_HEADER;
    if (pkt->l4_caplen < ICMP_HDR_LEN)
        return NET_TRUNCATED;
    const uint8_t *icmp = pkt->l4;
    err->type = icmp[0];
    err->code = icmp[1];
    err->is_error = is_error_type(v6, err->type);
    if (!err->is_error)
        return NET_OK;

    size_t avail = pkt->l4_caplen - ICMP_HDR_LEN, wire = pkt->l4_len - ICMP_HDR_LEN;
    if (avail > wire)
        avail = wire;
    split_body(v6, icmp, icmp + ICMP_HDR_LEN, avail, wire, err);

    err->inner_status = pkt_decode_ip(err->quote, err->quote_len, &err->inner);
    if (err->inner.l4 && !err->inner.fragment) {
        err->transport_quoted = err->inner.l4_caplen;
        if (err->inner.proto == 6 && err->inner_status != NET_OK)
            partial_tcp_fields(err->inner.l4, err->inner.l4_caplen, &err->inner.tcp);
    }
    err->extent = extent_of(err);
    err->inner_tcp_header = err->inner.proto == 6 && err->inner_status == NET_OK;
    return NET_OK;
}

/* ---- builder ---- */

#define IPV4_MIN_REASSEMBLY 576 /* RFC 1812 §4.3.2.3: ICMP errors stay within 576 bytes */
#define IPV6_MIN_MTU 1280       /* RFC 4443 §2.4(c) */

size_t icmp_build_time_exceeded(uint8_t *buf, size_t cap, const struct ip_addr *reporter, const uint8_t *orig,
                                size_t orig_len, size_t quote_transport, uint8_t ttl)
{
    struct pkt_view pv;
    if (!buf || !reporter || !orig)
        return 0;
    enum net_status st = pkt_decode_ip(orig, orig_len, &pv);
    if (st == NET_BAD_VERSION || !pv.l4)
        return 0; /* need at least the whole IP header to quote */
    bool v6 = pv.ip_version == 6;
    if (reporter->family != (v6 ? AF_INET6 : AF_INET))
        return 0;
    size_t ip_hdr = v6 ? 40 : 20;
    size_t orig_hdr = (size_t)(pv.l4 - pv.l3);
    size_t transport = pv.l4_caplen;
    if (quote_transport < transport)
        transport = quote_transport;
    size_t quote = orig_hdr + transport;
    if (quote_transport == SIZE_MAX) {
        size_t limit = (v6 ? IPV6_MIN_MTU : IPV4_MIN_REASSEMBLY) - ip_hdr - ICMP_HDR_LEN;
        if (quote > limit)
            quote = limit;
    }
    size_t icmp_len = ICMP_HDR_LEN + quote;
    size_t total = ip_hdr + icmp_len;
    if (total > cap || total > 65535)
        return 0;

    uint8_t *icmp = buf + ip_hdr;
    memset(icmp, 0, ICMP_HDR_LEN);
    icmp[0] = v6 ? 3 : 11; /* time exceeded */
    icmp[1] = 0;           /* hop limit exceeded in transit */
    memmove(icmp + ICMP_HDR_LEN, orig, quote);
    if (v6) {
        store_be32(buf, 0x60000000u);
        store_be16(buf + 4, (uint16_t)icmp_len);
        buf[6] = 58;
        buf[7] = ttl;
        memcpy(buf + 8, reporter->bytes, 16);
        memcpy(buf + 24, pv.src.bytes, 16);
        store_be16(icmp + 2, csum_l4(reporter, &pv.src, 58, icmp, icmp_len));
    } else {
        buf[0] = 0x45;
        buf[1] = 0xc0; /* internetwork control, as routers mark their own ICMP */
        store_be16(buf + 2, (uint16_t)total);
        store_be32(buf + 4, 0);
        buf[8] = ttl;
        buf[9] = 1;
        store_be16(buf + 10, 0);
        memcpy(buf + 12, reporter->bytes, 4);
        memcpy(buf + 16, pv.src.bytes, 4);
        store_be16(buf + 10, csum_fold(csum_partial(buf, 20, 0)));
        store_be16(icmp + 2, csum_fold(csum_partial(icmp, icmp_len, 0)));
    }
    return total;
}
