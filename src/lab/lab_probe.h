/* lab_probe.h — `mpcensus lab probe`: sends test SYNs (optionally TTL-limited, with MP_CAPABLE v0/v1) from the vantage. */
#ifndef LAB_LAB_PROBE_H
#define LAB_LAB_PROBE_H

int cmd_lab_probe(int argc, char **argv);
/* Its option table (help and man page). */
struct arg_cmd;
const struct arg_cmd *lab_probe_arg_cmd(void);

#endif
