/* http_output.c — formats one transfer's result as an `http` record (CSV / JSON lines through io/record). */
#include "http/http_output.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "io/json.h"
#include "io/utc_time.h"

enum {
    F_TARGET, F_PORT, F_SCHEME, F_HOST, F_RUN, F_TRANSPORT, F_LABEL,
    F_MPTCP_ACTIVE, F_MPTCP_AT_CONNECT, F_FALLBACK, F_SUBFLOWS, F_ADD_ADDR, F_ADD_ADDR_ACCEPTED,
    F_ADD_ADDR_COMPLETE, F_ANNOUNCED, F_PATHS, F_TOKEN,
    F_CONNECT_MS, F_TLS_MS, F_TTFB_MS, F_TOTAL_MS, F_HTTP_STATUS, F_BYTES, F_TLS_VERIFY,
    F_LOCAL_ADDR, F_LOCAL_PORT, F_INFO_ERRNO, F_ERROR, F_TIMESTAMP, F_COUNT
};

static const struct rec_field fields[F_COUNT] = {
    [F_TARGET] = {"target", REC_STR, "server address"},
    [F_PORT] = {"port", REC_NUM, "server port"},
    [F_SCHEME] = {"scheme", REC_STR, "http or https"},
    [F_HOST] = {"host", REC_STR, "Host header and TLS SNI (--host); null: the address"},
    [F_RUN] = {"run", REC_NUM, "run number, 1..--runs; the mptcp and tcp transfers of one run start together"},
    [F_TRANSPORT] = {"transport", REC_STR, "mptcp (socket IPPROTO_MPTCP) or tcp (IPPROTO_TCP)"},
    [F_LABEL] = {"label", REC_STR, "class (trace) or verdict (scan) of the input row the target came from"},
    [F_MPTCP_ACTIVE] = {"mptcp_active", REC_BOOL,
                        "the kernel says the connection was MPTCP when the transfer ended (remote key received, no "
                        "fallback); false for tcp; null when it never connected"},
    [F_MPTCP_AT_CONNECT] = {"mptcp_at_connect", REC_BOOL, "the same, asked right after the TCP/TLS handshake"},
    [F_FALLBACK] = {"fallback", REC_BOOL,
                    "mptcp transfer that ended as plain TCP (SYN-ACK without MP_CAPABLE, or a later fallback); null "
                    "for tcp and when it never connected"},
    [F_SUBFLOWS] = {"subflows", REC_NUM, "TCP subflows at the end, the initial one included (1 for TCP and fallback)"},
    [F_ADD_ADDR] = {"add_addr", REC_NUM,
                    "distinct addresses the server announced (ADD_ADDR), from the kernel's MPTCP netlink events; "
                    "without them: the ones our path manager accepted"},
    [F_ADD_ADDR_ACCEPTED] = {"add_addr_accepted", REC_NUM, "announced addresses our path manager accepted (MPTCP_INFO)"},
    [F_ADD_ADDR_COMPLETE] = {"add_addr_complete", REC_BOOL,
                             "every netlink event of the connection was seen (false: events not available or lost)"},
    [F_ANNOUNCED] = {"announced", REC_JSON, "the announced addresses, a JSON array"},
    [F_PATHS] = {"paths", REC_JSON,
                 "subflows at the end, [{\"local\":ADDR:PORT,\"remote\":ADDR:PORT}] (MPTCP_FULL_INFO, Linux 6.5+)"},
    [F_TOKEN] = {"token", REC_STR, "local MPTCP connection token (8 hex digits)"},
    [F_CONNECT_MS] = {"connect_ms", REC_NUM, "TCP handshake done, ms from the start (curl %{time_connect})"},
    [F_TLS_MS] = {"tls_ms", REC_NUM, "TLS handshake duration, ms (curl %{time_appconnect} - %{time_connect}); null for http"},
    [F_TTFB_MS] = {"ttfb_ms", REC_NUM, "first response byte, ms from the start (curl %{time_starttransfer})"},
    [F_TOTAL_MS] = {"total_ms", REC_NUM, "transfer done or failed, ms from the start (curl %{time_total})"},
    [F_HTTP_STATUS] = {"http_status", REC_NUM, "HTTP status code; null without a response"},
    [F_BYTES] = {"bytes", REC_NUM, "response body bytes received"},
    [F_TLS_VERIFY] = {"tls_verify", REC_STR,
                      "certificate verdict: ok or the X.509 error (the transfer goes on unless --verify); null for http"},
    [F_LOCAL_ADDR] = {"local_addr", REC_STR, "our address of the initial subflow"},
    [F_LOCAL_PORT] = {"local_port", REC_NUM, "our port of the initial subflow"},
    [F_INFO_ERRNO] = {"info_errno", REC_STR,
                      "answer of getsockopt(SOL_MPTCP, MPTCP_[FULL_]INFO) at the end: ok, EOPNOTSUPP / ENOPROTOOPT "
                      "(fallback: IPv4 / IPv6), ...; null for tcp"},
    [F_ERROR] = {"error", REC_STR, "null on success, else CLASS: detail (see README)"},
    [F_TIMESTAMP] = {"timestamp", REC_STR, "UTC start time of the transfer, microseconds (the name scan and trace use)"},
};

