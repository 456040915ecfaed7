/* scan_metadata.h — what a scan's metadata file (mpcensus scan -m, or ZMap's -m) says about the results it sits beside: probe version, key, shard, date, port, for `archive import --metadata`. */
#ifndef ARCHIVE_SCAN_METADATA_H
#define ARCHIVE_SCAN_METADATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct scan_metadata {
    char tool[32];            /* "mpcensus scan", "zmap" */
    bool has_probe_version;
    int probe_version;        /* 0, 1, -1 plain SYN (tcp_syn, ZMap's tcp_synscan) */
    bool has_key;
    uint64_t key;             /* v0 static key */
    char shard[32];           /* "I/N", empty when not sharded */
    char date[16];            /* YYYY-MM-DD of start_time, empty when absent */
    int port;                 /* the one target port, 0 when several or absent */
};

/* Reads path (a JSON object). Fields it does not have stay unset. Returns 0,
 * or -1 with "PATH: reason" in err (not JSON, not an object, not a scan's). */
int scan_metadata_read(const char *path, struct scan_metadata *m, char *err, size_t errlen);

#endif
