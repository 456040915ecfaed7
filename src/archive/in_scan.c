/* in_scan.c — imports `mpcensus scan` output (CSV or JSON lines): the scanner's verdicts, or derived from mptcp_option when absent. */
#include <stdio.h>
#include <string.h>

#include "archive/in_fields.h"
#include "archive/in_scan_row.h"
#include "archive/ingest.h"
#include "archive/scan_sink.h"
#include "cli/args.h"
#include "net/verdict.h"

int in_scan_mpcensus(struct import_ctx *c, char *err, size_t errlen);

int in_scan_mpcensus(struct import_ctx *c, char *err, size_t errlen)
{
    struct rec_reader *r = c->r;
    struct scan_cols cols;
    scan_cols_find(r, &cols);
    int c_class = rec_reader_col(r, "classification"), c_pv = rec_reader_col(r, "probe_version"),
        c_opt = rec_reader_col(r, "mptcp_option"), c_mv = rec_reader_col(r, "mptcp_version"),
        c_mf = rec_reader_col(r, "mptcp_flags"), c_key = rec_reader_col(r, "mptcp_key"),
        c_verdict = rec_reader_col(r, "verdict"), c_ts = rec_reader_col(r, "timestamp");
    bool has_pv = rec_reader_has(r, "probe_version");
    c->tool = "mpcensus scan";
    struct scan_sink *sink = scan_sink_new(c, err, errlen);
    if (!sink)
        return -1;
    int rc;
    uint64_t derived = 0;
    while ((rc = ctx_next(c)) != 0) {
        struct scan_row row;
        if (rc < 0 || !scan_row_begin(c, &cols, -1, &row))
            continue;
        uint64_t u;
        int k;
        int64_t pv = c->o->probe_version >= -1 ? c->o->probe_version : -1;
        if (has_pv && (k = fld_i64(c, c_pv, "probe_version", 0, 1, &pv)) < 0)
            continue;
        if (has_pv && k == 0)
            pv = -1;   /* written empty for tcp_syn probes */
        row.version = (int8_t)pv;
        if (fld_ts(c, c_ts, "timestamp", &row.ts) < 0)
            continue;
        size_t olen = 0;
        if ((k = fld_hex(c, c_opt, "mptcp_option", row.opt, sizeof row.opt, &olen)) < 0)
            continue;
        row.opt_len = (uint8_t)olen;
        if ((k = fld_u64(c, c_mv, "mptcp_version", 0, 15, &u)) < 0)
            continue;
        if (k)
            row.mptcp_version = (int8_t)u;
        if ((k = fld_u64(c, c_mf, "mptcp_flags", 0, 255, &u)) < 0)
            continue;
        if (k)
            row.mptcp_flags = (int16_t)u;
        const char *kt = fld_text(c, c_key);
        if (kt) {
            char why[128];
            if (!args_parse_key64(kt, &row.key, why, sizeof why)) {
                fld_bad(c, "bad mptcp_key '%.40s': %s", kt, why);
                continue;
            }
            row.has_key = 1;
        }
        const char *cls = fld_text(c, c_class);
        const char *vt = fld_text(c, c_verdict);
        int v = -1;
        if (vt && (v = mpc_verdict_from_name(vt)) < 0) {
            fld_bad(c, "bad verdict '%.40s' (mptcp, mirrored, version-mismatch, malformed, tcp, closed)", vt);
            continue;
        }
        if (cls && strcmp(cls, "synack") && strcmp(cls, "rst")) {
            fld_bad(c, "bad classification '%.40s' (synack or rst)", cls);
            continue;
        }
        bool rst = cls ? !strcmp(cls, "rst") : v == MPC_VERDICT_CLOSED;
        if (v < 0 && (cls || row.opt_len)) {
            /* no verdict column: the scanner's rule over the option it recorded */
            struct probe_sig sig;
            mpc_probe_sig_static(row.version, c->o->key, -1, &sig);
            struct mptcp_capable mpc;
            bool found;
            v = (int)mpc_verdict_of_options(rst, row.opt, row.opt_len, &sig, &mpc, &found);
            derived++;
        }
        if (v == MPC_VERDICT_CLOSED)
            rst = true;
        if (v < 0) {
            fld_bad(c, "no verdict, classification or mptcp_option: cannot tell what answered");
            continue;
        }
        row.verdict = (int8_t)v;
        row.synack = !rst;
        if (rst && v != MPC_VERDICT_CLOSED) {
            fld_bad(c, "verdict %s for a RST", mpc_verdict_name((enum mpc_verdict)v));
            continue;
        }
        if (scan_sink_add(sink, &row, err, errlen) < 0) {
            scan_sink_free(sink);
            return -1;
        }
    }
    rc = scan_sink_finish(sink, err, errlen);
    /* the scanner's default key unless --key said otherwise (the CSV does not carry it) */
    if (c->probe_version == 0 || c->probe_version == -3)
        snprintf(c->probe_key, sizeof c->probe_key, "%016llx", (unsigned long long)c->o->key);
    if (derived)
        snprintf(c->res->derived, sizeof c->res->derived,
                 "%llu verdicts derived from mptcp_option (no verdict column), probe key %s",
                 (unsigned long long)derived, c->probe_key);
    scan_sink_free(sink);
    return rc;
}

int in_scan_zmap(struct import_ctx *c, char *err, size_t errlen);
int in_scan_synopt(struct import_ctx *c, char *err, size_t errlen);

int in_scan_records(struct import_ctx *c, enum in_format f, char *err, size_t errlen)
{
    switch (f) {
    case IN_ZMAP: return in_scan_zmap(c, err, errlen);
    case IN_SYNOPT: return in_scan_synopt(c, err, errlen);
    default: return in_scan_mpcensus(c, err, errlen);
    }
}