const struct rec_schema http_schema = {"http", fields, F_COUNT};

static const struct mptcp_view *final_view(const struct http_result *r)
{
    if (r->at_end.valid && r->at_end.known)
        return &r->at_end;
    if (r->at_connect.valid && r->at_connect.known)
        return &r->at_connect;
    return NULL;
}

bool http_result_mptcp_active(const struct http_result *r)
{
    const struct mptcp_view *v = final_view(r);
    return r->req->mptcp && r->connected && v && v->mptcp;
}

bool http_result_fallback(const struct http_result *r)
{
    const struct mptcp_view *v = final_view(r);
    return r->req->mptcp && r->connected && v && v->fallback;
}

static void set_ms(struct rec_writer *w, unsigned f, double v)
{
    if (isnan(v))
        rec_set_null(w, f);
    else
        rec_set_double(w, f, v, 3);
}

static void endpoint_text(const struct ip_addr *a, uint16_t port, char *buf, size_t len)
{
    char t[IP_ADDR_STRLEN];
    ip_addr_format(a, t, sizeof t);
    snprintf(buf, len, a->family == AF_INET6 ? "[%s]:%u" : "%s:%u", t, port);
}

static void set_mptcp_fields(struct rec_writer *w, const struct http_result *r)
{
    const struct mptcp_view *v = final_view(r);
    bool mptcp = r->req->mptcp;
    if (!r->connected || !v) {
        rec_set_null(w, F_MPTCP_ACTIVE);
        rec_set_null(w, F_FALLBACK);
        rec_set_null(w, F_SUBFLOWS);
        rec_set_null(w, F_ADD_ADDR);
        rec_set_null(w, F_ADD_ADDR_ACCEPTED);
        rec_set_null(w, F_MPTCP_AT_CONNECT);
    } else {
        rec_set_bool(w, F_MPTCP_ACTIVE, mptcp && v->mptcp);
        if (mptcp)
            rec_set_bool(w, F_FALLBACK, v->fallback);
        else
            rec_set_null(w, F_FALLBACK);
        rec_set_u64(w, F_SUBFLOWS, v->subflows);
        if (r->at_connect.valid && r->at_connect.known)
            rec_set_bool(w, F_MPTCP_AT_CONNECT, mptcp && r->at_connect.mptcp);
        else
            rec_set_null(w, F_MPTCP_AT_CONNECT);
        if (mptcp) {
            unsigned accepted = v->add_addr_accepted;
            unsigned announced = r->has_events && r->events.announced > accepted ? r->events.announced : accepted;
            rec_set_u64(w, F_ADD_ADDR, announced);
            rec_set_u64(w, F_ADD_ADDR_ACCEPTED, accepted);
        } else {
            rec_set_null(w, F_ADD_ADDR);
            rec_set_null(w, F_ADD_ADDR_ACCEPTED);
        }
    }
    if (mptcp && r->connected && v && v->mptcp) {
        rec_set_bool(w, F_ADD_ADDR_COMPLETE, r->has_events && !r->events_lost);
        char tok[16];
        snprintf(tok, sizeof tok, "%08x", v->token);
        rec_set_str(w, F_TOKEN, tok);
    } else {
        rec_set_null(w, F_ADD_ADDR_COMPLETE);
        rec_set_null(w, F_TOKEN);
    }
    if (mptcp)
        rec_set_str(w, F_INFO_ERRNO, r->at_end.valid ? mptcp_errno_name(r->at_end.info_errno) : NULL);
    else
        rec_set_null(w, F_INFO_ERRNO);

    char t[IP_ADDR_STRLEN + 8];
    if (rec_selected(w, F_ANNOUNCED)) {
        if (mptcp && r->connected && v && v->mptcp && r->has_events) {
            struct json j;
            json_init(&j);
            json_arr_begin(&j, JSON_COMPACT);
            for (unsigned i = 0; i < r->events.n_addrs; i++)
                json_str(&j, ip_addr_format(&r->events.addrs[i].addr, t, sizeof t));
            json_arr_end(&j);
            rec_set_json(w, F_ANNOUNCED, json_data(&j), json_len(&j));
            json_free(&j);
        } else {
            rec_set_null(w, F_ANNOUNCED);
        }
    }
    if (rec_selected(w, F_PATHS)) {
        const struct mptcp_view *pv = r->at_end.has_paths ? &r->at_end : NULL;
        if (mptcp && r->connected && pv && pv->mptcp) {
            struct json j;
            json_init(&j);
            json_arr_begin(&j, JSON_COMPACT);
            for (unsigned i = 0; i < pv->n_paths; i++) {
                json_obj_begin(&j, JSON_COMPACT);
                endpoint_text(&pv->paths[i].local, pv->paths[i].local_port, t, sizeof t);
                json_kv_str(&j, "local", t);
                endpoint_text(&pv->paths[i].remote, pv->paths[i].remote_port, t, sizeof t);
                json_kv_str(&j, "remote", t);
                json_obj_end(&j);
            }
            json_arr_end(&j);
            rec_set_json(w, F_PATHS, json_data(&j), json_len(&j));
            json_free(&j);
        } else {
            rec_set_null(w, F_PATHS);
        }
    }
}

