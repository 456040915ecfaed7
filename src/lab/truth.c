/* truth.c — composes middlebox and host behaviour into the verdict the scanner must report. */
#include "lab/truth.h"

#include <string.h>

static const char *const truth_verdict_names[TRUTH_COUNT] = {
    "mptcp", "mirrored", "version-mismatch", "malformed", "tcp", "closed", "silent",
};

const char *truth_verdict_name(enum truth_verdict v)
{
    return (unsigned)v < TRUTH_COUNT ? truth_verdict_names[v] : "?";
}

/* An MP_CAPABLE option as it travels: in a SYN or in a SYN-ACK. */
struct mpc_state {
    bool present;
    int version;
    bool our_key;   /* v0: the key is the scanner's; v1 SYN: the option is the scanner's bytes */
    bool echo;      /* SYN-ACK option is an echo of a SYN option (mirror) */
    bool malformed; /* wrong length for a SYN-ACK */
};

enum answer { ANSWER_NONE, ANSWER_RST, ANSWER_SYNACK };

static enum answer host_answer(enum behaviour b, const struct mpc_state *syn, struct mpc_state *sa)
{
    memset(sa, 0, sizeof *sa);
    switch (b) {
    case BEH_CLOSED: return ANSWER_RST;
    case BEH_SILENT: return ANSWER_NONE;
    case BEH_TCP: return ANSWER_SYNACK;
    case BEH_KERNEL_V1:
        if (syn->present && syn->version == 1)
            *sa = (struct mpc_state){.present = true, .version = 1};
        return ANSWER_SYNACK;
    case BEH_V0:
        if (syn->present && syn->version == 0)
            *sa = (struct mpc_state){.present = true, .version = 0};
        return ANSWER_SYNACK;
    case BEH_V0_MISMATCH:
        if (syn->present)
            *sa = (struct mpc_state){.present = true, .version = 0};
        return ANSWER_SYNACK;
    case BEH_V0V1:
        if (syn->present)
            *sa = (struct mpc_state){.present = true, .version = syn->version};
        return ANSWER_SYNACK;
    case BEH_MALFORMED:
        if (syn->present)
            *sa = (struct mpc_state){.present = true, .version = syn->version, .malformed = true};
        return ANSWER_SYNACK;
    case BEH_NGINX_MPTCP:
    case BEH_NGINX_TCP:
    case BEH_NGINX_MPTCP_TLS:
    case BEH_NGINX_TCP_TLS:
        return host_answer(behaviour_syn_view(b), syn, sa);
    case BEH_COUNT: break;
    }
    return ANSWER_NONE;
}

enum truth_verdict truth_verdict_of(const struct lab_spec *s, int profile, uint16_t port, int version)
{
    if (profile < 0 || (unsigned)profile >= s->n_profiles)
        return TRUTH_SILENT;
    const struct profile *p = &s->profiles[profile];
    /* forward path: kernel strip on the last core router, then the emulated box (key rewrite, mirror record) */
    struct mpc_state syn = {.present = true, .version = version, .our_key = true};
    bool router_strip = false;   /* `router K strip`: every SYN of the path */
    for (unsigned k = 0; k < s->n_routers && k < SPEC_MAX_ROUTERS; k++)
        router_strip |= s->routers[k].strip;
    if ((p->mbox & MBOX_STRIP) || router_strip)
        syn.present = false;
    if ((p->mbox & MBOX_DROP_MPTCP) && !router_strip)
        return TRUTH_SILENT;   /* every probe carries MP_CAPABLE, and such SYNs die on the last core router */
    if (p->mbox & MBOX_PROHIBIT)
        return TRUTH_SILENT; /* the last core router answers ICMP admin-prohibited: no TCP answer */
    if ((p->mbox & MBOX_KEYRW) && syn.present && syn.version == 0)
        syn.our_key = false;
    struct mpc_state recorded = syn;

    struct mpc_state sa;
    enum answer ans;
    if (p->mbox & MBOX_PROXY) {
        /* the proxy answers in the bridge, before the host: MPTCPv1 to a v1 SYN, plain TCP else */
        memset(&sa, 0, sizeof sa);
        if (syn.present && syn.version == 1)
            sa = (struct mpc_state){.present = true, .version = 1};
        ans = ANSWER_SYNACK;
    } else {
        ans = host_answer(behaviour_syn_view(profile_port(p, port)), &syn, &sa);
    }
    if (ans == ANSWER_NONE)
        return TRUTH_SILENT;
    if (ans == ANSWER_RST)
        return TRUTH_CLOSED;

    /* way back: the emulated box echoes, then the kernel strips on the last core router */
    if ((p->mbox & MBOX_MIRROR) && !(p->mbox & MBOX_PROXY) && !sa.present && recorded.present) {
        sa = recorded;
        sa.echo = true;
    }
    if (p->mbox & MBOX_STRIP_SYNACK)
        sa.present = false;

    if (!sa.present)
        return TRUTH_TCP;
    if (sa.echo && sa.our_key && sa.version == version)
        return TRUTH_MIRRORED;   /* v0: our key back; v1: our 4 bytes back */
    if (sa.malformed || (sa.echo && sa.version == 1))
        return TRUTH_MALFORMED;  /* a 4-byte v1 SYN option is the wrong length in a SYN-ACK */
    if (sa.version != version)
        return TRUTH_VERSION_MISMATCH;
    return TRUTH_MPTCP;
}

enum truth_answer truth_host_answer(enum behaviour b, bool syn_present, int syn_version, bool *sa_present,
                                    int *sa_version, bool *sa_malformed)
{
    struct mpc_state syn = {.present = syn_present, .version = syn_version, .our_key = true}, sa;
    enum answer a = host_answer(b, &syn, &sa);
    *sa_present = sa.present;
    *sa_version = sa.version;
    *sa_malformed = sa.malformed;
    return a == ANSWER_NONE ? TRUTH_ANSWER_NONE : a == ANSWER_RST ? TRUTH_ANSWER_RST : TRUTH_ANSWER_SYNACK;
}
