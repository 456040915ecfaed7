/* up.c — builds a lab from a spec: namespaces, veth links, addresses, routes, iptables, the daemon, the state file. */
#include "lab/lab.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab/announce.h"
#include "lab/nginx.h"
#include "lab/population.h"
#include "lab/sys.h"
#include "lab/teardown.h"
#include "lab/org.h"   /* org stages: list each org prefix once */

enum ns_role { NS_VANTAGE, NS_ROUTER, NS_BRIDGE, NS_SITE, NS_HOST };

struct ns_entry {
    char name[LAB_NS_NAME_LEN];
    enum ns_role role;
    unsigned index;          /* router k (1-based) or profile i */
};

struct plan {
    const struct lab_spec *spec;
    const char *name;
    int month;
    struct ns_entry ns[LAB_MAX_NS];
    size_t n_ns;
    struct route_block *blocks;
    size_t n_blocks;
    char *err;
    size_t errlen;
    struct lab_members members; /* what exists of the lab so far: torn down on failure or signal */
};

static bool failf(struct plan *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err, p->errlen, fmt, ap);
    va_end(ap);
    return false;
}

static const char *addr_text(const struct ip_addr *a, char *buf)
{
    return ip_addr_format(a, buf, IP_ADDR_STRLEN);
}

static const char *cidr_text(const struct cidr *c, char *buf, size_t len)
{
    char a[IP_ADDR_STRLEN];
    snprintf(buf, len, "%s/%u", addr_text(&c->base, a), c->len);
    return buf;
}

/* Deterministic locally administered MACs: link id and side (0 = upstream end). */
static void link_mac(unsigned link, unsigned side, char out[18])
{
    snprintf(out, 18, "02:4c:%02x:%02x:00:%02x", (link >> 8) & 0xff, link & 0xff, side);
}

static const char *ns_name(struct plan *p, enum ns_role role, unsigned index)
{
    for (size_t i = 0; i < p->n_ns; i++)
        if (p->ns[i].role == role && p->ns[i].index == index)
            return p->ns[i].name;
    return NULL;
}

static bool plan_add(struct plan *p, enum ns_role role, unsigned index, const char *suffix)
{
    if (p->n_ns >= LAB_MAX_NS)
        return failf(p, "too many namespaces");
    struct ns_entry *e = &p->ns[p->n_ns++];
    int n = snprintf(e->name, sizeof e->name, "%s-%s", p->name, suffix);
    if (n < 0 || (size_t)n >= sizeof e->name)
        return failf(p, "lab name too long");
    e->role = role;
    e->index = index;
    return true;
}

static bool make_plan(struct plan *p)
{
    const struct lab_spec *s = p->spec;
    char suffix[16];
    if (!plan_add(p, NS_VANTAGE, 0, "v"))
        return false;
    for (unsigned k = 1; k <= s->n_routers; k++) {
        snprintf(suffix, sizeof suffix, "r%u", k);
        if (!plan_add(p, NS_ROUTER, k, suffix))
            return false;
    }
    for (unsigned i = 0; i < s->n_profiles; i++) {
        if (s->profiles[i].mbox & MBOX_EMULATED) {
            snprintf(suffix, sizeof suffix, "m%u", i);
            if (!plan_add(p, NS_BRIDGE, i, suffix))
                return false;
        }
        if (s->site_routers) {
            snprintf(suffix, sizeof suffix, "s%u", i);
            if (!plan_add(p, NS_SITE, i, suffix))
                return false;
        }
        snprintf(suffix, sizeof suffix, "h%u", i);
        if (!plan_add(p, NS_HOST, i, suffix))
            return false;
    }
    return true;
}

static int run_batch(struct plan *p, const char *what, struct textbuf *tb)
{
    char errbuf[512];
    if (tb->oom)
        return failf(p, "out of memory"), -1;
    if (tb->len == 0)
        return 0;
    char *argv[] = {"ip", "-batch", "-", NULL};
    int rc = sys_run(argv, tb->data, errbuf, sizeof errbuf);
    if (rc != 0) {
        failf(p, "%s: ip -batch failed (%d): %s", what, rc, errbuf);
        return -1;
    }
    return 0;
}

static int run_restore(struct plan *p, const char *ns, const char *tool, const char *rules)
{
    char errbuf[512];
    char *argv[] = {(char *)tool, NULL};
    int rc = sys_run(argv, rules, errbuf, sizeof errbuf);
    if (rc != 0) {
        failf(p, "%s: %s failed (%d): %s", ns, tool, rc, errbuf);
        return -1;
    }
    return 0;
}

/* --------------------------------------------------------------- sysctls */

