/* lab_options.h — option tables of `mpcensus lab up|down|truth` (and the lab overview), parsed into plain structs. */
#ifndef LAB_LAB_OPTIONS_H
#define LAB_LAB_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Each parser returns 0 to run, 1 when help was printed (exit 0), 2 on a
 * usage error (already reported on stderr). */
struct lab_up_args {
    const char *spec, *name;
    int month;
};
int lab_up_parse(int argc, char **argv, struct lab_up_args *a);

struct lab_down_args {
    const char *name;
    bool all;
};
int lab_down_parse(int argc, char **argv, struct lab_down_args *a);

struct lab_truth_args {
    const char *spec, *output;
    int month;
    const uint16_t *ports;     /* NULL: the spec's default ports; valid until the next parse */
    unsigned n_ports;
    bool v0, v1, with_profile;
};
int lab_truth_parse(int argc, char **argv, struct lab_truth_args *a);

/* `mpcensus lab --help`: the subcommands and the spec format. */
void lab_overview(FILE *out);

#endif
