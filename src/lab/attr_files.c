/* attr_files.c — the lab's attribution as CAIDA prefix2as / as2org files, GeoLite2-style country and ASN CSVs, and an asn,rank CSV. */
#include "lab/attr_files.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/outfile.h"
#include "io/record.h"
#include "lab/population.h"

static bool path_in(const char *dir, const char *name, char *buf, size_t len, char *err, size_t errlen)
{
    int n = snprintf(buf, len, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= len) {
        snprintf(err, errlen, "%s: path too long", dir);
        return false;
    }
    return true;
}

static int prefix_cmp(const void *x, const void *y)
{
    const struct attr_prefix *p = *(const struct attr_prefix *const *)x, *q = *(const struct attr_prefix *const *)y;
    int c = ip_addr_compare(&p->prefix.addr, &q->prefix.addr);
    return c ? c : (int)p->prefix.len - (int)q->prefix.len;
}

/* RouteViews prefix2as: "prefix<TAB>length<TAB>origin", sorted, IPv4 then IPv6. */
static bool write_pfx2as(const struct spec_attr *a, const char *path, struct attr_file_stats *st, char *err,
                         size_t errlen)
{
    const struct attr_prefix *sorted[ATTR_MAX_PREFIXES];
    for (unsigned i = 0; i < a->n_prefixes; i++)
        sorted[i] = &a->prefixes[i];
    qsort(sorted, a->n_prefixes, sizeof sorted[0], prefix_cmp);
    struct outfile *f = outfile_open(path, err, errlen);
    if (!f)
        return false;
    for (unsigned i = 0; i < a->n_prefixes; i++) {
        char addr[IP_ADDR_STRLEN], origin[256];
        ip_addr_format(&sorted[i]->prefix.addr, addr, sizeof addr);
        attr_origin_text(sorted[i], origin, sizeof origin);
        outfile_printf(f, "%s\t%u\t%s\n", addr, sorted[i]->prefix.len, origin);
        st->prefixes++;
        st->prefixes_v6 += sorted[i]->prefix.addr.family != 2 /* AF_INET */;
        st->moas += sorted[i]->n_origins > 1;
        for (unsigned k = 0; k < sorted[i]->n_origins; k++)
            st->as_sets += sorted[i]->origins[k].n > 1;
    }
    return outfile_close(f, err, errlen) == 0;
}

/* One as2org organisation per distinct organisation name. */
struct org_entry {
    const struct lab_as *first;   /* its first AS (country, registry) */
    char id[48];
};

static void org_id_base(const struct lab_as *as, char *out, size_t len)
{
    char word[24];
    size_t k = 0;
    for (const char *c = as->org; *c && *c != ' ' && k + 1 < sizeof word; c++)
        if (isalnum((unsigned char)*c))
            word[k++] = (char)toupper((unsigned char)*c);
    word[k] = 0;
    snprintf(out, len, "%s-%s", k ? word : "ORG", as->rir);
}

static size_t collect_orgs(const struct spec_attr *a, struct org_entry *orgs)
{
    size_t n = 0;
    for (unsigned i = 0; i < a->n_as; i++) {
        bool known = false;
        for (size_t k = 0; k < n && !known; k++)
            known = !strcmp(orgs[k].first->org, a->as[i].org);
        if (known)
            continue;
        orgs[n].first = &a->as[i];
        char base[40];
        org_id_base(&a->as[i], base, sizeof base);
        snprintf(orgs[n].id, sizeof orgs[n].id, "%s", base);
        for (unsigned suffix = 2;; suffix++) {   /* two organisations, one first word */
            bool clash = false;
            for (size_t k = 0; k < n && !clash; k++)
                clash = !strcmp(orgs[k].id, orgs[n].id);
            if (!clash)
                break;
            snprintf(orgs[n].id, sizeof orgs[n].id, "%s-%u", base, suffix);
        }
        n++;
    }
    return n;
}

static const char *org_id_of(const struct org_entry *orgs, size_t n, const struct lab_as *as)
{
    for (size_t k = 0; k < n; k++)
        if (!strcmp(orgs[k].first->org, as->org))
            return orgs[k].id;
    return "";
}

/* CAIDA as2org: the organisation section, then the AS section. */
static bool write_as2org(const struct spec_attr *a, const char *path, const char *changed, struct attr_file_stats *st,
                         char *err, size_t errlen)
{
    struct org_entry orgs[ATTR_MAX_AS];
    size_t n_orgs = collect_orgs(a, orgs);
    struct outfile *f = outfile_open(path, err, errlen);
    if (!f)
        return false;
    outfile_printf(f, "# name: AS Org\n# exported: %s (mpcensus lab attribution)\n", changed);
    outfile_puts(f, "# format:org_id|changed|org_name|country|source\n");
    for (size_t k = 0; k < n_orgs; k++)
        outfile_printf(f, "%s|%s|%s|%s|%s\n", orgs[k].id, changed, orgs[k].first->org, orgs[k].first->cc,
                       orgs[k].first->rir);
    outfile_puts(f, "# format:aut|changed|aut_name|org_id|opaque_id|source\n");
    for (unsigned i = 0; i < a->n_as; i++) {
        const struct lab_as *as = &a->as[i];
        /* opaque_id: 32 hex digits and the registry, as CAIDA's (a stable hash here) */
        struct ip_addr zero = {0};
        uint64_t h0 = lab_hash(as->asn, 0x6f70617175650001ull, &zero, 0);
        uint64_t h1 = lab_hash(as->asn, 0x6f70617175650002ull, &zero, 1);
        outfile_printf(f, "%u|%s|%s|%s|%016llx%016llx_%s|%s\n", as->asn, changed, as->aut_name,
                       org_id_of(orgs, n_orgs, as), (unsigned long long)h0, (unsigned long long)h1, as->rir, as->rir);
    }
    st->ases = a->n_as;
    st->orgs = n_orgs;
    return outfile_close(f, err, errlen) == 0;
}

