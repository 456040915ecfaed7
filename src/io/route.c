/* route.c — rtnetlink requests (RTM_GETROUTE, RTM_GETNEIGH, RTM_GETADDR) and neighbour resolution for the scanner's defaults. */
#include "io/route.h"

#include <errno.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define NL_BUF 32768

static int nl_open(char *err, size_t errlen)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) {
        snprintf(err, errlen, "netlink socket: %s", strerror(errno));
        return -1;
    }
    struct timeval tv = {.tv_sec = 2};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

static void add_attr(struct nlmsghdr *n, size_t cap, int type, const void *data, size_t len)
{
    size_t at = NLMSG_ALIGN(n->nlmsg_len);
    if (at + RTA_SPACE(len) > cap)
        return;
    struct rtattr *rta = (struct rtattr *)((char *)n + at);
    rta->rta_type = (unsigned short)type;
    rta->rta_len = (unsigned short)RTA_LENGTH(len);
    memcpy(RTA_DATA(rta), data, len);
    n->nlmsg_len = (uint32_t)(at + RTA_SPACE(len));
}

/* Sends req and calls fn for every reply message until NLMSG_DONE (dump) or
 * the first non-multipart answer. fn returns 1 to stop early. */
static int nl_talk(int fd, struct nlmsghdr *req, int (*fn)(struct nlmsghdr *, void *), void *user, char *err,
                   size_t errlen)
{
    static _Thread_local char buf[NL_BUF];
    req->nlmsg_seq = (uint32_t)time(NULL);
    if (send(fd, req, req->nlmsg_len, 0) < 0) {
        snprintf(err, errlen, "netlink send: %s", strerror(errno));
        return -1;
    }
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            snprintf(err, errlen, "netlink receive: %s", strerror(errno));
            return -1;
        }
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_type == NLMSG_DONE)
                return 0;
            if (h->nlmsg_type == NLMSG_ERROR) {
                struct nlmsgerr *e = NLMSG_DATA(h);
                if (e->error == 0)
                    return 0;
                snprintf(err, errlen, "%s", strerror(-e->error));
                return -1;
            }
            if (fn(h, user) == 1)
                return 0;
            if (!(h->nlmsg_flags & NLM_F_MULTI))
                return 0;
        }
    }
}

/* A request of type with a zeroed payload of payload_len bytes in buf (cap
 * bytes); returns the payload. */
static void *nl_request(char *buf, size_t cap, int type, int flags, size_t payload_len)
{
    memset(buf, 0, cap);
    struct nlmsghdr *n = (struct nlmsghdr *)buf;
    n->nlmsg_len = (uint32_t)NLMSG_LENGTH(payload_len);
    n->nlmsg_type = (uint16_t)type;
    n->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
    return NLMSG_DATA(n);
}

/* One request on its own socket: nl_talk between open and close. */
static int nl_exchange(struct nlmsghdr *req, int (*fn)(struct nlmsghdr *, void *), void *user, char *err,
                       size_t errlen)
{
    int fd = nl_open(err, errlen);
    if (fd < 0)
        return -1;
    int rc = nl_talk(fd, req, fn, user, err, errlen);
    close(fd);
    return rc;
}

static void addr_from(struct ip_addr *a, int family, const void *data)
{
    memset(a, 0, sizeof *a);
    a->family = (uint8_t)family;
    memcpy(a->bytes, data, family == AF_INET ? 4 : 16);
}

