/* report_options.c — `mpcensus report` command line: option table, help and man text, usage errors. */
#include "report/report_options.h"

#include <stdio.h>
#include <string.h>

#include "cli/args.h"

static bool check_asn_list(const char *value, void *dest, char *why, size_t whylen)
{
    /* "6185,714": numbers separated by commas, so the text shown and passed on is what was meant */
    const char *s = value;
    if (!*s) {
        snprintf(why, whylen, "empty list");
        return false;
    }
    while (*s) {
        const char *e = strchr(s, ',');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        char num[24];
        if (n == 0 || n >= sizeof num) {
            snprintf(why, whylen, "not a list of AS numbers");
            return false;
        }
        memcpy(num, s, n);
        num[n] = 0;
        uint64_t v;
        if (!args_parse_u64(num, 1, 4294967295ull, &v, why, whylen))
            return false;
        s += n + (e ? 1 : 0);
        if (e && !*s) {
            snprintf(why, whylen, "trailing comma");
            return false;
        }
    }
    *(const char **)dest = value;
    return true;
}

int report_parse_options(int argc, char **argv, struct report_opts *o)
{
    static const char *db, *dir, *title = "Multipath TCP census", *org_asn = "714,6185";
    static int from = -1, to = -1;
    static bool from_seen, to_seen, quiet;
    static const struct arg_opt opts[] = {
        {0, "db", "FILE", ARG_STRING, &db, "the archive (`mpcensus archive`), opened read-only", "Input"},
        {0, "from", "YYYY-MM", ARG_MONTH, &from, "first month of the time series (default: the archive's first)",
         "Which months", .seen = &from_seen},
        {0, "to", "YYYY-MM", ARG_MONTH, &to,
         "last month; the snapshot figures and tables show the latest month with a scan up to here (default: the "
         "archive's latest)",
         .seen = &to_seen},
        {0, "org-asn", "ASN,...", ARG_CALL, &org_asn,
         "the organisation of Figs. 15-16: hosts whose origin AS is one of these (default 714,6185: Apple, as in "
         "the paper)",
         "Content", .call = check_asn_list},
        {0, "title", "TEXT", ARG_STRING, &title, "the report's title (default \"Multipath TCP census\")"},
        {'o', "output-dir", "DIR", ARG_STRING, &dir,
         "write index.html and every figure's SVG, CSV and gnuplot script here (created when missing; files of "
         "the same names are replaced)",
         "Output"},
        {'q', "quiet", NULL, ARG_FLAG, &quiet, "no status lines and no closing summary on standard error"},
        ARG_END,
    };
    static const struct arg_section sections[] = {
        {"FILES",
         "DIR/index.html: the report (summary, Figs. 2-16, Tables I-III), self-contained: an inline style sheet, "
         "figures as <img> of the SVGs beside it, a Content-Security-Policy that lets no script run and nothing "
         "load from the network. Per figure or table STEM (fig02-unique-hosts, ..., table1-top-as-v0-ipv4): "
         "STEM.csv, exactly the rows of the archive query behind it (the page shows the `mpcensus archive query "
         "... --csv` command that prints the same file); STEM.svg and STEM.gp (the gnuplot script that drew it: "
         "`gnuplot -d STEM.gp > STEM.svg`). summary.csv and sources.csv feed the summary block. A figure without "
         "data says so in one line and has no SVG."},
        {"DRAWING",
         "gnuplot (Debian package gnuplot-nox) draws every figure: the SVG terminal, the Okabe-Ito colour-blind-"
         "safe palette, labelled axes with units, legends. Strings from the data reach gnuplot only as escaped "
         "literals and the HTML only escaped (README: \"mpcensus report\")."},
        {"EXIT STATUS",
         "0 the report was written; 1 the archive could not be read, gnuplot failed or is missing, or a file could "
         "not be written (\"PATH: reason\"); 2 usage error."},
        {"EXAMPLES",
         "  mpcensus report --db census.db -o report/\n"
         "  mpcensus report --db census.db -o report/ --from 2024-01 --to 2025-06 --title 'MPTCP 2024-25'\n"
         "  mpcensus report --db census.db -o apple/ --org-asn 6185,714"},
        {NULL, NULL},
    };
    static const struct arg_cmd cmd = {
        "report", "the paper's figures and tables from an archive, as a self-contained HTML report",
        "--db FILE -o DIR [--from YYYY-MM] [--to YYYY-MM] [--title TEXT] [--org-asn ASN,...]",
        "Runs the archive's analyses (the same C API as `mpcensus archive query`) and writes an HTML report with "
        "the measurement papers' figures: monthly unique and consistent MPTCP hosts (Figs. 2-3), key Hamming "
        "weights (4), mirrored vs own keys (5), trace categories (6), port and version overlap (7-8), countries "
        "(9), the top ASes (Tables I-III), HTTP delta CDFs (10), passive shares, volumes, concentration and EWMA "
        "(11-14) and an organisation's migration between MPTCP versions (15-16), under a summary of the latest "
        "month's truly-MPTCP hosts against three months before and the data sources with their dates.",
        opts, sections};
    int first;
    int rc = args_parse(&cmd, argc, argv, &first);
    if (rc != ARGS_OK)
        return rc == ARGS_EXIT ? 0 : 2;
    if (first < argc)
        return args_usage_error(&cmd, "unexpected argument '%s'", argv[first]);
    if (!db)
        return args_usage_error(&cmd, "--db FILE is required");
    if (!dir)
        return args_usage_error(&cmd, "-o DIR is required");
    if (from_seen && to_seen && from > to)
        return args_usage_error(&cmd, "--from is after --to");
    *o = (struct report_opts){db, dir, title, org_asn, from_seen ? from : -1, to_seen ? to : -1, quiet};
    return -1;
}