static bool ns_sysctls(struct plan *p, const struct ns_entry *e)
{
    struct kv { const char *k, *v; };
    static const struct kv common[] = {
        {"net.ipv6.conf.all.accept_dad", "0"},  {"net.ipv6.conf.default.accept_dad", "0"},
        {"net.ipv6.conf.all.accept_ra", "0"},   {"net.ipv6.conf.default.accept_ra", "0"},
        {"net.ipv6.conf.default.addr_gen_mode", "1"},
        {"net.ipv4.conf.all.rp_filter", "0"},   {"net.ipv4.conf.default.rp_filter", "0"},
    };
    for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
        if (sys_sysctl(common[i].k, common[i].v) != 0)
            return failf(p, "%s: sysctl %s: %s", e->name, common[i].k, strerror(errno));
    char ms[16];
    switch (e->role) {
    case NS_ROUTER:
    case NS_SITE: {
        int limit = e->role == NS_ROUTER ? p->spec->routers[e->index - 1].icmp_ratelimit_ms : -1;
        snprintf(ms, sizeof ms, "%d", limit < 0 ? 0 : limit);
        const struct kv router[] = {
            {"net.ipv4.ip_forward", "1"},
            {"net.ipv6.conf.all.forwarding", "1"},
            {"net.ipv4.icmp_ratelimit", ms},
            {"net.ipv6.icmp.ratelimit", ms},
            /* unlimited routers must not throttle a fast tracer globally either */
            {"net.ipv4.icmp_msgs_per_sec", limit < 0 ? "1000000" : "1000"},
            {"net.ipv4.icmp_msgs_burst", limit < 0 ? "1000000" : "50"},
        };
        for (size_t i = 0; i < sizeof router / sizeof router[0]; i++)
            if (sys_sysctl(router[i].k, router[i].v) != 0)
                return failf(p, "%s: sysctl %s: %s", e->name, router[i].k, strerror(errno));
        break;
    }
    case NS_HOST: {
        /* scans complete no handshake: request sockets must not overflow into drops */
        const struct kv host[] = {
            {"net.core.somaxconn", "262144"},
            {"net.ipv4.tcp_max_syn_backlog", "262144"},
            {"net.ipv4.tcp_synack_retries", "1"},
            {"net.mptcp.enabled", "1"},
        };
        for (size_t i = 0; i < sizeof host / sizeof host[0]; i++)
            if (sys_sysctl(host[i].k, host[i].v) != 0)
                return failf(p, "%s: sysctl %s: %s", e->name, host[i].k, strerror(errno));
        break;
    }
    case NS_BRIDGE:
        if (sys_sysctl("net.ipv6.conf.all.disable_ipv6", "1") != 0 ||
            sys_sysctl("net.ipv6.conf.default.disable_ipv6", "1") != 0)
            return failf(p, "%s: disable_ipv6: %s", e->name, strerror(errno));
        break;
    case NS_VANTAGE:
        break;
    }
    return true;
}

/* ----------------------------------------------------------------- links */

struct link_plan {
    const char *up_ns, *up_if;    /* end closer to the vantage */
    const char *down_ns, *down_if;
};

static void add_link(struct textbuf *tb, unsigned id, const struct link_plan *l)
{
    char m0[18], m1[18];
    link_mac(id, 0, m0);
    link_mac(id, 1, m1);
    tb_printf(tb, "link add name %s address %s netns %s type veth peer name %s address %s netns %s\n",
              l->up_if, m0, l->up_ns, l->down_if, m1, l->down_ns);
}

static bool create_links(struct plan *p)
{
    const struct lab_spec *s = p->spec;
    struct textbuf tb = {0};
    unsigned id = 1;
    struct link_plan l = {ns_name(p, NS_VANTAGE, 0), IF_VANTAGE, ns_name(p, NS_ROUTER, 1), IF_UP};
    add_link(&tb, id++, &l);
    for (unsigned k = 1; k < s->n_routers; k++) {
        l = (struct link_plan){ns_name(p, NS_ROUTER, k), IF_DOWN, ns_name(p, NS_ROUTER, k + 1), IF_UP};
        add_link(&tb, id++, &l);
    }
    const char *last = ns_name(p, NS_ROUTER, s->n_routers);
    static char ifnames[SPEC_MAX_PROFILES][8];
    for (unsigned i = 0; i < s->n_profiles; i++) {
        snprintf(ifnames[i], sizeof ifnames[i], "dn%u", i % 100);
        const char *bridge = ns_name(p, NS_BRIDGE, i), *site = ns_name(p, NS_SITE, i);
        const char *host = ns_name(p, NS_HOST, i);
        const char *next_ns = bridge ? bridge : site ? site : host;
        const char *next_if = bridge || site ? IF_UP : IF_HOST;
        l = (struct link_plan){last, ifnames[i], next_ns, next_if};
        add_link(&tb, id++, &l);
        if (bridge) {
            l = (struct link_plan){bridge, IF_DOWN, site ? site : host, site ? IF_UP : IF_HOST};
            add_link(&tb, id++, &l);
        }
        if (site) {
            l = (struct link_plan){site, IF_DOWN, host, IF_HOST};
            add_link(&tb, id++, &l);
        }
    }
    int rc = run_batch(p, "links", &tb);
    tb_free(&tb);
    return rc == 0;
}

/* ------------------------------------------------------ per-namespace setup */

static void route_lab_ranges(struct textbuf *tb, const char *via6, const char *dev)
{
    tb_printf(tb, "route add 198.18.0.0/15 via inet6 %s dev %s\n", via6, dev);
    tb_printf(tb, "route add 2001:db8::/32 via %s dev %s\n", via6, dev);
}

static void route_host(struct textbuf *tb, const struct ip_addr *a, const char *via6, const char *dev)
{
    char t[IP_ADDR_STRLEN];
    if (a->family == AF_INET)
        tb_printf(tb, "route replace %s/32 via inet6 %s dev %s\n", addr_text(a, t), via6, dev);
    else
        tb_printf(tb, "route replace %s/128 via %s dev %s\n", addr_text(a, t), via6, dev);
}

static void route_block(struct textbuf *tb, const struct cidr *c, const char *via6, const char *dev)
{
    char t[64];
    cidr_text(c, t, sizeof t);
    if (c->base.family == AF_INET)
        tb_printf(tb, "route replace %s via inet6 %s dev %s\n", t, via6, dev);
    else
        tb_printf(tb, "route replace %s via %s dev %s\n", t, via6, dev);
}

static void own_addresses(struct textbuf *tb, const struct ip_addr *a4, const struct ip_addr *a6, const char *dev)
{
    char t[IP_ADDR_STRLEN];
    tb_printf(tb, "addr add %s/32 dev %s\n", addr_text(a4, t), dev);
    tb_printf(tb, "addr add %s/128 dev %s nodad\n", addr_text(a6, t), dev);
}

static void link_up(struct textbuf *tb, const char *dev, const char *ll)
{
    tb_printf(tb, "link set dev %s up\n", dev);
    if (ll)
        tb_printf(tb, "addr add %s/64 dev %s nodad\n", ll, dev);
}

