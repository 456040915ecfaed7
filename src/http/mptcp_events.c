/* mptcp_events.c — generic-netlink subscriber (libmnl) to "mptcp_pm_events"; per-token table of announced addresses and joins. */
#include "http/mptcp_events.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* enum mptcp_event_attr of include/uapi/linux/mptcp.h */
enum {
    EA_TOKEN = 1, EA_FAMILY, EA_LOC_ID, EA_REM_ID, EA_SADDR4, EA_SADDR6, EA_DADDR4, EA_DADDR6,
    EA_SPORT, EA_DPORT, EA_BACKUP, EA_ERROR, EA_FLAGS, EA_TIMEOUT, EA_IF_IDX, EA_RESET_REASON,
    EA_RESET_FLAGS, EA_SERVER_SIDE, EA_MAX = EA_SERVER_SIDE
};

#define FORGET_CLOSED_NS (60ull * 1000000000ull)   /* a closed connection's entry waits this long for its taker */
#define FORGET_ANY_NS (3600ull * 1000000000ull)

struct entry {
    uint32_t token;
    bool used;
    uint64_t first_ns, closed_ns;
    struct mptcp_conn_events ev;
};

struct mptcp_events {
    struct mnl_socket *nl;
    uint16_t family_id;
    struct entry *tab;
    size_t cap, used;
    uint64_t lost, seen, last_purge_ns;
    char *buf;
    size_t buflen;
};

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---------------------------------------------------------------- parsing */

static int attr_cb(const struct nlattr *a, void *data)
{
    struct mptcp_event *ev = data;
    unsigned type = mnl_attr_get_type(a);
    if (mnl_attr_type_valid(a, EA_MAX) < 0)
        return MNL_CB_OK;   /* an attribute newer than this file: skip it */
    switch (type) {
    case EA_TOKEN:
        if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
            return MNL_CB_ERROR;
        ev->has_token = true;
        ev->token = mnl_attr_get_u32(a);
        break;
    case EA_LOC_ID:
    case EA_REM_ID:
    case EA_SERVER_SIDE:
        if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
            return MNL_CB_ERROR;
        if (type == EA_LOC_ID)
            ev->loc_id = mnl_attr_get_u8(a);
        else if (type == EA_REM_ID)
            ev->rem_id = mnl_attr_get_u8(a);
        else
            ev->server_side = mnl_attr_get_u8(a) != 0;
        break;
    case EA_SADDR4:
    case EA_DADDR4:
    case EA_SADDR6:
    case EA_DADDR6: {
        bool v6 = type == EA_SADDR6 || type == EA_DADDR6;
        if (mnl_attr_validate2(a, MNL_TYPE_BINARY, v6 ? 16 : 4) < 0)
            return MNL_CB_ERROR;
        struct ip_addr *dst = type == EA_SADDR4 || type == EA_SADDR6 ? &ev->saddr : &ev->daddr;
        memset(dst, 0, sizeof *dst);
        dst->family = v6 ? AF_INET6 : AF_INET;
        memcpy(dst->bytes, mnl_attr_get_payload(a), v6 ? 16 : 4);
        if (dst == &ev->saddr)
            ev->has_saddr = true;
        else
            ev->has_daddr = true;
        break;
    }
    case EA_SPORT:
    case EA_DPORT: {
        if (mnl_attr_validate(a, MNL_TYPE_U16) < 0)
            return MNL_CB_ERROR;
        const uint8_t *p = mnl_attr_get_payload(a);   /* big-endian on the wire */
        uint16_t port = (uint16_t)(p[0] << 8 | p[1]);
        if (type == EA_SPORT)
            ev->sport = port;
        else
            ev->dport = port;
        break;
    }
    default:
        break;
    }
    return MNL_CB_OK;
}

bool mptcp_event_parse(const void *msg, size_t len, uint16_t family_id, struct mptcp_event *ev)
{
    memset(ev, 0, sizeof *ev);
    const struct nlmsghdr *nlh = msg;
    if (len < sizeof *nlh || !mnl_nlmsg_ok(nlh, (int)(len > 0x7fffffff ? 0x7fffffff : len)))
        return false;
    if (nlh->nlmsg_type != family_id || mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr))
        return false;
    const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
    ev->type = g->cmd;
    return mnl_attr_parse(nlh, sizeof *g, attr_cb, ev) >= MNL_CB_STOP;
}

/* ------------------------------------------------------------ the table */

static size_t slot_of(const struct mptcp_events *e, uint32_t token)
{
    uint32_t h = token * 2654435761u;
    return (size_t)h & (e->cap - 1);
}

static struct entry *lookup(struct mptcp_events *e, uint32_t token)
{
    for (size_t i = slot_of(e, token), n = 0; n < e->cap; i = (i + 1) & (e->cap - 1), n++) {
        if (!e->tab[i].used)
            return NULL;
        if (e->tab[i].token == token)
            return &e->tab[i];
    }
    return NULL;
}

