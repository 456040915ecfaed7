/* scan_config.h — every setting of one `mpcensus scan` run, as parsed from the command line. */
#ifndef SCAN_SCAN_CONFIG_H
#define SCAN_SCAN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "cli/args.h"
#include "net/addr.h"
#include "net/syn_probe.h"
#include "scan/output.h"

struct filter;

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
    const char *iface;            /* -i; NULL: the interface of the route to the first target */
    struct addr_ranges sources;   /* -S addresses and ranges, both families; none given for a family: the
                                     preferred source of the route to its first target */
    bool gw_mac_given;            /* -G; else the next hop's MAC from the neighbour table */
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
    const char *output_filter_text;  /* --output-filter, as given */
    struct filter *output_filter;    /* compiled (cli/filter), NULL: every record */
    const char *metadata_file;       /* -m: JSON of the scan's parameters and results */
    char **argv;                     /* the command line, for the metadata */
    int argc;
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
