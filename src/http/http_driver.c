/* http_driver.c — libcurl multi_socket on epoll: MPTCP/TCP sockets via callbacks, kernel views after connect and at close, results per transfer. */
#include "http/http_driver.h"

#include <curl/curl.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/tls_warmup.h"

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

static const char *const error_names[HTTP_E_COUNT] = {
    [HTTP_OK] = "ok",
    [HTTP_E_MPTCP_UNAVAILABLE] = "mptcp-unavailable",
    [HTTP_E_TIMEOUT] = "timeout",
    [HTTP_E_REFUSED] = "refused",
    [HTTP_E_UNREACHABLE] = "unreachable",
    [HTTP_E_RESET] = "reset",
    [HTTP_E_TLS] = "tls",
    [HTTP_E_HTTP] = "http",
    [HTTP_E_BODY_LIMIT] = "body-limit",
    [HTTP_E_INTERRUPTED] = "interrupted",
    [HTTP_E_CONNECT] = "connect",
    [HTTP_E_OTHER] = "other",
};

const char *http_error_name(enum http_error e)
{
    return (unsigned)e < HTTP_E_COUNT ? error_names[e] : "other";
}

/* epoll data: the fd in the low 32 bits, what it is above */
#define TAG_CURL 0ull
#define TAG_WAKE 2ull

struct xfer {
    struct http_driver *d;
    struct xfer *prev, *next;           /* every transfer not yet freed */
    struct xfer *linger_next;
    CURL *easy;
    struct http_request req;
    struct curl_slist *connect_to;
    char url[512];
    char errbuf[CURL_ERROR_SIZE];
    int fd;                             /* the socket we opened, -1 */
    bool fd_open;
    int sock_errno;                     /* socket() failed with this */
    bool curl_done, sock_done, reported, lingering, body_limited;
    int verify_errs[4];                 /* distinct X.509 errors met, in order */
    unsigned n_verify_errs;
    uint64_t linger_due_ns;
    uint64_t lost_at_start;
    struct http_result res;
};

struct http_driver {
    struct http_driver_opts o;
    http_done_fn done;
    void *user;
    CURLM *multi;
    int ep;
    uint64_t curl_due_ns;               /* 0: no curl timer */
    uint64_t events_drained_ns;
    struct xfer *all;
    struct xfer *linger_head;
    size_t active;
    X509_STORE *store;                  /* for recording the certificate verdict */
    bool wake;
};

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000ull + (uint64_t)ts.tv_nsec / 1000;
}

/* --------------------------------------------------------- socket hooks */

static curl_socket_t open_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *a)
{
    struct xfer *x = clientp;
    if (purpose != CURLSOCKTYPE_IPCXN || x->fd_open)
        return CURL_SOCKET_BAD;
    int fd = socket(a->family, a->socktype | SOCK_CLOEXEC, x->req.mptcp ? IPPROTO_MPTCP : IPPROTO_TCP);
    if (fd < 0) {
        x->sock_errno = errno;
        return CURL_SOCKET_BAD;
    }
    x->fd = fd;
    x->fd_open = true;
    return fd;
}

/* The final question to the kernel, then the socket is closed. */
static void finish_socket(struct xfer *x)
{
    struct http_driver *d = x->d;
    if (d->o.events)
        mptcp_events_drain(d->o.events);   /* every event queued up to now */
    mptcp_sock_inspect(x->fd, x->req.mptcp, d->o.caps, &x->res.at_end);
    if (d->o.events && x->res.at_end.token) {
        mptcp_events_take(d->o.events, x->res.at_end.token, &x->res.events);
        x->res.events_lost = mptcp_events_lost(d->o.events) != x->lost_at_start;
    }
    close(x->fd);
    x->fd_open = false;
    x->sock_done = true;
}

static void unlink_xfer(struct xfer *x);

/* libcurl is done with the socket. Nothing is reported from inside this
 * callback (libcurl is still running): on_done() and run_lingers() do it. */
static int close_socket(void *clientp, curl_socket_t fd)
{
    struct xfer *x = clientp;
    if (!x->fd_open || fd != x->fd)
        return close(fd);
    if (x->sock_done) {   /* asked already (see on_done): only close, and free if reported */
        close(fd);
        x->fd_open = false;
        if (x->reported)
            unlink_xfer(x);
        return 0;
    }
    if (x->d->o.linger_s > 0 && !x->lingering) {
        x->lingering = true;
        x->linger_due_ns = mono_ns() + (uint64_t)(x->d->o.linger_s * 1e9);
        x->linger_next = x->d->linger_head;
        x->d->linger_head = x;
        return 0;
    }
    finish_socket(x);
    return 0;
}