static bool grow(struct mptcp_events *e)
{
    size_t ncap = e->cap ? e->cap * 2 : 1024;
    struct entry *old = e->tab, *nt = calloc(ncap, sizeof *nt);
    if (!nt)
        return false;
    size_t ocap = e->cap;
    e->tab = nt;
    e->cap = ncap;
    e->used = 0;
    for (size_t i = 0; i < ocap; i++)
        if (old[i].used) {
            size_t j = slot_of(e, old[i].token);
            while (e->tab[j].used)
                j = (j + 1) & (e->cap - 1);
            e->tab[j] = old[i];
            e->used++;
        }
    free(old);
    return true;
}

static struct entry *insert(struct mptcp_events *e, uint32_t token, uint64_t now)
{
    struct entry *x = e->cap ? lookup(e, token) : NULL;
    if (x)
        return x;
    if ((e->used + 1) * 2 > e->cap && !grow(e))
        return NULL;
    size_t i = slot_of(e, token);
    while (e->tab[i].used)
        i = (i + 1) & (e->cap - 1);
    e->tab[i] = (struct entry){.token = token, .used = true, .first_ns = now};
    e->used++;
    return &e->tab[i];
}

/* Linear-probing delete: shift later members of the run back. */
static void remove_entry(struct mptcp_events *e, struct entry *x)
{
    size_t i = (size_t)(x - e->tab);
    e->tab[i].used = false;
    e->used--;
    for (size_t j = (i + 1) & (e->cap - 1); e->tab[j].used; j = (j + 1) & (e->cap - 1)) {
        struct entry moved = e->tab[j];
        e->tab[j].used = false;
        e->used--;
        size_t k = slot_of(e, moved.token);
        while (e->tab[k].used)
            k = (k + 1) & (e->cap - 1);
        e->tab[k] = moved;
        e->used++;
    }
}

static void purge(struct mptcp_events *e, uint64_t now)
{
    if (now - e->last_purge_ns < 10ull * 1000000000ull)
        return;
    e->last_purge_ns = now;
    for (size_t i = 0; i < e->cap;) {
        struct entry *x = &e->tab[i];
        if (x->used && ((x->closed_ns && now - x->closed_ns > FORGET_CLOSED_NS) || now - x->first_ns > FORGET_ANY_NS)) {
            remove_entry(e, x);
            continue;   /* a member may have moved into slot i */
        }
        i++;
    }
}

static void record(struct mptcp_events *e, const struct mptcp_event *ev, uint64_t now)
{
    if (!ev->has_token)
        return;
    switch (ev->type) {
    case MPTCP_EV_ANNOUNCED: {
        struct entry *x = insert(e, ev->token, now);
        if (!x)
            return;
        for (unsigned i = 0; i < x->ev.n_addrs; i++)
            if (x->ev.addrs[i].id == ev->rem_id) {
                /* the same id announced again (a new address for it, or a retransmission) */
                if (ev->has_daddr)
                    x->ev.addrs[i].addr = ev->daddr;
                return;
            }
        x->ev.announced++;
        if (x->ev.n_addrs < MPTCP_EV_MAX_ADDRS && ev->has_daddr) {
            struct mptcp_announcement *a = &x->ev.addrs[x->ev.n_addrs++];
            a->id = ev->rem_id;
            a->addr = ev->daddr;
            a->port = ev->dport;
        }
        break;
    }
    case MPTCP_EV_SUB_ESTABLISHED: {
        struct entry *x = insert(e, ev->token, now);
        if (x)
            x->ev.joined++;
        break;
    }
    case MPTCP_EV_CLOSED: {
        struct entry *x = e->cap ? lookup(e, ev->token) : NULL;
        if (x && !x->closed_ns)
            x->closed_ns = now;
        break;
    }
    default:
        break;
    }
}

/* ------------------------------------------------------------ the socket */

static int family_cb(const struct nlattr *a, void *data)
{
    const struct nlattr **tb = data;
    unsigned type = mnl_attr_get_type(a);
    if (type <= CTRL_ATTR_MAX)
        tb[type] = a;
    return MNL_CB_OK;
}

struct resolve {
    uint16_t family_id;
    uint32_t group;
    bool found_group;
};

static int group_attr_cb(const struct nlattr *a, void *data)
{
    const struct nlattr **tb = data;
    unsigned type = mnl_attr_get_type(a);
    if (type <= CTRL_ATTR_MCAST_GRP_MAX)
        tb[type] = a;
    return MNL_CB_OK;
}

static int group_cb(const struct nlattr *a, void *data)
{
    struct resolve *r = data;
    const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1] = {0};
    if (mnl_attr_parse_nested(a, group_attr_cb, tb) < 0)
        return MNL_CB_ERROR;
    if (tb[CTRL_ATTR_MCAST_GRP_NAME] && tb[CTRL_ATTR_MCAST_GRP_ID] &&
        mnl_attr_validate(tb[CTRL_ATTR_MCAST_GRP_ID], MNL_TYPE_U32) == 0 &&
        mnl_attr_validate(tb[CTRL_ATTR_MCAST_GRP_NAME], MNL_TYPE_NUL_STRING) == 0 &&
        !strcmp(mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]), "mptcp_pm_events")) {
        r->group = mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
        r->found_group = true;
    }
    return MNL_CB_OK;
}

