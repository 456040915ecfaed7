/* json.h — the one JSON string writer the subcommands' output shares. */
#ifndef IO_JSON_H
#define IO_JSON_H

#include <stdio.h>

/* Writes s (NULL: "") as a quoted JSON string, escaping quotes, backslashes and control bytes. */
void json_write_string(FILE *out, const char *s);

#endif
