/* spec.h — the lab's declarative spec: topology, host profiles, address mix, evolution over months. */
#ifndef LAB_SPEC_H
#define LAB_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lab/attr.h"
#include "net/addr.h"

/* What a host does on one port when a SYN arrives. */
enum behaviour {
    BEH_CLOSED = 0,   /* kernel answers RST */
    BEH_SILENT,       /* SYN dropped */
    BEH_TCP,          /* kernel plain-TCP listener */
    BEH_KERNEL_V1,    /* kernel IPPROTO_MPTCP listener (MPTCPv1, ignores v0) */
    BEH_V0,           /* emulated v0 server: v0 -> v0; v1 SYN ignored (plain SYN-ACK) */
    BEH_V0_MISMATCH,  /* emulated v0 server answering v1 SYNs with v0 */
    BEH_V0V1,         /* emulated server speaking both: answers each version in kind */
    BEH_MALFORMED,    /* emulated: MP_CAPABLE of a wrong length to any MP_CAPABLE SYN */
    BEH_NGINX_MPTCP,      /* Debian's nginx under mptcpize: HTTP over kernel MPTCP (a kernel-v1 listener) */
    BEH_NGINX_TCP,        /* nginx without mptcpize: HTTP over plain TCP */
    BEH_NGINX_MPTCP_TLS,  /* the same two with HTTPS (self-signed certificate made at lab up) */
    BEH_NGINX_TCP_TLS,
    BEH_COUNT
};
const char *behaviour_name(enum behaviour b);
bool behaviour_parse(const char *text, enum behaviour *out);
static inline bool behaviour_emulated(enum behaviour b)
{
    return b == BEH_V0 || b == BEH_V0_MISMATCH || b == BEH_V0V1 || b == BEH_MALFORMED;
}
/* Ports served by a real nginx (see lab/nginx.h). */
static inline bool behaviour_nginx(enum behaviour b)
{
    return b == BEH_NGINX_MPTCP || b == BEH_NGINX_TCP || b == BEH_NGINX_MPTCP_TLS || b == BEH_NGINX_TCP_TLS;
}
static inline bool behaviour_nginx_mptcp(enum behaviour b)
{
    return b == BEH_NGINX_MPTCP || b == BEH_NGINX_MPTCP_TLS;
}
/* What a SYN meets: nginx under mptcpize is a kernel MPTCP listener, plain nginx a TCP one. */
static inline enum behaviour behaviour_syn_view(enum behaviour b)
{
    return behaviour_nginx(b) ? (behaviour_nginx_mptcp(b) ? BEH_KERNEL_V1 : BEH_TCP) : b;
}

/* Middleboxes on the path to a profile's hosts (bit set). */
#define MBOX_STRIP        0x01  /* kernel TCPOPTSTRIP of option 30 in SYNs, on the last core router */
#define MBOX_KEYRW        0x02  /* emulated: rewrites the v0 key of SYNs */
#define MBOX_MIRROR       0x04  /* emulated: SYN-ACK without MP_CAPABLE gets the SYN's option echoed */
#define MBOX_STRIP_SYNACK 0x08  /* kernel TCPOPTSTRIP of option 30 in SYN-ACKs, on the last core router */
#define MBOX_PROXY        0x10  /* emulated: answers every SYN itself (a terminating proxy speaking MPTCPv1) */
#define MBOX_PROHIBIT     0x20  /* kernel: the last core router rejects SYNs with ICMP administratively prohibited */
#define MBOX_DELAY        0x40  /* emulated: holds every frame toward the hosts for profile.delay_us */
#define MBOX_DROP_MPTCP   0x80  /* kernel: the last core router drops SYNs carrying option 30 (an MPTCP-hostile firewall) */
#define MBOX_EMULATED (MBOX_KEYRW | MBOX_MIRROR | MBOX_PROXY | MBOX_DELAY)
#define SPEC_MAX_DELAY_US 10000000u

#define SPEC_MAX_PORTS 8
#define SPEC_MAX_PROFILES 64
#define SPEC_MAX_PREFIXES 32
#define SPEC_MAX_ROUTERS 16
#define SPEC_MAX_ORGS 8
#define SPEC_MAX_MONTH 100000     /* months are numbered 0 .. SPEC_MAX_MONTH */
#define SPEC_NAME_LEN 24

