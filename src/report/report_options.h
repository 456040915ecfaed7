/* report_options.h — the option table of `mpcensus report` and its parser. */
#ifndef REPORT_REPORT_OPTIONS_H
#define REPORT_REPORT_OPTIONS_H

#include "report/report_build.h"

/* Parses argv into o: -1 to go on, else the exit status (0 after --help or
 * --man, 2 after a usage error, already printed). */
int report_parse_options(int argc, char **argv, struct report_opts *o);

#endif
