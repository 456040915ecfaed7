/* pcap_cmd.h — entry point of `mpcensus pcap` (not pcap.h: <pcap/pcap.h> is libpcap's). */
#ifndef PCAP_PCAP_CMD_H
#define PCAP_PCAP_CMD_H

/* Returns the process exit status: 0 success, 1 runtime failure, 2 usage error. */
int cmd_pcap(int argc, char **argv);

#endif
