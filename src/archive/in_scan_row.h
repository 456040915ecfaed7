/* in_scan_row.h — the fields every scan-like import shares (repeat, saddr, sport, ttl, window; ZMap's reply and time fields), read into a scan_row once. */
#ifndef ARCHIVE_IN_SCAN_ROW_H
#define ARCHIVE_IN_SCAN_ROW_H

#include <stdint.h>

#include "archive/ingest.h"
#include "archive/scan_sink.h"
#include "io/record_read.h"

/* Column indexes (-1: the file has no such column). */
struct scan_cols {
    int saddr, sport, repeat, ttl, window;
};

/* ZMap's CSV adds how the host answered and when. */
struct zmap_cols {
    struct scan_cols base;
    int classification, success, timestamp_str, timestamp_ts, timestamp_us;
};

void scan_cols_find(struct rec_reader *r, struct scan_cols *k);
void zmap_cols_find(struct rec_reader *r, struct zmap_cols *k);

/* Starts a row: defaults (no MP_CAPABLE, no ttl/window/time), the probed
 * version, then repeat (a flagged duplicate is skipped and counted), saddr
 * (required), sport (else --port), ttl and window. Returns 1 when the row
 * goes on, 0 when it was skipped or reported bad (already counted). */
int scan_row_begin(struct import_ctx *c, const struct scan_cols *k, int8_t probe_version, struct scan_row *row);

/* scan_row_begin, then classification (synack | rst) or success
 * (1 = SYN-ACK; with neither, ZMap's default filter kept only SYN-ACKs)
 * and the time (timestamp_str, else timestamp_ts + timestamp_us).
 * Same return as scan_row_begin. */
int zmap_row_read(struct import_ctx *c, const struct zmap_cols *k, int8_t probe_version, struct scan_row *row);

#endif
