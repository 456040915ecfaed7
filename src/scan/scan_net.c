/* scan_net.c — ZMap-style defaults for -i, -S and -G from io/route (RTM_GETROUTE, RTM_GETADDR, RTM_GETNEIGH with resolution). */
#include "scan/scan_net.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "io/afpacket.h"
#include "io/route.h"

#define NEIGH_TIMEOUT_MS 2000

const char *net_origin_name(enum net_origin o)
{
    switch (o) {
    case NET_OPTION: return "option";
    case NET_ROUTE: return "route";
    case NET_IF_ADDRESS: return "interface-address";
    case NET_NEIGHBOUR: return "neighbour-table";
    case NET_NONE: break;
    }
    return "none";
}

static int failf(bool *usage, bool is_usage, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int failf(bool *usage, bool is_usage, char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    *usage = is_usage;
    return -1;
}

/* Our address of one family: -S, else the route's preferred source (on our
 * interface), else the interface's first address of that family. route: the
 * kernel's route to first, NULL when there is none (or it was not asked). */
static int resolve_source(const struct scan_config *cfg, int family, const struct ip_addr *first,
                          const struct route_info *route, int ifindex, struct source_pool *pool,
                          enum net_origin *from, bool *usage, char *err, size_t errlen)
{
    if (source_pool_init(pool, &cfg->sources, family) < 0)
        return failf(usage, false, err, errlen, "out of memory");
    const char *fam = family == AF_INET ? "IPv4" : "IPv6";
    if (pool->n) {
        *from = NET_OPTION;
        return 0;
    }
    *from = NET_NONE;
    if (!first)
        return 0;   /* no target of this family: no address needed */
    struct ip_addr a;
    if (cfg->dryrun) {
        /* writing probes only: an unspecified source is fine */
        ip_addr_parse(family == AF_INET ? "0.0.0.0" : "::", &a);
    } else {
        char why[256], t[IP_ADDR_STRLEN];
        if (route && route->ifindex == ifindex && route->src.family == family) {
            a = route->src;
            *from = NET_ROUTE;
        } else if (route_if_address(ifindex, family, &a, why, sizeof why) == 0) {
            *from = NET_IF_ADDRESS;
        } else {
            return failf(usage, true, err, errlen, "%s targets (the first is %s) need an %s source address: %s (-S ADDR)",
                         fam, ip_addr_format(first, t, sizeof t), fam, why);
        }
    }
    if (source_pool_single(pool, &a) < 0)
        return failf(usage, false, err, errlen, "out of memory");
    return 0;
}

int scan_net_resolve(const struct scan_config *cfg, const struct ip_addr *first4, const struct ip_addr *first6,
                     struct scan_net *net, bool *usage, char *err, size_t errlen)
{
    memset(net, 0, sizeof *net);
    *usage = false;
    char why[256], t[IP_ADDR_STRLEN];
    const struct ip_addr *first = first4 ? first4 : first6;   /* the first target of the scan's first family */
    /* each family's route asked once (a netlink round trip); NULL: no target of
     * that family, a dry run, or no route */
    struct route_info r4, r6;
    const struct route_info *rt4 = NULL, *rt6 = NULL;
    if (!cfg->dryrun && first4) {
        if (route_lookup(first4, &r4, why, sizeof why) == 0)
            rt4 = &r4;
        else if (!cfg->iface || !cfg->gw_mac_given)
            return failf(usage, true, err, errlen, "%s (give -i IFACE and -G MAC)", why);
    }
    if (!cfg->dryrun && first6) {
        if (route_lookup(first6, &r6, why, sizeof why) == 0)
            rt6 = &r6;
        else if (!first4 && (!cfg->iface || !cfg->gw_mac_given))
            return failf(usage, true, err, errlen, "%s (give -i IFACE and -G MAC)", why);
    }
    /* the route to first; a zeroed one when there is none (it is then read only
     * with no targets at all: with targets, a missing route needs -i and -G) */
    static const struct route_info no_route;
    const struct route_info *ri = first4 ? rt4 : rt6;
    if (!ri)
        ri = &no_route;
    /* -i: given, else the route's */
    int ifindex = 0;
    if (cfg->iface) {
        snprintf(net->iface, sizeof net->iface, "%s", cfg->iface);
        net->iface_from = NET_OPTION;
        if (!cfg->dryrun && afp_if_index(net->iface, &ifindex, why, sizeof why) < 0)
            return failf(usage, true, err, errlen, "-i %s: %s", net->iface, why);
    } else if (!cfg->dryrun) {
        snprintf(net->iface, sizeof net->iface, "%s", ri->ifname);
        net->iface_from = NET_ROUTE;
        ifindex = ri->ifindex;
        /* one interface sends everything: the other family must leave by it too */
        if (first4 && rt6 && rt6->ifindex != ri->ifindex)
            return failf(usage, true, err, errlen,
                         "the route to %s leaves by %s, the one to the first IPv6 target by %s: give -i",
                         ip_addr_format(first4, t, sizeof t), ri->ifname, rt6->ifname);
    } else {
        net->iface_from = NET_NONE;
    }
    if (resolve_source(cfg, AF_INET, first4, rt4, ifindex, &net->src4, &net->src4_from, usage, err, errlen) < 0 ||
        resolve_source(cfg, AF_INET6, first6, rt6, ifindex, &net->src6, &net->src6_from, usage, err, errlen) < 0)
        return -1;
    if (first4 && !net->src4.n)
        return failf(usage, true, err, errlen, "IPv4 targets need an IPv4 source address (-S)");
    if (first6 && !net->src6.n)
        return failf(usage, true, err, errlen, "IPv6 targets need an IPv6 source address (-S)");
    memcpy(net->gw_mac, cfg->probe_cfg.gw_mac, 6);
    net->gw_from = cfg->gw_mac_given ? NET_OPTION : NET_NONE;
    if (cfg->dryrun)
        return 0;
    if (afp_if_mac(net->iface, net->src_mac, why, sizeof why) < 0)
        return failf(usage, false, err, errlen, "%s", why);
    /* -G: given, else the MAC of the route's next hop, resolved if the kernel has none yet */
    if (!cfg->gw_mac_given) {
        if (ri->ifindex != ifindex)
            return failf(usage, true, err, errlen, "the route to %s leaves by %s, not -i %s: give -G MAC",
                         ip_addr_format(first, t, sizeof t), ri->ifname, net->iface);
        net->gw_ip = ri->next_hop;
        net->have_gw_ip = true;
        if (route_neighbour_mac(ifindex, &ri->next_hop, NEIGH_TIMEOUT_MS, net->gw_mac, why, sizeof why) < 0)
            return failf(usage, false, err, errlen, "next hop of %s: %s", ip_addr_format(first, t, sizeof t), why);
        net->gw_from = NET_NEIGHBOUR;
        /* both families leave through one gateway MAC: say so when the IPv6 route names another */
        if (first4 && rt6) {
            uint8_t mac6[6];
            if (rt6->ifindex == ifindex &&
                route_neighbour_mac(ifindex, &rt6->next_hop, NEIGH_TIMEOUT_MS, mac6, why, sizeof why) == 0 &&
                memcmp(mac6, net->gw_mac, 6))
                return failf(usage, true, err, errlen,
                             "IPv4 and IPv6 targets have next hops with different MACs (%s and %s): scan the "
                             "families separately or give -G",
                             ip_addr_format(&ri->next_hop, t, sizeof t), ip_addr_format(&rt6->next_hop, why, sizeof why));
        }
    }
    return 0;
}

void scan_net_free(struct scan_net *net)
{
    source_pool_free(&net->src4);
    source_pool_free(&net->src6);
}
