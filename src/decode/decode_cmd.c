/* decode_cmd.c — placeholder until the 'decode' subcommand lands; replaced by its implementation. */
#include <stdio.h>
#include "cli/commands.h"

int cmd_decode(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "mpcensus decode: not available yet\n");
    return 1;
}
