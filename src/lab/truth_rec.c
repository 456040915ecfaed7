/* truth_rec.c — `lab truth` per-address rows as records (CSV or JSON), over a month range, with each address's AS origin and country. */
#include "lab/summary.h"

#include <stdio.h>

#include "lab/population.h"
#include "lab/spec_ext.h"
#include "lab/truth.h"

static const struct rec_field truth_fields[TR_FIELDS] = {
    {"daddr", REC_STR, "population address (the scan's saddr)"},
    {"dport", REC_NUM, "port"},
    {"probe_version", REC_NUM, "MP_CAPABLE version of the probe (0|1)"},
    {"verdict", REC_STR, "what a correct scanner reports: mptcp, mirrored, version-mismatch, malformed, tcp, "
                         "closed, silent"},
    {"profile", REC_STR, "profile of the address that month, `absent` when it is down"},
    {"asn", REC_STR, "origin of the longest announced prefix, prefix2as spelling (714, MOAS 6939_1101, "
                     "AS set 3320,6939); empty when unannounced"},
    {"country", REC_STR, "country of the address (longest geo prefix, else the AS organisation's); empty if none"},
    {"month", REC_STR, "YYYY-MM of the month"},
    {"month_index", REC_NUM, "month number of the lab (lab up --month)"},
};
const struct rec_schema truth_schema = {"lab truth", truth_fields, TR_FIELDS};

struct row_ctx {
    const struct lab_spec *s;
    const struct summary_opts *o;
    struct rec_writer *w;
    int month;
    char label[16];
    bool ok;
};

static bool row_cb(void *user, const struct ip_addr *a, int profile)
{
    struct row_ctx *c = user;
    char text[IP_ADDR_STRLEN], origin[128] = "";
    ip_addr_format(a, text, sizeof text);
    const char *country = NULL;
    bool attr = rec_selected(c->w, TR_ASN) || rec_selected(c->w, TR_COUNTRY);
    if (attr) {
        int p = attr_match(&c->s->attr, a);
        if (p >= 0)
            attr_origin_text(&c->s->attr.prefixes[p], origin, sizeof origin);
        country = attr_country(&c->s->attr, a);
    }
    const char *pname = profile >= 0 ? c->s->profiles[profile].name : "absent";
    for (unsigned i = 0; i < c->o->n_ports; i++)
        for (int v = 0; v <= 1; v++) {
            if ((v == 0 && !c->o->v0) || (v == 1 && !c->o->v1))
                continue;
            rec_set_str(c->w, TR_DADDR, text);
            rec_set_u64(c->w, TR_DPORT, c->o->ports[i]);
            rec_set_u64(c->w, TR_PROBE_VERSION, (uint64_t)v);
            rec_set_str(c->w, TR_VERDICT, truth_verdict_name(truth_verdict_of(c->s, profile, c->o->ports[i], v)));
            rec_set_str(c->w, TR_PROFILE, pname);
            if (attr) {
                rec_set_str(c->w, TR_ASN, origin);
                rec_set_str(c->w, TR_COUNTRY, country ? country : "");
            }
            rec_set_str(c->w, TR_MONTH, c->label);
            rec_set_u64(c->w, TR_MONTH_INDEX, (uint64_t)c->month);
            if (rec_emit(c->w) != 0)
                return c->ok = false;
        }
    return true;
}

bool truth_write_records(const struct lab_spec *s, const struct summary_opts *o, struct rec_writer *w, char *err,
                         size_t errlen)
{
    struct row_ctx c = {s, o, w, 0, "", true};
    for (int m = o->first; m <= o->last; m++) {
        c.month = m;
        study_month_label(s, m, c.label, sizeof c.label);
        if (!population_walk(s, m, row_cb, &c) || !c.ok) {
            snprintf(err, errlen, "%s", rec_failed(w) ? rec_error(w) : "write error");
            return false;
        }
    }
    return true;
}
