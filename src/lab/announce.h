/* announce.h — the second address of `announce=yes` hosts: taken from the infra block, owned by the host namespace, announced as an MPTCP signal endpoint. */
#ifndef LAB_ANNOUNCE_H
#define LAB_ANNOUNCE_H

#include "lab/spec.h"
#include "lab/sys.h"

/* Infra offset of profile i's announced address (.164+i, ::a4+i): after the
 * site routers (.100+i), both below 256 for the 64 profiles a spec may have. */
#define LAB_ANNOUNCE_OFFSET 164

void lab_announce_addr(const struct lab_spec *s, int family, unsigned profile, struct ip_addr *out);
/* ip -batch lines for profile i's host namespace: both addresses on IF_HOST,
 * `mptcp endpoint add ADDR signal` for each, and path manager limits that
 * accept the client's joins. */
void lab_announce_host_batch(const struct lab_spec *s, unsigned profile, struct textbuf *tb);

#endif
