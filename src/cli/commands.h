/* commands.h — entry points of the mpcensus subcommands; each lives in its capability's directory. */
#ifndef CLI_COMMANDS_H
#define CLI_COMMANDS_H

/* Each returns the process exit status: 0 success, 1 runtime failure, 2 usage error. */
int cmd_decode(int argc, char **argv);  /* src/decode */
int cmd_lab(int argc, char **argv);     /* lab/ */
int cmd_scan(int argc, char **argv);    /* src/scan */
int cmd_pcap(int argc, char **argv);    /* src/pcap */

#endif
