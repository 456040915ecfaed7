/* attr_files.h — writes the lab's attribution as the files real studies use: CAIDA prefix2as and as2org, GeoLite2-style CSVs, an AS-rank CSV. */
#ifndef LAB_ATTR_FILES_H
#define LAB_ATTR_FILES_H

#include <stdbool.h>
#include <stddef.h>

#include "lab/attr.h"

#define ATTR_FILE_PFX2AS "routeviews-pfx2as.txt"
#define ATTR_FILE_AS2ORG "as2org.txt"
#define ATTR_FILE_GEO_COUNTRY "geo-country.csv"
#define ATTR_FILE_GEO_ASN "geo-asn.csv"
#define ATTR_FILE_RANK "as-rank.csv"

struct attr_file_stats {
    size_t prefixes, prefixes_v6, moas, as_sets;   /* prefix2as lines */
    size_t ases, orgs;                              /* as2org entries */
    size_t country_blocks, asn_blocks, ranks;       /* GeoLite2-style rows, AS-rank lines */
};

/* Writes the five files into dir (which must exist). `changed` is the
 * as2org date (YYYYMMDD). Returns false with "PATH: reason" in err. */
bool attr_write_files(const struct spec_attr *a, const char *dir, const char *changed, struct attr_file_stats *st,
                      char *err, size_t errlen);

#endif
