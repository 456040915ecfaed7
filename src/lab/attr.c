/* attr.c — parses the lab's AS / country directives and answers longest-prefix attribution questions about lab addresses. */
#include "lab/attr.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli/args.h"
#include "io/errmsg.h"

/* Attribution, like the population, stays inside the lab's address ranges. */
static bool in_lab(const struct ip_prefix *p)
{
    struct ip_prefix lab;
    char why[64];
    ip_prefix_parse(p->addr.family == AF_INET ? "198.18.0.0/15" : "2001:db8::/32", false, &lab, why, sizeof why);
    return p->len >= lab.len && ip_prefix_contains(&lab, &p->addr);
}

static int parse_prefix(const char *text, struct ip_prefix *out, char *why, size_t whylen)
{
    char reason[128];
    if (!ip_prefix_parse(text, false, out, reason, sizeof reason))
        return errmsg_fail(why, whylen, "bad prefix '%s': %s", text, reason);
    if (!in_lab(out))
        return errmsg_fail(why, whylen, "prefix '%s' outside 198.18.0.0/15 and 2001:db8::/32", text);
    return 0;
}

static int parse_asn(const char *text, uint32_t *asn, char *why, size_t whylen)
{
    uint64_t v;
    char reason[128];
    if (!args_parse_u64(text, 1, UINT32_MAX, &v, reason, sizeof reason))
        return errmsg_fail(why, whylen, "bad ASN '%s': %s", text, reason);
    *asn = (uint32_t)v;
    return 0;
}

static bool cc_ok(const char *cc)
{
    return strlen(cc) == 2 && isupper((unsigned char)cc[0]) && isupper((unsigned char)cc[1]);
}

/* The registry an organisation of country cc registers with (as2org `source`). */
static const char *rir_of(const char *cc)
{
    static const char *const arin = "US CA PR";
    static const char *const lacnic = "BR AR MX CL CO PE UY VE EC BO PY";
    static const char *const afrinic = "ZA KE NG EG MA TN GH MU SN";
    static const char *const apnic = "JP CN KR AU IN SG HK TW NZ ID TH VN MY PH BD PK";
    if (strstr(arin, cc)) return "ARIN";
    if (strstr(lacnic, cc)) return "LACNIC";
    if (strstr(afrinic, cc)) return "AFRINIC";
    if (strstr(apnic, cc)) return "APNIC";
    return "RIPE";
}

/* "FIRSTWORD" of an organisation name, upper case, [A-Z0-9-] only. */
static void default_aut_name(const char *org, char *out, size_t len)
{
    size_t k = 0;
    for (const char *c = org; *c && *c != ' ' && k + 1 < len; c++)
        out[k++] = isalnum((unsigned char)*c) ? (char)toupper((unsigned char)*c) : '-';
    while (k > 0 && out[k - 1] == '-')
        k--;
    out[k] = 0;
    if (k == 0)
        snprintf(out, len, "AS");
}

/* Joins tok[*i..] from a word starting with '"' to one ending with '"'. */
static int quoted(char **tok, int n, int *i, char *out, size_t len, char *why, size_t whylen)
{
    if (*i >= n || tok[*i][0] != '"')
        return errmsg_fail(why, whylen, "expected the organisation name in double quotes");
    size_t k = 0;
    for (int j = *i; j < n; j++) {
        const char *w = tok[j] + (j == *i);
        size_t wl = strlen(w);
        bool last = wl > 0 && w[wl - 1] == '"';
        if (last)
            wl--;
        if (k + (k > 0) + wl + 1 > len)
            return errmsg_fail(why, whylen, "organisation name longer than %zu characters", len - 1);
        if (j > *i)
            out[k++] = ' ';
        memcpy(out + k, w, wl);
        k += wl;
        out[k] = 0;
        if (last) {
            *i = j + 1;
            if (k == 0)
                return errmsg_fail(why, whylen, "empty organisation name");
            for (const char *c = out; *c; c++)
                if (*c == '"' || *c == '|' || (unsigned char)*c < 0x20)
                    return errmsg_fail(why, whylen, "organisation name may not contain '\"', '|' or control characters");
            return 0;
        }
    }
    return errmsg_fail(why, whylen, "organisation name: no closing '\"' (a '#' inside a name starts a comment)");
}

