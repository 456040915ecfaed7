/* summary.c — the study's truth tables (monthly counts, consistent hosts, verdict counts, per-ASN migration) computed from the lab's population model. */
#include "lab/summary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lab/population.h"
#include "lab/spec_ext.h"
#include "lab/truth.h"

const char *const summary_kind_names[SUMMARY_KINDS + 1] = {"monthly", "verdicts", "migration", NULL};

enum { M_MONTH, M_MONTH_INDEX, M_VERSION, M_FAMILY, M_PORT, M_ADDRESSES, M_RESPONSIVE, M_POTENTIAL, M_MIRRORED,
       M_MPTCP, M_CONSISTENT, M_VERSION_MISMATCH, M_MALFORMED, M_TCP, M_CLOSED, M_FIELDS };
static const struct rec_field monthly_fields[M_FIELDS] = {
    {"month", REC_STR, "YYYY-MM of the month (study start= plus month_index)"},
    {"month_index", REC_NUM, "month number of the lab (lab up --month)"},
    {"version", REC_NUM, "MP_CAPABLE version probed (0|1)"},
    {"family", REC_NUM, "address family (4|6)"},
    {"port", REC_NUM, "port probed"},
    {"addresses", REC_NUM, "population addresses of the family (present or not)"},
    {"responsive", REC_NUM, "addresses answering with a SYN-ACK"},
    {"potential", REC_NUM, "SYN-ACKs carrying MP_CAPABLE (mptcp, mirrored, version-mismatch, malformed)"},
    {"mirrored", REC_NUM, "verdict mirrored"},
    {"mptcp", REC_NUM, "verdict mptcp"},
    {"consistent", REC_NUM, "verdict mptcp in this month and the two before (null for the first two months)"},
    {"version_mismatch", REC_NUM, "verdict version-mismatch"},
    {"malformed", REC_NUM, "verdict malformed"},
    {"tcp", REC_NUM, "verdict tcp (SYN-ACK without MP_CAPABLE)"},
    {"closed", REC_NUM, "addresses answering with a RST"},
};

enum { V_MONTH, V_MONTH_INDEX, V_VERSION, V_FAMILY, V_PORT, V_VERDICT, V_COUNT, V_FIELDS };
static const struct rec_field verdict_fields[V_FIELDS] = {
    {"month", REC_STR, "YYYY-MM of the month"},
    {"month_index", REC_NUM, "month number of the lab"},
    {"version", REC_NUM, "MP_CAPABLE version probed (0|1)"},
    {"family", REC_NUM, "address family (4|6)"},
    {"port", REC_NUM, "port probed"},
    {"verdict", REC_STR, "mptcp, mirrored, version-mismatch, malformed, tcp, closed, silent"},
    {"count", REC_NUM, "population addresses with that verdict"},
};

enum { G_MONTH, G_MONTH_INDEX, G_ASNS, G_V0_ONLY, G_V1_ONLY, G_BOTH, G_ADDED, G_MIGRATED, G_MIGRATED_BACK,
       G_DROPPED, G_APPEARED, G_VANISHED, G_UNCHANGED, G_FIELDS };
static const struct rec_field migration_fields[G_FIELDS] = {
    {"month", REC_STR, "YYYY-MM of the month"},
    {"month_index", REC_NUM, "month number of the lab"},
    {"asns", REC_STR, "the ASes counted (comma-separated): hosts whose longest announced prefix has one as origin"},
    {"v0_only", REC_NUM, "hosts with verdict mptcp for v0 probes only (any port)"},
    {"v1_only", REC_NUM, "hosts with verdict mptcp for v1 probes only"},
    {"both", REC_NUM, "hosts with verdict mptcp for both versions"},
    {"added", REC_NUM, "hosts that went from one version to both since the previous month"},
    {"migrated", REC_NUM, "hosts with v0 only the month before and v1 only now"},
    {"migrated_back", REC_NUM, "hosts with v1 only the month before and v0 only now"},
    {"dropped", REC_NUM, "hosts that went from both versions to one"},
    {"appeared", REC_NUM, "hosts with no version last month and some now"},
    {"vanished", REC_NUM, "hosts with some version last month and none now"},
    {"unchanged", REC_NUM, "hosts with the same (non-empty) versions in both months"},
};

static const struct rec_schema schemas[SUMMARY_KINDS] = {
    {"lab truth --summary monthly", monthly_fields, M_FIELDS},
    {"lab truth --summary verdicts", verdict_fields, V_FIELDS},
    {"lab truth --summary migration", migration_fields, G_FIELDS},
};

