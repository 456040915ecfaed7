/* in_trace.c — imports `mpcensus trace` output (JSON lines or CSV): one class per (target, port, probe version). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive/in_fields.h"
#include "archive/ingest.h"
#include "archive/summary.h"

/* The closed class set of issue 9 / README trace section. */
static const char *const trace_classes[] = {"mptcp", "middlebox", "no-mptcp", "unreachable", NULL};

static bool known_class(const char *s)
{
    for (size_t i = 0; trace_classes[i]; i++)
        if (!strcmp(s, trace_classes[i]))
            return true;
    return false;
}

int in_trace_records(struct import_ctx *c, char *err, size_t errlen)
{
    struct rec_reader *r = c->r;
    int c_target = rec_reader_col(r, "target"), c_port = rec_reader_col(r, "port"),
        c_pv = rec_reader_col(r, "probe_version"), c_class = rec_reader_col(r, "class"),
        c_hop = rec_reader_col(r, "hop"), c_changes = rec_reader_col(r, "changes"),
        c_dest = rec_reader_col(r, "dest_hops"), c_hops = rec_reader_col(r, "hops"),
        c_ts = rec_reader_col(r, "timestamp");
    c->tool = "mpcensus trace";
    sqlite3_stmt *ins = db_prepare(c->a, "INSERT OR REPLACE INTO trace_rows VALUES(?,?,?,?,?,?,?,?,?,?,?)", err, errlen);
    if (!ins)
        return -1;
    struct scan_part parts[64];
    size_t n_parts = 0;
    unsigned fam = 0, vers = 0;
    /* rows wait until the month is known (a timestamp may come later than row 1) */
    int rc;
    while ((rc = ctx_next(c)) != 0) {
        if (rc < 0)
            continue;
        uint8_t addr[16], family;
        uint16_t port;
        if (!fld_target(c, c_target, c_port, true, addr, &family, &port))
            continue;
        int k;
        uint64_t pv;
        if ((k = fld_u64(c, c_pv, "probe_version", 0, 1, &pv)) <= 0) {
            if (k == 0 && c->o->probe_version >= 0)
                pv = (uint64_t)c->o->probe_version;
            else {
                if (k == 0)
                    fld_bad(c, "no probe_version (give --probe-version)");
                continue;
            }
        }
        const char *cls = fld_text(c, c_class);
        if (!cls || !known_class(cls)) {
            fld_bad(c, "bad class '%.40s' (mptcp, middlebox, no-mptcp, unreachable)", cls ? cls : "");
            continue;
        }
        int64_t hop = -1, dest = -1, ts = INT64_MIN;
        if (fld_i64(c, c_hop, "hop", 0, 255, &hop) < 0 || fld_i64(c, c_dest, "dest_hops", 0, 255, &dest) < 0 ||
            fld_ts(c, c_ts, "timestamp", &ts) < 0)
            continue;
        ctx_seen_ts(c, ts);
        if (!ctx_month(c, ts)) {
            snprintf(err, errlen, "no timestamps to tell the month from: give --month YYYY-MM or --date YYYY-MM-DD");
            sqlite3_finalize(ins);
            return -1;
        }
        sqlite3_bind_blob(ins, 1, addr, family == 4 ? 4 : 16, SQLITE_TRANSIENT);
        sqlite3_bind_int(ins, 2, (int)port);
        sqlite3_bind_int(ins, 3, (int)pv);
        sqlite3_bind_int(ins, 4, c->month);
        sqlite3_bind_int64(ins, 5, c->file_id);
        sqlite3_bind_int(ins, 6, family);
        sqlite3_bind_text(ins, 7, cls, -1, SQLITE_TRANSIENT);
        db_bind_int_if(ins, 8, hop >= 0, hop);
        db_bind_text_or_null(ins, 9, fld_text(c, c_changes));
        db_bind_int_if(ins, 10, dest >= 0, dest);
        db_bind_text_or_null(ins, 11, fld_text(c, c_hops));
        if (db_step_row(c->a, ins, "a trace row", err, errlen) < 0) {
            sqlite3_finalize(ins);
            return -1;
        }
        c->res->rows++;
        fam |= family == 4 ? 1u : 2u;
        vers |= 1u << pv;
        size_t i;
        for (i = 0; i < n_parts; i++)
            if (parts[i].version == (int)pv && parts[i].family == family && parts[i].port == (int)port)
                break;
        if (i == n_parts && n_parts < sizeof parts / sizeof parts[0])
            parts[n_parts++] = (struct scan_part){(int)pv, family, (int)port};
    }
    sqlite3_finalize(ins);
    if (c->month < 0)
        return 0;
    c->probe_version = __builtin_popcount(vers) == 1 ? __builtin_ctz(vers) : vers ? -3 : -2;
    ctx_set_families(c, fam);
    if (n_parts == sizeof parts / sizeof parts[0]) {
        /* many ports: refresh every partition of the archive */
        sqlite3_stmt *st = db_prepare(c->a, "SELECT DISTINCT version, family, port FROM month_summary", err, errlen);
        if (!st)
            return -1;
        struct scan_part *all = NULL;
        size_t n = 0, cap = 0;
        while (sqlite3_step(st) == SQLITE_ROW) {
            if (n == cap) {
                cap = cap ? 2 * cap : 64;
                struct scan_part *na = realloc(all, cap * sizeof *na);
                if (!na)
                    break;
                all = na;
            }
            all[n++] = (struct scan_part){sqlite3_column_int(st, 0), sqlite3_column_int(st, 1),
                                          sqlite3_column_int(st, 2)};
        }
        sqlite3_finalize(st);
        int rc2 = summary_refresh_traces(c->a, c->month, all, n, err, errlen);
        free(all);
        return rc2;
    }
    return summary_refresh_traces(c->a, c->month, parts, n_parts, err, errlen);
}