static int on_route(struct nlmsghdr *h, void *user)
{
    struct route_info *ri = user;
    if (h->nlmsg_type != RTM_NEWROUTE)
        return 0;
    struct rtmsg *rt = NLMSG_DATA(h);
    int len = (int)RTM_PAYLOAD(h);
    for (struct rtattr *a = RTM_RTA(rt); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        switch (a->rta_type) {
        case RTA_OIF: ri->ifindex = *(int *)RTA_DATA(a); break;
        case RTA_PREFSRC: addr_from(&ri->src, rt->rtm_family, RTA_DATA(a)); break;
        case RTA_GATEWAY:
            addr_from(&ri->next_hop, rt->rtm_family, RTA_DATA(a));
            ri->has_gateway = true;
            break;
        case RTA_VIA: {
            /* a next hop of the other family (RFC 5549: IPv4 via an IPv6 link-local, as the lab routes) */
            const struct rtvia *via = RTA_DATA(a);
            size_t alen = RTA_PAYLOAD(a) - sizeof via->rtvia_family;
            if (RTA_PAYLOAD(a) >= sizeof via->rtvia_family &&
                ((via->rtvia_family == AF_INET && alen == 4) || (via->rtvia_family == AF_INET6 && alen == 16))) {
                addr_from(&ri->next_hop, via->rtvia_family, via->rtvia_addr);
                ri->has_gateway = true;
            }
            break;
        }
        default: break;
        }
    }
    return 1;
}

int route_lookup(const struct ip_addr *dst, struct route_info *out, char *err, size_t errlen)
{
    char reqbuf[256];
    struct rtmsg *rt = nl_request(reqbuf, sizeof reqbuf, RTM_GETROUTE, 0, sizeof *rt);
    struct nlmsghdr *n = (struct nlmsghdr *)reqbuf;
    rt->rtm_family = dst->family;
    rt->rtm_dst_len = dst->family == AF_INET ? 32 : 128;
    add_attr(n, sizeof reqbuf, RTA_DST, dst->bytes, ip_addr_len(dst));
    memset(out, 0, sizeof *out);
    char why[256];
    int rc = nl_exchange(n, on_route, out, why, sizeof why);
    char text[IP_ADDR_STRLEN];
    if (rc < 0 || out->ifindex == 0) {
        snprintf(err, errlen, "no route to %s%s%s", ip_addr_format(dst, text, sizeof text), rc < 0 ? ": " : "",
                 rc < 0 ? why : "");
        return -1;
    }
    if (!out->has_gateway)
        out->next_hop = *dst;
    if (!if_indextoname((unsigned)out->ifindex, out->ifname)) {
        snprintf(err, errlen, "route to %s: interface %d has no name", ip_addr_format(dst, text, sizeof text),
                 out->ifindex);
        return -1;
    }
    return 0;
}

struct neigh_query {
    int ifindex;
    const struct ip_addr *addr;
    bool found;
    uint8_t mac[6];
};

static int on_neigh(struct nlmsghdr *h, void *user)
{
    struct neigh_query *q = user;
    if (h->nlmsg_type != RTM_NEWNEIGH)
        return 0;
    struct ndmsg *nd = NLMSG_DATA(h);
    if (nd->ndm_ifindex != q->ifindex || nd->ndm_family != q->addr->family)
        return 0;
    /* incomplete / failed entries have no usable address yet */
    if (!(nd->ndm_state & (NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT | NUD_NOARP)))
        return 0;
    int len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof *nd));
    bool match = false, have_mac = false;
    uint8_t mac[6];
    for (struct rtattr *a = (struct rtattr *)((char *)nd + NLMSG_ALIGN(sizeof *nd)); RTA_OK(a, len);
         a = RTA_NEXT(a, len)) {
        if (a->rta_type == NDA_DST && RTA_PAYLOAD(a) == ip_addr_len(q->addr))
            match = !memcmp(RTA_DATA(a), q->addr->bytes, ip_addr_len(q->addr));
        else if (a->rta_type == NDA_LLADDR && RTA_PAYLOAD(a) == 6) {
            memcpy(mac, RTA_DATA(a), 6);
            have_mac = true;
        }
    }
    if (match && have_mac) {
        memcpy(q->mac, mac, 6);
        q->found = true;
    }
    return 0;   /* a dump ends with NLMSG_DONE: read it all */
}

static int neigh_dump(int ifindex, const struct ip_addr *addr, uint8_t mac[6], bool *found, char *err, size_t errlen)
{
    char reqbuf[128];
    struct ndmsg *nd = nl_request(reqbuf, sizeof reqbuf, RTM_GETNEIGH, NLM_F_DUMP, sizeof *nd);
    nd->ndm_family = addr->family;
    nd->ndm_ifindex = ifindex;
    struct neigh_query q = {.ifindex = ifindex, .addr = addr};
    int rc = nl_exchange((struct nlmsghdr *)reqbuf, on_neigh, &q, err, errlen);
    if (rc == 0 && q.found)
        memcpy(mac, q.mac, 6);
    *found = q.found;
    return rc;
}