const struct rec_schema *summary_schema(enum summary_kind k)
{
    return (unsigned)k < SUMMARY_KINDS ? &schemas[k] : NULL;
}

/* ------------------------------------------------------------ population */

struct addr_vec {
    struct ip_addr *v;
    size_t n, cap;
    bool oom;
};

static bool collect_cb(void *user, const struct ip_addr *a, int profile)
{
    (void)profile;
    struct addr_vec *av = user;
    if (av->n == av->cap) {
        size_t nc = av->cap ? 2 * av->cap : 4096;
        struct ip_addr *nv = realloc(av->v, nc * sizeof *nv);
        if (!nv) {
            av->oom = true;
            return false;
        }
        av->v = nv;
        av->cap = nc;
    }
    av->v[av->n++] = *a;
    return true;
}

static bool is_v6(const struct ip_addr *a) { return a->family == AF_INET6; }

/* Bit of (version, port index) in a per-address mask. */
static inline unsigned bit_of(int v, unsigned pi) { return 1u << (v * SPEC_MAX_PORTS + pi); }

struct ctx {
    const struct lab_spec *s;
    const struct summary_opts *o;
    struct rec_writer *w;
    struct addr_vec av;
    size_t n_fam[2];
};

static void set_month(struct ctx *c, unsigned f_month, unsigned f_index, int m)
{
    char label[16];
    study_month_label(c->s, m, label, sizeof label);
    rec_set_str(c->w, f_month, label);
    rec_set_u64(c->w, f_index, (uint64_t)m);
}

/* --------------------------------------------------------- monthly, verdicts */

static bool run_counts(struct ctx *c, enum summary_kind k, char *err, size_t errlen)
{
    const struct summary_opts *o = c->o;
    size_t n = c->av.n;
    uint16_t *hist[3];
    for (int i = 0; i < 3; i++)
        hist[i] = calloc(n ? n : 1, sizeof(uint16_t));
    if (!hist[0] || !hist[1] || !hist[2]) {
        for (int i = 0; i < 3; i++)
            free(hist[i]);
        snprintf(err, errlen, "out of memory");
        return false;
    }
    bool ok = true;
    for (int m = o->first; ok && m <= o->last; m++) {
        /* counts[version][family][port][verdict] and the consistent window */
        uint64_t counts[2][2][SPEC_MAX_PORTS][TRUTH_COUNT] = {{{{0}}}};
        uint64_t consistent[2][2][SPEC_MAX_PORTS] = {{{0}}};
        uint16_t *now = hist[m % 3], *b1 = hist[(m + 2) % 3], *b2 = hist[(m + 1) % 3];
        for (size_t i = 0; i < n; i++) {
            const struct ip_addr *a = &c->av.v[i];
            int fam = is_v6(a), prof = population_profile(c->s, a, m);
            uint16_t mask = 0;
            for (int v = 0; v <= 1; v++) {
                if ((v == 0 && !o->v0) || (v == 1 && !o->v1))
                    continue;
                for (unsigned pi = 0; pi < o->n_ports; pi++) {
                    enum truth_verdict vd = truth_verdict_of(c->s, prof, o->ports[pi], v);
                    counts[v][fam][pi][vd]++;
                    if (vd == TRUTH_MPTCP)
                        mask |= (uint16_t)bit_of(v, pi);
                }
            }
            now[i] = mask;
            uint16_t all3 = mask & b1[i] & b2[i];
            for (int v = 0; v <= 1 && all3; v++)
                for (unsigned pi = 0; pi < o->n_ports; pi++)
                    if (all3 & bit_of(v, pi))
                        consistent[v][fam][pi]++;
        }
        for (int v = 0; v <= 1; v++) {
            if ((v == 0 && !o->v0) || (v == 1 && !o->v1))
                continue;
            for (int fam = 0; fam <= 1; fam++) {
                if (!c->n_fam[fam])
                    continue;
                for (unsigned pi = 0; pi < o->n_ports; pi++) {
                    const uint64_t *cnt = counts[v][fam][pi];
                    if (k == SUMMARY_VERDICTS) {
                        for (int vd = 0; vd < TRUTH_COUNT; vd++) {
                            set_month(c, V_MONTH, V_MONTH_INDEX, m);
                            rec_set_u64(c->w, V_VERSION, (uint64_t)v);
                            rec_set_u64(c->w, V_FAMILY, fam ? 6 : 4);
                            rec_set_u64(c->w, V_PORT, o->ports[pi]);
                            rec_set_str(c->w, V_VERDICT, truth_verdict_name((enum truth_verdict)vd));
                            rec_set_u64(c->w, V_COUNT, cnt[vd]);
                            ok &= rec_emit(c->w) == 0;
                        }
                        continue;
                    }
                    set_month(c, M_MONTH, M_MONTH_INDEX, m);
                    rec_set_u64(c->w, M_VERSION, (uint64_t)v);
                    rec_set_u64(c->w, M_FAMILY, fam ? 6 : 4);
                    rec_set_u64(c->w, M_PORT, o->ports[pi]);
                    rec_set_u64(c->w, M_ADDRESSES, c->n_fam[fam]);
                    rec_set_u64(c->w, M_RESPONSIVE, cnt[TRUTH_MPTCP] + cnt[TRUTH_MIRRORED] +
                                                        cnt[TRUTH_VERSION_MISMATCH] + cnt[TRUTH_MALFORMED] +
                                                        cnt[TRUTH_TCP]);
                    rec_set_u64(c->w, M_POTENTIAL, cnt[TRUTH_MPTCP] + cnt[TRUTH_MIRRORED] +
                                                       cnt[TRUTH_VERSION_MISMATCH] + cnt[TRUTH_MALFORMED]);
                    rec_set_u64(c->w, M_MIRRORED, cnt[TRUTH_MIRRORED]);
                    rec_set_u64(c->w, M_MPTCP, cnt[TRUTH_MPTCP]);
                    if (m >= o->first + 2)
                        rec_set_u64(c->w, M_CONSISTENT, consistent[v][fam][pi]);
                    else
                        rec_set_null(c->w, M_CONSISTENT);
                    rec_set_u64(c->w, M_VERSION_MISMATCH, cnt[TRUTH_VERSION_MISMATCH]);
                    rec_set_u64(c->w, M_MALFORMED, cnt[TRUTH_MALFORMED]);
                    rec_set_u64(c->w, M_TCP, cnt[TRUTH_TCP]);
                    rec_set_u64(c->w, M_CLOSED, cnt[TRUTH_CLOSED]);
                    ok &= rec_emit(c->w) == 0;
                }
            }
        }
    }
    for (int i = 0; i < 3; i++)
        free(hist[i]);
    if (!ok)
        snprintf(err, errlen, "%s", rec_error(c->w));
    return ok;
}

