/* daemon.c — the lab's one background process: kernel listeners and every emulator, multiplexed with epoll. */
#include "lab/lab.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lab/emu.h"
#include "lab/emu_delay.h"
#include "lab/sys.h"

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

enum handler_kind { H_LISTEN, H_RESPOND, H_BRIDGE_UP, H_BRIDGE_DOWN, H_QUOTE8, H_DELAY };

struct handler {
    enum handler_kind kind;
    int fd;
    void *obj;
};

struct daemon_state {
    struct handler *h;
    size_t n, cap;
    int ep;
    char err[512];
};

static int add_handler(struct daemon_state *d, enum handler_kind kind, int fd, void *obj)
{
    if (d->n == d->cap) {
        size_t ncap = d->cap ? d->cap * 2 : 32;
        struct handler *nh = realloc(d->h, ncap * sizeof *nh);
        if (!nh)
            return -1;
        d->h = nh;
        d->cap = ncap;
    }
    d->h[d->n] = (struct handler){kind, fd, obj};
    d->n++;
    return 0;
}

static int open_listener(struct daemon_state *d, int family, uint16_t port, bool mptcp)
{
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, mptcp ? IPPROTO_MPTCP : IPPROTO_TCP);
    if (fd < 0) {
        snprintf(d->err, sizeof d->err, "socket(%s): %s", mptcp ? "IPPROTO_MPTCP" : "TCP", strerror(errno));
        return -1;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_storage ss = {0};
    socklen_t len;
    if (family == AF_INET6) {
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons(port);
        len = sizeof *s6;
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        s4->sin_family = AF_INET;
        s4->sin_port = htons(port);
        len = sizeof *s4;
    }
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 262144) != 0) {
        snprintf(d->err, sizeof d->err, "bind/listen port %u: %s", port, strerror(errno));
        close(fd);
        return -1;
    }
    if (add_handler(d, H_LISTEN, fd, NULL) != 0) {
        close(fd);
        return -1;
    }
    return 0;
}

static int setup_duty(struct daemon_state *d, const struct duty *u, uint64_t seed)
{
    if (sys_enter_netns(u->ns) != 0) {
        snprintf(d->err, sizeof d->err, "setns %s: %s", u->ns, strerror(errno));
        return -1;
    }
    int rc = 0;
    char err[256];
    switch (u->kind) {
    case DUTY_LISTEN:
        for (unsigned i = 0; i < u->profile->n_ports && rc == 0; i++) {
            enum behaviour b = u->profile->ports[i].beh;
            if (b != BEH_TCP && b != BEH_KERNEL_V1)
                continue;
            rc = open_listener(d, AF_INET, u->profile->ports[i].port, b == BEH_KERNEL_V1);
            if (rc == 0)
                rc = open_listener(d, AF_INET6, u->profile->ports[i].port, b == BEH_KERNEL_V1);
        }
        break;
    case DUTY_RESPOND: {
        struct responder *r = calloc(1, sizeof *r);
        if (!r || pktio_open(&r->io, IF_HOST, "tcp", false, err, sizeof err) != 0) {
            snprintf(d->err, sizeof d->err, "%s: responder: %s", u->ns, r ? err : "out of memory");
            free(r);
            rc = -1;
            break;
        }
        r->profile = u->profile;
        r->seed = seed;
        rc = add_handler(d, H_RESPOND, r->io.fd, r);
        break;
    }
    case DUTY_BRIDGE: {
        struct bridge *b = calloc(1, sizeof *b);
        if (!b) {
            rc = -1;
            break;
        }
        b->mbox = u->mbox;
        b->seed = seed;
        b->mirror = (u->mbox & MBOX_MIRROR) ? calloc(MIRROR_SLOTS, sizeof *b->mirror) : NULL;
        if (((u->mbox & MBOX_MIRROR) && !b->mirror) || pktio_open(&b->up, IF_UP, NULL, true, err, sizeof err) != 0 ||
            pktio_open(&b->down, IF_DOWN, NULL, true, err, sizeof err) != 0) {
            snprintf(d->err, sizeof d->err, "%s: bridge: %s", u->ns, err);
            rc = -1;
            break;
        }
        rc = add_handler(d, H_BRIDGE_UP, b->up.fd, b);
        if (rc == 0)
            rc = add_handler(d, H_BRIDGE_DOWN, b->down.fd, b);
        if (rc == 0 && (u->mbox & MBOX_DELAY)) {
            /* frames toward the hosts wait delay_us from their kernel receive time */
            b->delay = calloc(1, sizeof *b->delay);
            if (!b->delay || delay_line_init(b->delay, (uint64_t)u->delay_us * 1000u, err, sizeof err) != 0 ||
                pktio_timestamps(&b->up) != 0) {
                snprintf(d->err, sizeof d->err, "%s: delay: %s", u->ns, b->delay ? err : "out of memory");
                rc = -1;
                break;
            }
            prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);   /* wake at the release time, not up to 50 us later */
            /* a delay is only as exact as the daemon's wake-up: on a loaded machine an ordinary task
             * waits milliseconds for a core, a SCHED_FIFO one does not (it sleeps in epoll, and the
             * kernel's RT throttling bounds it anyway). Best effort: without the right, it stays CFS. */
            struct sched_param sp = {.sched_priority = 10};
            sched_setscheduler(0, SCHED_FIFO, &sp);
            rc = add_handler(d, H_DELAY, b->delay->timer_fd, b);
        }
        break;
    }
    case DUTY_QUOTE8: {
        struct quote8 *q = calloc(1, sizeof *q);
        if (!q || pktio_open(&q->io, IF_UP, "(ip and ip[8] < 2) or (ip6 and ip6[7] < 2)", false, err,
                             sizeof err) != 0) {
            snprintf(d->err, sizeof d->err, "%s: quote8: %s", u->ns, q ? err : "out of memory");
            free(q);
            rc = -1;
            break;
        }
        q->self4 = u->router4;
        q->self6 = u->router6;
        rc = add_handler(d, H_QUOTE8, q->io.fd, q);
        break;
    }
    }
    if (sys_leave_netns() != 0 && rc == 0) {
        snprintf(d->err, sizeof d->err, "setns back: %s", strerror(errno));
        rc = -1;
    }
    if (rc != 0 && !d->err[0])
        snprintf(d->err, sizeof d->err, "%s: setup failed", u->ns);
    return rc;
}

