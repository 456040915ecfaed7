/* http.h — entry point of `mpcensus http` (HTTP(S) GET timing over MPTCP and TCP, with the kernel's view of each connection). */
#ifndef HTTP_HTTP_H
#define HTTP_HTTP_H

/* Returns the process exit status: 0 success, 1 runtime failure or interrupted, 2 usage error. */
int cmd_http(int argc, char **argv);

#endif
