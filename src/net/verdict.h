/* verdict.h — the scan's verdict rule over an MP_CAPABLE view and the probe that was sent, callable by any stage that has the reply's option bytes. */
#ifndef NET_VERDICT_H
#define NET_VERDICT_H

/*
 * The rule `scan` applies to a validated SYN-ACK or RST (README "Verdicts"):
 * scan/classify.c decides with it, and so do the stages which only have the
 * reply's TCP option bytes (archive importing the MPTCP ZMap fork's
 * `optionshex`, trace at the last hop), so they decide as the scanner does:
 *
 *   closed            RST
 *   tcp               SYN-ACK without MP_CAPABLE
 *   mirrored          v0: our key came back; v1: our option came back byte for byte
 *   malformed         MP_CAPABLE whose length is not 12, or cut by the option area
 *   version-mismatch  MP_CAPABLE of another version than probed
 *   mptcp             MP_CAPABLE of the probed version with a key not ours
 *
 * scan/classify.h's enum scan_verdict names these values (VERDICT_X =
 * MPC_VERDICT_X); tests/unit/test_net_verdict.c checks that a whole option
 * area (mpc_verdict_of_options) and a decoded packet (scan_classify) give
 * the same verdict on crafted and random replies.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/mptcp.h"
#include "net/syn_probe.h"

enum mpc_verdict {
    MPC_VERDICT_MPTCP,
    MPC_VERDICT_MIRRORED,
    MPC_VERDICT_VERSION_MISMATCH,
    MPC_VERDICT_MALFORMED,
    MPC_VERDICT_TCP,
    MPC_VERDICT_CLOSED,
    MPC_VERDICT_COUNT
};

/* "mptcp", "mirrored", "version-mismatch", "malformed", "tcp", "closed"; "unknown" otherwise. */
const char *mpc_verdict_name(enum mpc_verdict v);
/* The verdict named by text (exact, as written by scan), or -1. */
int mpc_verdict_from_name(const char *text);

/* The verdict of a reply: rst for a RST, else a SYN-ACK whose first
 * MP_CAPABLE option is *mpc (NULL when it had none). sig is what the probe
 * carried (version -1: a plain SYN, which accepts any version). */
enum mpc_verdict mpc_verdict_of(bool rst, const struct mptcp_capable *mpc, const struct probe_sig *sig);

/* The same from a reply's whole TCP option area (e.g. a capture or a ZMap
 * `optionshex` field): finds MP_CAPABLE with mptcp_capable_find and applies
 * mpc_verdict_of. *mpc_out (may be NULL) receives the option view; the
 * return value of found tells whether there was one. */
enum mpc_verdict mpc_verdict_of_options(bool rst, const uint8_t *opts, size_t len, const struct probe_sig *sig,
                                        struct mptcp_capable *mpc_out, bool *found);

/* The probe signature of a static-key probe as the scanner builds it
 * (version 0: 12-byte option with `key`; 1: the 4-byte SYN option; -1:
 * plain SYN). flags < 0 takes the module's default (v0 0x81, v1 0x01). */
void mpc_probe_sig_static(int version, uint64_t key, int flags, struct probe_sig *sig);

#endif