static struct attr_prefix *prefix_slot(struct spec_attr *a, const struct ip_prefix *p, char *why, size_t whylen)
{
    for (unsigned i = 0; i < a->n_prefixes; i++)
        if (a->prefixes[i].prefix.len == p->len && ip_addr_equal(&a->prefixes[i].prefix.addr, &p->addr))
            return &a->prefixes[i];
    if (a->n_prefixes >= ATTR_MAX_PREFIXES) {
        errmsg_fail(why, whylen, "at most %d announced prefixes", ATTR_MAX_PREFIXES);
        return NULL;
    }
    struct attr_prefix *s = &a->prefixes[a->n_prefixes++];
    memset(s, 0, sizeof *s);
    s->prefix = *p;
    return s;
}

static int add_origin(struct spec_attr *a, const struct ip_prefix *p, const struct attr_origin *o, char *why,
                      size_t whylen)
{
    struct attr_prefix *s = prefix_slot(a, p, why, whylen);
    if (!s)
        return -1;
    char text[64];
    ip_prefix_format(p, text, sizeof text);
    for (unsigned k = 0; k < o->n; k++)
        if (attr_prefix_has_asn(s, o->asn[k]))
            return errmsg_fail(why, whylen, "prefix %s already has AS%u among its origins", text, o->asn[k]);
    if (s->n_origins >= ATTR_MAX_ORIGINS)
        return errmsg_fail(why, whylen, "prefix %s: at most %d origins", text, ATTR_MAX_ORIGINS);
    s->origins[s->n_origins++] = *o;
    return 0;
}

