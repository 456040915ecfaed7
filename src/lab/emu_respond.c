/* emu_respond.c — emulated MPTCP server (v0, v0+v1, version mismatch, malformed) answering SYNs with SYN-ACKs via AF_PACKET. */
#include "lab/emu.h"

#include <string.h>
#include <sys/socket.h>

#include "lab/population.h"
#include "net/build.h"
#include "net/bytes.h"
#include "net/mptcp.h"
#include "net/packet.h"
#include "net/tcpopt.h"

#define SALT_KEY 0x6b65790000000004ull
#define SALT_ISN 0x69736e0000000005ull

/* MP_CAPABLE the host puts in its SYN-ACK; returns the option length (0: none). */
static size_t answer_option(enum behaviour beh, int syn_version, uint64_t syn_key, uint64_t own_key, uint8_t *opt)
{
    if (syn_version < 0)
        return 0;
    if (own_key == syn_key)
        own_key ^= 1; /* a server key equal to the client's would read as a mirror */
    switch (beh) {
    case BEH_V0:
        return syn_version == 0 ? mptcp_put_capable_v0(opt, MPTCP_CAP_A | MPTCP_CAP_H, own_key) : 0;
    case BEH_V0_MISMATCH:
        return mptcp_put_capable_v0(opt, MPTCP_CAP_A | MPTCP_CAP_H, own_key);
    case BEH_V0V1:
        return syn_version == 0 ? mptcp_put_capable_v0(opt, MPTCP_CAP_A | MPTCP_CAP_H, own_key)
                                : mptcp_put_capable_v1_synack(opt, MPTCP_CAP_H, own_key);
    case BEH_MALFORMED:
        /* an 8-byte MP_CAPABLE (no layout has that length): the key cut to its low 32 bits */
        return mptcp_put_capable_len(opt, 8, (uint8_t)(syn_version & 0x0f), MPTCP_CAP_H, (uint64_t)(uint32_t)own_key << 32);
    default:
        return 0;
    }
}

void responder_frame(struct responder *r, const uint8_t *frame, size_t len)
{
    struct pkt_view v;
    if (pkt_decode(LINK_ETHERNET, frame, len, &v) != NET_OK || v.proto != 6)
        return;
    if ((v.tcp.flags & (TCP_SYN | TCP_ACK | TCP_RST)) != TCP_SYN)
        return;
    enum behaviour beh = profile_port(r->profile, v.tcp.dport);
    if (!behaviour_emulated(beh))
        return;

    int syn_version = -1;
    uint64_t syn_key = 0;
    size_t optlen;
    struct mptcp_capable mpc;
    if (mptcp_capable_find(v.tcp.opts, v.tcp.opts_len, &mpc) && !mpc.cut && mpc.has_flags) {
        syn_version = mpc.version;
        if (mpc.has_sender_key)
            syn_key = mpc.sender_key;
    }
    uint32_t tsval = 0;
    bool has_ts = false;
    const uint8_t *ts = tcpopt_find(v.tcp.opts, v.tcp.opts_len, TCPOPT_TIMESTAMP, &optlen);
    if (ts && optlen == 10) {
        tsval = load_be32(ts + 2);
        has_ts = true;
    }

    uint64_t flow = (uint64_t)v.tcp.sport << 48 | (uint64_t)v.tcp.dport << 32 | v.tcp.seq;
    uint64_t own_key = lab_hash(r->seed, SALT_KEY, &v.dst, flow);
    uint8_t mpc_out[16];
    size_t mpc_len = answer_option(beh, syn_version, syn_key, own_key, mpc_out);

    uint8_t opts[40];
    struct syn_opts_cfg oc = {.mss = 1460, .wscale = 7, .sack_perm = true, .timestamps = has_ts,
                              .tsval = (uint32_t)lab_hash(r->seed, SALT_ISN, &v.dst, flow ^ 1),
                              .tsecr = tsval /* echo the client's timestamp, as a server does */};
    size_t opts_len = tcpopt_build_syn(opts, sizeof opts, &oc, mpc_out, mpc_len);
    if (opts_len == 0)
        return;
    struct tcp_build b = {
        .src = v.dst, .dst = v.src, .sport = v.tcp.dport, .dport = v.tcp.sport,
        .seq = (uint32_t)lab_hash(r->seed, SALT_ISN, &v.dst, flow), .ack = v.tcp.seq + 1,
        .flags = TCP_SYN | TCP_ACK, .window = 65535, .ttl = 64, .ip_id = 0, .dont_fragment = true,
        .opts = opts, .opts_len = opts_len,
    };
    uint8_t *slot = pktio_slot(&r->io);
    size_t ip_len = pkt_build_tcp(slot + ETH_HDR_LEN, PKTIO_FRAME - ETH_HDR_LEN, &b);
    if (ip_len == 0)
        return;
    eth_build(slot, frame + 6, r->io.mac, v.src.family == AF_INET ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6);
    pktio_commit(&r->io, ETH_HDR_LEN + ip_len);
    r->answered++;
}
