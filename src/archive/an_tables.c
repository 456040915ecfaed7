/* an_tables.c — the paper's Tables I–III and Fig. 9: truly-MPTCP hosts by origin AS and by country. */
#include <stdio.h>

#include "archive/analysis.h"

/* Truly-MPTCP hosts of a month: (month, version, port, address) with an
 * MP_CAPABLE answer whose latest trace (same address, port, version, trace
 * month <= month) is class mptcp, or, untraced, whose verdict is mptcp. */
#define TRULY_CTE                                                                                                    \
    "WITH cand AS (SELECT month, version, port, addr, max(verdict = 0) AS mp FROM pot_rows"                          \
    "  WHERE month BETWEEN ?1 AND ?2 AND version >= 0 AND (?4 < 0 OR version = ?4) AND (?5 = 0 OR family = ?5)"   \
    "  GROUP BY month, version, family, port, addr),"                                                                \
    " judged AS (SELECT c.*, (SELECT t.class FROM trace_rows t WHERE t.addr = c.addr AND t.port = c.port"            \
    "  AND t.version = c.version AND t.month <= c.month ORDER BY t.month DESC, t.file_id DESC LIMIT 1) AS cls"       \
    "  FROM cand c),"                                                                                                \
    " truly AS (SELECT month, version, port, addr, cls IS NOT NULL AS traced FROM judged"                            \
    "  WHERE cls = 'mptcp' OR (cls IS NULL AND mp))"

static const struct rec_field top_as_fields[] = {
    {"month", REC_STR, "YYYY-MM"},
    {"version", REC_NUM, "MP_CAPABLE version probed"},
    {"position", REC_NUM, "place in this table (by hosts, then ASN)"},
    {"asn", REC_NUM, "origin AS (prefix2as; every AS of a MOAS or AS-set origin counts the host; else the mmdb ASN)"},
    {"as_name", REC_STR, "AS name (as2org aut_name)"},
    {"owner", REC_STR, "organisation (as2org org_name, else the mmdb/CSV AS organisation)"},
    {"country", REC_STR, "organisation's country (as2org)"},
    {"rank", REC_NUM, "CAIDA AS rank"},
    {"hosts", REC_NUM, "truly-MPTCP hosts (addresses) in this AS"},
    {"port80", REC_NUM, "of them, truly MPTCP on port 80"},
    {"port443", REC_NUM, "of them, truly MPTCP on port 443"},
    {"traced", REC_NUM, "hosts decided by a trace (class mptcp)"},
    {"scan_only", REC_NUM, "hosts decided by the scan verdict mptcp (not traced)"},
    {"basis", REC_STR, "trace, scan or trace+scan: what decided the hosts counted"},
};
static const struct rec_schema top_as_schema = {"archive-top-as", top_as_fields,
                                                sizeof top_as_fields / sizeof top_as_fields[0]};

static int run_rows(struct archive *a, const char *sql, const struct query_params *p, query_row_fn fn, void *user,
                    char *err, size_t errlen)
{
    struct query_params q = *p;
    int from, to;
    query_month_range(a, p, true, &from, &to);
    q.from = from;
    q.to = to;
    char top[24];
    snprintf(top, sizeof top, "%u", p->top ? p->top : 1u << 30);
    return query_sql_rows(a, sql, &q, top, fn, user, err, errlen);
}

