/* lab_attr_cmd.c — `mpcensus lab attribution SPEC -o DIR`: the lab's AS and country attribution as prefix2as, as2org, GeoLite2-style CSVs and an AS-rank list. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "lab/attr_files.h"
#include "lab/lab_ext_cmd.h"
#include "lab/lab_options.h"
#include "lab/spec.h"

int cmd_lab_attribution(int argc, char **argv)
{
    struct lab_attribution_args a;
    int prc = lab_attribution_parse(argc, argv, &a);
    if (prc)
        return prc == 1 ? 0 : 2;
    static struct lab_spec spec;
    char err[1024];
    if (!spec_load(a.spec, &spec, err, sizeof err)) {
        fprintf(stderr, "mpcensus lab attribution: %s\n", err);
        return 1;
    }
    char date[16];
    if (a.changed)
        snprintf(date, sizeof date, "%s", a.changed);
    else if (spec.study_start)
        snprintf(date, sizeof date, "%04d%02d01", spec.study_start / 12, spec.study_start % 12 + 1);
    else
        snprintf(date, sizeof date, "20260101");
    if (mkdir(a.out_dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "mpcensus lab attribution: %s: %s\n", a.out_dir, strerror(errno));
        return 1;
    }
    struct attr_file_stats st;
    if (!attr_write_files(&spec.attr, a.out_dir, date, &st, err, sizeof err)) {
        fprintf(stderr, "mpcensus lab attribution: %s\n", err);
        return 1;
    }
    if (!a.quiet) {
        if (spec.attr.n_as == 0)
            fprintf(stderr, "mpcensus lab attribution: %s has no `as` line: the files are empty\n", a.spec);
        fprintf(stderr,
                "%s/" ATTR_FILE_PFX2AS ": %zu prefixes (%zu IPv6, %zu multi-origin, %zu with an AS set)\n"
                "%s/" ATTR_FILE_AS2ORG ": %zu ASes of %zu organisations\n"
                "%s/" ATTR_FILE_GEO_COUNTRY ": %zu blocks\n"
                "%s/" ATTR_FILE_GEO_ASN ": %zu blocks\n"
                "%s/" ATTR_FILE_RANK ": %zu ranked ASes\n",
                a.out_dir, st.prefixes, st.prefixes_v6, st.moas, st.as_sets, a.out_dir, st.ases, st.orgs, a.out_dir,
                st.country_blocks, a.out_dir, st.asn_blocks, a.out_dir, st.ranks);
    }
    return 0;
}
