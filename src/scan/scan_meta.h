/* scan_meta.h — the -m/--metadata-file JSON document of a scan: its parameters, network, targets, blocklist, times and results (what ZMap's -m keeps beside its output). */
#ifndef SCAN_SCAN_META_H
#define SCAN_SCAN_META_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "scan/scan_engine.h"

/* What the session knows beyond the run itself. */
struct scan_meta_info {
    uint64_t seed, rate;          /* the permutation seed (given or drawn), the effective packets/s (0: unlimited) */
    struct timespec start, end;   /* wall clock (CLOCK_REALTIME) */
    size_t blocklist_entries;     /* lines/prefixes of -b FILE or of the built-in list */
    uint64_t refused_ranges;
    unsigned __int128 refused_addresses;
    bool interrupted;             /* SIGINT / SIGTERM stopped the sending */
};

/* Writes the document to path ("-" = stdout) through io/outfile. Returns 0,
 * or -1 with "PATH: reason" in err. */
int scan_meta_write(const char *path, struct scan_run *run, const struct scan_meta_info *info, char *err,
                    size_t errlen);

#endif
