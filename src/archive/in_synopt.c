/* in_synopt.c — imports the MPTCP ZMap fork's tcp_synopt CSV: verdicts derived from optionshex with the scanner's own rule (net/verdict). */
#include <stdio.h>
#include <string.h>

#include "archive/in_fields.h"
#include "archive/in_scan_row.h"
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
    struct zmap_cols cols;
    zmap_cols_find(c->r, &cols);
    int c_opts = rec_reader_col(c->r, "optionshex");
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
        struct scan_row row;
        if (rc < 0 || !zmap_row_read(c, &cols, (int8_t)c->o->probe_version, &row))
            continue;
        uint8_t opts[64];
        size_t olen = 0;
        int k;
        if ((k = fld_hex(c, c_opts, "optionshex", opts, sizeof opts, &olen)) < 0)
            continue;
        if (!row.synack) {
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