static void record_tls_verify(struct xfer *x)
{
    struct curl_tlssessioninfo *ti = NULL;
    if (curl_easy_getinfo(x->easy, CURLINFO_TLS_SSL_PTR, &ti) != CURLE_OK || !ti ||
        ti->backend != CURLSSLBACKEND_OPENSSL || !ti->internals)
        return;
    char *p = x->res.tls_verify;
    size_t cap = sizeof x->res.tls_verify, len = 0;
    long vr = SSL_get_verify_result((SSL *)ti->internals);
    if (x->n_verify_errs == 0) {   /* --verify: libcurl's own check; only its final verdict is known */
        snprintf(p, cap, "%s", vr == X509_V_OK ? "ok" : X509_verify_cert_error_string(vr));
        return;
    }
    p[0] = 0;
    for (unsigned i = 0; i < x->n_verify_errs && len < cap; i++) {
        int n = snprintf(p + len, cap - len, "%s%s", i ? ", " : "", X509_verify_cert_error_string(x->verify_errs[i]));
        if (n < 0)
            break;
        len += (size_t)n;
    }
}

/* Called once the connection (TCP and TLS) is up, before the request. */
static int prereq(void *clientp, char *primary_ip, char *local_ip, int primary_port, int local_port)
{
    (void)primary_ip;
    (void)primary_port;
    struct xfer *x = clientp;
    mptcp_sock_inspect(x->fd_open ? x->fd : -1, x->req.mptcp, x->d->o.caps, &x->res.at_connect);
    if (x->req.tls)
        record_tls_verify(x);
    if (local_ip && ip_addr_parse(local_ip, &x->res.local)) {
        x->res.has_local = true;
        x->res.local_port = (uint16_t)local_port;
    }
    return CURL_PREREQFUNC_OK;
}

static size_t on_body(char *ptr, size_t size, size_t n, void *userdata)
{
    (void)ptr;
    struct xfer *x = userdata;
    size_t len = size * n;
    x->res.body_bytes += len;
    if (x->d->o.max_body && x->res.body_bytes > x->d->o.max_body) {
        x->body_limited = true;
        return 0;   /* libcurl aborts with CURLE_WRITE_ERROR */
    }
    return len;
}

/* Each connection gets its own SSL_CTX from libcurl 7.88: the transfer rides on it. */
static int ctx_index = -1;

/* Records every X.509 error without failing the handshake (the default:
 * a measurement, not a browser). */
static int accept_any_cert(int preverify_ok, X509_STORE_CTX *sctx)
{
    if (preverify_ok)
        return 1;
    SSL *ssl = X509_STORE_CTX_get_ex_data(sctx, SSL_get_ex_data_X509_STORE_CTX_idx());
    struct xfer *x = ssl && ctx_index >= 0 ? SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ctx_index) : NULL;
    int e = X509_STORE_CTX_get_error(sctx);
    if (x) {
        bool seen = false;
        for (unsigned i = 0; i < x->n_verify_errs; i++)
            seen |= x->verify_errs[i] == e;
        if (!seen && x->n_verify_errs < sizeof x->verify_errs / sizeof x->verify_errs[0])
            x->verify_errs[x->n_verify_errs++] = e;
    }
    return 1;
}

static CURLcode ssl_ctx_setup(CURL *easy, void *sslctx, void *parm)
{
    (void)easy;
    struct xfer *x = parm;
    SSL_CTX *ctx = sslctx;
    /* one store for every connection, loaded before the first transfer (system CAs + --cacert):
     * libcurl's own load would sit inside the first HTTPS transfer's handshake */
    SSL_CTX_set1_cert_store(ctx, x->d->store);
    if (!x->d->o.verify) {
        if (ctx_index >= 0)
            SSL_CTX_set_ex_data(ctx, ctx_index, x);
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, accept_any_cert);
    }
    X509_VERIFY_PARAM *vp = SSL_CTX_get0_param(ctx);
    if (x->req.host) {
        X509_VERIFY_PARAM_set1_host(vp, x->req.host, 0);
    } else {
        char a[IP_ADDR_STRLEN];
        X509_VERIFY_PARAM_set1_ip_asc(vp, ip_addr_format(&x->req.addr, a, sizeof a));
    }
    return CURLE_OK;
}