/* ---------------------------------------------------------------- migration */

enum { ST_NONE = 0, ST_V0 = 1, ST_V1 = 2, ST_BOTH = 3 };

/* The ASNs announcing prefixes that overlap an org prefix, in declaration order; else every AS. */
static size_t default_asns(const struct lab_spec *s, uint32_t *out)
{
    size_t n = 0;
    const struct spec_attr *at = &s->attr;
    for (unsigned i = 0; i < at->n_as; i++) {
        uint32_t asn = at->as[i].asn;
        bool org = false;
        for (unsigned p = 0; p < at->n_prefixes && !org; p++) {
            if (!attr_prefix_has_asn(&at->prefixes[p], asn))
                continue;
            const struct ip_prefix *ap = &at->prefixes[p].prefix;
            for (unsigned k = 0; k < s->n_orgs && !org; k++) {
                const struct cidr *oc = &s->orgs[k].prefix;
                struct ip_prefix op = {oc->base, (uint8_t)oc->len};
                org = (ap->len <= op.len && ip_prefix_contains(ap, &op.addr)) ||
                      (op.len <= ap->len && ip_prefix_contains(&op, &ap->addr));
            }
        }
        if (org)
            out[n++] = asn;
    }
    if (n == 0)
        for (unsigned i = 0; i < at->n_as; i++)
            out[n++] = at->as[i].asn;
    return n;
}

/* Does host i count for the ASN group [g0, g1) of asns? */
static bool in_group(const struct lab_spec *s, int pfx, const uint32_t *asns, size_t g0, size_t g1)
{
    if (pfx < 0)
        return false;
    for (size_t k = g0; k < g1; k++)
        if (attr_prefix_has_asn(&s->attr.prefixes[pfx], asns[k]))
            return true;
    return false;
}

