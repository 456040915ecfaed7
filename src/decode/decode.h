/* decode.h — entry point of `mpcensus decode` (every MPTCP option of a capture, as text or JSON). */
#ifndef DECODE_DECODE_H
#define DECODE_DECODE_H

/* Returns the process exit status: 0 success, 1 runtime failure, 2 usage error. */
int cmd_decode(int argc, char **argv);

#endif
