/* org.h — organisation prefixes whose hosts move through profile stages over the months (`org` lines, applied in order). */
#ifndef LAB_ORG_H
#define LAB_ORG_H

/*
 * `org CIDR FROM TO [start=M] [step=PCT] [max=PCT]` lines with the same CIDR
 * are the stages of one organisation, applied in spec order. Every address
 * starts in the first stage's FROM profile. Stage k (0-based, in order) moves
 * an address from its FROM to its TO profile in month m when the address is
 * in FROM after the earlier stages, m >= start, and
 *
 *     rank_k(a) < min(max, step * (m - start + 1))
 *
 * where rank_k(a) = lab_hash(seed, ORG salt, a, k) mod 100 — an independent
 * uniform rank per stage (stage 0 keeps the rank single-stage specs always
 * had). Every stage's moved set only grows with m, so an address only ever
 * moves forward along the chain, never back. Example (the paper's Apple):
 *
 *     org 198.18.0.0/20 org-v0   org-v0v1 start=1 step=25          # adds v1 beside v0
 *     org 198.18.0.0/20 org-v0v1 org-v1   start=4 step=20 max=40   # 40% then drop v0
 *
 * Each stage's FROM must be the first FROM or an earlier stage's TO.
 * Overlapping org CIDRs that differ: the first line containing the address wins.
 */

#include <stdbool.h>
#include <stddef.h>

#include "lab/spec.h"

/* Profile index of a in month (before the profile's month window and churn
 * are applied), or -2 when a is in no org prefix. */
int org_profile(const struct lab_spec *s, const struct ip_addr *a, int month);
/* True when org line i is the first with its CIDR (later ones are its stages). */
bool org_first_of_prefix(const struct lab_spec *s, unsigned i);
/* Checks the stage chains; false with the reason in why. */
bool org_validate(const struct lab_spec *s, char *why, size_t whylen);

#endif