/* as ASN "ORG NAME" CC [aut=NAME] [rir=RIR] [rank=N] [PREFIX...] */
static int directive_as(struct spec_attr *a, char **tok, int n, char *why, size_t whylen)
{
    if (n < 4)
        return errmsg_fail(why, whylen, "usage: as ASN \"ORGANISATION\" CC [aut=NAME] [rir=RIR] [rank=N] [PREFIX...]");
    struct lab_as as = {0};
    if (parse_asn(tok[1], &as.asn, why, whylen) < 0)
        return -1;
    int i = 2;
    if (quoted(tok, n, &i, as.org, sizeof as.org, why, whylen) < 0)
        return -1;
    if (i >= n || !cc_ok(tok[i]))
        return errmsg_fail(why, whylen, "expected a country code (two capital letters) after the organisation, got '%s'",
                     i < n ? tok[i] : "");
    memcpy(as.cc, tok[i++], 3);
    bool have_aut = false, have_rir = false, have_rank = false;
    struct ip_prefix prefixes[40];
    int n_pfx = 0;
    for (; i < n; i++) {
        const char *t = tok[i];
        if (!strncmp(t, "aut=", 4)) {
            if (strlen(t + 4) == 0 || strlen(t + 4) >= sizeof as.aut_name || strchr(t + 4, '|'))
                return errmsg_fail(why, whylen, "bad aut name '%s' (1-%zu characters, no '|')", t + 4,
                             sizeof as.aut_name - 1);
            strcpy(as.aut_name, t + 4);
            have_aut = true;
        } else if (!strncmp(t, "rir=", 4)) {
            static const char *const rirs[] = {"ARIN", "RIPE", "APNIC", "LACNIC", "AFRINIC", "JPNIC", "KRNIC",
                                               "TWNIC", "CNNIC", NULL};
            int idx;
            char reason[160];
            if (!args_parse_choice(t + 4, rirs, &idx, reason, sizeof reason))
                return errmsg_fail(why, whylen, "bad rir '%s': %s", t + 4, reason);
            strcpy(as.rir, rirs[idx]);
            have_rir = true;
        } else if (!strncmp(t, "rank=", 5)) {
            uint64_t v;
            char reason[128];
            if (!args_parse_u64(t + 5, 1, 1000000, &v, reason, sizeof reason))
                return errmsg_fail(why, whylen, "bad rank '%s': %s", t + 5, reason);
            as.rank = (unsigned)v;
            have_rank = true;
        } else if (strchr(t, '=')) {
            return errmsg_fail(why, whylen, "unknown as key '%s' (aut=, rir=, rank=)", t);
        } else {
            if (parse_prefix(t, &prefixes[n_pfx], why, whylen) < 0)
                return -1;
            n_pfx++;
        }
    }
    struct lab_as *slot = (struct lab_as *)attr_find_as(a, as.asn);
    if (slot) {
        /* a later line for the same AS adds prefixes (and may set keys) */
        if (strcmp(slot->org, as.org) || strcmp(slot->cc, as.cc))
            return errmsg_fail(why, whylen, "AS%u declared before as \"%s\" %s", as.asn, slot->org, slot->cc);
        if (have_aut) strcpy(slot->aut_name, as.aut_name);
        if (have_rir) strcpy(slot->rir, as.rir);
        if (have_rank) slot->rank = as.rank;
    } else {
        if (a->n_as >= ATTR_MAX_AS)
            return errmsg_fail(why, whylen, "at most %d ASes", ATTR_MAX_AS);
        for (unsigned k = 0; k < a->n_as; k++)
            if (!strcmp(a->as[k].org, as.org) && strcmp(a->as[k].cc, as.cc))
                return errmsg_fail(why, whylen, "organisation \"%s\" has country %s on AS%u", as.org, a->as[k].cc,
                             a->as[k].asn);
        if (!have_aut)
            default_aut_name(as.org, as.aut_name, sizeof as.aut_name);
        if (!have_rir)
            strcpy(as.rir, rir_of(as.cc));
        slot = &a->as[a->n_as++];
        *slot = as;
    }
    for (int k = 0; k < n_pfx; k++) {
        struct attr_origin o = {.asn = {as.asn}, .n = 1};
        if (add_origin(a, &prefixes[k], &o, why, whylen) < 0)
            return -1;
    }
    return 1;
}

/* as-set PREFIX ASN,ASN[,...] */
static int directive_as_set(struct spec_attr *a, char **tok, int n, char *why, size_t whylen)
{
    if (n != 3)
        return errmsg_fail(why, whylen, "usage: as-set PREFIX ASN,ASN[,ASN...]");
    struct ip_prefix p;
    if (parse_prefix(tok[1], &p, why, whylen) < 0)
        return -1;
    struct attr_origin o = {0};
    char buf[128];
    if (strlen(tok[2]) >= sizeof buf)
        return errmsg_fail(why, whylen, "AS set too long");
    strcpy(buf, tok[2]);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (o.n >= ATTR_MAX_SET)
            return errmsg_fail(why, whylen, "at most %d ASNs in an AS set", ATTR_MAX_SET);
        if (parse_asn(t, &o.asn[o.n], why, whylen) < 0)
            return -1;
        for (unsigned k = 0; k < o.n; k++)
            if (o.asn[k] == o.asn[o.n])
                return errmsg_fail(why, whylen, "AS%u twice in the AS set", o.asn[k]);
        o.n++;
    }
    if (o.n < 2)
        return errmsg_fail(why, whylen, "an AS set has at least two ASNs (one AS: use 'as')");
    return add_origin(a, &p, &o, why, whylen) < 0 ? -1 : 1;
}