/* Runs "ip -4|-6 WORDS..." in the current namespace. */
static bool run_ip(struct plan *p, const struct ns_entry *e, int family, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static bool run_ip(struct plan *p, const struct ns_entry *e, int family, const char *fmt, ...)
{
    char line[256], errbuf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    char *argv[24] = {"ip", family == AF_INET ? "-4" : "-6"};
    int n = 2;
    for (char *save = NULL, *t = strtok_r(line, " ", &save); t && n < 23; t = strtok_r(NULL, " ", &save))
        argv[n++] = t;
    argv[n] = NULL;
    int rc = sys_run(argv, NULL, errbuf, sizeof errbuf);
    if (rc != 0)
        return failf(p, "%s: ip %s failed: %s", e->name, fmt, errbuf);
    return true;
}

/* Profile of the vantage's own address of `family` when it is a population
 * member (vantage-in-population), -2 when it is not. */
static int vantage_profile(const struct plan *p, int family)
{
    const struct lab_spec *s = p->spec;
    struct ip_addr v;
    infra_vantage(s, family, &v);
    if (!s->vantage_in_population)
        return -2;
    for (size_t b = 0; b < p->n_blocks; b++)
        if (cidr_contains(&p->blocks[b].block, &v))
            return p->blocks[b].profile;
    return -2;
}

/* The vantage's address as a target: probes to it (arriving from the vantage
 * side) are routed to its host with policy rules, and that host sends its
 * answers (from and to the same address) back out instead of to itself. */
static bool vantage_policy(struct plan *p, const struct ns_entry *e)
{
    const struct lab_spec *s = p->spec;
    for (int fam = 0; fam < 2; fam++) {
        int family = fam ? AF_INET6 : AF_INET;
        int vp = vantage_profile(p, family);
        if (vp == -2)
            continue;
        struct ip_addr v;
        char t[IP_ADDR_STRLEN];
        infra_vantage(s, family, &v);
        addr_text(&v, t);
        const char *plen = fam ? "128" : "32", *via = fam ? "" : "inet6 ";
        bool ok = true;
        if (e->role == NS_ROUTER || (e->role == NS_SITE && (int)e->index == vp)) {
            char dev[8] = IF_DOWN;
            if (e->role == NS_ROUTER && e->index == s->n_routers)
                snprintf(dev, sizeof dev, "dn%d", vp < 0 ? 0 : vp % 100);
            ok = run_ip(p, e, family, "rule add pref 100 iif %s to %s/%s lookup 100", IF_UP, t, plen) &&
                 (vp < 0 && e->role == NS_ROUTER && e->index == s->n_routers
                      ? run_ip(p, e, family, "route add blackhole %s/%s table 100", t, plen)
                      : run_ip(p, e, family, "route add %s/%s via %sfe80::2 dev %s table 100", t, plen, via, dev));
        } else if (e->role == NS_HOST && (int)e->index == vp) {
            ok = (fam || sys_sysctl("net.ipv4.conf.all.accept_local", "1") == 0) &&
                 run_ip(p, e, family, "rule add pref 100 iif lo to %s/%s lookup 100", t, plen) &&
                 run_ip(p, e, family, "route add %s/%s via %sfe80::1 dev %s table 100", t, plen, via, IF_HOST) &&
                 run_ip(p, e, family, "rule add pref 200 lookup local") &&
                 run_ip(p, e, family, "rule del pref 0 lookup local");
        }
        if (!ok)
            return false;
    }
    return true;
}

/* Host routes toward the vantage and the routers before router k. They come
 * after the block routes and replace any equal one: the vantage's address
 * may be a population member, and its answers must still go up. */
static void upstream_routes(struct textbuf *tb, const struct lab_spec *s, unsigned k)
{
    struct ip_addr a;
    for (int fam = 0; fam < 2; fam++) {
        int family = fam ? AF_INET6 : AF_INET;
        for (unsigned v = 0; v < s->vantage_addresses; v++) {
            infra_vantage_nth(s, family, v, &a);
            route_host(tb, &a, "fe80::1", IF_UP);
        }
        for (unsigned j = 1; j < k && s->router_addresses; j++) {
            infra_router(s, family, j, &a);
            route_host(tb, &a, "fe80::1", IF_UP);
        }
    }
}

static bool configure_ns(struct plan *p, const struct ns_entry *e, char ifs[][8], size_t *n_ifs)
{
    const struct lab_spec *s = p->spec;
    struct textbuf tb = {0};
    struct ip_addr a4, a6;
    *n_ifs = 0;
    tb_printf(&tb, "link set dev lo up\n");
    switch (e->role) {
    case NS_VANTAGE:
        link_up(&tb, IF_VANTAGE, "fe80::1");
        /* .1 stays the kernel's preferred source (the others are for -S ranges): IPv4 prefers the
         * first address added, IPv6 (equal candidates, RFC 6724) the last, so IPv6 goes backwards */
        for (unsigned v = 0; v < s->vantage_addresses; v++) {
            infra_vantage_nth(s, AF_INET, v, &a4);
            infra_vantage_nth(s, AF_INET6, s->vantage_addresses - 1 - v, &a6);
            own_addresses(&tb, &a4, &a6, IF_VANTAGE);
        }
        route_lab_ranges(&tb, "fe80::2", IF_VANTAGE);
        strcpy(ifs[(*n_ifs)++], IF_VANTAGE);
        break;
    case NS_ROUTER: {
        unsigned k = e->index;
        link_up(&tb, IF_UP, "fe80::2");
        strcpy(ifs[(*n_ifs)++], IF_UP);
        infra_router(s, AF_INET, k, &a4);
        infra_router(s, AF_INET6, k, &a6);
        if (s->router_addresses)
            own_addresses(&tb, &a4, &a6, "lo");
        if (k < s->n_routers) {
            link_up(&tb, IF_DOWN, "fe80::1");
            strcpy(ifs[(*n_ifs)++], IF_DOWN);
            route_lab_ranges(&tb, "fe80::2", IF_DOWN);
            upstream_routes(&tb, s, k);
            break;
        }
        /* the last core router fans out to one link per profile; absent addresses die here */
        tb_printf(&tb, "route add blackhole 198.18.0.0/15\nroute add blackhole 2001:db8::/32\n");
        for (unsigned i = 0; i < s->n_profiles; i++) {
            char dev[8];
            snprintf(dev, sizeof dev, "dn%u", i % 100);
            link_up(&tb, dev, "fe80::1");
            strcpy(ifs[(*n_ifs)++], dev);
            if (s->site_routers && s->router_addresses)
                for (int fam = 0; fam < 2; fam++) {
                    infra_site(s, fam ? AF_INET6 : AF_INET, i, &a4);
                    route_host(&tb, &a4, "fe80::2", dev);
                }
            for (int fam = 0; fam < 2 && s->profiles[i].announce; fam++) {
                lab_announce_addr(s, fam ? AF_INET6 : AF_INET, i, &a4);
                route_host(&tb, &a4, "fe80::2", dev);
            }
        }
        for (size_t b = 0; b < p->n_blocks; b++)
            if (p->blocks[b].profile >= 0) {
                char dev[8];
                snprintf(dev, sizeof dev, "dn%d", p->blocks[b].profile % 100);
                route_block(&tb, &p->blocks[b].block, "fe80::2", dev);
            }
        upstream_routes(&tb, s, k);
        break;
    }
    case NS_BRIDGE:
        tb_printf(&tb, "link set dev %s promisc on up\nlink set dev %s promisc on up\n", IF_UP, IF_DOWN);
        strcpy(ifs[(*n_ifs)++], IF_UP);
        strcpy(ifs[(*n_ifs)++], IF_DOWN);
        break;
    case NS_SITE:
        link_up(&tb, IF_UP, "fe80::2");
        link_up(&tb, IF_DOWN, "fe80::1");
        strcpy(ifs[(*n_ifs)++], IF_UP);
        strcpy(ifs[(*n_ifs)++], IF_DOWN);
        infra_site(s, AF_INET, e->index, &a4);
        infra_site(s, AF_INET6, e->index, &a6);
        if (s->router_addresses)
            own_addresses(&tb, &a4, &a6, "lo");
        route_lab_ranges(&tb, "fe80::1", IF_UP);
        for (size_t b = 0; b < p->n_blocks; b++)
            if (p->blocks[b].profile == (int)e->index)
                route_block(&tb, &p->blocks[b].block, "fe80::2", IF_DOWN);
        for (int fam = 0; fam < 2 && s->profiles[e->index].announce; fam++) {
            lab_announce_addr(s, fam ? AF_INET6 : AF_INET, e->index, &a4);
            route_host(&tb, &a4, "fe80::2", IF_DOWN);
        }
        upstream_routes(&tb, s, 0);
        break;
    case NS_HOST:
        link_up(&tb, IF_HOST, "fe80::2");
        strcpy(ifs[(*n_ifs)++], IF_HOST);
        route_lab_ranges(&tb, "fe80::1", IF_HOST);
        /* AnyIP: the host answers for every address routed to it */
        for (size_t b = 0; b < p->n_blocks; b++)
            if (p->blocks[b].profile == (int)e->index) {
                char t[64];
                tb_printf(&tb, "route add local %s dev lo\n", cidr_text(&p->blocks[b].block, t, sizeof t));
            }
        if (s->profiles[e->index].announce)
            lab_announce_host_batch(s, e->index, &tb);
        break;
    }
    int rc = run_batch(p, e->name, &tb);
    tb_free(&tb);
    return rc == 0 && vantage_policy(p, e);
}

static bool firewall_ns(struct plan *p, const struct ns_entry *e)
{
    const struct lab_spec *s = p->spec;
    struct textbuf r4 = {0}, r6 = {0};
    struct ip_addr own4, own6;
    char t4[IP_ADDR_STRLEN], t6[IP_ADDR_STRLEN];
    switch (e->role) {
    case NS_VANTAGE:
        /* the scanner owns its SYN-ACKs; the kernel, which has no socket, must not RST them
         * unless the spec says so: with 100k+ targets, hosts holding every half-open MPTCP
         * request run out of token-hash room and fall back to plain TCP */
        if (s->vantage_sends_rst)
            break;
        tb_printf(&r4, "*filter\n-A OUTPUT -p tcp --tcp-flags RST RST -j DROP\nCOMMIT\n");
        tb_printf(&r6, "*filter\n-A OUTPUT -p tcp --tcp-flags RST RST -j DROP\nCOMMIT\n");
        break;
    case NS_ROUTER: {
        const struct router *rt = &s->routers[e->index - 1];
        if (rt->kind == ROUTER_QUOTE8) {
            /* the daemon answers expiring packets with 8-byte quotes; the kernel must not */
            infra_router(s, AF_INET, e->index, &own4);
            infra_router(s, AF_INET6, e->index, &own6);
            tb_printf(&r4, "*raw\n-A PREROUTING -d %s -j ACCEPT\n"
                           "-A PREROUTING -i %s -m ttl --ttl-lt 2 -j DROP\nCOMMIT\n",
                      addr_text(&own4, t4), IF_UP);
            tb_printf(&r6, "*raw\n-A PREROUTING -d %s -j ACCEPT\n"
                           "-A PREROUTING -i %s -d 2001:db8::/32 -m hl --hl-lt 2 -j DROP\nCOMMIT\n",
                      addr_text(&own6, t6), IF_UP);
        }
        bool last = e->index == s->n_routers;
        bool any = rt->strip, prohibit = false, drops = false;
        for (unsigned i = 0; last && i < s->n_profiles; i++) {
            drops |= (s->profiles[i].mbox & MBOX_DROP_MPTCP) != 0;
            any |= (s->profiles[i].mbox & (MBOX_STRIP | MBOX_STRIP_SYNACK)) != 0;
            prohibit |= (s->profiles[i].mbox & MBOX_PROHIBIT) != 0;
        }
        if (any) {
            tb_printf(&r4, "*mangle\n");
            tb_printf(&r6, "*mangle\n");
        }
        if (rt->strip) {
            /* every SYN forwarded here loses the option; this router's own ICMP
             * quotes what arrived, so the next hop's quote is the first to show it */
            tb_printf(&r4, "-A FORWARD -p tcp --tcp-flags SYN,ACK SYN -j TCPOPTSTRIP --strip-options 30\n");
            tb_printf(&r6, "-A FORWARD -p tcp --tcp-flags SYN,ACK SYN -j TCPOPTSTRIP --strip-options 30\n");
        }
        for (unsigned i = 0; last && i < s->n_profiles; i++) {
            unsigned m = s->profiles[i].mbox;
            if (m & MBOX_STRIP) {
                tb_printf(&r4, "-A POSTROUTING -o dn%u -p tcp --tcp-flags SYN,ACK SYN -j TCPOPTSTRIP --strip-options 30\n", i);
                tb_printf(&r6, "-A POSTROUTING -o dn%u -p tcp --tcp-flags SYN,ACK SYN -j TCPOPTSTRIP --strip-options 30\n", i);
            }
            if (m & MBOX_STRIP_SYNACK) {
                tb_printf(&r4, "-A FORWARD -i dn%u -p tcp --tcp-flags SYN,ACK SYN,ACK -j TCPOPTSTRIP --strip-options 30\n", i);
                tb_printf(&r6, "-A FORWARD -i dn%u -p tcp --tcp-flags SYN,ACK SYN,ACK -j TCPOPTSTRIP --strip-options 30\n", i);
            }
        }
        if (any) {
            tb_printf(&r4, "COMMIT\n");
            tb_printf(&r6, "COMMIT\n");
        }
        if (prohibit || drops) {
            tb_printf(&r4, "*filter\n");
            tb_printf(&r6, "*filter\n");
            for (unsigned i = 0; i < s->n_profiles; i++) {
                /* a firewall: SYNs toward the profile are refused with ICMP type 3 code 13 / ICMPv6 type 1 code 1 */
                if (s->profiles[i].mbox & MBOX_PROHIBIT) {
                    tb_printf(&r4, "-A FORWARD -o dn%u -p tcp --tcp-flags SYN,ACK SYN -j REJECT --reject-with icmp-admin-prohibited\n", i);
                    tb_printf(&r6, "-A FORWARD -o dn%u -p tcp --tcp-flags SYN,ACK SYN -j REJECT --reject-with icmp6-adm-prohibited\n", i);
                }
                /* an MPTCP-hostile firewall: SYNs carrying MP_CAPABLE vanish, plain SYNs pass */
                if (s->profiles[i].mbox & MBOX_DROP_MPTCP) {
                    tb_printf(&r4, "-A FORWARD -o dn%u -p tcp --tcp-flags SYN,ACK SYN --tcp-option 30 -j DROP\n", i);
                    tb_printf(&r6, "-A FORWARD -o dn%u -p tcp --tcp-flags SYN,ACK SYN --tcp-option 30 -j DROP\n", i);
                }
            }
            tb_printf(&r4, "COMMIT\n");
            tb_printf(&r6, "COMMIT\n");
        }
        break;
    }
    case NS_HOST: {
        const struct profile *pr = &s->profiles[e->index];
        bool any = pr->other == BEH_SILENT;
        for (unsigned i = 0; i < pr->n_ports; i++)
            any |= pr->ports[i].beh == BEH_SILENT || behaviour_emulated(pr->ports[i].beh);
        if (!any)
            break;
        /* silent and emulated ports: the kernel drops the SYN (the daemon saw it already) */
        struct textbuf *tbs[2] = {&r4, &r6};
        for (int f = 0; f < 2; f++) {
            tb_printf(tbs[f], "*raw\n");
            for (unsigned i = 0; i < pr->n_ports; i++) {
                enum behaviour b = pr->ports[i].beh;
                const char *verdict = b == BEH_SILENT || behaviour_emulated(b) ? "DROP" : "ACCEPT";
                tb_printf(tbs[f], "-A PREROUTING -p tcp --dport %u -j %s\n", pr->ports[i].port, verdict);
            }
            if (pr->other == BEH_SILENT)
                tb_printf(tbs[f], "-A PREROUTING -p tcp -j DROP\n");
            tb_printf(tbs[f], "COMMIT\n");
        }
        break;
    }
    case NS_BRIDGE:
    case NS_SITE:
        break;
    }
    bool ok = !r4.oom && !r6.oom;
    if (ok && r4.len)
        ok = run_restore(p, e->name, "iptables-restore", r4.data) == 0;
    if (ok && r6.len)
        ok = run_restore(p, e->name, "ip6tables-restore", r6.data) == 0;
    tb_free(&r4);
    tb_free(&r6);
    return ok;
}

static bool offloads_off(struct plan *p, const struct ns_entry *e, char ifs[][8], size_t n_ifs)
{
    /* Emulators and the scanner must see packets as they are on the wire: no
     * checksum offload, no segmentation offload. GRO stays on outside the
     * bridges because it switches veth to NAPI mode, whose ring pushes back on
     * the sender's qdisc instead of dropping in the shared per-CPU backlog
     * when a scan bursts; SYNs and SYN-ACKs are never coalesced by GRO. */
    const char *gro = e->role == NS_BRIDGE ? "off" : "on";
    for (size_t i = 0; i < n_ifs; i++) {
        char errbuf[256];
        char *argv[] = {"ethtool", "-K", ifs[i], "tx", "off", "rx", "off", "gso", "off", "tso", "off",
                        "gro", (char *)gro, NULL};
        int rc = sys_run(argv, NULL, errbuf, sizeof errbuf);
        if (rc != 0)
            return failf(p, "%s: ethtool -K %s failed (%d): %s", e->name, ifs[i], rc, errbuf);
        if (e->role == NS_BRIDGE)
            continue;
        char *tc[] = {"tc", "qdisc", "replace", "dev", ifs[i], "root", "pfifo", "limit", "20000", NULL};
        rc = sys_run(tc, NULL, errbuf, sizeof errbuf);
        if (rc != 0)
            return failf(p, "%s: tc qdisc on %s failed (%d): %s", e->name, ifs[i], rc, errbuf);
    }
    return true;
}

/* ------------------------------------------------------------- the daemon */

static size_t plan_duties(struct plan *p, struct duty *d)
{
    const struct lab_spec *s = p->spec;
    size_t n = 0;
    for (size_t i = 0; i < p->n_ns; i++) {
        const struct ns_entry *e = &p->ns[i];
        if (e->role == NS_ROUTER && s->routers[e->index - 1].kind == ROUTER_QUOTE8) {
            d[n] = (struct duty){.kind = DUTY_QUOTE8};
            infra_router(s, AF_INET, e->index, &d[n].router4);
            infra_router(s, AF_INET6, e->index, &d[n].router6);
            strcpy(d[n++].ns, e->name);
        } else if (e->role == NS_BRIDGE) {
            d[n] = (struct duty){.kind = DUTY_BRIDGE, .mbox = s->profiles[e->index].mbox,
                                 .delay_us = s->profiles[e->index].delay_us};
            strcpy(d[n++].ns, e->name);
        } else if (e->role == NS_HOST) {
            const struct profile *pr = &s->profiles[e->index];
            if (profile_has_kernel(pr)) {
                d[n] = (struct duty){.kind = DUTY_LISTEN, .profile = pr};
                strcpy(d[n++].ns, e->name);
            }
            if (profile_has_emulated(pr)) {
                d[n] = (struct duty){.kind = DUTY_RESPOND, .profile = pr};
                strcpy(d[n++].ns, e->name);
            }
        }
    }
    return n;
}

static pid_t start_daemon(struct plan *p, const struct duty *duties, size_t n)
{
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) != 0)
        return failf(p, "pipe: %s", strerror(errno)), -1;
    char logpath[256];
    snprintf(logpath, sizeof logpath, LAB_STATE_DIR "/lab-%s.log", p->name);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(ready[0]);
        close(ready[1]);
        return failf(p, "fork: %s", strerror(errno)), -1;
    }
    if (pid == 0) {
        lab_signals_default(); /* `lab down` stops the daemon with SIGTERM */
        /* until it is ready, the daemon dies with `lab up` (even by SIGKILL) */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() == 1)
            _exit(1);
        close(ready[0]);
        setsid();
        prctl(PR_SET_NAME, "mpc-lab-daemon");
        int devnull = open("/dev/null", O_RDWR);
        int log = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        dup2(devnull, 0);
        dup2(devnull, 1);
        dup2(log >= 0 ? log : devnull, 2);
        signal(SIGPIPE, SIG_IGN);
        _exit(lab_daemon_run(duties, n, p->spec->seed, ns_name(p, NS_ROUTER, 1), ready[1]));
    }
    close(ready[1]);
    p->members.pids[0] = pid;
    p->members.n_pids = 1;
    char ignored[256];
    lab_state_building(p->name, &p->members, ignored, sizeof ignored);
    char msg[512] = "";
    size_t got = 0;
    struct pollfd pf = {ready[0], POLLIN, 0};
    while (got + 1 < sizeof msg && poll(&pf, 1, 20000) > 0) {
        ssize_t r = read(ready[0], msg + got, sizeof msg - 1 - got);
        if (r <= 0)
            break;
        got += (size_t)r;
        msg[got] = 0;
        if (strchr(msg, '\n'))
            break;
    }
    close(ready[0]);
    if (strncmp(msg, "ok\n", 3) != 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        p->members.n_pids = 0;
        char *nl = strchr(msg, '\n');
        if (nl)
            *nl = 0;
        return failf(p, "lab daemon failed: %s", msg[0] ? msg : "no answer"), -1;
    }
    return pid;
}

