/* lab_cmd.c — placeholder until the 'lab' subcommand lands; replaced by its implementation. */
#include <stdio.h>
#include "cli/commands.h"

int cmd_lab(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "mpcensus lab: not available yet\n");
    return 1;
}