/* geo PREFIX CC */
static int directive_geo(struct spec_attr *a, char **tok, int n, char *why, size_t whylen)
{
    if (n != 3)
        return errmsg_fail(why, whylen, "usage: geo PREFIX CC");
    if (a->n_geo >= ATTR_MAX_GEO)
        return errmsg_fail(why, whylen, "at most %d geo lines", ATTR_MAX_GEO);
    struct attr_geo g;
    if (parse_prefix(tok[1], &g.prefix, why, whylen) < 0)
        return -1;
    if (!cc_ok(tok[2]))
        return errmsg_fail(why, whylen, "bad country code '%s' (two capital letters)", tok[2]);
    for (unsigned k = 0; k < a->n_geo; k++)
        if (a->geo[k].prefix.len == g.prefix.len && ip_addr_equal(&a->geo[k].prefix.addr, &g.prefix.addr))
            return errmsg_fail(why, whylen, "geo prefix '%s' given twice", tok[1]);
    memcpy(g.cc, tok[2], 3);
    a->geo[a->n_geo++] = g;
    return 1;
}

int attr_directive(struct spec_attr *a, char **tok, int n, char *why, size_t whylen)
{
    if (!strcmp(tok[0], "as"))
        return directive_as(a, tok, n, why, whylen);
    if (!strcmp(tok[0], "as-set"))
        return directive_as_set(a, tok, n, why, whylen);
    if (!strcmp(tok[0], "geo"))
        return directive_geo(a, tok, n, why, whylen);
    return 0;
}

bool attr_validate(const struct spec_attr *a, char *why, size_t whylen)
{
    for (unsigned i = 0; i < a->n_prefixes; i++)
        for (unsigned k = 0; k < a->prefixes[i].n_origins; k++)
            for (unsigned j = 0; j < a->prefixes[i].origins[k].n; j++)
                if (!attr_find_as(a, a->prefixes[i].origins[k].asn[j])) {
                    char text[64];
                    ip_prefix_format(&a->prefixes[i].prefix, text, sizeof text);
                    errmsg_fail(why, whylen, "as-set %s: AS%u is not declared by an 'as' line", text,
                          a->prefixes[i].origins[k].asn[j]);
                    return false;
                }
    return true;
}

const struct lab_as *attr_find_as(const struct spec_attr *a, uint32_t asn)
{
    for (unsigned i = 0; i < a->n_as; i++)
        if (a->as[i].asn == asn)
            return &a->as[i];
    return NULL;
}

int attr_match(const struct spec_attr *a, const struct ip_addr *addr)
{
    int best = -1;
    for (unsigned i = 0; i < a->n_prefixes; i++)
        if ((best < 0 || a->prefixes[i].prefix.len > a->prefixes[best].prefix.len) &&
            ip_prefix_contains(&a->prefixes[i].prefix, addr))
            best = (int)i;
    return best;
}

uint32_t attr_primary_asn(const struct attr_prefix *p)
{
    return p->n_origins ? p->origins[0].asn[0] : 0;
}

const char *attr_country(const struct spec_attr *a, const struct ip_addr *addr)
{
    int best = -1;
    for (unsigned i = 0; i < a->n_geo; i++)
        if ((best < 0 || a->geo[i].prefix.len > a->geo[best].prefix.len) && ip_prefix_contains(&a->geo[i].prefix, addr))
            best = (int)i;
    if (best >= 0)
        return a->geo[best].cc;
    int p = attr_match(a, addr);
    if (p < 0)
        return NULL;
    const struct lab_as *as = attr_find_as(a, attr_primary_asn(&a->prefixes[p]));
    return as ? as->cc : NULL;
}

void attr_origin_text(const struct attr_prefix *p, char *buf, size_t len)
{
    size_t k = 0;
    buf[0] = 0;
    for (unsigned i = 0; i < p->n_origins; i++)
        for (unsigned j = 0; j < p->origins[i].n; j++) {
            const char *sep = j ? "," : i ? "_" : "";
            int w = snprintf(buf + k, len - k, "%s%u", sep, p->origins[i].asn[j]);
            if (w < 0 || (size_t)w >= len - k)
                return;
            k += (size_t)w;
        }
}

