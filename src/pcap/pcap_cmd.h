/* pcap_cmd.h — entry point and option table of `mpcensus pcap` (not pcap.h: <pcap/pcap.h> is libpcap's). */
#ifndef PCAP_PCAP_CMD_H
#define PCAP_PCAP_CMD_H

/* Returns the process exit status: 0 success, 1 runtime failure, 2 usage error. */
int cmd_pcap(int argc, char **argv);
/* Its option table: --help and the man page are rendered from it (cli/args). */
struct arg_cmd;
const struct arg_cmd *pcap_arg_cmd(void);

#endif
