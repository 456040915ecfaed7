/* trace_config.h — everything `mpcensus trace` was asked to do, as parsed from its command line. */
#ifndef TRACE_CONFIG_H
#define TRACE_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "cli/args.h"
#include "io/record.h"
#include "net/syn_probe.h"

struct trace_config {
    /* probe */
    const struct probe_module *probe;   /* mptcp_v0 or mptcp_v1 */
    struct probe_cfg pcfg;              /* flags, key, SYN options, window, source ports, TTL, gateway MAC */
    unsigned max_ttl;                   /* 1..64 */
    unsigned retries;                   /* per hop, 0..3 */
    unsigned gap_limit;                 /* silent TTLs after the last answering hop before giving up */
    double wait_s;                      /* how long a round waits for its last answers */
    bool proxy_check;                   /* ICMP echo at the TTL that reached the host */
    bool full_path;                     /* every TTL up to the host, not only back to a clean quote */
    uint64_t rate;                      /* probes per second, 0 = unlimited */
    uint64_t seed;
    bool seed_given;
    /* targets */
    char **operands;
    int n_operands;
    const char *target_file;
    struct port_list ports;
    const char *verdicts;
    /* sending */
    const char *iface;                  /* -i: AF_PACKET; NULL: raw sockets through the kernel's routing */
    struct addr_ranges sources;         /* -S */
    uint8_t gw_mac[6];
    bool gw_mac_given;
    /* output */
    const char *output;
    enum rec_format format;
    const char *fields;
    bool quiet;
    bool list_fields;
};

#endif
