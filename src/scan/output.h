/* output.h — the scan's records (one per reply, or one per probe with --dryrun) through the shared io/record writer. */
#ifndef SCAN_OUTPUT_H
#define SCAN_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "io/record.h"
#include "net/syn_probe.h"
#include "scan/classify.h"

enum output_format { OUTPUT_CSV, OUTPUT_JSON };

/* The fields of a reply record and of a dry-run probe record (name, type,
 * meaning): the writer, --list-output-fields and the help/man text use them. */
extern const struct rec_schema scan_record_schema;
extern const struct rec_schema scan_dryrun_schema;

/* Writes records of one schema; not thread-safe (the receiver thread alone
 * writes replies; dry-run senders serialise with their own lock). */
struct scan_output {
    struct rec_writer *w;
    unsigned long long records;
    char error[640];          /* "PATH: reason" once writing failed (also after output_close) */
};

/* Comma-separated list of every field name, in default order. */
const char *output_all_fields(void);
/* True when every name of the -f list is a field of the (dry-run) schema; else
 * false with "unknown output field 'x' (fields: ...)" in err. */
bool output_fields_valid(bool dryrun, const char *fields, char *err, size_t errlen);
/* Opens path ("-" = stdout) and selects fields ("*" or NULL: all). Returns 0,
 * or -1 with err (unknown field names are listed; "PATH: reason"). Writes
 * the CSV header. */
int output_open(struct scan_output *o, const char *path, enum output_format fmt, const char *fields,
                char *err, size_t errlen);
/* The same for dry-run probe records. */
int output_open_dryrun(struct scan_output *o, const char *path, enum output_format fmt, const char *fields,
                       char *err, size_t errlen);
/* Appends one record (whole lines only ever reach the file). Returns 0, or
 * -1 once the output has failed: o->error says which file and why. */
int output_write(struct scan_output *o, const struct scan_record *r);
/* One probe of a dry run: target, what its SYN carried and the frame. */
int output_write_probe(struct scan_output *o, const struct probe_cfg *cfg, const struct probe_target *t,
                       const struct probe_sig *sig, const uint8_t *frame, size_t len);
/* Hands the complete lines buffered so far to the file (once a second). */
int output_flush(struct scan_output *o);
bool output_failed(const struct scan_output *o);
/* Flushes and closes; -1 with o->error when any write or the close failed. */
int output_close(struct scan_output *o);

/* Formats one record as a line (no newline) into buf; exposed for tests. */
size_t output_format_record(const struct scan_output *o, const struct scan_record *r, char *buf, size_t cap);

#endif
