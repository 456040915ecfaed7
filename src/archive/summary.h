/* summary.h — the summary tables behind the analyses, refreshed inside an import's transaction for the partitions it touched. */
#ifndef ARCHIVE_SUMMARY_H
#define ARCHIVE_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include "archive/db.h"

/* A (version, family, port) partition a file touched. */
struct scan_part {
    int version, family, port;
};

/* Distinct hosts of one file in one partition, per answer kind. */
struct summary_counts {
    uint64_t responsive, potential, mirrored, mptcp, version_mismatch, malformed, tcp, closed, unknown;
};

struct summary_part {
    struct scan_part key;
    struct summary_counts counts;
};

/* After a scan file of `month` (file_id): month_summary counts of each
 * partition (the file's own counts when no other file has that partition
 * and month, else recounted over every file's rows), consistent of
 * month..month+2, truly-MPTCP of month, port_overlap and version_overlap. */
int summary_refresh_scan(struct archive *a, int month, int64_t file_id, const struct summary_part *parts, size_t n,
                         char *err, size_t errlen);
/* After trace rows of `month` in these partitions: truly-MPTCP of every
 * summarised month >= month of the same partitions. */
int summary_refresh_traces(struct archive *a, int month, const struct scan_part *parts, size_t n, char *err,
                           size_t errlen);

/* The SQL of each refresh, for README and tests (?1 month, ?2 version,
 * ?3 family, ?4 port). */
extern const char summary_sql_counts[], summary_sql_consistent[], summary_sql_truly[], summary_sql_ports[],
    summary_sql_versions[];

#endif
