/* org.c — the stage rules of organisation prefixes: which profile an org address has in a month. */
#include "lab/org.h"

#include <stdio.h>

#include "lab/population.h"

#define SALT_ORG 0x6f72670000000003ull   /* rank of an address in its organisation's migration */

static bool same_prefix(const struct cidr *x, const struct cidr *y)
{
    return x->len == y->len && ip_addr_equal(&x->base, &y->base);
}

bool org_first_of_prefix(const struct lab_spec *s, unsigned i)
{
    for (unsigned j = 0; j < i; j++)
        if (same_prefix(&s->orgs[j].prefix, &s->orgs[i].prefix))
            return false;
    return true;
}

int org_profile(const struct lab_spec *s, const struct ip_addr *a, int month)
{
    for (unsigned i = 0; i < s->n_orgs; i++) {
        const struct org *first = &s->orgs[i];
        if (!cidr_contains(&first->prefix, a))
            continue;
        int prof = first->from;
        uint64_t stage = 0;
        for (unsigned j = i; j < s->n_orgs; j++) {
            const struct org *o = &s->orgs[j];
            if (!same_prefix(&o->prefix, &first->prefix))
                continue;
            if (prof == o->from && month >= o->start) {
                uint64_t share = (uint64_t)o->step * (uint64_t)(month - o->start + 1);   /* percent */
                if (share > o->max)
                    share = o->max;
                if (lab_hash(s->seed, SALT_ORG, a, stage) % 100 < share)
                    prof = o->to;
            }
            stage++;
        }
        return prof;
    }
    return -2;
}

bool org_validate(const struct lab_spec *s, char *why, size_t whylen)
{
    for (unsigned i = 0; i < s->n_orgs; i++) {
        const struct org *o = &s->orgs[i];
        unsigned first = 0, stage = 0;
        while (!same_prefix(&s->orgs[first].prefix, &o->prefix))
            first++;
        bool reachable = s->orgs[first].from == o->from;
        for (unsigned j = first; j < i; j++)
            if (same_prefix(&s->orgs[j].prefix, &o->prefix)) {
                reachable |= s->orgs[j].to == o->from;
                stage++;
            }
        if (!reachable) {
            snprintf(why, whylen, "org stage %u of its prefix moves hosts from profile '%s', which its first stage "
                     "does not start from and no earlier stage moves to", stage + 1, s->profiles[o->from].name);
            return false;
        }
    }
    return true;
}
