/* trace_options.h — parsing `mpcensus trace`'s command line (trace_options.c) into struct trace_config. */
#ifndef TRACE_OPTIONS_H
#define TRACE_OPTIONS_H

#include "trace/trace_config.h"

/* 0: cfg filled (cfg->list_fields: only list the fields); 1: --help was
 * printed (exit 0); 2: a usage error was printed (exit 2). cfg is filled in
 * every case and must go to trace_config_free. */
int trace_parse(int argc, char **argv, struct trace_config *cfg);
void trace_config_free(struct trace_config *cfg);

#endif