/* ------------------------------------------------------------ state files */

/* Whole or not at all: the text goes to PATH.part, is synced, then renamed
 * over PATH, so a `lab up` killed while writing never leaves a truncated
 * state file (the member list `lab down` reads). */
static bool write_file(struct plan *p, const char *path, const char *text)
{
    char part[300];
    snprintf(part, sizeof part, "%s.part", path);
    FILE *f = fopen(part, "w");
    if (!f)
        return failf(p, "%s: %s", part, strerror(errno));
    fputs(text, f);
    bool ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(part, path) != 0) {
        int e = errno;
        unlink(part);
        return failf(p, "%s: %s", path, strerror(e));
    }
    return true;
}

struct hitlist_ctx {
    struct textbuf *tb;
};

static bool hitlist_cb(void *user, const struct ip_addr *a, int profile)
{
    (void)profile;
    struct hitlist_ctx *c = user;
    char t[IP_ADDR_STRLEN];
    if (a->family == AF_INET6)
        tb_printf(c->tb, "%s\n", addr_text(a, t));
    return !c->tb->oom;
}

static bool write_state(struct plan *p, pid_t daemon, char **state)
{
    const struct lab_spec *s = p->spec;
    char path[256], blockpath[256], hitpath[256], t[IP_ADDR_STRLEN], c[64];
    struct ip_addr a;
    snprintf(blockpath, sizeof blockpath, LAB_STATE_DIR "/lab-%s.blocklist", p->name);
    snprintf(hitpath, sizeof hitpath, LAB_STATE_DIR "/lab-%s.hitlist6", p->name);

    /* the lab's own addresses: the only lab addresses a scan must not probe */
    struct textbuf bl = {0};
    tb_printf(&bl, "# lab %s: infrastructure addresses (not part of the population)\n", p->name);
    for (int fam = 0; fam < 2; fam++) {
        int family = fam ? AF_INET6 : AF_INET;
        const char *plen = fam ? "128" : "32";
        for (unsigned v = 0; v < s->vantage_addresses && vantage_profile(p, family) == -2; v++) {
            infra_vantage_nth(s, family, v, &a);
            tb_printf(&bl, "%s/%s # vantage\n", addr_text(&a, t), plen);
        }
        for (unsigned k = 1; k <= s->n_routers && s->router_addresses; k++) {
            infra_router(s, family, k, &a);
            tb_printf(&bl, "%s/%s # router %u\n", addr_text(&a, t), plen, k);
        }
        if (s->site_routers && s->router_addresses)
            for (unsigned i = 0; i < s->n_profiles; i++) {
                infra_site(s, family, i, &a);
                tb_printf(&bl, "%s/%s # site router of profile %s\n", addr_text(&a, t), plen, s->profiles[i].name);
            }
    }
    struct textbuf hl = {0};
    struct hitlist_ctx hc = {&hl};
    population_walk(s, p->month, hitlist_cb, &hc);
    bool ok = !bl.oom && !hl.oom && write_file(p, blockpath, bl.data) &&
              write_file(p, hitpath, hl.data ? hl.data : "");
    tb_free(&bl);
    tb_free(&hl);
    if (!ok)
        return false;

    struct textbuf st = {0};
    tb_printf(&st, "LAB_NAME=%s\nLAB_STATUS=up\n", p->name);
    tb_printf(&st, "VANTAGE_NS=%s\n", ns_name(p, NS_VANTAGE, 0));
    tb_printf(&st, "VANTAGE_IF=%s\n", IF_VANTAGE);
    infra_vantage(s, AF_INET, &a);
    tb_printf(&st, "VANTAGE_V4=%s\n", addr_text(&a, t));
    infra_vantage(s, AF_INET6, &a);
    tb_printf(&st, "VANTAGE_V6=%s\n", addr_text(&a, t));
    /* every address of the vantage, as a scanner's -S takes them */
    for (int fam = 0; fam < 2; fam++) {
        int family = fam ? AF_INET6 : AF_INET;
        char last[IP_ADDR_STRLEN];
        infra_vantage(s, family, &a);
        addr_text(&a, t);
        infra_vantage_nth(s, family, s->vantage_addresses - 1, &a);
        addr_text(&a, last);
        tb_printf(&st, "VANTAGE_SOURCES_V%c=%s%s%s\n", fam ? '6' : '4', t, s->vantage_addresses > 1 ? "-" : "",
                  s->vantage_addresses > 1 ? last : "");
    }
    char mac[18];
    link_mac(1, 0, mac);
    tb_printf(&st, "VANTAGE_MAC=%s\n", mac);
    link_mac(1, 1, mac);
    tb_printf(&st, "GATEWAY_MAC=%s\n", mac);
    infra_router(s, AF_INET, 1, &a);
    tb_printf(&st, "GATEWAY_V4=%s\n", s->router_addresses ? addr_text(&a, t) : "");
    infra_router(s, AF_INET6, 1, &a);
    tb_printf(&st, "GATEWAY_V6=%s\n", s->router_addresses ? addr_text(&a, t) : "");
    tb_printf(&st, "BLOCKLIST=%s\n", blockpath);
    tb_printf(&st, "HITLIST6=%s\n", hitpath);
    tb_printf(&st, "PREFIXES_V4=\"");
    for (int fam = 0; fam < 2; fam++) {
        if (fam)
            tb_printf(&st, "\"\nPREFIXES_V6=\"");
        const char *sep = "";
        for (unsigned i = 0; i < s->n_prefixes + s->n_orgs; i++) {
            if (i >= s->n_prefixes && !org_first_of_prefix(s, i - s->n_prefixes))
                continue;   /* later stages of an org list its prefix once */
            const struct cidr *pc = i < s->n_prefixes ? &s->prefixes[i] : &s->orgs[i - s->n_prefixes].prefix;
            if ((pc->base.family == AF_INET6) == (fam == 1)) {
                tb_printf(&st, "%s%s", sep, cidr_text(pc, c, sizeof c));
                sep = " ";
            }
        }
    }
    tb_printf(&st, "\"\n");
    tb_printf(&st, "ROUTERS_V4=\"");
    for (unsigned k = 1; k <= s->n_routers && s->router_addresses; k++) {
        infra_router(s, AF_INET, k, &a);
        tb_printf(&st, "%s%s", k > 1 ? " " : "", addr_text(&a, t));
    }
    tb_printf(&st, "\"\nROUTERS_V6=\"");
    for (unsigned k = 1; k <= s->n_routers && s->router_addresses; k++) {
        infra_router(s, AF_INET6, k, &a);
        tb_printf(&st, "%s%s", k > 1 ? " " : "", addr_text(&a, t));
    }
    tb_printf(&st, "\"\nANNOUNCED=\"");
    const char *asep = "";
    for (unsigned i = 0; i < s->n_profiles; i++)
        for (int fam = 0; fam < 2 && s->profiles[i].announce; fam++) {
            lab_announce_addr(s, fam ? AF_INET6 : AF_INET, i, &a);
            tb_printf(&st, "%s%s", asep, addr_text(&a, t));
            asep = " ";
        }
    if (lab_nginx_wanted(s)) {
        char ndir[256];
        lab_nginx_dir(p->name, ndir, sizeof ndir);
        tb_printf(&st, "\"\nNGINX_DIR=%s\nNGINX_CERT=%s/cert.pem\nNGINX_HOSTNAME=%s", ndir, ndir, LAB_NGINX_HOSTNAME);
    } else {
        tb_printf(&st, "\"\nNGINX_DIR=\nNGINX_CERT=\nNGINX_HOSTNAME=");
    }
    tb_printf(&st, "\nSITE_ROUTERS=%s\n", s->site_routers ? "yes" : "no");
    tb_printf(&st, "MONTH=%d\n", p->month);
    tb_printf(&st, "PIDS=\"");
    if (daemon > 0)
        tb_printf(&st, "%d", (int)daemon);
    tb_printf(&st, "\"\nNAMESPACES=\"");
    for (size_t i = 0; i < p->n_ns; i++)
        tb_printf(&st, "%s%s", i ? " " : "", p->ns[i].name);
    tb_printf(&st, "\"\n");
    snprintf(path, sizeof path, LAB_STATE_DIR "/lab-%s.env", p->name);
    ok = !st.oom && write_file(p, path, st.data);
    if (ok)
        *state = st.data;
    else
        tb_free(&st);
    return ok;
}

