/* emu_bridge.c — transparent middlebox (bump in the wire): rewrites v0 keys in SYNs, mirrors SYN options into SYN-ACKs. */
#include "lab/emu.h"

#include <string.h>
#include <sys/socket.h>

#include "lab/emu_delay.h"
#include "lab/population.h"
#include "net/build.h"
#include "net/bytes.h"
#include "net/mptcp.h"
#include "net/packet.h"
#include "net/tcpopt.h"
#include "lab/emu_mirror.h"   /* the mirror's flow table */

#define SALT_FLOW 0x666c6f7700000006ull

uint64_t keyrw_key(uint64_t seed, uint64_t original)
{
    struct ip_addr none = {0};
    uint64_t k = lab_hash(seed, 0x6b657972770007ull, &none, original);
    return k == original ? k ^ 1 : k;
}

static uint64_t flow_tag(uint64_t seed, const struct ip_addr *client, const struct ip_addr *server,
                         uint16_t cport, uint16_t sport)
{
    uint64_t h = lab_hash(seed, SALT_FLOW, server, (uint64_t)cport << 16 | sport);
    return lab_hash(seed, h, client, 0) | 1;
}

/* The whole MP_CAPABLE option of a TCP header (net/mptcp's view), or false. */
static bool find_mpc(const struct pkt_view *v, struct mptcp_capable *mpc)
{
    return mptcp_capable_find(v->tcp.opts, v->tcp.opts_len, mpc) && !mpc->cut;
}

void bridge_frame_from_up(struct bridge *b, const uint8_t *frame, size_t len)
{
    bridge_frame_from_up_at(b, frame, len, 0);
}

void bridge_frame_from_up_at(struct bridge *b, const uint8_t *frame, size_t len, uint64_t rx_ns)
{
    if (b->mbox & MBOX_PROXY) {   /* the proxy sits at the path's start: it answers before any delay */
        uint8_t *back = pktio_slot(&b->up);
        size_t n = proxy_answer(b->seed, frame, len, b->up.mac, back, PKTIO_FRAME);
        if (n) {
            pktio_commit(&b->up, n);
            b->proxied++;
            return;
        }
    }
    uint8_t *out = b->delay ? delay_line_slot(b->delay) : pktio_slot(&b->down);
    if (!out) {   /* delay line full: the frame is lost, as in a full queue */
        delay_line_commit(b->delay, PKTIO_FRAME + 1, rx_ns);
        return;
    }
    memcpy(out, frame, len);
    struct pkt_view v;
    if (pkt_decode(LINK_ETHERNET, out, len, &v) == NET_OK && v.proto == 6 &&
        (v.tcp.flags & (TCP_SYN | TCP_ACK)) == TCP_SYN) {
        struct mptcp_capable mpc;
        bool found = find_mpc(&v, &mpc);
        if (found && (b->mbox & MBOX_KEYRW) && mpc.has_sender_key && mpc.version == 0) {
            uint8_t *opt = out + (mpc.raw - out); /* v points into out: writable */
            mptcp_capable_set_sender_key(opt, keyrw_key(b->seed, mpc.sender_key));
            size_t avail = len - (size_t)(v.l3 - out);
            pkt_fix_checksums((uint8_t *)v.l3, v.ip_len < avail ? v.ip_len : avail);
            b->rewritten++;
        }
        if (found && (b->mbox & MBOX_MIRROR) && mpc.len <= sizeof b->mirror[0].opt) {
            /* remember the option as it leaves this box, for the SYN-ACK */
            uint64_t tag = flow_tag(b->seed, &v.src, &v.dst, v.tcp.sport, v.tcp.dport);
            mirror_remember(b, tag, mpc.raw, mpc.len);
        }
    }
    if (b->delay)
        delay_line_commit(b->delay, len, rx_ns);
    else
        pktio_commit(&b->down, len);
}

/* Appends opt (padded with NOPs to 4 bytes) to the TCP options of the
 * SYN-ACK in `in`, writing the grown frame to out. Returns its length or 0. */
static size_t insert_option(const struct pkt_view *v, const uint8_t *in, size_t len, const uint8_t *opt,
                            size_t olen, uint8_t *out)
{
    size_t padded = (olen + 3) & ~(size_t)3;
    if ((size_t)(v->l3 - in) + v->ip_len < len)
        len = (size_t)(v->l3 - in) + v->ip_len; /* drop link-layer padding */
    size_t tcp_hdr = (size_t)v->tcp.doff * 4;
    if (tcp_hdr + padded > 60 || len + padded > PKTIO_FRAME)
        return 0;
    size_t opts_end = (size_t)(v->l4 - in) + tcp_hdr;
    if (opts_end > len)
        return 0;
    memcpy(out, in, opts_end);
    memcpy(out + opts_end, opt, olen);
    memset(out + opts_end + olen, TCPOPT_NOP, padded - olen);
    memcpy(out + opts_end + padded, in + opts_end, len - opts_end);
    size_t l3_off = (size_t)(v->l3 - in), l4_off = (size_t)(v->l4 - in);
    uint8_t *ip = out + l3_off;
    if (v->ip_version == 4)
        store_be16(ip + 2, (uint16_t)(load_be16(ip + 2) + padded));
    else
        store_be16(ip + 4, (uint16_t)(load_be16(ip + 4) + padded));
    out[l4_off + 12] = (uint8_t)(((tcp_hdr + padded) / 4) << 4 | (out[l4_off + 12] & 0x0f));
    size_t new_len = len + padded;
    pkt_fix_checksums(ip, new_len - l3_off);
    return new_len;
}

void bridge_frame_from_down(struct bridge *b, const uint8_t *frame, size_t len)
{
    struct pkt_view v;
    if ((b->mbox & MBOX_MIRROR) && pkt_decode(LINK_ETHERNET, frame, len, &v) == NET_OK && v.proto == 6 &&
        (v.tcp.flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK) && !v.tcp.opts_truncated) {
        struct mptcp_capable mpc;
        if (!find_mpc(&v, &mpc)) {
            uint64_t tag = flow_tag(b->seed, &v.dst, &v.src, v.tcp.dport, v.tcp.sport);
            const struct mirror_slot *s = mirror_find(b, tag);
            if (s) {
                uint8_t *out = pktio_slot(&b->up);
                size_t n = insert_option(&v, frame, len, s->opt, s->len, out);
                if (n) {
                    pktio_commit(&b->up, n);
                    b->mirrored++;
                    return;
                }
            }
        }
    }
    pktio_queue(&b->up, frame, len);
}
