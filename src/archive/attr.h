/* attr.h — attribution of the archive's hosts: RouteViews prefix2as (origin AS lists), CAIDA as2org, MaxMind mmdb or GeoLite2-style CSV, CAIDA AS rank. */
#ifndef ARCHIVE_ATTR_H
#define ARCHIVE_ATTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "archive/db.h"

#define ATTR_MAX_FILES 8

struct attr_files {
    const char *v[ATTR_MAX_FILES];
    size_t n;
};

struct attr_sources {
    struct attr_files pfx2as;     /* CAIDA RouteViews prefix2as, IPv4 and/or IPv6 (gz ok) */
    struct attr_files mmdb;       /* MaxMind Country/City and/or ASN databases */
    struct attr_files geo_csv;    /* network,country_iso_code / network,autonomous_system_number,... */
    const char *as2org;           /* CAIDA as2org */
    const char *as_rank;          /* CAIDA AS rank: CSV or JSON lines with asn and rank */
};

bool attr_sources_any(const struct attr_sources *s);

struct attr_result {
    uint64_t hosts, with_origin, with_country, with_asn, as_orgs, as_ranks;
    uint64_t bad_lines;
};

/* Loads the given sources and (re)computes every host's attributes for the
 * kinds given, in one transaction; kinds not given keep their values.
 * warn gets "file:line: reason" for each bad line (counted, skipped). */
int archive_attribute(struct archive *a, const struct attr_sources *s, struct attr_result *res,
                      void (*warn)(void *user, const char *msg), void *user, char *err, size_t errlen);

/* ARG_CALL helper: appends a path to a struct attr_files. */
bool attr_files_add(const char *value, void *dest, char *why, size_t whylen);

#endif