int http_output_write(struct rec_writer *w, const struct http_target *tg, unsigned run, const char *host,
                      const struct http_result *r)
{
    char t[IP_ADDR_STRLEN];
    rec_set_str(w, F_TARGET, ip_addr_format(&tg->addr, t, sizeof t));
    rec_set_u64(w, F_PORT, tg->port);
    rec_set_str(w, F_SCHEME, tg->tls ? "https" : "http");
    rec_set_str(w, F_HOST, host);
    rec_set_u64(w, F_RUN, run);
    rec_set_str(w, F_TRANSPORT, r->req->mptcp ? "mptcp" : "tcp");
    rec_set_str(w, F_LABEL, tg->label);
    set_mptcp_fields(w, r);
    set_ms(w, F_CONNECT_MS, r->connect_ms);
    set_ms(w, F_TLS_MS, tg->tls && !isnan(r->appconnect_ms) && !isnan(r->connect_ms) ? r->appconnect_ms - r->connect_ms
                                                                                      : NAN);
    set_ms(w, F_TTFB_MS, r->starttransfer_ms);
    set_ms(w, F_TOTAL_MS, r->total_ms);
    if (r->http_status > 0)
        rec_set_u64(w, F_HTTP_STATUS, (uint64_t)r->http_status);
    else
        rec_set_null(w, F_HTTP_STATUS);
    rec_set_u64(w, F_BYTES, r->body_bytes);
    rec_set_str(w, F_TLS_VERIFY, tg->tls && r->tls_verify[0] ? r->tls_verify : NULL);
    if (r->has_local) {
        rec_set_str(w, F_LOCAL_ADDR, ip_addr_format(&r->local, t, sizeof t));
        rec_set_u64(w, F_LOCAL_PORT, r->local_port);
    } else {
        rec_set_null(w, F_LOCAL_ADDR);
        rec_set_null(w, F_LOCAL_PORT);
    }
    rec_set_str(w, F_ERROR, r->error == HTTP_OK ? NULL : r->error_text);
    char st[48];
    utc_usec_format((int64_t)r->started_us, st, sizeof st);
    rec_set_str(w, F_TIMESTAMP, st);
    return rec_emit(w);
}
