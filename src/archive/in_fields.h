/* in_fields.h — typed values of the current input row (address, port, number, boolean, timestamp) with file:line errors. */
#ifndef ARCHIVE_IN_FIELDS_H
#define ARCHIVE_IN_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "archive/ingest.h"

/* Each returns 1 (value stored), 0 (the field is absent or empty: *out
 * untouched) or -1 (bad value: the row is reported bad with
 * "file:line: bad NAME 'text': reason" and counted). */
int fld_addr(struct import_ctx *c, int col, const char *name, uint8_t addr[16], uint8_t *family);
int fld_u64(struct import_ctx *c, int col, const char *name, uint64_t lo, uint64_t hi, uint64_t *out);
int fld_i64(struct import_ctx *c, int col, const char *name, int64_t lo, int64_t hi, int64_t *out);
int fld_double(struct import_ctx *c, int col, const char *name, double *out);
int fld_bool(struct import_ctx *c, int col, const char *name, bool *out);   /* 1/0, true/false */
int fld_ts(struct import_ctx *c, int col, const char *name, int64_t *usec);
int fld_hex(struct import_ctx *c, int col, const char *name, uint8_t *buf, size_t cap, size_t *n);
/* Reports the current row bad with "file:line: " + the message. */
void fld_bad(struct import_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The target address and port of a trace or http row, both required; with
 * port_default a row without a port takes --port when it was given. False
 * when the row was reported bad. */
bool fld_target(struct import_ctx *c, int c_target, int c_port, bool port_default, uint8_t addr[16], uint8_t *family,
                uint16_t *port);
/* The raw text (NULL when absent or empty). */
const char *fld_text(struct import_ctx *c, int col);

#endif