/* ------------------------------------------------------ multi callbacks */

static int sock_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
    (void)easy;
    struct http_driver *d = userp;
    struct epoll_event ev = {.data.u64 = TAG_CURL << 32 | (uint32_t)s};
    if (what == CURL_POLL_REMOVE) {
        if (socketp)
            epoll_ctl(d->ep, EPOLL_CTL_DEL, s, NULL);
        curl_multi_assign(d->multi, s, NULL);
        return 0;
    }
    ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u);
    if (socketp) {
        epoll_ctl(d->ep, EPOLL_CTL_MOD, s, &ev);
    } else {
        if (epoll_ctl(d->ep, EPOLL_CTL_ADD, s, &ev) != 0 && errno == EEXIST)
            epoll_ctl(d->ep, EPOLL_CTL_MOD, s, &ev);
        curl_multi_assign(d->multi, s, d);   /* any non-NULL marks "in epoll" */
    }
    return 0;
}

static int timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
    (void)multi;
    struct http_driver *d = userp;
    d->curl_due_ns = timeout_ms < 0 ? 0 : mono_ns() + (uint64_t)timeout_ms * 1000000ull;
    if (timeout_ms >= 0 && d->curl_due_ns == 0)
        d->curl_due_ns = 1;
    return 0;
}

/* ---------------------------------------------------------- results */

static double ms_of(CURL *e, CURLINFO what)
{
    curl_off_t us = 0;
    if (curl_easy_getinfo(e, what, &us) != CURLE_OK || us <= 0)
        return NAN;
    return (double)us / 1000.0;
}

static enum http_error classify(const struct xfer *x, CURLcode rc, long os_errno)
{
    if (x->sock_errno)
        return x->req.mptcp && (x->sock_errno == EPROTONOSUPPORT || x->sock_errno == EINVAL ||
                                x->sock_errno == ENOPROTOOPT || x->sock_errno == ESOCKTNOSUPPORT)
                   ? HTTP_E_MPTCP_UNAVAILABLE
                   : HTTP_E_CONNECT;
    if (x->body_limited)
        return HTTP_E_BODY_LIMIT;
    switch (rc) {
    case CURLE_OK: return HTTP_OK;
    case CURLE_OPERATION_TIMEDOUT: return HTTP_E_TIMEOUT;
    case CURLE_COULDNT_CONNECT:
        if (os_errno == ECONNREFUSED) return HTTP_E_REFUSED;
        if (os_errno == EHOSTUNREACH || os_errno == ENETUNREACH) return HTTP_E_UNREACHABLE;
        if (os_errno == ETIMEDOUT) return HTTP_E_TIMEOUT;
        return HTTP_E_CONNECT;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
        return os_errno == ECONNRESET || os_errno == EPIPE ? HTTP_E_RESET : HTTP_E_OTHER;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        return HTTP_E_TLS;
    case CURLE_GOT_NOTHING:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP_RETURNED_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_BAD_CONTENT_ENCODING:
        return HTTP_E_HTTP;
    default: return HTTP_E_OTHER;
    }
}

static void fill_result(struct xfer *x, CURLcode rc, bool interrupted)
{
    struct http_result *r = &x->res;
    CURL *e = x->easy;
    r->connect_ms = ms_of(e, CURLINFO_CONNECT_TIME_T);
    r->appconnect_ms = x->req.tls ? ms_of(e, CURLINFO_APPCONNECT_TIME_T) : NAN;
    r->starttransfer_ms = ms_of(e, CURLINFO_STARTTRANSFER_TIME_T);
    r->total_ms = ms_of(e, CURLINFO_TOTAL_TIME_T);
    if (isnan(r->total_ms))
        r->total_ms = 0;
    r->connected = !isnan(r->connect_ms);
    long code = 0, os_errno = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_getinfo(e, CURLINFO_OS_ERRNO, &os_errno);
    r->http_status = code;
    if (!r->has_local) {
        char *lip = NULL;
        long lport = 0;
        if (curl_easy_getinfo(e, CURLINFO_LOCAL_IP, &lip) == CURLE_OK && lip && *lip &&
            ip_addr_parse(lip, &r->local) && curl_easy_getinfo(e, CURLINFO_LOCAL_PORT, &lport) == CURLE_OK) {
            r->has_local = true;
            r->local_port = (uint16_t)lport;
        }
    }
    r->error = interrupted ? HTTP_E_INTERRUPTED : classify(x, rc, os_errno);
    if (r->error == HTTP_OK) {
        r->error_text[0] = 0;
        return;
    }
    const char *name = http_error_name(r->error);
    if (r->error == HTTP_E_MPTCP_UNAVAILABLE || (x->sock_errno && r->error == HTTP_E_CONNECT))
        snprintf(r->error_text, sizeof r->error_text, "%s: socket(%s, SOCK_STREAM, %s): %s%s", name,
                 x->req.addr.family == AF_INET6 ? "AF_INET6" : "AF_INET", x->req.mptcp ? "IPPROTO_MPTCP" : "IPPROTO_TCP",
                 strerror(x->sock_errno),
                 x->sock_errno == ENOPROTOOPT       ? " (net.mptcp.enabled=0 in this network namespace)"
                 : x->sock_errno == EPROTONOSUPPORT ? " (kernel without MPTCP)"
                                                    : "");
    else if (interrupted)
        snprintf(r->error_text, sizeof r->error_text, "%s: stopped by a second SIGINT", name);
    else if (r->error == HTTP_E_BODY_LIMIT)
        snprintf(r->error_text, sizeof r->error_text, "%s: body larger than %llu bytes", name,
                 (unsigned long long)x->d->o.max_body);
    else
        snprintf(r->error_text, sizeof r->error_text, "%s: %s", name, x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc));
}

