/* in_scan_row.c — reads the fields all scan-like imports share into a scan_row (see in_scan_row.h). */
#include "archive/in_scan_row.h"

#include <string.h>

#include "archive/in_fields.h"

void scan_cols_find(struct rec_reader *r, struct scan_cols *k)
{
    k->saddr = rec_reader_col(r, "saddr");
    k->sport = rec_reader_col(r, "sport");
    k->repeat = rec_reader_col(r, "repeat");
    k->ttl = rec_reader_col(r, "ttl");
    k->window = rec_reader_col(r, "window");
}

void zmap_cols_find(struct rec_reader *r, struct zmap_cols *k)
{
    scan_cols_find(r, &k->base);
    k->classification = rec_reader_col(r, "classification");
    k->success = rec_reader_col(r, "success");
    k->timestamp_str = rec_reader_col(r, "timestamp_str");
    k->timestamp_ts = rec_reader_col(r, "timestamp_ts");
    k->timestamp_us = rec_reader_col(r, "timestamp_us");
}

/* An optional bounded integer column: 1 stored (or absent), 0 bad (counted). */
static int optional_int(struct import_ctx *c, int col, const char *name, uint64_t hi, int32_t *out)
{
    uint64_t u;
    int k = fld_u64(c, col, name, 0, hi, &u);
    if (k > 0)
        *out = (int32_t)u;
    return k >= 0;
}

int scan_row_begin(struct import_ctx *c, const struct scan_cols *k, int8_t probe_version, struct scan_row *row)
{
    memset(row, 0, sizeof *row);
    row->mptcp_version = -1;
    row->mptcp_flags = -1;
    row->ttl = row->window = -1;
    row->ts = INT64_MIN;
    row->version = probe_version;
    bool repeat;
    int got = fld_bool(c, k->repeat, "repeat", &repeat);
    if (got < 0)
        return 0;
    if (got && repeat) {
        c->res->skipped_rows++;   /* a duplicate reply the scanner flagged */
        return 0;
    }
    if ((got = fld_addr(c, k->saddr, "saddr", row->addr, &row->family)) <= 0) {
        if (got == 0)
            fld_bad(c, "no saddr");
        return 0;
    }
    uint64_t port;
    if ((got = fld_u64(c, k->sport, "sport", 1, 65535, &port)) < 0)
        return 0;
    if (got == 0 && !c->o->port) {
        fld_bad(c, "no sport (give --port)");
        return 0;
    }
    row->port = got ? (uint16_t)port : (uint16_t)c->o->port;
    return optional_int(c, k->ttl, "ttl", 255, &row->ttl) && optional_int(c, k->window, "window", 65535, &row->window);
}

int zmap_row_read(struct import_ctx *c, const struct zmap_cols *k, int8_t probe_version, struct scan_row *row)
{
    if (!scan_row_begin(c, &k->base, probe_version, row))
        return 0;
    const char *cls = fld_text(c, k->classification);
    bool synack = true;
    if (cls) {
        if (!strcmp(cls, "rst")) {
            synack = false;
        } else if (strcmp(cls, "synack")) {
            fld_bad(c, "bad classification '%.40s' (synack or rst)", cls);
            return 0;
        }
    } else {
        bool success;
        int got = fld_bool(c, k->success, "success", &success);
        if (got < 0)
            return 0;
        if (got)
            synack = success;
    }
    row->synack = synack;
    int64_t ts = INT64_MIN, us;
    if (fld_ts(c, k->timestamp_str, "timestamp_str", &ts) < 0)
        return 0;
    if (ts == INT64_MIN) {
        int got = fld_ts(c, k->timestamp_ts, "timestamp_ts", &ts);
        if (got < 0)
            return 0;
        if (got && (got = fld_i64(c, k->timestamp_us, "timestamp_us", 0, 999999, &us)) < 0)
            return 0;
        if (got > 0)
            ts += us;
    }
    row->ts = ts;
    return 1;
}
