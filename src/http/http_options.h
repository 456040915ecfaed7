/* http_options.h — the parsed command line of `mpcensus http` and its option table's parser. */
#ifndef HTTP_HTTP_OPTIONS_H
#define HTTP_HTTP_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "cli/args.h"

enum { SCHEME_AUTO, SCHEME_HTTP, SCHEME_HTTPS };

struct http_cli {
    const char *targets_file, *input, *verdicts, *classes, *addr_field, *port_field;
    struct port_list ports;
    bool ports_seen;
    int scheme, transport;
    const char *host, *path, *user_agent, *cacert;
    bool verify;
    uint64_t max_body;
    double timeout, linger;
    unsigned runs, concurrency;
    uint64_t rate;
    struct addr_ranges sources;
    const char *output, *format, *fields, *summary, *cdf;
    bool list_fields, quiet, no_events;
};

/* Parses argv (defaults first): -1 to go on with *out and *first (the first
 * operand) set, else the exit status (0 after --help / --man, 2 after a
 * usage error, already printed). */
int http_parse_options(int argc, char **argv, struct http_cli **out, int *first);
/* A usage error found after parsing: prints it with the usage hint; returns 2. */
int http_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void http_options_free(struct http_cli *c);

#endif