static void unlink_xfer(struct xfer *x)
{
    struct http_driver *d = x->d;
    if (x->prev)
        x->prev->next = x->next;
    else
        d->all = x->next;
    if (x->next)
        x->next->prev = x->prev;
    curl_slist_free_all(x->connect_to);
    free(x);
}

static void maybe_report(struct xfer *x)
{
    struct http_driver *d = x->d;
    if (!x->reported && x->curl_done && x->sock_done) {
        x->reported = true;
        d->active--;
        x->res.has_events = d->o.events != NULL;
        d->done(d->user, &x->res);
        if (x->easy) {
            curl_easy_cleanup(x->easy);
            x->easy = NULL;
        }
    }
    if (x->reported && !x->fd_open && !x->lingering)
        unlink_xfer(x);
}

static void on_done(struct xfer *x, CURLcode rc, bool interrupted)
{
    struct http_driver *d = x->d;
    fill_result(x, rc, interrupted);
    x->curl_done = true;
    curl_multi_remove_handle(d->multi, x->easy);   /* closes the connection: close_socket() */
    if (!x->fd_open && !x->lingering)
        x->sock_done = true;                        /* no socket was ever opened, or it is closed */
    else if (x->fd_open && !x->lingering && !x->sock_done) {
        /* libcurl still holds the socket (it should not, with FORBID_REUSE):
         * ask now; close_socket() only closes it later */
        mptcp_sock_inspect(x->fd, x->req.mptcp, d->o.caps, &x->res.at_end);
        x->sock_done = true;
    }
    maybe_report(x);
}

static void read_done(struct http_driver *d)
{
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(d->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        struct xfer *x = NULL;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
        CURLcode rc = m->data.result;
        if (x && !x->curl_done)
            on_done(x, rc, false);
    }
}

static void run_lingers(struct http_driver *d, uint64_t now, bool all)
{
    struct xfer **pp = &d->linger_head;
    while (*pp) {
        struct xfer *x = *pp;
        if (all || x->linger_due_ns <= now) {
            *pp = x->linger_next;
            x->lingering = false;
            finish_socket(x);
            maybe_report(x);
        } else {
            pp = &x->linger_next;
        }
    }
}

/* ------------------------------------------------------------- public */