bool attr_prefix_has_asn(const struct attr_prefix *p, uint32_t asn)
{
    for (unsigned i = 0; i < p->n_origins; i++)
        for (unsigned j = 0; j < p->origins[i].n; j++)
            if (p->origins[i].asn[j] == asn)
                return true;
    return false;
}

/* ------------------------------------------------------------------ blocks */

struct block_vec {
    struct attr_block *v;
    size_t n, cap;
    bool oom;
};

static bool prefix_equal(const struct ip_prefix *x, const struct ip_prefix *y)
{
    return x->len == y->len && ip_addr_equal(&x->addr, &y->addr);
}

/* y lies inside x (or equals it). */
static bool prefix_within(const struct ip_prefix *x, const struct ip_prefix *y)
{
    return y->addr.family == x->addr.family && y->len >= x->len && ip_prefix_contains(x, &y->addr);
}

/* The two halves of q. */
static void halves(const struct ip_prefix *q, struct ip_prefix h[2])
{
    h[0] = h[1] = *q;
    h[0].len = h[1].len = (uint8_t)(q->len + 1);
    h[1].addr.bytes[q->len / 8] |= (uint8_t)(0x80u >> (q->len % 8));
}

static void push(const struct spec_attr *a, struct block_vec *bv, const struct ip_prefix *q)
{
    if (bv->oom)
        return;
    if (bv->n == bv->cap) {
        size_t nc = bv->cap ? 2 * bv->cap : 64;
        struct attr_block *nv = realloc(bv->v, nc * sizeof *nv);
        if (!nv) {
            bv->oom = true;
            return;
        }
        bv->v = nv;
        bv->cap = nc;
    }
    bv->v[bv->n++] = (struct attr_block){*q, attr_match(a, &q->addr), attr_country(a, &q->addr)};
}

/* Emits q minus every listed prefix strictly more specific than `owner`. */
static void cover(const struct spec_attr *a, const struct ip_prefix *all, size_t n_all, const struct ip_prefix *owner,
                  const struct ip_prefix *q, struct block_vec *bv)
{
    bool split = false;
    for (size_t i = 0; i < n_all; i++) {
        if (all[i].len <= owner->len || !prefix_within(q, &all[i]))
            continue;
        if (prefix_equal(&all[i], q))
            return;          /* that prefix emits itself */
        split = true;
    }
    if (!split) {
        push(a, bv, q);
        return;
    }
    struct ip_prefix h[2];
    halves(q, h);
    cover(a, all, n_all, owner, &h[0], bv);
    cover(a, all, n_all, owner, &h[1], bv);
}

static int block_cmp(const void *x, const void *y)
{
    const struct attr_block *p = x, *q = y;
    int c = ip_addr_compare(&p->block.addr, &q->block.addr);
    return c ? c : (int)p->block.len - (int)q->block.len;
}

bool attr_blocks(const struct spec_attr *a, struct attr_block **out, size_t *n)
{
    struct ip_prefix all[ATTR_MAX_PREFIXES + ATTR_MAX_GEO];
    size_t n_all = 0;
    for (unsigned i = 0; i < a->n_prefixes + a->n_geo; i++) {
        const struct ip_prefix *p = i < a->n_prefixes ? &a->prefixes[i].prefix : &a->geo[i - a->n_prefixes].prefix;
        bool dup = false;
        for (size_t k = 0; k < n_all && !dup; k++)
            dup = prefix_equal(&all[k], p);
        if (!dup)
            all[n_all++] = *p;
    }
    struct block_vec bv = {0};
    for (size_t i = 0; i < n_all; i++)
        cover(a, all, n_all, &all[i], &all[i], &bv);
    if (bv.oom) {
        free(bv.v);
        return false;
    }
    if (bv.n)
        qsort(bv.v, bv.n, sizeof *bv.v, block_cmp);
    *out = bv.v;
    *n = bv.n;
    return true;
}
