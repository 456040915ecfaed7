/* scan_net.h — the interface, our addresses per family and the next hop's MAC of a real scan: from -i/-S/-G, else from the kernel's routing and neighbour tables (ZMap's defaults). */
#ifndef SCAN_SCAN_NET_H
#define SCAN_SCAN_NET_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/addr.h"
#include "scan/scan_config.h"
#include "scan/source_pool.h"

/* Where a setting came from (the status line and the metadata say it). */
enum net_origin { NET_OPTION, NET_ROUTE, NET_IF_ADDRESS, NET_NEIGHBOUR, NET_NONE };
const char *net_origin_name(enum net_origin o);   /* "option", "route", "interface-address", "neighbour-table" */

struct scan_net {
    char iface[IF_NAMESIZE];
    enum net_origin iface_from;
    struct source_pool src4, src6;     /* empty: no targets (and no -S) of that family */
    enum net_origin src4_from, src6_from;
    uint8_t src_mac[6], gw_mac[6];
    enum net_origin gw_from;
    bool have_gw_ip;
    struct ip_addr gw_ip;              /* the next hop whose MAC was looked up */
};

/* Fills net for a scan whose first targets are first4 / first6 (NULL: none of
 * that family). A dry run asks nothing of the kernel: missing sources become
 * 0.0.0.0 / ::, the MACs stay as given. Returns 0, or -1 with err (and *usage
 * true when a missing option would fix it: "IPv6 targets need an IPv6 source
 * address: eth0 has none (-S)"). */
int scan_net_resolve(const struct scan_config *cfg, const struct ip_addr *first4, const struct ip_addr *first6,
                     struct scan_net *net, bool *usage, char *err, size_t errlen);
void scan_net_free(struct scan_net *net);

#endif
