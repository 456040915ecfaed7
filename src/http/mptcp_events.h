/* mptcp_events.h — listens to the kernel path manager's MPTCP netlink events and keeps, per connection token, the addresses the peer announced. */
#ifndef HTTP_MPTCP_EVENTS_H
#define HTTP_MPTCP_EVENTS_H

/*
 * MPTCP_INFO counts only the ADD_ADDRs our path manager *accepted*
 * (mptcpi_add_addr_accepted), and with Linux's default limits
 * (add_addr_accepted 0) that is always 0: a multi-homed server would look
 * single-homed. The kernel reports every received ADD_ADDR, accepted or not,
 * as an MPTCP_EVENT_ANNOUNCED on the generic netlink family "mptcp_pm",
 * multicast group "mptcp_pm_events" (joining it needs CAP_NET_ADMIN in the
 * network namespace). Events carry the connection's local token, which
 * MPTCP_INFO gives for our socket, so they are matched exactly.
 *
 * The socket is drained from the caller's event loop (mptcp_events_fd is
 * pollable) and always right before a connection's record is taken, so every
 * event the kernel queued before that moment is counted. A receive-buffer
 * overrun (ENOBUFS) loses events: mptcp_events_lost() counts them, and the
 * caller marks the connections alive at that time.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/addr.h"

/* MPTCP_EVENT_* of include/uapi/linux/mptcp.h (the values this file uses). */
enum mptcp_event_type {
    MPTCP_EV_CREATED = 1,
    MPTCP_EV_ESTABLISHED = 2,
    MPTCP_EV_CLOSED = 3,
    MPTCP_EV_ANNOUNCED = 6,
    MPTCP_EV_REMOVED = 7,
    MPTCP_EV_SUB_ESTABLISHED = 10,
    MPTCP_EV_SUB_CLOSED = 11,
};

/* One decoded event (fields absent from the message are zero / has_* false). */
struct mptcp_event {
    unsigned type;
    bool has_token;
    uint32_t token;
    uint8_t rem_id, loc_id;
    bool has_daddr, has_saddr;
    struct ip_addr daddr, saddr;
    uint16_t dport, sport;
    bool server_side;
};

/* Decodes one netlink message of the mptcp_pm family (family_id) into ev.
 * false: not an event of that family, or malformed (bad lengths). Pure: the
 * fuzz target fuzz_mptcp_event drives it with arbitrary bytes. */
bool mptcp_event_parse(const void *msg, size_t len, uint16_t family_id, struct mptcp_event *ev);

#define MPTCP_EV_MAX_ADDRS 8

struct mptcp_announcement {
    uint8_t id;                 /* the peer's address id */
    struct ip_addr addr;
    uint16_t port;              /* 0: the connection's port */
};

/* What the events said about one connection. */
struct mptcp_conn_events {
    unsigned announced;         /* distinct address ids the peer announced */
    unsigned n_addrs;           /* of them listed in addrs[] */
    struct mptcp_announcement addrs[MPTCP_EV_MAX_ADDRS];
    unsigned joined;            /* additional subflows established (MPTCP_EVENT_SUB_ESTABLISHED) */
};

struct mptcp_events;

/* Subscribes in the current network namespace. NULL with err when the
 * family is missing (kernel without MPTCP) or joining is refused (EPERM). */
struct mptcp_events *mptcp_events_open(char *err, size_t errlen);
int mptcp_events_fd(const struct mptcp_events *ev);
/* Reads every queued event without blocking; returns how many, or -1 when
 * the socket failed (err kept in mptcp_events_error). */
int mptcp_events_drain(struct mptcp_events *ev);
/* Moves what was recorded for token into out (zeroed when nothing was) and
 * forgets it. */
void mptcp_events_take(struct mptcp_events *ev, uint32_t token, struct mptcp_conn_events *out);
/* Receive-buffer overruns so far (events lost). */
uint64_t mptcp_events_lost(const struct mptcp_events *ev);
uint64_t mptcp_events_seen(const struct mptcp_events *ev);
void mptcp_events_close(struct mptcp_events *ev);

#endif
