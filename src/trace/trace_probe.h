/* trace_probe.h — the tracer's stateless probe encoding: TTL and a keyed check carried in fields every ICMP quote keeps, and the inverse. */
#ifndef TRACE_PROBE_H
#define TRACE_PROBE_H

/*
 * Every probe of target (address, port) is built from that target's 128-bit
 * validation cookie (net/cookie.h, keyed per run), like the scanner's:
 *
 *   source port     the scanner's: sport_lo + c1 % span. Constant per target,
 *                   so the 5-tuple (and every ECMP hash over it) stays the same
 *                   for all TTLs (Paris traceroute).
 *   sequence number c0 + (serial << 7 | ttl): ttl 1..64, serial = how many
 *                   SYNs this target got before (0..511). A SYN-ACK/RST
 *                   acknowledges seq + 1, so the answer names the TTL that
 *                   reached the host. The serial makes every later SYN's
 *                   sequence number larger: a host holding the request of an
 *                   earlier SYN of this 5-tuple finds the new one inside its
 *                   window and answers a decodable RST (RFC 793 p. 36), never
 *                   an undecodable bare ACK. 32 keyed bits minus 16.
 *   IPv4 IP ID      (c1 >> 16 & 0xfe00) | ttl | attempt << 7: a second copy
 *                   that survives a middlebox rewriting the sequence number;
 *                   never 0 (the kernel would replace a 0 ID on raw sockets).
 *   IPv6 flow label c2 & 0xfffff: constant per target (routers hash it for ECMP).
 *   v0 key          the scanner's (--key HEX, or c2:c3 with --key per-target).
 *
 * All of these sit in the IP header and the first 8 TCP bytes, which RFC 792
 * routers quote, so an ICMP message maps back to (target, TTL, attempt)
 * without per-probe state: the quote's destination and port find the target,
 * its cookie is recomputed, and the quoted sequence number (or IP ID) gives
 * the code. The distance probe is an ICMP echo request: id = the target's
 * port, seq = (c3 & 0xff80) | ttl, payload c2:c3 (checked in echo replies).
 *
 * The probe "as sent" is rebuilt from the same inputs for the differ.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/addr.h"
#include "net/cookie.h"
#include "net/syn_probe.h"

#define TRACE_MAX_TTL 64
#define TRACE_MAX_ATTEMPTS 4
#define TRACE_MAX_SERIAL 512
#define TRACE_CODE(ttl, attempt) ((uint32_t)(ttl) | (uint32_t)(attempt) << 7)

struct trace_enc {
    const struct probe_module *probe;  /* mptcp_v0 or mptcp_v1 */
    struct probe_cfg pcfg;             /* option builder settings; src/gw MAC for Ethernet frames */
    struct cookie_ctx *cookie;
    struct ip_addr src4, src6;
    bool have4, have6;
    bool ether;                        /* build Ethernet frames (AF_PACKET) instead of bare IP packets */
};

struct trace_keys {
    uint32_t c[4];
};

/* The target's cookie words (AES: compute once per target, keep while it is traced). */
void trace_keys_of(const struct trace_enc *e, const struct ip_addr *dst, uint16_t port, struct trace_keys *k);
const struct ip_addr *trace_src_for(const struct trace_enc *e, const struct ip_addr *dst);

uint16_t trace_sport(const struct trace_enc *e, const struct trace_keys *k);
static inline uint32_t trace_seq(const struct trace_keys *k, unsigned ttl, unsigned serial)
{
    return k->c[0] + ((uint32_t)serial << 7 | ttl);
}
static inline uint16_t trace_ipid(const struct trace_keys *k, unsigned ttl, unsigned attempt)
{
    return (uint16_t)(((k->c[1] >> 16) & 0xfe00u) | TRACE_CODE(ttl, attempt));
}
static inline uint32_t trace_flow_label(const struct trace_keys *k) { return k->c[2] & 0xfffffu; }
static inline uint16_t trace_echo_seq(const struct trace_keys *k, unsigned ttl)
{
    return (uint16_t)((k->c[3] & 0xff80u) | ttl);
}

/* Inverses: true and (ttl, serial) / (ttl, attempt) when the value carries a valid code. */
bool trace_code_from_seq(const struct trace_keys *k, uint32_t seq, unsigned max_ttl, unsigned *ttl, unsigned *serial);
bool trace_code_from_ipid(const struct trace_keys *k, uint16_t ipid, unsigned max_ttl, unsigned *ttl,
                          unsigned *attempt);
bool trace_ttl_from_echo_seq(const struct trace_keys *k, uint16_t seq, unsigned max_ttl, unsigned *ttl);
/* The 8 payload bytes of the target's echo requests. */
void trace_echo_payload(const struct trace_keys *k, uint8_t out[8]);

/* Writes the SYN for (target, ttl, attempt, serial): an Ethernet frame when e->ether,
 * else the IP packet. Returns the length (0: cap too small / no source of that
 * family). *ip_off receives the IP header's offset in buf. sig (may be NULL)
 * receives what the SYN carried. */
size_t trace_build_syn(const struct trace_enc *e, const struct ip_addr *dst, uint16_t port, const struct trace_keys *k,
                       unsigned ttl, unsigned attempt, unsigned serial, uint8_t *buf, size_t cap, size_t *ip_off,
                       struct probe_sig *sig);
/* The same for the ICMP echo request at ttl. */
size_t trace_build_echo(const struct trace_enc *e, const struct ip_addr *dst, uint16_t port, const struct trace_keys *k,
                        unsigned ttl, uint8_t *buf, size_t cap, size_t *ip_off);

#endif