static const struct rec_field country_fields[] = {
    {"network", REC_STR, "CIDR block"},
    {"country_iso_code", REC_STR, "ISO 3166-1 alpha-2 country of the block"},
};
static const struct rec_schema country_schema = {"geo-country", country_fields, 2};
static const struct rec_field asn_fields[] = {
    {"network", REC_STR, "CIDR block"},
    {"autonomous_system_number", REC_NUM, "AS announcing it (MOAS/AS set: the first listed)"},
    {"autonomous_system_organization", REC_STR, "organisation of that AS"},
};
static const struct rec_schema asn_schema = {"geo-asn", asn_fields, 3};

/* GeoLite2-style CSVs over disjoint blocks (MaxMind's CSVs never overlap). */
static bool write_geo(const struct spec_attr *a, const char *cpath, const char *apath, struct attr_file_stats *st,
                      char *err, size_t errlen)
{
    struct attr_block *blocks;
    size_t n;
    if (!attr_blocks(a, &blocks, &n)) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    struct rec_writer *cw = rec_open(&country_schema, &(struct rec_opts){.path = cpath}, err, errlen);
    struct rec_writer *aw = cw ? rec_open(&asn_schema, &(struct rec_opts){.path = apath}, err, errlen) : NULL;
    bool ok = cw && aw;
    for (size_t i = 0; ok && i < n; i++) {
        char net[IP_ADDR_STRLEN + 8];
        ip_prefix_format(&blocks[i].block, net, sizeof net);
        if (blocks[i].cc) {
            rec_set_str(cw, 0, net);
            rec_set_str(cw, 1, blocks[i].cc);
            rec_emit(cw);
            st->country_blocks++;
        }
        if (blocks[i].prefix >= 0) {
            uint32_t asn = attr_primary_asn(&a->prefixes[blocks[i].prefix]);
            const struct lab_as *as = attr_find_as(a, asn);
            rec_set_str(aw, 0, net);
            rec_set_u64(aw, 1, asn);
            rec_set_str(aw, 2, as ? as->org : NULL);
            rec_emit(aw);
            st->asn_blocks++;
        }
    }
    free(blocks);
    char e2[512] = "";
    if (rec_close(aw, e2, sizeof e2) < 0 && ok) {
        snprintf(err, errlen, "%s", e2);
        ok = false;
    }
    if (rec_close(cw, e2, sizeof e2) < 0 && ok) {
        snprintf(err, errlen, "%s", e2);
        ok = false;
    }
    return ok;
}

static int rank_cmp(const void *x, const void *y)
{
    const struct lab_as *p = *(const struct lab_as *const *)x, *q = *(const struct lab_as *const *)y;
    return p->rank != q->rank ? (p->rank < q->rank ? -1 : 1) : (p->asn < q->asn ? -1 : p->asn > q->asn);
}

static const struct rec_field rank_fields[] = {
    {"asn", REC_NUM, "AS number"},
    {"rank", REC_NUM, "its CAIDA AS rank (the spec's rank=)"},
};
static const struct rec_schema rank_schema = {"as-rank", rank_fields, 2};

/* CSV asn,rank (what CAIDA's AS Rank gives per AS) for every AS with a rank=, by rank. */
static bool write_rank(const struct spec_attr *a, const char *path, struct attr_file_stats *st, char *err,
                       size_t errlen)
{
    const struct lab_as *ranked[ATTR_MAX_AS];
    size_t n = 0;
    for (unsigned i = 0; i < a->n_as; i++)
        if (a->as[i].rank)
            ranked[n++] = &a->as[i];
    qsort(ranked, n, sizeof ranked[0], rank_cmp);
    struct rec_writer *w = rec_open(&rank_schema, &(struct rec_opts){.path = path}, err, errlen);
    if (!w)
        return false;
    for (size_t i = 0; i < n; i++) {
        rec_set_u64(w, 0, ranked[i]->asn);
        rec_set_u64(w, 1, ranked[i]->rank);
        rec_emit(w);
    }
    st->ranks = n;
    return rec_close(w, err, errlen) == 0;
}

bool attr_write_files(const struct spec_attr *a, const char *dir, const char *changed, struct attr_file_stats *st,
                      char *err, size_t errlen)
{
    char p1[1024], p2[1024];
    memset(st, 0, sizeof *st);
    return path_in(dir, ATTR_FILE_PFX2AS, p1, sizeof p1, err, errlen) && write_pfx2as(a, p1, st, err, errlen) &&
           path_in(dir, ATTR_FILE_AS2ORG, p1, sizeof p1, err, errlen) &&
           write_as2org(a, p1, changed, st, err, errlen) &&
           path_in(dir, ATTR_FILE_GEO_COUNTRY, p1, sizeof p1, err, errlen) &&
           path_in(dir, ATTR_FILE_GEO_ASN, p2, sizeof p2, err, errlen) && write_geo(a, p1, p2, st, err, errlen) &&
           path_in(dir, ATTR_FILE_RANK, p1, sizeof p1, err, errlen) && write_rank(a, p1, st, err, errlen);
}
