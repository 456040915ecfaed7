/* in_zmap.c — imports ZMap CSV (tcp_synscan or any subset of its fields): responsive / closed per row; MPTCP verdicts are not derivable. */
#include <stdio.h>
#include <string.h>

#include "archive/in_fields.h"
#include "archive/ingest.h"
#include "archive/scan_sink.h"
#include "net/verdict.h"

int in_scan_zmap(struct import_ctx *c, char *err, size_t errlen);

/* ZMap rows: saddr (required), sport (else --port), classification
 * (synack | rst) or success (1 = SYN-ACK); with neither, ZMap's default
 * output filter (success = 1) kept only SYN-ACKs. repeat = 1 rows are
 * skipped; timestamp_str / timestamp_ts give the month. */
int in_scan_zmap(struct import_ctx *c, char *err, size_t errlen)
{
    struct rec_reader *r = c->r;
    int c_saddr = rec_reader_col(r, "saddr"), c_sport = rec_reader_col(r, "sport"),
        c_class = rec_reader_col(r, "classification"), c_success = rec_reader_col(r, "success"),
        c_repeat = rec_reader_col(r, "repeat"), c_tss = rec_reader_col(r, "timestamp_str"),
        c_tst = rec_reader_col(r, "timestamp_ts"), c_tsu = rec_reader_col(r, "timestamp_us"),
        c_ttl = rec_reader_col(r, "ttl"), c_win = rec_reader_col(r, "window");
    c->tool = "zmap";
    struct scan_sink *sink = scan_sink_new(c, err, errlen);
    if (!sink)
        return -1;
    int rc;
    while ((rc = ctx_next(c)) != 0) {
        if (rc < 0)
            continue;
        struct scan_row row;
        memset(&row, 0, sizeof row);
        row.mptcp_version = -1;
        row.mptcp_flags = -1;
        row.ttl = row.window = -1;
        row.ts = INT64_MIN;
        row.version = (int8_t)(c->o->probe_version >= -1 ? c->o->probe_version : -1);
        bool b;
        int k;
        if ((k = fld_bool(c, c_repeat, "repeat", &b)) < 0)
            continue;
        if (k && b) {
            c->res->skipped_rows++;
            continue;
        }
        if ((k = fld_addr(c, c_saddr, "saddr", row.addr, &row.family)) <= 0) {
            if (k == 0)
                fld_bad(c, "no saddr");
            continue;
        }
        uint64_t u;
        if ((k = fld_u64(c, c_sport, "sport", 1, 65535, &u)) < 0)
            continue;
        if (k == 0 && !c->o->port) {
            fld_bad(c, "no sport (give --port)");
            continue;
        }
        row.port = k ? (uint16_t)u : (uint16_t)c->o->port;
        const char *cls = fld_text(c, c_class);
        bool synack = true;
        if (cls) {
            if (!strcmp(cls, "rst"))
                synack = false;
            else if (strcmp(cls, "synack")) {
                fld_bad(c, "bad classification '%.40s' (synack or rst)", cls);
                continue;
            }
        } else if ((k = fld_bool(c, c_success, "success", &b)) < 0) {
            continue;
        } else if (k) {
            synack = b;
        }
        int64_t ts = INT64_MIN, us;
        if (fld_ts(c, c_tss, "timestamp_str", &ts) < 0)
            continue;
        if (ts == INT64_MIN) {
            if ((k = fld_ts(c, c_tst, "timestamp_ts", &ts)) < 0)
                continue;
            if (k && fld_i64(c, c_tsu, "timestamp_us", 0, 999999, &us) > 0)
                ts += us;
        }
        row.ts = ts;
        if (fld_u64(c, c_ttl, "ttl", 0, 255, &u) > 0)
            row.ttl = (int32_t)u;
        if (fld_u64(c, c_win, "window", 0, 65535, &u) > 0)
            row.window = (int32_t)u;
        row.synack = synack;
        /* the reply's options are not in a ZMap CSV: only a RST is certain */
        row.verdict = synack ? -1 : MPC_VERDICT_CLOSED;
        if (scan_sink_add(sink, &row, err, errlen) < 0) {
            scan_sink_free(sink);
            return -1;
        }
    }
    rc = scan_sink_finish(sink, err, errlen);
    const uint64_t *vc = scan_sink_verdict_counts(sink);
    snprintf(c->res->derived, sizeof c->res->derived,
             "zmap CSV: derived closed %llu (RST); not derivable: %llu SYN-ACKs (the file has no reply options:"
             " mptcp, mirrored, version-mismatch, malformed and tcp cannot be told apart)",
             (unsigned long long)vc[MPC_VERDICT_CLOSED], (unsigned long long)vc[MPC_VERDICT_COUNT]);
    scan_sink_free(sink);
    return rc;
}
