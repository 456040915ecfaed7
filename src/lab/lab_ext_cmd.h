/* lab_ext_cmd.h — entry points of `lab truth` (per-address truth and the study's summaries) and `lab attribution`; their option tables are in lab_options.c. */
#ifndef LAB_LAB_EXT_CMD_H
#define LAB_LAB_EXT_CMD_H

/* `mpcensus lab attribution SPEC -o DIR`; argv[0] is "attribution". Exit status. */
int cmd_lab_attribution(int argc, char **argv);

/* `mpcensus lab truth SPEC ...`: the CSV daddr,dport,probe_version,verdict,
 * with the profile, attribution, month ranges, JSON lines, or the study's
 * summaries; argv[0] is "truth". Exit status. */
int cmd_lab_truth(int argc, char **argv);

#endif