struct http_driver *http_driver_new(const struct http_driver_opts *o, http_done_fn done, void *user, char *err,
                                    size_t errlen)
{
    static bool global_done;
    if (!global_done) {
        if (curl_global_init(CURL_GLOBAL_ALL) != CURLE_OK) {
            snprintf(err, errlen, "libcurl initialisation failed");
            return NULL;
        }
        global_done = true;
        ctx_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    }
    const curl_version_info_data *vi = curl_version_info(CURLVERSION_NOW);
    if (!vi->ssl_version || strncmp(vi->ssl_version, "OpenSSL", 7) != 0) {
        snprintf(err, errlen, "libcurl is built with %s, not OpenSSL (libcurl4-openssl-dev)",
                 vi->ssl_version ? vi->ssl_version : "no TLS");
        return NULL;
    }
    struct http_driver *d = calloc(1, sizeof *d);
    if (!d) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    d->o = *o;
    d->done = done;
    d->user = user;
    d->ep = epoll_create1(EPOLL_CLOEXEC);
    d->multi = curl_multi_init();
    d->store = X509_STORE_new();
    if (d->ep < 0 || !d->multi || !d->store) {
        snprintf(err, errlen, "epoll/curl_multi_init: %s", strerror(errno));
        http_driver_free(d);
        return NULL;
    }
    X509_STORE_set_default_paths(d->store);
    /* else the first HTTPS transfer's tls_ms carries OpenSSL's one-time setup (~1.5 ms here) */
    tls_warmup(d->store);
    if (o->cacert && X509_STORE_load_file(d->store, o->cacert) != 1) {
        snprintf(err, errlen, "%s: not a readable PEM CA file", o->cacert);
        http_driver_free(d);
        return NULL;
    }
    curl_multi_setopt(d->multi, CURLMOPT_SOCKETFUNCTION, sock_cb);
    curl_multi_setopt(d->multi, CURLMOPT_SOCKETDATA, d);
    curl_multi_setopt(d->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
    curl_multi_setopt(d->multi, CURLMOPT_TIMERDATA, d);
    /* The event socket is not watched: a wake-up per event would sit in the middle of every
     * handshake (measurably: ~0.5 ms on a TLS handshake here). It is drained before each final
     * kernel query and at least once a second (8 MiB of buffer hold ~50k events). */
    if (o->wake_fd >= 0) {
        struct epoll_event ev = {.events = EPOLLIN, .data.u64 = TAG_WAKE << 32};
        epoll_ctl(d->ep, EPOLL_CTL_ADD, o->wake_fd, &ev);
    }
    return d;
}

static void format_host(const struct ip_addr *a, char *buf, size_t len)
{
    char t[IP_ADDR_STRLEN];
    ip_addr_format(a, t, sizeof t);
    snprintf(buf, len, a->family == AF_INET6 ? "[%s]" : "%s", t);
}

int http_driver_start(struct http_driver *d, const struct http_request *req, void *tag, char *err, size_t errlen)
{
    struct xfer *x = calloc(1, sizeof *x);
    if (!x) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    x->d = d;
    x->req = *req;
    x->fd = -1;
    x->res.req = &x->req;
    x->res.tag = tag;
    x->res.connect_ms = x->res.appconnect_ms = x->res.starttransfer_ms = NAN;
    x->easy = curl_easy_init();
    if (!x->easy) {
        free(x);
        snprintf(err, errlen, "curl_easy_init failed");
        return -1;
    }
    char addr[IP_ADDR_STRLEN + 2];
    format_host(&req->addr, addr, sizeof addr);
    const char *scheme = req->tls ? "https" : "http";
    const char *path = req->path && *req->path ? req->path : "/";
    int n;
    if (req->host) {
        /* the URL names the host (Host header, SNI); CONNECT_TO sends it to the address */
        bool v6name = strchr(req->host, ':') != NULL;
        n = snprintf(x->url, sizeof x->url, "%s://%s%s%s:%u%s", scheme, v6name ? "[" : "", req->host,
                     v6name ? "]" : "", req->port, path);
        char cto[IP_ADDR_STRLEN + 300];
        snprintf(cto, sizeof cto, "%s%s%s:%u:%s:%u", v6name ? "[" : "", req->host, v6name ? "]" : "", req->port, addr,
                 req->port);
        x->connect_to = curl_slist_append(NULL, cto);
    } else {
        n = snprintf(x->url, sizeof x->url, "%s://%s:%u%s", scheme, addr, req->port, path);
    }
    if (n < 0 || (size_t)n >= sizeof x->url || (req->host && !x->connect_to)) {
        curl_easy_cleanup(x->easy);
        curl_slist_free_all(x->connect_to);
        free(x);
        snprintf(err, errlen, "URL too long");
        return -1;
    }
    CURL *e = x->easy;
    curl_easy_setopt(e, CURLOPT_URL, x->url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, x);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    /* one fresh connection per measurement, as one `curl` process has */
    curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_SESSIONID_CACHE, 0L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(d->o.timeout_s * 1000.0));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)(d->o.timeout_s * 1000.0));
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, open_socket);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, x);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, close_socket);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, x);
    curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, prereq);
    curl_easy_setopt(e, CURLOPT_PREREQDATA, x);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
    if (d->o.user_agent)
        curl_easy_setopt(e, CURLOPT_USERAGENT, d->o.user_agent);
    if (x->connect_to)
        curl_easy_setopt(e, CURLOPT_CONNECT_TO, x->connect_to);
    const char *src = req->addr.family == AF_INET6 ? d->o.source6 : d->o.source4;
    if (src) {
        char iface[IP_ADDR_STRLEN + 8];
        snprintf(iface, sizeof iface, "host!%s", src);
        curl_easy_setopt(e, CURLOPT_INTERFACE, iface);
    }
    if (req->tls) {
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, d->o.verify ? 1L : 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, d->o.verify ? 2L : 0L);
        curl_easy_setopt(e, CURLOPT_CAINFO, NULL);   /* ssl_ctx_setup gives the connection our store */
        curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
        curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, ssl_ctx_setup);
        curl_easy_setopt(e, CURLOPT_SSL_CTX_DATA, x);
    }
    if (d->o.events)
        x->lost_at_start = mptcp_events_lost(d->o.events);
    x->res.started_us = wall_us();
    CURLMcode mc = curl_multi_add_handle(d->multi, e);
    if (mc != CURLM_OK) {
        snprintf(err, errlen, "curl_multi_add_handle: %s", curl_multi_strerror(mc));
        curl_easy_cleanup(e);
        curl_slist_free_all(x->connect_to);
        free(x);
        return -1;
    }
    x->next = d->all;
    if (d->all)
        d->all->prev = x;
    d->all = x;
    d->active++;
    return 0;
}

