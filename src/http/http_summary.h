/* http_summary.h — per target and metric the median MPTCP − TCP delta over the runs, and the CDF of those medians (the paper's Fig. 10). */
#ifndef HTTP_HTTP_SUMMARY_H
#define HTTP_HTTP_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "http/http_driver.h"
#include "http/http_targets.h"
#include "io/record.h"

enum http_metric { M_CONNECT, M_TLS, M_TTFB, M_TOTAL, M_COUNT };
const char *http_metric_name(enum http_metric m);

extern const struct rec_schema http_summary_schema;
extern const struct rec_schema http_cdf_schema;

struct http_summary;

struct http_summary *http_summary_new(size_t n_targets, unsigned runs);
void http_summary_free(struct http_summary *s);
/* Stores run `run` (1-based) of target `target` for r's transport. */
void http_summary_add(struct http_summary *s, size_t target, unsigned run, const struct http_result *r);

/* One record per target and metric (targets with no complete pair are written with runs 0). */
int http_summary_write(struct http_summary *s, const struct http_targets *tl, struct rec_writer *w);
/* One record per (metric, label group, target): the sorted per-target median deltas with their cumulative fraction. */
int http_summary_write_cdf(struct http_summary *s, const struct http_targets *tl, struct rec_writer *w);
/* A table per label on out: targets, MPTCP-active and fallback shares, median of the per-target median deltas. */
void http_summary_print(struct http_summary *s, const struct http_targets *tl, FILE *out);

/* Quantile q in [0,1] of v[0..n) (sorted in place), linear between order statistics; NaN when n == 0. */
double http_quantile(double *v, size_t n, double q);

#endif
