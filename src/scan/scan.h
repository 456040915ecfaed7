/* scan.h — entry point and option table of `mpcensus scan` (stateless MP_CAPABLE SYN scanner). */
#ifndef SCAN_SCAN_H
#define SCAN_SCAN_H

/* Returns the process exit status: 0 success, 1 runtime failure, 2 usage error. */
int cmd_scan(int argc, char **argv);
/* Its option table: --help and the man page are rendered from it (cli/args). */
struct arg_cmd;
const struct arg_cmd *scan_arg_cmd(void);

#endif