static void drain_listener(int fd)
{
    for (;;) {
        int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0)
            return;
        close(c);
    }
}

static void serve(struct handler *h)
{
    switch (h->kind) {
    case H_LISTEN:
        drain_listener(h->fd);
        return;
    case H_RESPOND: {
        struct responder *r = h->obj;
        int n;
        while ((n = pktio_recv(&r->io)) > 0) {
            for (int i = 0; i < n; i++)
                responder_frame(r, r->io.rx[i], r->io.rx_len[i]);
            pktio_flush(&r->io);
        }
        return;
    }
    case H_DELAY: {
        struct bridge *b = h->obj;
        delay_line_release(b->delay, &b->down);
        return;
    }
    case H_BRIDGE_UP:
        if (((struct bridge *)h->obj)->delay) {
            struct bridge *b = h->obj;
            uint64_t rx_ns[PKTIO_BATCH];
            int n;
            while ((n = pktio_recv_stamped(&b->up, rx_ns)) > 0)
                for (int i = 0; i < n; i++)
                    bridge_frame_from_up_at(b, b->up.rx[i], b->up.rx_len[i], rx_ns[i]);
            return;
        }
        /* fall through */
    case H_BRIDGE_DOWN: {
        struct bridge *b = h->obj;
        struct pktio *in = h->kind == H_BRIDGE_UP ? &b->up : &b->down;
        struct pktio *out = h->kind == H_BRIDGE_UP ? &b->down : &b->up;
        int n;
        while ((n = pktio_recv(in)) > 0) {
            for (int i = 0; i < n; i++) {
                if (h->kind == H_BRIDGE_UP)
                    bridge_frame_from_up(b, in->rx[i], in->rx_len[i]);
                else
                    bridge_frame_from_down(b, in->rx[i], in->rx_len[i]);
            }
            pktio_flush(out);
            pktio_flush(in); /* a proxy answers back the way the SYN came */
        }
        return;
    }
    case H_QUOTE8: {
        struct quote8 *q = h->obj;
        int n;
        while ((n = pktio_recv(&q->io)) > 0) {
            for (int i = 0; i < n; i++)
                quote8_frame(q, q->io.rx[i], q->io.rx_len[i]);
            pktio_flush(&q->io);
        }
        return;
    }
    }
}

int lab_daemon_run(const struct duty *duties, size_t n, uint64_t seed, const char *home_ns, int ready_fd)
{
    static struct daemon_state d;
    for (size_t i = 0; i < n; i++)
        if (setup_duty(&d, &duties[i], seed) != 0) {
            dprintf(ready_fd, "%s\n", d.err);
            return 1;
        }
    /* live inside the lab so that `lab down` finds this process by its namespace */
    if (home_ns && sys_enter_netns(home_ns) != 0) {
        dprintf(ready_fd, "setns %s: %s\n", home_ns, strerror(errno));
        return 1;
    }
    d.ep = epoll_create1(EPOLL_CLOEXEC);
    if (d.ep < 0) {
        dprintf(ready_fd, "epoll: %s\n", strerror(errno));
        return 1;
    }
    for (size_t i = 0; i < d.n; i++) {
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &d.h[i]};
        if (epoll_ctl(d.ep, EPOLL_CTL_ADD, d.h[i].fd, &ev) != 0) {
            dprintf(ready_fd, "epoll_ctl: %s\n", strerror(errno));
            return 1;
        }
    }
    /* ready and inside the lab (lab down finds it there): outlive `lab up` from now on */
    prctl(PR_SET_PDEATHSIG, 0);
    dprintf(ready_fd, "ok\n");
    close(ready_fd);
    struct epoll_event evs[64];
    for (;;) {
        int k = epoll_wait(d.ep, evs, 64, -1);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "mpc-lab-daemon: epoll_wait: %s\n", strerror(errno));
            return 1;
        }
        for (int i = 0; i < k; i++)
            serve(evs[i].data.ptr);
    }
}