/* ------------------------------------------------------------- web servers */

static bool start_nginx(struct plan *p)
{
    if (lab_nginx_prepare(p->name, p->err, p->errlen) != 0)
        return false;
    for (size_t i = 0; i < p->n_ns; i++) {
        const struct ns_entry *e = &p->ns[i];
        if (e->role != NS_HOST || !profile_has_nginx(&p->spec->profiles[e->index]))
            continue;
        if (sys_enter_netns(e->name) != 0)
            return failf(p, "setns %s: %s", e->name, strerror(errno));
        int rc = lab_nginx_start(p->name, &p->spec->profiles[e->index], e->index, p->err, p->errlen);
        sys_leave_netns();
        if (rc != 0)
            return false;
    }
    return true;
}

/* ------------------------------------------------------------------- up */

/* A signal came: stop building (lab_up then removes what exists). */
static bool interrupted(struct plan *p)
{
    int sig = lab_up_signal();
    if (sig)
        failf(p, "interrupted by %s: everything built was removed", strsignal(sig));
    return sig != 0;
}

static bool build(struct plan *p, char **state)
{
    if (interrupted(p))
        return false;
    struct textbuf tb = {0};
    for (size_t i = 0; i < p->n_ns; i++)
        tb_printf(&tb, "netns add %s\n", p->ns[i].name);
    int rc = run_batch(p, "namespaces", &tb);
    tb_free(&tb);
    if (rc != 0 || interrupted(p))
        return false;
    for (size_t i = 0; i < p->n_ns; i++) {
        if (sys_enter_netns(p->ns[i].name) != 0)
            return failf(p, "setns %s: %s", p->ns[i].name, strerror(errno));
        bool ok = ns_sysctls(p, &p->ns[i]);
        sys_leave_netns();
        if (!ok || interrupted(p))
            return false;
    }
    if (!create_links(p) || interrupted(p))
        return false;
    for (size_t i = 0; i < p->n_ns; i++) {
        char ifs[SPEC_MAX_PROFILES + 2][8];
        size_t n_ifs;
        if (sys_enter_netns(p->ns[i].name) != 0)
            return failf(p, "setns %s: %s", p->ns[i].name, strerror(errno));
        bool ok = configure_ns(p, &p->ns[i], ifs, &n_ifs) && firewall_ns(p, &p->ns[i]) &&
                  offloads_off(p, &p->ns[i], ifs, n_ifs);
        sys_leave_netns();
        if (!ok || interrupted(p))
            return false;
    }
    struct duty duties[LAB_MAX_NS * 2];
    size_t n_duties = plan_duties(p, duties);
    pid_t daemon = 0;
    if (n_duties > 0 && (daemon = start_daemon(p, duties, n_duties)) < 0) {
        interrupted(p); /* a signal explains the failed start better */
        return false;
    }
    if (interrupted(p))
        return false;
    if (lab_nginx_wanted(p->spec) && !start_nginx(p)) {
        interrupted(p);
        return false;
    }
    if (interrupted(p) || !write_state(p, daemon, state))
        return false;
    if (interrupted(p)) { /* came while the state was written */
        free(*state);
        *state = NULL;
        return false;
    }
    return true;
}

