/* http_driver.h — many HTTP(S) GETs at once over MPTCP or TCP sockets (libcurl multi interface on epoll), each with the kernel's view of its socket. */
#ifndef HTTP_HTTP_DRIVER_H
#define HTTP_HTTP_DRIVER_H

/*
 * Each request is one libcurl easy handle on a fresh connection (no reuse,
 * no TLS session resumption), so its four times mean what
 * `curl -w '%{time_connect} %{time_appconnect} %{time_starttransfer}
 * %{time_total}'` prints for a single fetch.
 *
 * libcurl opens the socket through our CURLOPT_OPENSOCKETFUNCTION
 * (IPPROTO_MPTCP or IPPROTO_TCP), tells us when the connection is up
 * (CURLOPT_PREREQFUNCTION: after the TCP and TLS handshakes, before the
 * request) and hands the socket back for closing
 * (CURLOPT_CLOSESOCKETFUNCTION). The kernel is asked at those two moments
 * (mptcp_sockinfo.h); the socket may be kept open `linger` seconds after the
 * transfer so that late ADD_ADDRs and joins are counted, and is closed after
 * the final question.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/mptcp_events.h"
#include "http/mptcp_sockinfo.h"
#include "net/addr.h"

struct http_request {
    struct ip_addr addr;
    uint16_t port;
    bool tls;
    bool mptcp;                 /* IPPROTO_MPTCP (else IPPROTO_TCP) */
    const char *host;           /* Host header and SNI (NULL: the address); must outlive the transfer */
    const char *path;           /* "/..."; must outlive the transfer */
};

/* Closed set of error classes: the `error` field starts with the name. */
enum http_error {
    HTTP_OK = 0,
    HTTP_E_MPTCP_UNAVAILABLE,   /* socket(IPPROTO_MPTCP) refused: no MPTCP in this namespace */
    HTTP_E_TIMEOUT,             /* --timeout reached (connect or transfer) */
    HTTP_E_REFUSED,             /* RST to the SYN */
    HTTP_E_UNREACHABLE,         /* ICMP unreachable / no route */
    HTTP_E_RESET,               /* connection reset after it was up */
    HTTP_E_TLS,                 /* TLS handshake failed (or certificate refused with --verify) */
    HTTP_E_HTTP,                /* no or malformed HTTP response */
    HTTP_E_BODY_LIMIT,          /* body larger than --max-body */
    HTTP_E_INTERRUPTED,         /* aborted by a second SIGINT */
    HTTP_E_CONNECT,             /* other connect failure */
    HTTP_E_OTHER,
    HTTP_E_COUNT
};
const char *http_error_name(enum http_error e);

struct http_result {
    const struct http_request *req;
    void *tag;
    uint64_t started_us;        /* wall clock (UTC) when the transfer started, microseconds */
    bool connected;             /* TCP handshake completed */
    /* libcurl's times in milliseconds from the start (NaN: not reached) */
    double connect_ms, appconnect_ms, starttransfer_ms, total_ms;
    long http_status;           /* 0: no response */
    uint64_t body_bytes;
    enum http_error error;
    char error_text[320];       /* "timeout: Connection timed out after 2001 milliseconds" */
    char tls_verify[96];        /* "ok", the X.509 error, or "" (not TLS / not reached) */
    struct ip_addr local;
    uint16_t local_port;
    bool has_local;
    struct mptcp_view at_connect; /* valid when the connection came up */
    struct mptcp_view at_end;     /* valid when a socket was opened */
    bool has_events;              /* the netlink events were listened to */
    bool events_lost;             /* events were lost while this transfer ran */
    struct mptcp_conn_events events;
};

struct http_driver_opts {
    double timeout_s;           /* whole transfer, connect included */
    double linger_s;            /* keep the socket this long after the transfer (0: close at once) */
    bool verify;                /* let libcurl refuse bad certificates (default: record only) */
    const char *cacert;         /* extra CA file (PEM), NULL none */
    const char *user_agent;
    const char *source4, *source6; /* local addresses to bind, NULL: the kernel's choice */
    uint64_t max_body;          /* bytes; 0 unlimited */
    const struct mptcp_caps *caps;
    struct mptcp_events *events; /* may be NULL */
    int wake_fd;                /* http_driver_step returns 1 when readable (e.g. a signalfd); -1 none */
};

typedef void (*http_done_fn)(void *user, const struct http_result *r);

struct http_driver;

/* One driver per process (libcurl global init happens here). NULL with err. */
struct http_driver *http_driver_new(const struct http_driver_opts *o, http_done_fn done, void *user, char *err,
                                    size_t errlen);
/* Starts a transfer now; its result comes through `done` from a later
 * http_driver_step. -1 with err when it could not even be set up. */
int http_driver_start(struct http_driver *d, const struct http_request *req, void *tag, char *err, size_t errlen);
/* Waits at most wait_ns for sockets, timers and lingering sockets, handles
 * them and reports finished transfers. Returns 1 when wake_fd became
 * readable, 0 otherwise, -1 on a fatal epoll error. */
int http_driver_step(struct http_driver *d, uint64_t wait_ns);
/* Transfers started and not yet reported. */
size_t http_driver_active(const struct http_driver *d);
/* Reports every active transfer now (error "interrupted" unless it had finished). */
void http_driver_abort(struct http_driver *d);
void http_driver_free(struct http_driver *d);

#endif