static bool run_migration(struct ctx *c, char *err, size_t errlen)
{
    const struct lab_spec *s = c->s;
    const struct summary_opts *o = c->o;
    uint32_t defaults[ATTR_MAX_AS];
    const uint32_t *asns = o->asns;
    size_t n_asns = o->n_asns;
    if (!asns) {
        n_asns = default_asns(s, defaults);
        asns = defaults;
    }
    /* groups: the whole list (as `archive query migration --asn`), or one per ASN */
    size_t n_groups = o->per_asn ? n_asns : (n_asns > 0);
    size_t n = c->av.n;
    int *pfx = malloc((n ? n : 1) * sizeof *pfx);
    uint8_t *prev = calloc(n ? n : 1, 1), *now = calloc(n ? n : 1, 1);
    if (!pfx || !prev || !now) {
        free(pfx), free(prev), free(now);
        snprintf(err, errlen, "out of memory");
        return false;
    }
    for (size_t i = 0; i < n; i++)
        pfx[i] = attr_match(&s->attr, &c->av.v[i]);
    bool ok = true;
    for (int m = o->first; ok && m <= o->last; m++) {
        for (size_t i = 0; i < n; i++) {
            int prof = population_profile(s, &c->av.v[i], m);
            uint8_t st = ST_NONE;
            for (unsigned pi = 0; pi < o->n_ports; pi++) {
                if (truth_verdict_of(s, prof, o->ports[pi], 0) == TRUTH_MPTCP)
                    st |= ST_V0;
                if (truth_verdict_of(s, prof, o->ports[pi], 1) == TRUTH_MPTCP)
                    st |= ST_V1;
            }
            now[i] = st;
        }
        for (size_t g = 0; g < n_groups; g++) {
            size_t g0 = o->per_asn ? g : 0, g1 = o->per_asn ? g + 1 : n_asns;
            uint64_t state[4] = {0}, mv[7] = {0};   /* added, migrated, back, dropped, appeared, vanished, same */
            for (size_t i = 0; i < n; i++) {
                if (!in_group(s, pfx[i], asns, g0, g1))
                    continue;
                uint8_t a = prev[i], b = now[i];
                state[b]++;
                if (a == ST_NONE && b == ST_NONE) ;
                else if (a == ST_NONE) mv[4]++;
                else if (b == ST_NONE) mv[5]++;
                else if (a == b) mv[6]++;
                else if (b == ST_BOTH) mv[0]++;
                else if (a == ST_BOTH) mv[3]++;
                else if (a == ST_V0) mv[1]++;
                else mv[2]++;
            }
            char list[ATTR_MAX_AS * 12 + 64] = "";
            size_t l = 0;
            for (size_t k = g0; k < g1 && l < sizeof list; k++)
                l += (size_t)snprintf(list + l, sizeof list - l, "%s%u", k > g0 ? "," : "", asns[k]);
            set_month(c, G_MONTH, G_MONTH_INDEX, m);
            rec_set_str(c->w, G_ASNS, list);
            rec_set_u64(c->w, G_V0_ONLY, state[ST_V0]);
            rec_set_u64(c->w, G_V1_ONLY, state[ST_V1]);
            rec_set_u64(c->w, G_BOTH, state[ST_BOTH]);
            for (unsigned f = 0; f < 7; f++) {
                if (m == o->first)
                    rec_set_null(c->w, G_ADDED + f);
                else
                    rec_set_u64(c->w, G_ADDED + f, mv[f]);
            }
            ok &= rec_emit(c->w) == 0;
        }
        uint8_t *t = prev;
        prev = now;
        now = t;
    }
    free(pfx), free(prev), free(now);
    if (!ok)
        snprintf(err, errlen, "%s", rec_error(c->w));
    return ok;
}

bool summary_write(const struct lab_spec *s, enum summary_kind k, const struct summary_opts *o,
                   struct rec_writer *w, char *err, size_t errlen)
{
    if (o->n_ports == 0 || o->n_ports > SPEC_MAX_PORTS || o->first > o->last) {
        snprintf(err, errlen, "bad summary options");
        return false;
    }
    struct ctx c = {.s = s, .o = o, .w = w};
    /* the same addresses every month (absent ones included): walk once */
    if (!population_walk(s, o->first, collect_cb, &c.av) || c.av.oom) {
        free(c.av.v);
        snprintf(err, errlen, "out of memory");
        return false;
    }
    for (size_t i = 0; i < c.av.n; i++)
        c.n_fam[is_v6(&c.av.v[i])]++;
    bool ok = k == SUMMARY_MIGRATION ? run_migration(&c, err, errlen) : run_counts(&c, k, err, errlen);
    free(c.av.v);
    return ok;
}
