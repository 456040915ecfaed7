/* summary.h — the summary tables behind the analyses, refreshed inside an import's transaction for the partitions it touched. */
#ifndef ARCHIVE_SUMMARY_H
#define ARCHIVE_SUMMARY_H

#include <stddef.h>

#include "archive/db.h"
#include "archive/scan_sink.h"

/* After scan rows of `month` in these partitions: month_summary counts of
 * month, consistent of month..month+2, truly-MPTCP of month, port_overlap
 * and version_overlap of month. */
int summary_refresh_scan(struct archive *a, int month, const struct scan_part *parts, size_t n, char *err,
                         size_t errlen);
/* After trace rows of `month` in these partitions: truly-MPTCP of every
 * summarised month >= month of the same partitions. */
int summary_refresh_traces(struct archive *a, int month, const struct scan_part *parts, size_t n, char *err,
                           size_t errlen);

/* The SQL of each refresh, for README and tests (parameters ?1 month,
 * ?2 version, ?3 family, ?4 port). */
extern const char summary_sql_counts[], summary_sql_consistent[], summary_sql_truly[], summary_sql_ports[],
    summary_sql_versions[];

#endif
