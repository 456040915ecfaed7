/* lab_ext_cmd.h — entry points of the study's lab commands: `lab attribution` and `lab truth` with attribution, month ranges and summaries. */
#ifndef LAB_LAB_EXT_CMD_H
#define LAB_LAB_EXT_CMD_H

#include <stdbool.h>

/* `mpcensus lab attribution SPEC -o DIR`; argv[0] is "attribution". Exit status. */
int cmd_lab_attribution(int argc, char **argv);

/* True when a `lab truth` command line uses an option of the study truth
 * (--with-as, --months, --summary, --asn, --start, -O, -f,
 * --list-output-fields) or asks for --help: cmd_lab_truth_ext() then runs it. */
bool lab_truth_ext_wanted(int argc, char **argv);
/* `mpcensus lab truth SPEC ...` with records, attribution and summaries; argv[0] is "truth". */
int cmd_lab_truth_ext(int argc, char **argv);

#endif