static int getfamily_cb(const struct nlmsghdr *nlh, void *data)
{
    struct resolve *r = data;
    const struct nlattr *tb[CTRL_ATTR_MAX + 1] = {0};
    if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_cb, tb) < 0)
        return MNL_CB_ERROR;
    if (tb[CTRL_ATTR_FAMILY_ID] && mnl_attr_validate(tb[CTRL_ATTR_FAMILY_ID], MNL_TYPE_U16) == 0)
        r->family_id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
    if (tb[CTRL_ATTR_MCAST_GROUPS]) {
        const struct nlattr *g;
        mnl_attr_for_each_nested(g, tb[CTRL_ATTR_MCAST_GROUPS])
            group_cb(g, r);
    }
    return MNL_CB_OK;
}

struct mptcp_events *mptcp_events_open(char *err, size_t errlen)
{
    struct mptcp_events *e = calloc(1, sizeof *e);
    if (!e) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    e->buflen = 1u << 16;
    e->buf = malloc(e->buflen);
    e->nl = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (!e->buf || !e->nl || mnl_socket_bind(e->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
        snprintf(err, errlen, "generic netlink socket: %s", strerror(errno));
        mptcp_events_close(e);
        return NULL;
    }
    char req[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
    nlh->nlmsg_type = GENL_ID_CTRL;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    nlh->nlmsg_seq = 1;
    struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof *g);
    g->cmd = CTRL_CMD_GETFAMILY;
    g->version = 1;
    mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "mptcp_pm");
    struct resolve r = {0};
    int rc = -1;
    if (mnl_socket_sendto(e->nl, nlh, nlh->nlmsg_len) >= 0) {
        /* the answer is immediate; the socket is non-blocking, so wait for it briefly */
        for (int tries = 0; tries < 200; tries++) {
            ssize_t n = mnl_socket_recvfrom(e->nl, e->buf, e->buflen);
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                usleep(1000);
                continue;
            }
            if (n < 0)
                break;
            rc = mnl_cb_run(e->buf, (size_t)n, 1, mnl_socket_get_portid(e->nl), getfamily_cb, &r);
            if (rc <= MNL_CB_STOP)
                break;
        }
    }
    if (!r.family_id) {
        snprintf(err, errlen, "no generic netlink family mptcp_pm (%s)",
                 errno == ENOENT ? "kernel without MPTCP" : strerror(errno));
        mptcp_events_close(e);
        return NULL;
    }
    if (!r.found_group) {
        snprintf(err, errlen, "mptcp_pm has no mptcp_pm_events group");
        mptcp_events_close(e);
        return NULL;
    }
    e->family_id = r.family_id;
    if (mnl_socket_setsockopt(e->nl, NETLINK_ADD_MEMBERSHIP, &r.group, sizeof r.group) < 0) {
        snprintf(err, errlen, "joining mptcp_pm_events: %s%s", strerror(errno),
                 errno == EPERM ? " (needs CAP_NET_ADMIN)" : "");
        mptcp_events_close(e);
        return NULL;
    }
    /* thousands of connections per second make 3+ events each */
    int fd = mnl_socket_get_fd(e->nl), size = 8 << 20;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    return e;
}

int mptcp_events_fd(const struct mptcp_events *e)
{
    return e ? mnl_socket_get_fd(e->nl) : -1;
}

int mptcp_events_drain(struct mptcp_events *e)
{
    if (!e)
        return 0;
    int count = 0;
    uint64_t now = now_ns();
    for (;;) {
        ssize_t n = recv(mnl_socket_get_fd(e->nl), e->buf, e->buflen, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == ENOBUFS) {   /* the kernel dropped events: go on with the next ones */
                e->lost++;
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            return -1;
        }
        int left = (int)n;
        for (const struct nlmsghdr *h = (const void *)e->buf; mnl_nlmsg_ok(h, left); h = mnl_nlmsg_next(h, &left)) {
            struct mptcp_event ev;
            if (mptcp_event_parse(h, (size_t)left, e->family_id, &ev)) {
                record(e, &ev, now);
                count++;
                e->seen++;
            }
        }
    }
    purge(e, now);
    return count;
}

void mptcp_events_take(struct mptcp_events *e, uint32_t token, struct mptcp_conn_events *out)
{
    memset(out, 0, sizeof *out);
    if (!e || !e->cap)
        return;
    struct entry *x = lookup(e, token);
    if (!x)
        return;
    *out = x->ev;
    remove_entry(e, x);
}

uint64_t mptcp_events_lost(const struct mptcp_events *e) { return e ? e->lost : 0; }
uint64_t mptcp_events_seen(const struct mptcp_events *e) { return e ? e->seen : 0; }

void mptcp_events_close(struct mptcp_events *e)
{
    if (!e)
        return;
    if (e->nl)
        mnl_socket_close(e->nl);
    free(e->tab);
    free(e->buf);
    free(e);
}
