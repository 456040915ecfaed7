/* in_http.c — imports `mpcensus http` per-run rows (CSV or JSON lines): timings over MPTCP and TCP per target. */
#include <stdio.h>
#include <string.h>

#include "archive/in_fields.h"
#include "archive/ingest.h"

int in_http_records(struct import_ctx *c, char *err, size_t errlen)
{
    struct rec_reader *r = c->r;
    int c_target = rec_reader_col(r, "target"), c_port = rec_reader_col(r, "port"),
        c_scheme = rec_reader_col(r, "scheme"), c_run = rec_reader_col(r, "run"),
        c_tr = rec_reader_col(r, "transport"), c_act = rec_reader_col(r, "mptcp_active"),
        c_fb = rec_reader_col(r, "fallback"), c_sub = rec_reader_col(r, "subflows"),
        c_aa = rec_reader_col(r, "add_addr"), c_conn = rec_reader_col(r, "connect_ms"),
        c_tls = rec_reader_col(r, "tls_ms"), c_ttfb = rec_reader_col(r, "ttfb_ms"),
        c_total = rec_reader_col(r, "total_ms"), c_status = rec_reader_col(r, "http_status"),
        c_bytes = rec_reader_col(r, "bytes"), c_error = rec_reader_col(r, "error"),
        c_ts = rec_reader_col(r, "timestamp");
    c->tool = "mpcensus http";
    sqlite3_stmt *ins = db_prepare(c->a, "INSERT INTO http_rows VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", err,
                                   errlen);
    if (!ins)
        return -1;
    unsigned fam = 0;
    int rc;
    while ((rc = ctx_next(c)) != 0) {
        if (rc < 0)
            continue;
        uint8_t addr[16], family;
        uint16_t port;
        if (!fld_target(c, c_target, c_port, false, addr, &family, &port))
            continue;
        uint64_t run = 0, sub = 0, aa = 0, status = 0, bytes = 0;
        const char *tr = fld_text(c, c_tr);
        if (!tr || (strcmp(tr, "mptcp") && strcmp(tr, "tcp"))) {
            fld_bad(c, "bad transport '%.40s' (mptcp or tcp)", tr ? tr : "");
            continue;
        }
        bool act = false, fb = false;
        double conn = 0, tls = 0, ttfb = 0, total = 0;
        int64_t ts = INT64_MIN;
        int k_run, k_act, k_fb, k_sub, k_aa, k_conn, k_tls, k_ttfb, k_total, k_status, k_bytes;
        if ((k_run = fld_u64(c, c_run, "run", 0, UINT32_MAX, &run)) < 0 ||
            (k_act = fld_bool(c, c_act, "mptcp_active", &act)) < 0 ||
            (k_fb = fld_bool(c, c_fb, "fallback", &fb)) < 0 ||
            (k_sub = fld_u64(c, c_sub, "subflows", 0, UINT32_MAX, &sub)) < 0 ||
            (k_aa = fld_u64(c, c_aa, "add_addr", 0, UINT32_MAX, &aa)) < 0 ||
            (k_conn = fld_double(c, c_conn, "connect_ms", &conn)) < 0 ||
            (k_tls = fld_double(c, c_tls, "tls_ms", &tls)) < 0 ||
            (k_ttfb = fld_double(c, c_ttfb, "ttfb_ms", &ttfb)) < 0 ||
            (k_total = fld_double(c, c_total, "total_ms", &total)) < 0 ||
            (k_status = fld_u64(c, c_status, "http_status", 0, 999, &status)) < 0 ||
            (k_bytes = fld_u64(c, c_bytes, "bytes", 0, UINT64_MAX >> 1, &bytes)) < 0 ||
            fld_ts(c, c_ts, "timestamp", &ts) < 0)
            continue;
        ctx_seen_ts(c, ts);
        if (!ctx_month(c, ts)) {
            snprintf(err, errlen, "no timestamps to tell the month from: give --month YYYY-MM or --date YYYY-MM-DD");
            sqlite3_finalize(ins);
            return -1;
        }
        const char *scheme = fld_text(c, c_scheme), *error = fld_text(c, c_error);
        sqlite3_bind_int64(ins, 1, c->file_id);
        sqlite3_bind_int(ins, 2, c->month);
        sqlite3_bind_blob(ins, 3, addr, family == 4 ? 4 : 16, SQLITE_TRANSIENT);
        sqlite3_bind_int(ins, 4, family);
        sqlite3_bind_int(ins, 5, (int)port);
        if (scheme)
            sqlite3_bind_text(ins, 6, scheme, -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_text(ins, 6, port == 443 ? "https" : "http", -1, SQLITE_STATIC);
        db_bind_int_if(ins, 7, k_run, (int64_t)run);
        sqlite3_bind_text(ins, 8, tr, -1, SQLITE_TRANSIENT);
        db_bind_int_if(ins, 9, k_act, act);
        db_bind_int_if(ins, 10, k_fb, fb);
        db_bind_int_if(ins, 11, k_sub, (int64_t)sub);
        db_bind_int_if(ins, 12, k_aa, (int64_t)aa);
        db_bind_double_if(ins, 13, k_conn, conn);
        db_bind_double_if(ins, 14, k_tls, tls);
        db_bind_double_if(ins, 15, k_ttfb, ttfb);
        db_bind_double_if(ins, 16, k_total, total);
        db_bind_int_if(ins, 17, k_status, (int64_t)status);
        db_bind_int_if(ins, 18, k_bytes, (int64_t)bytes);
        db_bind_text_or_null(ins, 19, error);
        if (db_step_row(c->a, ins, "an http row", err, errlen) < 0) {
            sqlite3_finalize(ins);
            return -1;
        }
        c->res->rows++;
        fam |= family == 4 ? 1u : 2u;
    }
    sqlite3_finalize(ins);
    ctx_set_families(c, fam);
    return 0;
}
