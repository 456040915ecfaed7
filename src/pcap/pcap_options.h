/* pcap_options.h — the option table of `mpcensus pcap`, parsed into a plain struct. */
#ifndef PCAP_PCAP_OPTIONS_H
#define PCAP_PCAP_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

struct pcap_args {
    const char *output, *flows, *connections, *apple_ports, *services;
    uint64_t min_packets, max_flows;
    double idle_timeout, close_linger;   /* seconds */
    unsigned jobs, top_apps;
    bool concat, sort, progress, quiet;
    char **files;
    int n_files;
};

/* 0 to run, 1 when help was printed (exit 0), 2 on a usage error (reported). */
int pcap_parse_options(int argc, char **argv, struct pcap_args *a);

#endif