static int run_top_as(struct archive *a, const struct query_params *p, query_row_fn fn, void *user, char *err,
                      size_t errlen)
{
    return run_rows(a,
                    TRULY_CTE ","
                    " per_as AS (SELECT t.month, t.version, h.asn, count(DISTINCT t.addr) AS hosts,"
                    "  count(DISTINCT t.addr) FILTER (WHERE t.port = 80) AS p80,"
                    "  count(DISTINCT t.addr) FILTER (WHERE t.port = 443) AS p443,"
                    "  count(DISTINCT t.addr) FILTER (WHERE t.traced) AS traced"
                    "  FROM truly t JOIN host_asn h ON h.addr = t.addr GROUP BY t.month, t.version, h.asn),"
                    " ranked AS (SELECT *, row_number() OVER (PARTITION BY month, version ORDER BY hosts DESC, asn)"
                    "  AS position FROM per_as)"
                    " SELECT month_text(r.month), r.version, r.position, r.asn, i.as_name,"
                    "  coalesce(i.org_name, (SELECT mm_as_org FROM host_attr WHERE mm_asn = r.asn AND mm_as_org <> ''"
                    "   LIMIT 1)), i.country, i.rank, r.hosts, r.p80, r.p443, r.traced, r.hosts - r.traced,"
                    "  CASE WHEN r.traced = r.hosts THEN 'trace' WHEN r.traced = 0 THEN 'scan' ELSE 'trace+scan' END"
                    " FROM ranked r LEFT JOIN as_info i ON i.asn = r.asn WHERE r.position <= CAST(?3 AS INTEGER)"
                    " ORDER BY r.month, r.version, r.position",
                    p, fn, user, err, errlen);
}

const struct query_def query_top_as = {
    "top-as", "top origin ASes of truly-MPTCP hosts (Tables I-III)",
    "Truly-MPTCP hosts of the month (an MP_CAPABLE answer whose latest trace of that address, port and version, "
    "trace month <= month, has class mptcp; untraced: scan verdict mptcp), by origin AS (host_asn), per month and "
    "version, top --top (default 10) by hosts. Defaults to the latest month; --month/--from/--to choose others; "
    "--version / --family keep one probe version / address family (the paper's Tables I-III split them). "
    "Hosts without attribution are not listed.",
    &top_as_schema, run_top_as};

static const struct rec_field countries_fields[] = {
    {"month", REC_STR, "YYYY-MM"},
    {"version", REC_NUM, "MP_CAPABLE version probed"},
    {"position", REC_NUM, "place in this table (by hosts, then country)"},
    {"country", REC_STR, "ISO 3166 country of the address (mmdb or country CSV)"},
    {"hosts", REC_NUM, "truly-MPTCP hosts (addresses)"},
    {"port80", REC_NUM, "of them, truly MPTCP on port 80"},
    {"port443", REC_NUM, "of them, truly MPTCP on port 443"},
    {"traced", REC_NUM, "hosts decided by a trace"},
    {"scan_only", REC_NUM, "hosts decided by the scan verdict"},
    {"basis", REC_STR, "trace, scan or trace+scan"},
};
static const struct rec_schema countries_schema = {"archive-countries", countries_fields,
                                                   sizeof countries_fields / sizeof countries_fields[0]};

static int run_countries(struct archive *a, const struct query_params *p, query_row_fn fn, void *user, char *err,
                         size_t errlen)
{
    return run_rows(a,
                    TRULY_CTE ","
                    " per_cc AS (SELECT t.month, t.version, h.country, count(DISTINCT t.addr) AS hosts,"
                    "  count(DISTINCT t.addr) FILTER (WHERE t.port = 80) AS p80,"
                    "  count(DISTINCT t.addr) FILTER (WHERE t.port = 443) AS p443,"
                    "  count(DISTINCT t.addr) FILTER (WHERE t.traced) AS traced"
                    "  FROM truly t JOIN host_attr h ON h.addr = t.addr WHERE h.country IS NOT NULL"
                    "  GROUP BY t.month, t.version, h.country),"
                    " ranked AS (SELECT *, row_number() OVER (PARTITION BY month, version ORDER BY hosts DESC, country)"
                    "  AS position FROM per_cc)"
                    " SELECT month_text(month), version, position, country, hosts, p80, p443, traced, hosts - traced,"
                    "  CASE WHEN traced = hosts THEN 'trace' WHEN traced = 0 THEN 'scan' ELSE 'trace+scan' END"
                    " FROM ranked WHERE position <= CAST(?3 AS INTEGER) ORDER BY month, version, position",
                    p, fn, user, err, errlen);
}

const struct query_def query_countries = {
    "countries", "countries of truly-MPTCP hosts (Fig. 9)",
    "The truly-MPTCP hosts of top-as, by the country of the address (mmdb or country CSV), per month and "
    "version, top --top by hosts (--version / --family as for top-as). Hosts without a country are not listed.",
    &countries_schema, run_countries};
