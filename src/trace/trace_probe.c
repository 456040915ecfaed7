/* trace_probe.c — builds the tracer's SYN and echo probes from a target's cookie, and decodes TTL/attempt back from replies. */
#include "trace/trace_probe.h"

#include <string.h>
#include <sys/socket.h>

#include "net/build.h"
#include "net/bytes.h"
#include "net/checksum.h"
#include "net/icmp_echo.h"

void trace_keys_of(const struct trace_enc *e, const struct ip_addr *dst, uint16_t port, struct trace_keys *k)
{
    const struct ip_addr *src = trace_src_for(e, dst);
    struct ip_addr none = {.family = dst->family};
    cookie_compute(e->cookie, src ? src : &none, dst, port, k->c);
}

const struct ip_addr *trace_src_for(const struct trace_enc *e, const struct ip_addr *dst)
{
    if (dst->family == AF_INET6)
        return e->have6 ? &e->src6 : NULL;
    return e->have4 ? &e->src4 : NULL;
}

uint16_t trace_sport(const struct trace_enc *e, const struct trace_keys *k)
{
    return probe_sport(&e->pcfg, k->c);
}

static bool code_ok(uint32_t code, unsigned max_ttl, unsigned *ttl, unsigned *attempt)
{
    unsigned t = code & 0x7f, a = code >> 7;
    if (code >= (TRACE_MAX_ATTEMPTS << 7) || t == 0 || t > max_ttl)
        return false;
    *ttl = t;
    *attempt = a;
    return true;
}

bool trace_code_from_seq(const struct trace_keys *k, uint32_t seq, unsigned max_ttl, unsigned *ttl, unsigned *serial)
{
    uint32_t code = seq - k->c[0];
    unsigned t = code & 0x7f;
    if (code >= (uint32_t)TRACE_MAX_SERIAL << 7 || t == 0 || t > max_ttl)
        return false;
    *ttl = t;
    *serial = code >> 7;
    return true;
}

bool trace_code_from_ipid(const struct trace_keys *k, uint16_t ipid, unsigned max_ttl, unsigned *ttl,
                          unsigned *attempt)
{
    if ((ipid & 0xfe00u) != ((k->c[1] >> 16) & 0xfe00u))
        return false;
    return code_ok(ipid & 0x1ffu, max_ttl, ttl, attempt);
}

bool trace_ttl_from_echo_seq(const struct trace_keys *k, uint16_t seq, unsigned max_ttl, unsigned *ttl)
{
    unsigned t = seq & 0x7f;
    if ((seq & 0xff80u) != (k->c[3] & 0xff80u) || t == 0 || t > max_ttl)
        return false;
    *ttl = t;
    return true;
}

void trace_echo_payload(const struct trace_keys *k, uint8_t out[8])
{
    store_be32(out, k->c[2]);
    store_be32(out + 4, k->c[3]);
}

size_t trace_build_syn(const struct trace_enc *e, const struct ip_addr *dst, uint16_t port, const struct trace_keys *k,
                       unsigned ttl, unsigned attempt, unsigned serial, uint8_t *buf, size_t cap, size_t *ip_off,
                       struct probe_sig *sig)
{
    const struct ip_addr *src = trace_src_for(e, dst);
    if (!src || ttl == 0 || ttl > TRACE_MAX_TTL || attempt >= TRACE_MAX_ATTEMPTS || serial >= TRACE_MAX_SERIAL)
        return 0;
    struct probe_cfg cfg = e->pcfg;
    cfg.ttl = (uint8_t)ttl;
    /* word 0 is the sequence number: the code rides on it; words 1..3 as the scanner's */
    struct probe_target t = {.src = *src, .dst = *dst, .dport = port,
                             .cookie = {trace_seq(k, ttl, serial), k->c[1], k->c[2], k->c[3]}};
    struct probe_sig local;
    size_t n = probe_build_frame(e->probe, &cfg, &t, buf, cap, sig ? sig : &local);
    if (!n)
        return 0;
    uint8_t *ip = buf + ETH_HDR_LEN;
    if (dst->family == AF_INET6) {
        /* traffic class 0, the target's flow label; no checksum covers it */
        store_be32(ip, 0x60000000u | trace_flow_label(k));
    } else {
        store_be16(ip + 4, trace_ipid(k, ttl, attempt));
        store_be16(ip + 10, 0);
        store_be16(ip + 10, csum_fold(csum_partial(ip, 20, 0)));
    }
    if (e->ether) {
        *ip_off = ETH_HDR_LEN;
        return n;
    }
    memmove(buf, ip, n - ETH_HDR_LEN);
    *ip_off = 0;
    return n - ETH_HDR_LEN;
}

size_t trace_build_echo(const struct trace_enc *e, const struct ip_addr *dst, uint16_t port, const struct trace_keys *k,
                        unsigned ttl, uint8_t *buf, size_t cap, size_t *ip_off)
{
    const struct ip_addr *src = trace_src_for(e, dst);
    size_t off = e->ether ? ETH_HDR_LEN : 0;
    if (!src || ttl == 0 || ttl > TRACE_MAX_TTL || cap < off)
        return 0;
    uint8_t payload[8];
    trace_echo_payload(k, payload);
    struct icmp_echo_build b = {.src = *src, .dst = *dst, .ttl = (uint8_t)ttl,
                                .ip_id = trace_ipid(k, ttl, 0), .flow_label = trace_flow_label(k),
                                .id = port, .seq = trace_echo_seq(k, ttl), .payload = payload, .payload_len = 8};
    size_t n = icmp_build_echo_request(buf + off, cap - off, &b);
    if (!n)
        return 0;
    if (e->ether)
        eth_build(buf, e->pcfg.gw_mac, e->pcfg.src_mac, dst->family == AF_INET6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4);
    *ip_off = off;
    return n + off;
}
