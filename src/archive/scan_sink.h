/* scan_sink.h — batched, sorted insertion of scan replies (any scan-like format) with the per-file summaries filled at import. */
#ifndef ARCHIVE_SCAN_SINK_H
#define ARCHIVE_SCAN_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "archive/ingest.h"
#include "archive/summary.h"

/* One reply as the importers normalise it. */
struct scan_row {
    uint8_t addr[16];
    uint8_t family;           /* 4 or 6 */
    int8_t version;           /* MP_CAPABLE version probed: 0, 1; -1 plain SYN */
    uint16_t port;
    int8_t verdict;           /* enum mpc_verdict, or -1: not derivable */
    uint8_t synack;           /* 1 SYN-ACK, 0 RST */
    int8_t mptcp_version;     /* -1: no MP_CAPABLE */
    int16_t mptcp_flags;      /* -1: none */
    uint8_t has_key;
    uint8_t opt_len;
    int32_t ttl, window;      /* -1: not in the file */
    uint64_t key;
    int64_t ts;               /* microseconds; INT64_MIN: not in the file */
    uint8_t opt[40];          /* the raw MP_CAPABLE option */
};

struct scan_sink;

struct scan_sink *scan_sink_new(struct import_ctx *c, char *err, size_t errlen);
/* Buffers one row (a batch is sorted and inserted when full). */
int scan_sink_add(struct scan_sink *s, const struct scan_row *row, char *err, size_t errlen);
/* Inserts what is left, the key weights, refreshes the summaries of every
 * partition touched, and fills the file's metadata in the context. */
int scan_sink_finish(struct scan_sink *s, char *err, size_t errlen);
/* Rows per verdict (index MPC_VERDICT_COUNT: not derivable) so far. */
const uint64_t *scan_sink_verdict_counts(const struct scan_sink *s);
void scan_sink_free(struct scan_sink *s);

#endif
