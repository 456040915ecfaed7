/* verdict.c — the scan verdict rule (mirror, then length, then version) over an MP_CAPABLE view. */
#include "net/verdict.h"

#include <string.h>

static const char *const verdict_names[MPC_VERDICT_COUNT] = {
    [MPC_VERDICT_MPTCP] = "mptcp",
    [MPC_VERDICT_MIRRORED] = "mirrored",
    [MPC_VERDICT_VERSION_MISMATCH] = "version-mismatch",
    [MPC_VERDICT_MALFORMED] = "malformed",
    [MPC_VERDICT_TCP] = "tcp",
    [MPC_VERDICT_CLOSED] = "closed",
};

const char *mpc_verdict_name(enum mpc_verdict v)
{
    return (unsigned)v < MPC_VERDICT_COUNT ? verdict_names[v] : "unknown";
}

int mpc_verdict_from_name(const char *text)
{
    for (int i = 0; i < MPC_VERDICT_COUNT; i++)
        if (text && !strcmp(text, verdict_names[i]))
            return i;
    return -1;
}

enum mpc_verdict mpc_verdict_of(bool rst, const struct mptcp_capable *mpc, const struct probe_sig *sig)
{
    if (rst)
        return MPC_VERDICT_CLOSED;
    if (!mpc)
        return MPC_VERDICT_TCP;
    bool full_key = !mpc->cut && mpc->has_sender_key;
    /* 1. our own bytes back: a middlebox echoed the SYN option */
    if (sig->version == 0 && mpc->version == 0 && full_key && mpc->sender_key == sig->key)
        return MPC_VERDICT_MIRRORED;
    if (sig->version == 1 && !mpc->cut && mpc->avail == sig->opt_len && !memcmp(mpc->raw, sig->opt, mpc->avail))
        return MPC_VERDICT_MIRRORED;
    /* 2. a SYN-ACK's MP_CAPABLE is 12 bytes in both versions */
    if (mpc->cut || mpc->avail != MPTCP_CAPABLE_SYNACK_LEN)
        return MPC_VERDICT_MALFORMED;
    /* 3. another version than probed (a plain-SYN probe accepts any) */
    if (sig->version >= 0 && mpc->version != sig->version)
        return MPC_VERDICT_VERSION_MISMATCH;
    return MPC_VERDICT_MPTCP;
}

enum mpc_verdict mpc_verdict_of_options(bool rst, const uint8_t *opts, size_t len, const struct probe_sig *sig,
                                        struct mptcp_capable *mpc_out, bool *found)
{
    struct mptcp_capable local, *mpc = mpc_out ? mpc_out : &local;
    bool has = !rst && mptcp_capable_find(opts, len, mpc);
    if (found)
        *found = has;
    return mpc_verdict_of(rst, has ? mpc : NULL, sig);
}

void mpc_probe_sig_static(int version, uint64_t key, int flags, struct probe_sig *sig)
{
    const struct probe_module *m = version == 0 ? &probe_mptcp_v0 : version == 1 ? &probe_mptcp_v1 : &probe_tcp_syn;
    struct probe_cfg cfg;
    struct probe_target t;
    memset(&cfg, 0, sizeof cfg);
    memset(&t, 0, sizeof t);
    cfg.mpc_flags = flags < 0 ? m->default_flags : (uint8_t)flags;
    cfg.key = key;
    memset(sig, 0, sizeof *sig);
    m->make_sig(&cfg, &t, sig);
}