struct cidr {
    struct ip_addr base;  /* host bits zero */
    unsigned len;         /* prefix length */
};
bool cidr_parse(const char *text, struct cidr *out);
bool cidr_contains(const struct cidr *c, const struct ip_addr *a);
/* Number of addresses, saturated at 2^40 (populations must be enumerable). */
uint64_t cidr_size(const struct cidr *c);
/* The i-th address of the prefix (i < cidr_size). */
void cidr_nth(const struct cidr *c, uint64_t i, struct ip_addr *out);

struct port_beh {
    uint16_t port;
    enum behaviour beh;
};

struct profile {
    char name[SPEC_NAME_LEN];
    unsigned weight;
    struct port_beh ports[SPEC_MAX_PORTS];
    unsigned n_ports;
    enum behaviour other;        /* ports not listed: closed (default) or silent */
    unsigned mbox;               /* MBOX_* bits */
    unsigned delay_us;           /* MBOX_DELAY: added to every frame toward the hosts (so to each round trip) */
    bool announce;               /* hosts own a second address (IPv4 + IPv6) and announce it (ADD_ADDR) */
    int month_from, month_to;    /* active window (inclusive); outside it the host is absent */
};

/* An organisation prefix whose hosts move from one profile to another over
 * the months: from month `start` on, step% more of them per month. */
struct org {
    struct cidr prefix;
    int from, to;                /* profile indexes */
    int start;
    unsigned step;               /* percent per month */
    unsigned max;                /* at most this percent moves (default 100); see lab/org.h for stages */
};

enum router_kind { ROUTER_KERNEL, ROUTER_QUOTE8 };
struct router {
    enum router_kind kind;
    int icmp_ratelimit_ms;       /* -1: unlimited (0 in the sysctl) */
    bool strip;                  /* removes MP_CAPABLE (option 30) from every SYN it forwards */
};

#define SPEC_MAX_VANTAGE_ADDRESSES 9   /* infra offsets 1..9: routers start at 11 */

struct lab_spec {
    uint64_t seed;
    unsigned n_routers;
    struct router routers[SPEC_MAX_ROUTERS];
    uint16_t ports[SPEC_MAX_PORTS];        /* default ports of `lab truth` */
    unsigned n_ports;
    struct cidr infra4, infra6;            /* infrastructure addresses come from here */
    struct cidr prefixes[SPEC_MAX_PREFIXES];
    unsigned n_prefixes;
    struct profile profiles[SPEC_MAX_PROFILES];
    unsigned n_profiles;
    unsigned total_weight;
    struct org orgs[SPEC_MAX_ORGS];
    unsigned n_orgs;
    unsigned churn;                        /* percent of addresses absent in any month */
    bool site_routers;                     /* one kernel router in front of every profile */
    bool router_addresses;                 /* routers own infra addresses (ICMP sources); no: unnumbered */
    bool vantage_in_population;            /* the vantage's addresses are population members too */
    unsigned vantage_addresses;            /* the vantage owns infra .1 to .N of each family (a scanner's -S
                                              range); 1 by default, at most SPEC_MAX_VANTAGE_ADDRESSES */
    bool vantage_sends_rst;                /* vantage kernel may RST the scanner's SYN-ACKs (frees the
                                              hosts' half-open MPTCP requests at scale) */
    struct spec_attr attr;                 /* `as`, `as-set`, `geo`: AS / country attribution (lab/attr.h) */
    int study_months;                      /* `study months=N`: months of the study (0: not given) */
    int study_start;                       /* `study start=YYYY-MM`: month 0, as months since 0000-01 (0: not given) */
};

/* Parses a spec file. On error returns false and writes "file:line: reason" to err. */
bool spec_load(const char *path, struct lab_spec *spec, char *err, size_t errlen);
bool spec_parse_text(const char *text, const char *name, struct lab_spec *spec, char *err, size_t errlen);

/* Behaviour of profile p on port (the listed one or p->other). */
enum behaviour profile_port(const struct profile *p, uint16_t port);
bool profile_has_kernel(const struct profile *p);
bool profile_has_emulated(const struct profile *p);
bool profile_has_nginx(const struct profile *p);

#endif