int http_driver_step(struct http_driver *d, uint64_t wait_ns)
{
    uint64_t now = mono_ns();
    uint64_t due = now + wait_ns;
    if (d->curl_due_ns && d->curl_due_ns < due)
        due = d->curl_due_ns;
    for (struct xfer *x = d->linger_head; x; x = x->linger_next)
        if (x->linger_due_ns < due)
            due = x->linger_due_ns;
    uint64_t dt = due > now ? due - now : 0;
    struct timespec ts = {(time_t)(dt / 1000000000ull), (long)(dt % 1000000000ull)};
    struct epoll_event evs[256];
    int n = epoll_pwait2(d->ep, evs, 256, &ts, NULL);
    if (n < 0) {
        if (errno != EINTR)
            return -1;
        n = 0;
    }
    int running;
    bool woke = false;
    for (int i = 0; i < n; i++) {
        uint64_t tag = evs[i].data.u64 >> 32;
        int fd = (int)(uint32_t)evs[i].data.u64;
        if (tag == TAG_WAKE) {
            woke = true;
        } else {
            int mask = (evs[i].events & EPOLLIN ? CURL_CSELECT_IN : 0) | (evs[i].events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
                       (evs[i].events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
            curl_multi_socket_action(d->multi, fd, mask, &running);
        }
    }
    now = mono_ns();
    if (d->curl_due_ns && d->curl_due_ns <= now) {
        d->curl_due_ns = 0;
        curl_multi_socket_action(d->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    }
    read_done(d);
    now = mono_ns();
    run_lingers(d, now, false);
    if (d->o.events && now - d->events_drained_ns > 1000000000ull) {
        mptcp_events_drain(d->o.events);
        d->events_drained_ns = now;
    }
    return woke ? 1 : 0;
}

size_t http_driver_active(const struct http_driver *d)
{
    return d->active;
}

void http_driver_abort(struct http_driver *d)
{
    read_done(d);
    for (struct xfer *x = d->all, *next; x; x = next) {
        next = x->next;
        if (!x->curl_done)
            on_done(x, CURLE_ABORTED_BY_CALLBACK, true);
    }
    run_lingers(d, 0, true);
}

void http_driver_free(struct http_driver *d)
{
    if (!d)
        return;
    if (d->multi) {
        for (struct xfer *x = d->all; x; x = x->next)
            if (x->easy && !x->curl_done)
                curl_multi_remove_handle(d->multi, x->easy);
        curl_multi_cleanup(d->multi);
    }
    for (struct xfer *x = d->linger_head; x; x = x->linger_next)
        if (x->fd_open)
            close(x->fd);
    while (d->all) {
        struct xfer *x = d->all;
        d->all = x->next;
        if (x->easy)
            curl_easy_cleanup(x->easy);
        if (x->fd_open && !x->lingering)
            close(x->fd);
        curl_slist_free_all(x->connect_to);
        free(x);
    }
    if (d->store)
        X509_STORE_free(d->store);
    if (d->ep >= 0)
        close(d->ep);
    free(d);
}
