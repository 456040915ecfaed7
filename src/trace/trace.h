/* trace.h — entry point and option table of `mpcensus trace`: stateless, parallel Tracebox-class middlebox detection with MP_CAPABLE v0/v1 SYN probes. */
#ifndef TRACE_TRACE_H
#define TRACE_TRACE_H

/* Returns the exit status: 0 success, 1 runtime failure, 2 usage error. */
int cmd_trace(int argc, char **argv);
/* Its option table: --help and the man page are rendered from it (cli/args). */
struct arg_cmd;
const struct arg_cmd *trace_arg_cmd(void);

#endif
