/* info.c — a readable summary of what an archive holds. */
#include "archive/info.h"

#include <stdio.h>

static int print_rows(struct archive *a, FILE *out, const char *title, const char *sql, char *err, size_t errlen)
{
    sqlite3_stmt *st = db_prepare(a, sql, err, errlen);
    if (!st)
        return -1;
    int n = sqlite3_column_count(st), rows = 0, rc;
    fprintf(out, "%s\n", title);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!rows++) {
            fprintf(out, " ");
            for (int i = 0; i < n; i++)
                fprintf(out, " %-12s", sqlite3_column_name(st, i));
            fprintf(out, "\n");
        }
        fprintf(out, " ");
        for (int i = 0; i < n; i++) {
            const unsigned char *t = sqlite3_column_text(st, i);
            fprintf(out, " %-12s", t ? (const char *)t : "-");
        }
        fprintf(out, "\n");
    }
    if (!rows)
        fprintf(out, "  (none)\n");
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(a->db));
        return -1;
    }
    return 0;
}

int archive_info(struct archive *a, FILE *out, char *err, size_t errlen)
{
    fprintf(out, "archive %s, schema version %lld\n\n", a->path, (long long)db_int(a, "PRAGMA user_version", 0));
    if (print_rows(a, out, "files per kind and month:",
                   "SELECT kind, month_text(month) AS month, count(*) AS files, sum(rows) AS rows,"
                   " sum(bad_rows) AS bad_rows, group_concat(DISTINCT format) AS formats,"
                   " group_concat(DISTINCT probe_version) AS versions, group_concat(DISTINCT label) AS labels"
                   " FROM files GROUP BY kind, month ORDER BY kind, month",
                   err, errlen) < 0)
        return -1;
    fprintf(out, "\n");
    if (print_rows(a, out, "rows per table:",
                   "SELECT 'scan_rows' AS tbl, count(*) AS rows FROM scan_rows UNION ALL"
                   " SELECT 'pot_rows', count(*) FROM pot_rows UNION ALL SELECT 'trace_rows', count(*) FROM trace_rows"
                   " UNION ALL SELECT 'http_rows', count(*) FROM http_rows UNION ALL"
                   " SELECT 'pcap_traces', count(*) FROM pcap_traces UNION ALL"
                   " SELECT 'month_summary', count(*) FROM month_summary UNION ALL"
                   " SELECT 'host_attr', count(*) FROM host_attr UNION ALL SELECT 'host_asn', count(*) FROM host_asn"
                   " UNION ALL SELECT 'as_info', count(*) FROM as_info",
                   err, errlen) < 0)
        return -1;
    fprintf(out, "\n");
    return print_rows(a, out, "attribution sources:",
                      "SELECT kind, name, date, entries, loaded_at FROM attr_sources ORDER BY source_id", err, errlen);
}
