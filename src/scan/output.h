/* output.h — scan record writers: CSV (header = field names) or JSON lines, with -f field selection. */
#ifndef SCAN_OUTPUT_H
#define SCAN_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "scan/classify.h"

enum output_format { OUTPUT_CSV, OUTPUT_JSON };

#define OUTPUT_MAX_FIELDS 32

struct scan_output {
    FILE *f;
    bool own_file;
    enum output_format fmt;
    unsigned fields[OUTPUT_MAX_FIELDS];
    unsigned n_fields;
    uint64_t cooldown_secs;   /* for the 'cooldown' field's meaning: nothing to store */
    unsigned long long records;
    char *buf;                /* whole lines only: the file never holds half a record */
    size_t buf_len, buf_cap;
};

/* Comma-separated list of every field name, in default order. */
const char *output_all_fields(void);
/* Opens path ("-" = stdout) and selects fields ("*" or NULL: all). Returns 0,
 * or -1 with err (unknown field names are listed). Writes the CSV header. */
int output_open(struct scan_output *o, const char *path, enum output_format fmt, const char *fields,
                char *err, size_t errlen);
/* Appends one record; full buffers are written in whole lines, so even a
 * killed scan leaves only complete records. */
int output_write(struct scan_output *o, const struct scan_record *r);
int output_flush(struct scan_output *o);
int output_close(struct scan_output *o);

/* Formats one record as a line (no newline) into buf; exposed for tests. */
size_t output_format_record(const struct scan_output *o, const struct scan_record *r, char *buf, size_t cap);

#endif
