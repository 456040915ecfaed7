/* scan_status.h — the once-a-second status line and the final summary of a scan (stderr). */
#ifndef SCAN_SCAN_STATUS_H
#define SCAN_SCAN_STATUS_H

#include <stdio.h>
#include "scan/scan_engine.h"

struct status_state {
    uint64_t last_ns, last_sent, last_recv;
};

void scan_status_line(FILE *out, struct scan_run *run, struct status_state *st);
void scan_summary(FILE *out, struct scan_run *run);
/* Unique replies per target sent, in % (the status line's, the summary's and the metadata's). */
double scan_hit_rate(uint64_t unique, uint64_t targets);

#endif
