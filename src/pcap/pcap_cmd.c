/* pcap_cmd.c — placeholder until the 'pcap' subcommand lands; replaced by its implementation. */
#include <stdio.h>
#include "cli/commands.h"

int cmd_pcap(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "mpcensus pcap: not available yet\n");
    return 1;
}
