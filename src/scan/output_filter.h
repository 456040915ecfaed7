/* output_filter.h — --output-filter of scan: the fields a ZMap-style filter expression (cli/filter) may test on a reply record, and the test itself. */
#ifndef SCAN_OUTPUT_FILTER_H
#define SCAN_OUTPUT_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "scan/classify.h"

struct filter;

/* Compiles an expression over the reply fields (those of the output schema
 * plus ZMap's `success`). NULL with why on a bad expression. */
struct filter *scan_filter_compile(const char *text, char *why, size_t whylen);
/* Whether the record passes f (NULL: every record does). The values tested
 * are the ones the record writer writes. */
bool scan_filter_match(const struct filter *f, const struct scan_record *r);

#endif
