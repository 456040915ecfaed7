/* in_zmap.c — imports ZMap CSV (tcp_synscan or any subset of its fields): responsive / closed per row; MPTCP verdicts are not derivable. */
#include <stdio.h>
#include <string.h>

#include "archive/in_scan_row.h"
#include "archive/ingest.h"
#include "archive/scan_sink.h"
#include "net/verdict.h"

int in_scan_zmap(struct import_ctx *c, char *err, size_t errlen);

/* ZMap rows: the shared ZMap fields (in_scan_row.h) and nothing else. */
int in_scan_zmap(struct import_ctx *c, char *err, size_t errlen)
{
    struct zmap_cols cols;
    zmap_cols_find(c->r, &cols);
    c->tool = "zmap";
    struct scan_sink *sink = scan_sink_new(c, err, errlen);
    if (!sink)
        return -1;
    int8_t probe_version = (int8_t)(c->o->probe_version >= -1 ? c->o->probe_version : -1);
    int rc;
    while ((rc = ctx_next(c)) != 0) {
        struct scan_row row;
        if (rc < 0 || !zmap_row_read(c, &cols, probe_version, &row))
            continue;
        /* the reply's options are not in a ZMap CSV: only a RST is certain */
        row.verdict = row.synack ? -1 : MPC_VERDICT_CLOSED;
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
