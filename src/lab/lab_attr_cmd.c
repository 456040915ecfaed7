/* lab_attr_cmd.c — `mpcensus lab attribution SPEC -o DIR`: the lab's AS and country attribution as prefix2as, as2org, GeoLite2-style CSVs and an AS-rank list. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/args.h"
#include "lab/attr_files.h"
#include "lab/lab_ext_cmd.h"
#include "lab/spec.h"

static const char *out_dir;
static const char *changed;
static bool quiet;

static const struct arg_opt attr_opts[] = {
    {'o', "output-dir", "DIR", ARG_STRING, &out_dir, "Directory to write the files into (created if missing; "
     "existing files of these names are replaced). Required."},
    {0, "changed", "YYYYMMDD", ARG_STRING, &changed, "as2org `changed` date (default: the first day of the "
     "spec's `study start=` month, else 20260101)."},
    {'q', "quiet", NULL, ARG_FLAG, &quiet, "No summary on standard error."},
    ARG_END,
};

static const struct arg_section attr_sections[] = {
    {"FILES",
     "  routeviews-pfx2as.txt  CAIDA RouteViews prefix2as: prefix<TAB>length<TAB>origin, IPv4 then IPv6,\n"
     "                         origin 714 | MOAS 6939_1101 | AS set 3320,6939\n"
     "  as2org.txt             CAIDA as2org: # format:org_id|changed|org_name|country|source, then\n"
     "                         # format:aut|changed|aut_name|org_id|opaque_id|source\n"
     "  geo-country.csv        GeoLite2-style network,country_iso_code (disjoint blocks)\n"
     "  geo-asn.csv            GeoLite2-ASN-style network,autonomous_system_number,\n"
     "                         autonomous_system_organization (MOAS / AS set: the first ASN)\n"
     "  as-rank.csv            asn,rank of every AS with rank= (CSV with a header)\n"
     "Longest-prefix match over routeviews-pfx2as.txt, and a lookup in the CSVs, give the asn and country "
     "columns of `lab truth --with-as`."},
    {"SPEC DIRECTIVES",
     "  as ASN \"ORGANISATION\" CC [aut=NAME] [rir=RIR] [rank=N] [PREFIX...]\n"
     "  as-set PREFIX ASN,ASN[,...]\n"
     "  geo PREFIX CC\n"
     "A prefix on several `as` lines is multi-origin (MOAS). ASes with the same organisation name share one "
     "as2org organisation. The country of an address is the longest `geo` prefix's, else its AS "
     "organisation's."},
    {"EXIT STATUS", "0 success, 1 spec or write error, 2 usage error."},
    {"EXAMPLES", "  mpcensus lab attribution lab/study.spec -o /tmp/attr"},
    {NULL, NULL},
};

static const struct arg_cmd attr_cmd = {
    "lab attribution",
    "write the lab's AS / country attribution as CAIDA and GeoLite2-style files",
    "SPEC -o DIR [--changed YYYYMMDD] [-q]",
    "Writes the spec's `as`, `as-set` and `geo` lines as the files an archive imports to attribute addresses to "
    "ASes, organisations and countries, so a study of the lab has real AS and country tables.",
    attr_opts,
    attr_sections,
};

static bool date_ok(const char *d)
{
    if (strlen(d) != 8)
        return false;
    for (int i = 0; i < 8; i++)
        if (d[i] < '0' || d[i] > '9')
            return false;
    int m = (d[4] - '0') * 10 + (d[5] - '0'), day = (d[6] - '0') * 10 + (d[7] - '0');
    return m >= 1 && m <= 12 && day >= 1 && day <= 31;
}

int cmd_lab_attribution(int argc, char **argv)
{
    int first;
    int rc = args_parse(&attr_cmd, argc, argv, &first);
    if (rc != ARGS_OK)
        return rc == ARGS_EXIT ? 0 : 2;
    if (first != argc - 1)
        return args_usage_error(&attr_cmd, "takes exactly one SPEC file");
    if (!out_dir)
        return args_usage_error(&attr_cmd, "-o DIR is required");
    if (changed && !date_ok(changed))
        return args_usage_error(&attr_cmd, "bad --changed '%s': not a date YYYYMMDD", changed);
    static struct lab_spec spec;
    char err[1024];
    if (!spec_load(argv[first], &spec, err, sizeof err)) {
        fprintf(stderr, "mpcensus lab attribution: %s\n", err);
        return 1;
    }
    char date[16];
    if (changed)
        snprintf(date, sizeof date, "%s", changed);
    else if (spec.study_start)
        snprintf(date, sizeof date, "%04d%02d01", spec.study_start / 12, spec.study_start % 12 + 1);
    else
        snprintf(date, sizeof date, "20260101");
    if (mkdir(out_dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "mpcensus lab attribution: %s: %s\n", out_dir, strerror(errno));
        return 1;
    }
    struct attr_file_stats st;
    if (!attr_write_files(&spec.attr, out_dir, date, &st, err, sizeof err)) {
        fprintf(stderr, "mpcensus lab attribution: %s\n", err);
        return 1;
    }
    if (!quiet) {
        if (spec.attr.n_as == 0)
            fprintf(stderr, "mpcensus lab attribution: %s has no `as` line: the files are empty\n", argv[first]);
        fprintf(stderr,
                "%s/" ATTR_FILE_PFX2AS ": %zu prefixes (%zu IPv6, %zu multi-origin, %zu with an AS set)\n"
                "%s/" ATTR_FILE_AS2ORG ": %zu ASes of %zu organisations\n"
                "%s/" ATTR_FILE_GEO_COUNTRY ": %zu blocks\n"
                "%s/" ATTR_FILE_GEO_ASN ": %zu blocks\n"
                "%s/" ATTR_FILE_RANK ": %zu ranked ASes\n",
                out_dir, st.prefixes, st.prefixes_v6, st.moas, st.as_sets, out_dir, st.ases, st.orgs, out_dir,
                st.country_blocks, out_dir, st.asn_blocks, out_dir, st.ranks);
    }
    return 0;
}
