/* http_output.h — the `http` record: one row per transfer (target, run, transport), its fields and their meaning. */
#ifndef HTTP_HTTP_OUTPUT_H
#define HTTP_HTTP_OUTPUT_H

#include "http/http_driver.h"
#include "http/http_targets.h"
#include "io/record.h"

extern const struct rec_schema http_schema;

/* Writes one row for result r of `run` (1-based) of target t. */
int http_output_write(struct rec_writer *w, const struct http_target *t, unsigned run, const char *host,
                      const struct http_result *r);

/* Whether the kernel said the transfer was MPTCP / fell back (false when not known). */
bool http_result_mptcp_active(const struct http_result *r);
bool http_result_fallback(const struct http_result *r);

#endif
