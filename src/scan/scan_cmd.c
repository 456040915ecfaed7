/* scan_cmd.c — placeholder until the 'scan' subcommand lands; replaced by its implementation. */
#include <stdio.h>
#include "cli/commands.h"

int cmd_scan(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "mpcensus scan: not available yet\n");
    return 1;
}
