/* trace.h — entry point of `mpcensus trace`: stateless, parallel Tracebox-class middlebox detection with MP_CAPABLE v0/v1 SYN probes. */
#ifndef TRACE_TRACE_H
#define TRACE_TRACE_H

/* Returns the exit status: 0 success, 1 runtime failure, 2 usage error. */
int cmd_trace(int argc, char **argv);

#endif
