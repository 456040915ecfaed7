/* emu_proxy.c — the lab's terminating proxy (mbox=proxy): answers SYNs in the bridge with its own SYN-ACK, as a Linux MPTCPv1 stack would. */
#include "lab/emu.h"

#include <string.h>
#include <sys/socket.h>

#include "lab/population.h"
#include "net/build.h"
#include "net/bytes.h"
#include "net/mptcp.h"
#include "net/packet.h"
#include "net/tcpopt.h"

#define SALT_PROXY_KEY 0x70726f78796b0008ull
#define SALT_PROXY_ISN 0x70726f7879690009ull

size_t proxy_answer(uint64_t seed, const uint8_t *frame, size_t len, const uint8_t mac[6], uint8_t *out, size_t cap)
{
    struct pkt_view v;
    if (pkt_decode(LINK_ETHERNET, frame, len, &v) != NET_OK || v.proto != 6 || v.fragment)
        return 0;
    if ((v.tcp.flags & (TCP_SYN | TCP_ACK | TCP_RST)) != TCP_SYN || cap < ETH_HDR_LEN)
        return 0;
    /* what the SYN asked for: MPTCPv1 is what a Linux proxy speaks */
    struct mptcp_capable c;
    bool v1 = mptcp_capable_find(v.tcp.opts, v.tcp.opts_len, &c) && c.version == 1;
    size_t tl;
    const uint8_t *ts = tcpopt_find(v.tcp.opts, v.tcp.opts_len, TCPOPT_TIMESTAMP, &tl);
    uint64_t flow = (uint64_t)v.tcp.sport << 48 | (uint64_t)v.tcp.dport << 32 | v.tcp.seq;
    uint8_t mpc[12];
    size_t mpc_len = 0;
    if (v1) {
        uint64_t key = lab_hash(seed, SALT_PROXY_KEY, &v.dst, flow);
        mpc_len = mptcp_put_capable_v1_synack(mpc, MPTCP_CAP_H, key);
    }
    struct syn_opts_cfg oc = {.mss = 1460, .wscale = 7, .sack_perm = true, .timestamps = ts && tl == 10,
                              .tsval = (uint32_t)lab_hash(seed, SALT_PROXY_ISN, &v.dst, flow ^ 1),
                              .tsecr = ts && tl == 10 ? load_be32(ts + 2) : 0};
    uint8_t opts[40];
    size_t opts_len = tcpopt_build_syn(opts, sizeof opts, &oc, mpc_len ? mpc : NULL, mpc_len);
    if (!opts_len)
        return 0;
    struct tcp_build b = {
        .src = v.dst, .dst = v.src, .sport = v.tcp.dport, .dport = v.tcp.sport,
        .seq = (uint32_t)lab_hash(seed, SALT_PROXY_ISN, &v.dst, flow), .ack = v.tcp.seq + 1,
        .flags = TCP_SYN | TCP_ACK, .window = 65160, .ttl = 64, .ip_id = 0, .dont_fragment = true,
        .opts = opts, .opts_len = opts_len,
    };
    size_t ip_len = pkt_build_tcp(out + ETH_HDR_LEN, cap - ETH_HDR_LEN, &b);
    if (!ip_len)
        return 0;
    eth_build(out, frame + 6, mac, v.src.family == AF_INET ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6);
    return ETH_HDR_LEN + ip_len;
}