/* A datagram to the discard port makes the kernel resolve the next hop. */
static void provoke_resolution(int ifindex, const struct ip_addr *addr)
{
    int fd = socket(addr->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    char ifname[IF_NAMESIZE];
    if (if_indextoname((unsigned)ifindex, ifname))
        setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname));
    struct sockaddr_storage ss;
    socklen_t sl = ip_addr_sockaddr(addr, 9, &ss);
    if (addr->family == AF_INET6)
        ((struct sockaddr_in6 *)&ss)->sin6_scope_id = (uint32_t)ifindex;   /* link-local next hops */
    char byte = 0;
    sendto(fd, &byte, 1, MSG_DONTWAIT, (struct sockaddr *)&ss, sl);
    close(fd);
}

int route_neighbour_mac(int ifindex, const struct ip_addr *addr, unsigned timeout_ms, uint8_t mac[6], char *err,
                        size_t errlen)
{
    bool found = false;
    if (neigh_dump(ifindex, addr, mac, &found, err, errlen) < 0)
        return -1;
    if (found)
        return 0;
    provoke_resolution(ifindex, addr);
    for (unsigned waited = 0; waited < timeout_ms; waited += 20) {
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, NULL);
        if (neigh_dump(ifindex, addr, mac, &found, err, errlen) < 0)
            return -1;
        if (found)
            return 0;
    }
    char text[IP_ADDR_STRLEN], ifname[IF_NAMESIZE] = "?";
    if_indextoname((unsigned)ifindex, ifname);
    snprintf(err, errlen, "no %s answer from %s on %s within %u ms (give -G MAC)",
             addr->family == AF_INET ? "ARP" : "neighbour discovery", ip_addr_format(addr, text, sizeof text),
             ifname, timeout_ms);
    return -1;
}

struct addr_query {
    int ifindex, family;
    bool found;
    struct ip_addr addr;
};

static int on_addr(struct nlmsghdr *h, void *user)
{
    struct addr_query *q = user;
    if (h->nlmsg_type != RTM_NEWADDR || q->found)
        return 0;
    struct ifaddrmsg *ifa = NLMSG_DATA(h);
    if ((int)ifa->ifa_index != q->ifindex || ifa->ifa_family != q->family)
        return 0;
    if (ifa->ifa_family == AF_INET6 && (ifa->ifa_scope != RT_SCOPE_UNIVERSE || (ifa->ifa_flags & IFA_F_TENTATIVE)))
        return 0;
    int len = (int)IFA_PAYLOAD(h);
    for (struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len))
        if (a->rta_type == IFA_ADDRESS || a->rta_type == IFA_LOCAL) {
            addr_from(&q->addr, ifa->ifa_family, RTA_DATA(a));
            q->found = true;
            if (a->rta_type == IFA_LOCAL)   /* point-to-point: LOCAL is ours */
                break;
        }
    return 0;
}

int route_if_address(int ifindex, int family, struct ip_addr *out, char *err, size_t errlen)
{
    char reqbuf[128];
    struct ifaddrmsg *ifa = nl_request(reqbuf, sizeof reqbuf, RTM_GETADDR, NLM_F_DUMP, sizeof *ifa);
    ifa->ifa_family = (uint8_t)family;
    struct addr_query q = {.ifindex = ifindex, .family = family};
    int rc = nl_exchange((struct nlmsghdr *)reqbuf, on_addr, &q, err, errlen);
    if (rc < 0)
        return -1;
    if (!q.found) {
        char ifname[IF_NAMESIZE] = "?";
        if_indextoname((unsigned)ifindex, ifname);
        snprintf(err, errlen, "%s has no %s address", ifname, family == AF_INET ? "IPv4" : "global IPv6");
        return -1;
    }
    *out = q.addr;
    return 0;
}