int lab_up(const struct lab_spec *spec, const struct lab_up_opts *o, char **state, char *err, size_t errlen)
{
    struct plan *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    p->spec = spec;
    p->name = o->name;
    p->month = o->month;
    p->err = err;
    p->errlen = errlen;
    mkdir(LAB_STATE_DIR, 0755);
    bool ok = make_plan(p) && population_blocks(spec, o->month, &p->blocks, &p->n_blocks);
    if (!ok && !err[0])
        snprintf(err, errlen, "out of memory");
    for (size_t i = 0; ok && i < p->n_ns; i++)
        if (sys_netns_inode(p->ns[i].name) != 0) {
            /* someone else's lab: refuse without touching it */
            snprintf(err, errlen, "namespace %s exists already (lab down --name %s?)", p->ns[i].name, o->name);
            free(p->blocks);
            free(p);
            return -1;
        }
    if (!ok) {
        free(p->blocks);
        free(p);
        return -1;
    }
    /* From here on a signal only raises a flag; what exists is listed in the
     * state file before it is made, so a failure, a signal or even SIGKILL
     * leaves a lab that is removed exactly (lab_teardown / lab down). */
    for (size_t i = 0; i < p->n_ns && i < LAB_TEARDOWN_MAX_NS; i++)
        snprintf(p->members.ns[p->members.n_ns++], LAB_NS_NAME_LEN, "%s", p->ns[i].name);
    lab_signals_catch();
    if (lab_state_claim(o->name, &p->members, err, errlen) != 0) {
        lab_signals_restore();
        free(p->blocks);
        free(p);
        return -1;
    }
    ok = build(p, state);
    if (!ok) {
        char ignored[256];
        lab_teardown(o->name, &p->members, ignored, sizeof ignored);
    }
    lab_signals_restore();
    free(p->blocks);
    free(p);
    return ok ? 0 : -1;
}
