/* archive_options.c — `mpcensus archive import | attribute | query | info` command line: option tables, usage errors, messages and exit status (the work is in ingest, attr and analysis). */
#include "archive/archive.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "archive/analysis.h"
#include "archive/attr.h"
#include "archive/db.h"
#include "archive/info.h"
#include "archive/ingest.h"
#include "archive/scan_metadata.h"
#include "cli/args.h"
#include "cli/args_time.h"

struct warn_state {
    const char *cmd;
    unsigned shown, limit;
    unsigned long long suppressed;
    bool quiet;
};

static void warn_cb(void *user, const char *msg)
{
    struct warn_state *w = user;
    if (w->shown < w->limit) {
        fprintf(stderr, "mpcensus archive %s: %s\n", w->cmd, msg);
        w->shown++;
    } else {
        w->suppressed++;
    }
}

static void progress_cb(void *user, const char *path, unsigned long long rows)
{
    struct warn_state *w = user;
    if (!w->quiet)
        fprintf(stderr, "mpcensus archive %s: %s: %llu rows read...\n", w->cmd, path, rows);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------ attribution flags, shared by import and attribute */

static struct attr_sources g_src;

#define ATTR_OPTS                                                                                                    \
    {0, "pfx2as", "FILE", ARG_CALL, &g_src.pfx2as,                                                                   \
     "CAIDA RouteViews prefix2as file (prefix<TAB>length<TAB>origin; gz ok), IPv4 or IPv6; repeat for both. "       \
     "Longest-prefix match; MOAS (a_b_c) and AS-set (a,b) origins are kept as lists.",                              \
     "Attribution sources", .call = attr_files_add},                                                                 \
    {0, "as2org", "FILE", ARG_STRING, &g_src.as2org, "CAIDA as2org file: ASN -> organisation, name, country"},      \
    {0, "mmdb", "FILE", ARG_CALL, &g_src.mmdb,                                                                       \
     "MaxMind database (libmaxminddb): a Country/City one gives the address's country, an ASN one its AS; repeat",  \
     .call = attr_files_add},                                                                                        \
    {0, "geo-csv", "FILE", ARG_CALL, &g_src.geo_csv,                                                                 \
     "GeoLite2-style CSV, the mmdb equivalent: network,country_iso_code or "                                         \
     "network,autonomous_system_number,autonomous_system_organization; repeat",                                      \
     .call = attr_files_add},                                                                                        \
    {0, "as-rank", "FILE", ARG_STRING, &g_src.as_rank, "CAIDA AS rank (CSV or JSON lines with asn and rank)"}

static int run_attribution(struct archive *a, const char *cmd, bool quiet)
{
    struct warn_state ws = {cmd, 0, 10, 0, quiet};
    struct attr_result ar;
    char err[1024];
    if (archive_attribute(a, &g_src, &ar, warn_cb, &ws, err, sizeof err) < 0) {
        fprintf(stderr, "mpcensus archive %s: attribution: %s\n", cmd, err);
        return 1;
    }
    if (ws.suppressed)
        fprintf(stderr, "mpcensus archive %s: ... and %llu more bad lines\n", cmd, ws.suppressed);
    if (!quiet)
        fprintf(stderr,
                "mpcensus archive %s: attributed %llu hosts: %llu with an origin AS (prefix2as), %llu with a country, "
                "%llu with an AS; %llu as2org ASes, %llu AS ranks; %llu bad source lines\n",
                cmd, (unsigned long long)ar.hosts, (unsigned long long)ar.with_origin,
                (unsigned long long)ar.with_country, (unsigned long long)ar.with_asn,
                (unsigned long long)ar.as_orgs, (unsigned long long)ar.as_ranks, (unsigned long long)ar.bad_lines);
    return ar.bad_lines ? 1 : 0;
}

/* ------------------------------------------------------------ import */

static const char *const probe_versions[] = {"0", "1", NULL};

/* Parses an archive command's line; each needs --db. Returns -1 to go on, else the exit status. */
static int parse_with_db(const struct arg_cmd *cmd, int argc, char **argv, int *first, const char *const *db)
{
    int rc = args_parse(cmd, argc, argv, first);
    if (rc != ARGS_OK)
        return rc == ARGS_EXIT ? 0 : 2;
    if (!*db)
        return args_usage_error(cmd, "--db FILE is required");
    return -1;
}

static int cmd_import(int argc, char **argv)
{
    static const char *db, *date, *label, *shard, *metadata;
    static int month = -1, pv = -1, format = 0;
    static uint64_t key = 0x0c0c0c0c0c0c0c0cull;
    static unsigned port = 0, max_shown = 10;
    static bool key_seen, month_seen, quiet;
    static double busy = 600;
    memset(&g_src, 0, sizeof g_src);
    static const struct arg_opt opts[] = {
        {0, "db", "FILE", ARG_STRING, &db, "the archive (created when missing)", "Archive"},
        {0, "busy-timeout", "DURATION", ARG_DURATION, &busy,
         "how long to wait for another writer (default 10m): concurrent imports queue, each file lands whole",
         .dmin = 0.001},
        {0, "month", "YYYY-MM", ARG_MONTH, &month,
         "the month the data belongs to (default: the month of the file's first timestamp, else of --date)",
         "What the file is", .seen = &month_seen},
        {0, "date", "YYYY-MM-DD", ARG_STRING, &date, "the scan's date (kept with the file; gives the month)"},
        {0, "label", "TEXT", ARG_STRING, &label, "vantage label kept with the file (e.g. a site name)"},
        {0, "shard", "I/N", ARG_STRING, &shard, "shard of the scan (kept with the file)"},
        {0, "metadata", "FILE", ARG_STRING, &metadata,
         "the scan's metadata file (mpcensus scan -m FILE, or ZMap's -m): the probe version, v0 key, shard, date "
         "(of start_time) and the port of a one-port scan come from it unless given here; for every FILE of this "
         "import"},
        {0, "format", "NAME", ARG_CHOICE, &format,
         "auto (default: told by the header / first row), scan, zmap, tcp_synopt, trace, http, pcap",
         .choices = in_format_names},
        {0, "probe-version", "0|1", ARG_CHOICE, &pv,
         "MP_CAPABLE version the probe carried, for files that do not say (tcp_synopt: required; ZMap; trace)",
         .choices = probe_versions},
        {0, "key", "HEX", ARG_KEY64, &key, "the v0 key the probe sent (default 0c0c0c0c0c0c0c0c, the paper's)",
         .seen = &key_seen},
        {0, "port", "PORT", ARG_UINT, &port, "port of rows without one (ZMap CSV without sport)", .min = 1,
         .max = 65535},
        ATTR_OPTS,
        {'q', "quiet", NULL, ARG_FLAG, &quiet, "no per-file summary (errors and bad rows are still reported)",
         "Output"},
        {0, "max-messages", "N", ARG_UINT, &max_shown, "bad rows shown per file (default 10; all are counted)"},
        ARG_END,
    };
    static const struct arg_section sections[] = {
        {"INPUT FORMATS",
         "Told from the CSV header or the first JSON row (--format overrides): optionshex -> tcp_synopt (the "
         "MPTCP ZMap fork); target+transport -> http; target+class -> trace; saddr with verdict, mptcp_option or "
         "probe_version -> scan; other saddr files -> zmap. A JSON document starting with \"tool\": \"mpcensus "
         "pcap\" -> pcap. gzip, zstd and xz inputs are read as they are; '-' reads standard input."},
        {"TRANSACTIONS",
         "Each file is one transaction: a file that fails (read error, a cut last line, a database error) or an "
         "import that is killed leaves the archive as it was before that file. A file whose content (SHA-256 of "
         "the decompressed bytes) is already in the archive is skipped and said so. Concurrent imports wait for "
         "each other (WAL, --busy-timeout) and all land."},
        {"EXIT STATUS",
         "0 every file imported (or already there) without bad rows; 1 a file failed, had bad rows (counted, "
         "shown with file:line, skipped) or an attribution source had bad lines; 2 usage error."},
        {"EXAMPLES",
         "  mpcensus archive import --db census.db v0-80.csv v1-443.json.gz\n"
         "  mpcensus archive import --db census.db --month 2024-03 --probe-version 0 tcp_synopt-v0-port80.csv\n"
         "  mpcensus archive import --db census.db --pfx2as rv4.pfx2as.gz --mmdb Country.mmdb scan.csv"},
        {NULL, NULL},
    };
    static const struct arg_cmd cmd = {
        "archive import", "import scan, ZMap, tcp_synopt, trace, http and pcap output into the archive",
        "--db FILE [options] FILE...",
        "Adds each FILE to the SQLite archive with the scan's parameters (tool, probe version, key, ports, "
        "families, date, month, vantage label, shard), then refreshes the summaries the analyses read. With "
        "attribution sources, attributes every host afterwards (as `archive attribute`).",
        opts, sections};
    int first;
    int rc = parse_with_db(&cmd, argc, argv, &first, &db);
    if (rc >= 0)
        return rc;
    if (first >= argc && !attr_sources_any(&g_src))
        return args_usage_error(&cmd, "no input FILE");
    struct import_opts o;
    import_opts_default(&o);
    o.month = month_seen ? month : -1;
    /* the metadata is read first for its date; a bad --date is still reported
     * before a bad --metadata */
    static struct scan_metadata meta;
    char meta_why[1024];
    int meta_rc = metadata ? scan_metadata_read(metadata, &meta, meta_why, sizeof meta_why) : 0;
    /* --date wins over the metadata's start_time */
    const char *date_src = date ? date : metadata && meta_rc == 0 && meta.date[0] ? meta.date : NULL;
    if (date_src) {
        char why[128];
        if (!args_parse_timestamp(date_src, &o.date_usec, why, sizeof why)) {
            if (date_src == date)
                return args_usage_error(&cmd, "bad --date '%s': %s", date, why);
            return args_usage_error(&cmd, "bad --metadata: %s: start_time '%s': %s", metadata, meta.date, why);
        }
        o.has_date = true;
        snprintf(o.date_text, sizeof o.date_text, "%.10s", date_src);
    }
    o.label = label;
    o.shard = shard;
    o.probe_version = pv >= 0 ? pv : -2;
    o.key = key;
    o.key_given = key_seen;
    o.format = (enum in_format)format;
    o.port = (int)port;
    if (metadata) {
        if (meta_rc < 0)
            return args_usage_error(&cmd, "bad --metadata: %s", meta_why);
        /* what the command line says wins */
        if (pv < 0 && meta.has_probe_version)
            o.probe_version = meta.probe_version;
        if (!key_seen && meta.has_key) {
            o.key = meta.key;
            o.key_given = true;
        }
        if (!shard && meta.shard[0])
            o.shard = meta.shard;
        if (!port && meta.port)
            o.port = meta.port;
        if (!quiet) {
            char pvt[16] = "-", keyt[20] = "-";
            if (o.probe_version >= -1)
                snprintf(pvt, sizeof pvt, "%d", o.probe_version);
            if (o.key_given)
                snprintf(keyt, sizeof keyt, "%016llx", (unsigned long long)o.key);
            fprintf(stderr,
                    "mpcensus archive import: metadata %s (%s): probe version %s, key %s, shard %s, date %s, port %d\n",
                    metadata, meta.tool, pvt, keyt, o.shard ? o.shard : "-", o.has_date ? o.date_text : "-", o.port);
        }
    }
    struct warn_state ws = {"import", 0, max_shown, 0, quiet};
    o.warn = warn_cb;
    o.warn_user = &ws;
    o.progress = progress_cb;

    struct archive a;
    char err[2048];
    struct archive_open_opts ao = {.create = true, .busy_timeout_ms = (int)(busy * 1000)};
    if (archive_open(&a, db, &ao, err, sizeof err) < 0) {
        fprintf(stderr, "mpcensus archive import: %s\n", err);
        return 1;
    }
    int status = 0;
    for (int i = first; i < argc; i++) {
        struct import_result res;
        ws.shown = 0;
        ws.suppressed = 0;
        double t0 = now_s();
        if (archive_import_file(&a, argv[i], &o, &res, err, sizeof err) < 0) {
            fprintf(stderr, "mpcensus archive import: %s (nothing of it imported)\n", err);
            status = 1;
            continue;
        }
        if (ws.suppressed)
            fprintf(stderr, "mpcensus archive import: %s: ... and %llu more bad rows\n", argv[i], ws.suppressed);
        if (res.duplicate) {
            fprintf(stderr, "mpcensus archive import: %s: already in the archive (file %lld, %s): counted once\n",
                    argv[i], (long long)res.file_id, res.earlier);
            continue;
        }
        if (res.bad_rows)
            status = 1;
        double dt = now_s() - t0;
        if (!quiet) {
            char m[16];
            args_month_format(res.month, m, sizeof m);
            fprintf(stderr,
                    "mpcensus archive import: %s: %s (%s), month %s, %llu rows, %llu bad, %llu duplicate, %llu "
                    "repeats skipped, %.2f s (%.0f rows/s)\n",
                    argv[i], in_format_name(res.format), res.encoding, m, (unsigned long long)res.rows,
                    (unsigned long long)res.bad_rows, (unsigned long long)res.duplicate_rows,
                    (unsigned long long)res.skipped_rows, dt, dt > 0 ? (double)res.rows / dt : 0.0);
            if (res.derived[0])
                fprintf(stderr, "mpcensus archive import: %s: %s\n", argv[i], res.derived);
        }
    }
    if (attr_sources_any(&g_src) && run_attribution(&a, "import", quiet))
        status = 1;
    archive_close(&a);
    return status;
}

/* ------------------------------------------------------------ attribute */

static int cmd_attribute(int argc, char **argv)
{
    static const char *db;
    static bool quiet;
    memset(&g_src, 0, sizeof g_src);
    static const struct arg_opt opts[] = {
        {0, "db", "FILE", ARG_STRING, &db, "the archive", "Archive"},
        ATTR_OPTS,
        {'q', "quiet", NULL, ARG_FLAG, &quiet, "no summary line", "Output"},
        ARG_END,
    };
    static const struct arg_section sections[] = {
        {"HOSTS",
         "Every address with an MP_CAPABLE answer, a trace or an HTTP row is attributed. Each kind of source "
         "given replaces that kind's values (origin AS and prefix; country; mmdb AS); kinds not given keep "
         "theirs. A host's ASes (host_asn) are its prefix2as origins, else its mmdb/CSV AS. The file name and "
         "date (from a YYYYMMDD in the name, the mmdb build time, else the file's mtime) of each source are kept "
         "in attr_sources."},
        {"EXIT STATUS", "0 ok; 1 a source could not be read (nothing changed) or had bad lines; 2 usage error."},
        {"EXAMPLES",
         "  mpcensus archive attribute --db census.db --pfx2as routeviews-rv2-20240301-1200.pfx2as.gz \\\n"
         "      --pfx2as routeviews-rv6-20240301-1200.pfx2as.gz --as2org 20240101.as-org2info.txt.gz \\\n"
         "      --mmdb GeoLite2-Country.mmdb --mmdb GeoLite2-ASN.mmdb"},
        {NULL, NULL},
    };
    static const struct arg_cmd cmd = {"archive attribute",
                                       "attribute the archive's hosts to origin ASes, organisations and countries",
                                       "--db FILE SOURCE-OPTIONS...",
                                       "Loads the given sources and (re)computes every host's attributes in one "
                                       "transaction.",
                                       opts, sections};
    int first;
    int rc = parse_with_db(&cmd, argc, argv, &first, &db);
    if (rc >= 0)
        return rc;
    if (first < argc)
        return args_usage_error(&cmd, "unexpected argument '%s'", argv[first]);
    if (!attr_sources_any(&g_src))
        return args_usage_error(&cmd, "no source given (--pfx2as, --as2org, --mmdb, --geo-csv, --as-rank)");
    struct archive a;
    char err[1024];
    struct archive_open_opts ao = {.create = true};
    if (archive_open(&a, db, &ao, err, sizeof err) < 0) {
        fprintf(stderr, "mpcensus archive attribute: %s\n", err);
        return 1;
    }
    int status = run_attribution(&a, "attribute", quiet);
    archive_close(&a);
    return status;
}

/* ------------------------------------------------------------ query */

static int cmd_query(int argc, char **argv)
{
    static const char *db, *out = "-", *fields, *asn, *oformat;
    static int month = -1, from = -1, to = -1;
    static bool month_seen, from_seen, to_seen, csv, list;
    static unsigned top = 10;
    static int version = -1, family = -1;
    static const char *const versions[] = {"0", "1", NULL}, *const families[] = {"4", "6", NULL};
    static const struct arg_opt opts[] = {
        {0, "db", "FILE", ARG_STRING, &db, "the archive", "Archive"},
        {0, "month", "YYYY-MM", ARG_MONTH, &month, "only this month", "Which rows", .seen = &month_seen},
        {0, "from", "YYYY-MM", ARG_MONTH, &from, "from this month on", .seen = &from_seen},
        {0, "to", "YYYY-MM", ARG_MONTH, &to, "up to this month", .seen = &to_seen},
        {0, "asn", "ASN,...", ARG_STRING, &asn, "migration: the organisation's ASes (e.g. 6185,714)"},
        {0, "top", "N", ARG_UINT, &top, "top-as, countries: rows per month and version (default 10, 0 = all)"},
        {0, "version", "0|1", ARG_CHOICE, &version, "top-as, countries: only hosts of this probe version",
         .choices = versions},
        {0, "family", "4|6", ARG_CHOICE, &family, "top-as, countries: only IPv4 or only IPv6 hosts",
         .choices = families},
        {0, "csv", NULL, ARG_FLAG, &csv, "CSV with a header instead of JSON lines", "Output"},
        {'O', "output-format", "csv|json", ARG_STRING, &oformat, "the same as --csv / JSON lines (default json)"},
        {'o', "output-file", "FILE", ARG_STRING, &out, "write here (default standard output)"},
        {'f', "output-fields", "LIST", ARG_STRING, &fields, "only these fields, in this order"},
        {0, "list", NULL, ARG_FLAG, &list, "list the analyses with their fields and definitions"},
        ARG_END,
    };
    static const struct arg_section sections[] = {
        {"ANALYSES",
         "monthly, hamming, mirrored, ports, versions, trace, top-as, countries, migration (--asn), http, pcap, sources; "
         "'--list' prints each with its definition and fields (README \"Analyses\" has the same)."},
        {"EXIT STATUS", "0 ok; 1 the archive could not be read or the output failed; 2 usage error."},
        {"EXAMPLES",
         "  mpcensus archive query monthly --db census.db --csv\n"
         "  mpcensus archive query top-as --db census.db --month 2024-03 --top 20\n"
         "  mpcensus archive query migration --db census.db --asn 6185,714"},
        {NULL, NULL},
    };
    static const struct arg_cmd cmd = {"archive query", "run one of the archive's analyses",
                                       "NAME --db FILE [--month YYYY-MM | --from M --to M] [--csv] [options]",
                                       "Runs analysis NAME and writes its rows as JSON lines or CSV (the same "
                                       "rows the report draws).",
                                       opts, sections};
    int first;
    int rc = args_parse(&cmd, argc, argv, &first);
    if (rc != ARGS_OK)
        return rc == ARGS_EXIT ? 0 : 2;
    if (list) {
        for (size_t i = 0; archive_queries[i]; i++) {
            const struct query_def *q = archive_queries[i];
            printf("%s — %s\n  %s\n  fields:", q->name, q->summary, q->definition);
            for (unsigned k = 0; k < q->schema->n_fields; k++)
                printf(" %s", q->schema->fields[k].name);
            printf("\n\n");
        }
        return 0;
    }
    if (first >= argc)
        return args_usage_error(&cmd, "which analysis? (monthly, hamming, mirrored, ports, versions, trace, top-as, "
                                      "countries, migration, http, pcap, sources)");
    if (first + 1 < argc)
        return args_usage_error(&cmd, "one analysis at a time ('%s' is extra)", argv[first + 1]);
    const struct query_def *q = archive_query_find(argv[first]);
    if (!q)
        return args_usage_error(&cmd, "unknown analysis '%s' (see --list)", argv[first]);
    if (!db)
        return args_usage_error(&cmd, "--db FILE is required");
    enum rec_format fmt = csv ? REC_CSV : REC_JSONL;
    if (oformat && !rec_format_parse(oformat, &fmt))
        return args_usage_error(&cmd, "bad --output-format '%s': csv or json", oformat);
    if (!strcmp(q->name, "migration") && !asn)
        return args_usage_error(&cmd, "migration needs --asn ASN[,ASN...]");
    struct query_params p;
    query_params_default(&p);
    if (month_seen)
        p.from = p.to = month;
    if (from_seen)
        p.from = from;
    if (to_seen)
        p.to = to;
    p.month_given = month_seen || from_seen || to_seen;
    p.asn = asn;
    p.top = top;
    p.version = version;
    p.family = family < 0 ? 0 : family == 0 ? 4 : 6;
    struct archive a;
    char err[2048];
    struct archive_open_opts ao = {.readonly = true};
    if (archive_open(&a, db, &ao, err, sizeof err) < 0) {
        fprintf(stderr, "mpcensus archive query: %s\n", err);
        return 1;
    }
    struct rec_opts ro = {.path = out, .format = fmt, .fields = fields};
    struct rec_writer *w = rec_open(q->schema, &ro, err, sizeof err);
    if (!w) {
        archive_close(&a);
        fprintf(stderr, "mpcensus archive query: %s\n", err);
        return strstr(err, "field") ? 2 : 1;
    }
    int status = 0;
    if (archive_query_write(&a, q->name, &p, w, err, sizeof err) != 0) {
        fprintf(stderr, "mpcensus archive query %s: %s\n", q->name, err);
        status = 1;
    }
    if (rec_close(w, err, sizeof err) < 0) {
        fprintf(stderr, "mpcensus archive query: %s\n", err);
        status = 1;
    }
    archive_close(&a);
    return status;
}

/* ------------------------------------------------------------ info */

static int cmd_info(int argc, char **argv)
{
    static const char *db;
    static const struct arg_opt opts[] = {
        {0, "db", "FILE", ARG_STRING, &db, "the archive"},
        ARG_END,
    };
    static const struct arg_section sections[] = {
        {"EXIT STATUS", "0 ok; 1 the archive could not be read; 2 usage error."}, {NULL, NULL}};
    static const struct arg_cmd cmd = {"archive info", "what the archive holds", "--db FILE",
                                       "Prints the schema version, files per kind and month (rows, formats, probe "
                                       "versions, labels), row counts of every table and the attribution sources "
                                       "with their dates.",
                                       opts, sections};
    int first;
    int rc = parse_with_db(&cmd, argc, argv, &first, &db);
    if (rc >= 0)
        return rc;
    struct archive a;
    char err[1024];
    struct archive_open_opts ao = {.readonly = true};
    if (archive_open(&a, db, &ao, err, sizeof err) < 0) {
        fprintf(stderr, "mpcensus archive info: %s\n", err);
        return 1;
    }
    rc = archive_info(&a, stdout, err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "mpcensus archive info: %s\n", err);
    archive_close(&a);
    return rc < 0 ? 1 : 0;
}

/* ------------------------------------------------------------ dispatch */

int cmd_archive(int argc, char **argv)
{
    static const struct arg_sub subs[] = {
        {"import", cmd_import, "import scan / ZMap / tcp_synopt / trace / http / pcap output"},
        {"attribute", cmd_attribute, "attribute hosts to ASes, organisations and countries"},
        {"query", cmd_query, "run an analysis (monthly, hamming, ..., pcap)"},
        {"info", cmd_info, "what the archive holds"},
        {NULL, NULL, NULL},
    };
    static const struct arg_opt no_opts[] = {ARG_END};
    static const struct arg_section sections[] = {
        {"EXIT STATUS", "Each subcommand's page says: 0 success, 1 runtime failure, 2 usage error."},
        {"EXAMPLES",
         "  mpcensus archive import --db census.db scan-2024-03-v0.csv scan-2024-03-v1.json.gz\n"
         "  mpcensus archive attribute --db census.db --pfx2as rv4.pfx2as.gz --mmdb GeoLite2-Country.mmdb\n"
         "  mpcensus archive query monthly --db census.db --csv\n"
         "  mpcensus archive info --db census.db"},
        {NULL, NULL},
    };
    static const struct arg_cmd overview = {
        .name = "archive",
        .summary = "months of results in SQLite: import, attribute, analyses as queries",
        .synopsis = "<subcommand> --db FILE [options]",
        .description = "Months of results in SQLite, AS/country attribution, the paper's analyses as queries. Every "
                       "subcommand takes --db FILE, the archive (created by the first import).",
        .opts = no_opts,
        .sections = sections,
        .subs = subs,
    };
    return args_dispatch(&overview, argc, argv);
}
