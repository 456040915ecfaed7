/* syn_probe.c — the mptcp_v0, mptcp_v1 and tcp_syn probe modules, the SYN frame builder they share, and the check that a reply answers one of their probes. */
#include "net/syn_probe.h"

#include <string.h>

#include "net/build.h"
#include "net/mptcp.h"
#include "net/packet.h"

static void sig_v0(const struct probe_cfg *cfg, const struct probe_target *t, struct probe_sig *sig)
{
    memset(sig, 0, sizeof(*sig));
    sig->version = 0;
    /* per-target keys come from cookie words 2..3: a keyed hash of the target */
    sig->key = cfg->key_per_target ? (uint64_t)t->cookie[2] << 32 | t->cookie[3] : cfg->key;
    sig->opt_len = (uint8_t)mptcp_put_capable_v0(sig->opt, cfg->mpc_flags, sig->key);
}

static void sig_v1(const struct probe_cfg *cfg, const struct probe_target *t, struct probe_sig *sig)
{
    (void)t;
    memset(sig, 0, sizeof(*sig));
    sig->version = 1;
    sig->opt_len = (uint8_t)mptcp_put_capable_v1_syn(sig->opt, cfg->mpc_flags);
}

static void sig_plain(const struct probe_cfg *cfg, const struct probe_target *t, struct probe_sig *sig)
{
    (void)cfg; (void)t;
    memset(sig, 0, sizeof(*sig));
    sig->version = -1;
}

const struct probe_module probe_mptcp_v0 = {
    .name = "mptcp_v0",
    .help = "SYN with MP_CAPABLE v0 (RFC 6824, 12 bytes, sender key)",
    .mptcp_version = 0,
    .default_flags = MPTCP_CAP_A | MPTCP_CAP_H,   /* 0x81: what multipath-tcp.org kernels sent */
    .make_sig = sig_v0,
};
const struct probe_module probe_mptcp_v1 = {
    .name = "mptcp_v1",
    .help = "SYN with MP_CAPABLE v1 (RFC 8684, 4 bytes, no key)",
    .mptcp_version = 1,
    .default_flags = MPTCP_CAP_H,                 /* 0x01: what Linux >= 5.6 sends (checksums off) */
    .make_sig = sig_v1,
};
const struct probe_module probe_tcp_syn = {
    .name = "tcp_syn",
    .help = "plain SYN without MPTCP option (baseline, like zmap's tcp_synscan)",
    .mptcp_version = -1,
    .default_flags = 0,
    .make_sig = sig_plain,
};

const struct probe_module *const probe_modules[] = {&probe_mptcp_v0, &probe_mptcp_v1, &probe_tcp_syn, NULL};

const struct probe_module *probe_find(const char *name)
{
    for (size_t i = 0; probe_modules[i]; i++)
        if (!strcmp(probe_modules[i]->name, name))
            return probe_modules[i];
    return NULL;
}

bool probe_validate(const struct probe_module *m, const struct probe_cfg *cfg, const struct cookie_ctx *ck,
                    const struct pkt_view *reply, struct probe_target *t, struct probe_sig *sig)
{
    t->src = reply->dst;
    t->dst = reply->src;
    t->dport = reply->tcp.sport;
    cookie_compute(ck, &t->src, &t->dst, t->dport, t->cookie);
    /* a SYN-ACK and a RST answering a SYN both acknowledge its sequence number + 1 */
    if (reply->tcp.dport != probe_sport(cfg, t->cookie) || reply->tcp.ack != t->cookie[0] + 1u)
        return false;
    m->make_sig(cfg, t, sig);
    return true;
}

size_t probe_build_frame(const struct probe_module *m, const struct probe_cfg *cfg,
                         const struct probe_target *t, uint8_t *buf, size_t cap, struct probe_sig *sig)
{
    m->make_sig(cfg, t, sig);
    uint8_t opts[40];
    size_t olen = tcpopt_build_syn(opts, sizeof(opts), &cfg->syn, sig->opt_len ? sig->opt : NULL, sig->opt_len);
    if (olen == 0 && (cfg->syn.mss || cfg->syn.timestamps || cfg->syn.sack_perm || cfg->syn.wscale >= 0 || sig->opt_len))
        return 0;
    if (cap < ETH_HDR_LEN)
        return 0;
    bool v6 = t->dst.family == 10;
    struct tcp_build b = {
        .src = t->src,
        .dst = t->dst,
        .sport = probe_sport(cfg, t->cookie),
        .dport = t->dport,
        .seq = t->cookie[0],
        .ack = 0,
        .flags = TCP_SYN,
        .window = cfg->window,
        .ttl = cfg->ttl,
        .ip_id = (uint16_t)(t->cookie[1] >> 16),
        .dont_fragment = true,
        .opts = olen ? opts : NULL,
        .opts_len = olen,
    };
    size_t n = pkt_build_tcp(buf + ETH_HDR_LEN, cap - ETH_HDR_LEN, &b);
    if (!n)
        return 0;
    eth_build(buf, cfg->gw_mac, cfg->src_mac, v6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4);
    return n + ETH_HDR_LEN;
}
