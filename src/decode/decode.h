/* decode.h — entry point and option table of `mpcensus decode` (every MPTCP option of a capture, as text or JSON). */
#ifndef DECODE_DECODE_H
#define DECODE_DECODE_H

/* Returns the process exit status: 0 success, 1 runtime failure, 2 usage error. */
int cmd_decode(int argc, char **argv);
/* Its option table: --help and the man page are rendered from it (cli/args). */
struct arg_cmd;
const struct arg_cmd *decode_arg_cmd(void);

#endif
