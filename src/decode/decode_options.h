/* decode_options.h — the option table of `mpcensus decode`. */
#ifndef DECODE_DECODE_OPTIONS_H
#define DECODE_DECODE_OPTIONS_H

#include <stdbool.h>

struct decode_args {
    bool json;
    char **files;
    int n_files;
};
/* 0 to run, 1 when help was printed (exit 0), 2 on a usage error (reported). */
int decode_parse_options(int argc, char **argv, struct decode_args *a);

#endif
