/* scan_config.h — every setting of one `mpcensus scan` run, as parsed from the command line. */
#ifndef SCAN_SCAN_CONFIG_H
#define SCAN_SCAN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "net/addr.h"
#include "net/syn_probe.h"
#include "scan/output.h"

struct scan_config {
    /* targets */
    char **target_args;           /* CIDRs from the command line */
    int n_target_args;
    const char *allowlist_file;   /* -w */
    const char *blocklist_file;   /* -b: replaces the built-in list */
    const char *ipv6_targets;     /* --ipv6-targets FILE|- */
    uint16_t *ports;              /* -p: distinct ports, any number (malloc'ed; scan_config_free) */
    unsigned n_ports;
    uint64_t max_targets;         /* -n, 0 = all */
    /* order */
    uint64_t seed;
    bool seed_given;
    unsigned shards, shard;
    /* sending */
    const struct probe_module *probe;
    struct probe_cfg probe_cfg;
    bool mpc_flags_given;
    uint64_t rate;                /* packets/s, 0 = unlimited */
    uint64_t bandwidth;           /* bits/s, 0 = unset */
    unsigned probes;              /* copies per target */
    unsigned send_threads;
    const char *iface;
    struct ip_addr src4, src6;    /* -S */
    bool have_src4, have_src6;
    bool gw_mac_given;
    bool dryrun;
    bool qdisc_bypass;
    enum { TX_AUTO, TX_RING, TX_SENDMMSG } tx_mode; /* auto: sendmmsg on veth, else the TX ring */
    /* receiving and output */
    unsigned cooldown_secs;
    unsigned max_runtime_secs;    /* -t, 0 = none */
    const char *output_file;
    enum output_format output_format;
    const char *output_fields;
    bool output_repeats;
    bool quiet;
    /* modes */
    bool bench_permutation;
};

/* Parses argv. Returns 0 to run, 1 when it already printed what was asked
 * (--help, --list-...) and the command should exit 0, or 2 on a usage error
 * (a message was printed to stderr). Only the CLI layer prints. */
int scan_parse_options(int argc, char **argv, struct scan_config *cfg);
void scan_config_free(struct scan_config *cfg);
void scan_usage(FILE *out);

#endif
