/* in_synopt.c — imports the MPTCP ZMap fork's tcp_synopt CSV: verdicts derived from optionshex with the scanner's own rule (net/verdict). */
#include <stdio.h>
#include <string.h>

#include "archive/in_fields.h"
#include "archive/ingest.h"
#include "archive/scan_sink.h"
#include "net/mptcp.h"
#include "net/verdict.h"

int in_scan_synopt(struct import_ctx *c, char *err, size_t errlen);

/* The fork's own mptcpkey / mptcpdiff fields are ignored: it reads 8 key
 * bytes after any MP_CAPABLE, so v1 mirrors, version mismatches and 8-byte
 * options come out as "own key". The option area in optionshex is decoded
 * with mptcp_capable_find and judged by mpc_verdict_of against the probe
 * given by --probe-version / --key, exactly as `scan` judges a reply. */
int in_scan_synopt(struct import_ctx *c, char *err, size_t errlen)
{
    if (c->o->probe_version < 0) {
        snprintf(err, errlen,
                 "a tcp_synopt file does not say what was sent: give --probe-version 0|1 (and --key HEX for v0 if "
                 "not 0c0c0c0c0c0c0c0c)");
        return -1;
    }
    struct rec_reader *r = c->r;
    int c_saddr = rec_reader_col(r, "saddr"), c_sport = rec_reader_col(r, "sport"),
        c_opts = rec_reader_col(r, "optionshex"), c_class = rec_reader_col(r, "classification"),
        c_success = rec_reader_col(r, "success"), c_repeat = rec_reader_col(r, "repeat"),
        c_tss = rec_reader_col(r, "timestamp_str"), c_tst = rec_reader_col(r, "timestamp_ts"),
        c_ttl = rec_reader_col(r, "ttl"), c_win = rec_reader_col(r, "window");
    c->tool = "zmap tcp_synopt";
    struct probe_sig sig;
    mpc_probe_sig_static(c->o->probe_version, c->o->key, -1, &sig);
    if (c->o->probe_version == 0)
        snprintf(c->probe_key, sizeof c->probe_key, "%016llx", (unsigned long long)c->o->key);
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
        row.version = (int8_t)c->o->probe_version;
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
        int64_t ts = INT64_MIN;
        if (fld_ts(c, c_tss, "timestamp_str", &ts) < 0)
            continue;
        if (ts == INT64_MIN && fld_ts(c, c_tst, "timestamp_ts", &ts) < 0)
            continue;
        row.ts = ts;
        if (fld_u64(c, c_ttl, "ttl", 0, 255, &u) > 0)
            row.ttl = (int32_t)u;
        if (fld_u64(c, c_win, "window", 0, 65535, &u) > 0)
            row.window = (int32_t)u;
        row.synack = synack;
        uint8_t opts[64];
        size_t olen = 0;
        if ((k = fld_hex(c, c_opts, "optionshex", opts, sizeof opts, &olen)) < 0)
            continue;
        if (!synack) {
            row.verdict = MPC_VERDICT_CLOSED;
        } else if (k == 0) {
            row.verdict = -1;   /* no option area recorded for this row */
        } else {
            struct mptcp_capable mpc;
            bool found;
            row.verdict = (int8_t)mpc_verdict_of_options(false, opts, olen, &sig, &mpc, &found);
            if (found) {
                row.mptcp_version = (int8_t)mpc.version;
                row.mptcp_flags = mpc.has_flags ? mpc.flags : -1;
                if (!mpc.cut && mpc.has_sender_key) {
                    row.has_key = 1;
                    row.key = mpc.sender_key;
                }
                row.opt_len = (uint8_t)(mpc.avail < sizeof row.opt ? mpc.avail : sizeof row.opt);
                memcpy(row.opt, mpc.raw, row.opt_len);
            }
        }
        if (scan_sink_add(sink, &row, err, errlen) < 0) {
            scan_sink_free(sink);
            return -1;
        }
    }
    rc = scan_sink_finish(sink, err, errlen);
    const uint64_t *vc = scan_sink_verdict_counts(sink);
    size_t len = (size_t)snprintf(c->res->derived, sizeof c->res->derived,
                                  "tcp_synopt: verdicts from optionshex, probe v%d%s%s:", c->o->probe_version,
                                  c->o->probe_version == 0 ? " key " : "", c->o->probe_version == 0 ? c->probe_key : "");
    for (int v = 0; v < MPC_VERDICT_COUNT && len < sizeof c->res->derived; v++)
        len += (size_t)snprintf(c->res->derived + len, sizeof c->res->derived - len, " %s %llu",
                                mpc_verdict_name((enum mpc_verdict)v), (unsigned long long)vc[v]);
    if (len < sizeof c->res->derived)
        snprintf(c->res->derived + len, sizeof c->res->derived - len, "; not derivable: %llu (no optionshex)",
                 (unsigned long long)vc[MPC_VERDICT_COUNT]);
    scan_sink_free(sink);
    return rc;
}
