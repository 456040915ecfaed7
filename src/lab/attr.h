/* attr.h — the lab's AS / country attribution: the `as`, `as-set` and `geo` spec directives, longest-prefix lookup, and disjoint blocks for GeoLite2-style files. */
#ifndef LAB_ATTR_H
#define LAB_ATTR_H

/*
 * A lab spec may say who announces its prefixes and where they are:
 *
 *   as 714 "Apple Inc." US aut=APPLE-ENGINEERING rank=95 198.18.0.0/20 2001:db8:714::/116
 *   as 6939 "Hurricane Electric LLC" US 198.18.184.0/22      # and
 *   as 1101 "SURF B.V." NL 198.18.184.0/22                   # -> MOAS origin 6939_1101
 *   as-set 198.18.188.0/22 3320,6939                         # -> AS-set origin 3320,6939
 *   geo 198.18.80.0/20 JP                                    # geolocation of a (sub)prefix
 *
 * From this the lab writes CAIDA RouteViews prefix2as, CAIDA as2org,
 * GeoLite2-style country and ASN CSVs and an AS-rank list (attr_files.c), and
 * `lab truth --with-as` attributes every population address the way an
 * archive importing those files must: the origin of the longest matching
 * announced prefix, and the country of the longest matching `geo` prefix,
 * else the country of that origin's (first) AS organisation.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/addr.h"

#define ATTR_MAX_AS 32
#define ATTR_MAX_PREFIXES 128
#define ATTR_MAX_ORIGINS 4      /* origin elements of one prefix (several: MOAS) */
#define ATTR_MAX_SET 4          /* ASNs in one AS set */
#define ATTR_MAX_GEO 64
#define ATTR_ORG_LEN 64
#define ATTR_NAME_LEN 32

struct lab_as {
    uint32_t asn;
    char org[ATTR_ORG_LEN];        /* organisation name (as2org org_name) */
    char cc[3];                    /* country of the organisation, ISO 3166-1 alpha-2 */
    char aut_name[ATTR_NAME_LEN];  /* as2org aut_name (default: first word of org, upper case) */
    char rir[8];                   /* as2org source (default from the country) */
    unsigned rank;                 /* AS rank; 0: none */
};

/* One element of a prefix's origin: a single AS (n == 1) or an AS set. */
struct attr_origin {
    uint32_t asn[ATTR_MAX_SET];
    unsigned n;
};

struct attr_prefix {
    struct ip_prefix prefix;
    struct attr_origin origins[ATTR_MAX_ORIGINS];
    unsigned n_origins;            /* > 1: multi-origin (MOAS) */
};

struct attr_geo {
    struct ip_prefix prefix;
    char cc[3];
};

struct spec_attr {
    struct lab_as as[ATTR_MAX_AS];
    unsigned n_as;
    struct attr_prefix prefixes[ATTR_MAX_PREFIXES];   /* announced prefixes, spec order */
    unsigned n_prefixes;
    struct attr_geo geo[ATTR_MAX_GEO];
    unsigned n_geo;
};

/* Parses one `as`, `as-set` or `geo` line (tok[0] is the directive). Returns
 * 1 when it was one and is fine, 0 when tok[0] is none of them, -1 with the
 * reason in why. */
int attr_directive(struct spec_attr *a, char **tok, int n, char *why, size_t whylen);
/* Checks what needs the whole spec: every ASN of an AS set is declared. */
bool attr_validate(const struct spec_attr *a, char *why, size_t whylen);

const struct lab_as *attr_find_as(const struct spec_attr *a, uint32_t asn);
/* Index of the longest announced prefix containing addr, or -1. */
int attr_match(const struct spec_attr *a, const struct ip_addr *addr);
/* Country of addr (longest `geo` prefix, else the organisation of the first
 * AS of the longest announced prefix), or NULL. */
const char *attr_country(const struct spec_attr *a, const struct ip_addr *addr);
/* The origin in RouteViews prefix2as spelling: "714", "6939_1101", "3320,6939". */
void attr_origin_text(const struct attr_prefix *p, char *buf, size_t len);
/* True when asn is one of p's origins (a MOAS member or an AS-set member). */
bool attr_prefix_has_asn(const struct attr_prefix *p, uint32_t asn);
/* The AS a single-valued database (GeoLite2 ASN) gives p: the first ASN of its first origin. */
uint32_t attr_primary_asn(const struct attr_prefix *p);

/* A block of the address space where the attribution does not change: the
 * announced and geo prefixes cut into disjoint CIDR blocks (as GeoLite2 CSVs
 * list them), each with the longest-match answers. */
struct attr_block {
    struct ip_prefix block;
    int prefix;                    /* longest announced prefix (index) or -1 */
    const char *cc;                /* country or NULL */
};
/* Every block, sorted by address (IPv4 first). *out is malloc'ed. */
bool attr_blocks(const struct spec_attr *a, struct attr_block **out, size_t *n);

#endif
