/* record_read.h — reads the records other stages (and ZMap) wrote: CSV with a header or JSON lines, one row at a time, bad rows counted with file:line. */
#ifndef IO_RECORD_READ_H
#define IO_RECORD_READ_H

/*
 * The reading half of io/record.h, for stages that take another stage's
 * output (trace and http take scan/trace rows, archive imports everything):
 *
 *     struct rec_reader *r = rec_reader_open("scan.csv", err, sizeof err);
 *     int c_saddr = rec_reader_col(r, "saddr"), c_verdict = rec_reader_col(r, "verdict");
 *     while ((rc = rec_reader_next(r)) != 0) {
 *         if (rc < 0) { count a bad row; rec_reader_error(r) is "scan.csv:17: reason"; continue; }
 *         const char *v = rec_reader_value(r, c_verdict, &len);   // NULL: absent / empty / null
 *     }
 *     rec_reader_close(r);
 *
 * Format: JSON lines when the first non-blank byte is '{', else CSV whose
 * first line is the header (RFC 4180: quoted fields, "" for a quote, quoted
 * newlines). JSON rows are flat objects; a nested array/object value is
 * returned as its JSON text; strings are unescaped (\uXXXX as UTF-8);
 * numbers, true/false as their text; null as absent. Lines longer than
 * REC_READ_MAX_LINE, a wrong column count or broken JSON make that row bad
 * (rc -1) and reading goes on with the next line. Input is read through
 * io/instream when it is compressed (gzip, zstd, xz: see rec_reader_open).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "io/record.h"

#define REC_READ_MAX_LINE (1u << 20)

struct rec_reader;

/* Opens path ("-" = standard input). NULL with "PATH: reason" in err. */
struct rec_reader *rec_reader_open(const char *path, char *err, size_t errlen);
/* Reads an already open stream; `name` labels errors; own: fclose it at the end. */
struct rec_reader *rec_reader_from_stream(FILE *f, const char *name, bool own, char *err, size_t errlen);

enum rec_format rec_reader_format(const struct rec_reader *r);
/* Column index of a field name (stable for the whole file; a name the input
 * never has is still a valid index whose value is always absent). */
int rec_reader_col(struct rec_reader *r, const char *name);
/* Names seen so far: the CSV header, or every JSON key met up to this row. */
size_t rec_reader_n_cols(const struct rec_reader *r);
const char *rec_reader_col_name(const struct rec_reader *r, size_t col);
/* True when the CSV header (or the first JSON row) has this name. */
bool rec_reader_has(struct rec_reader *r, const char *name);

/* 1: a row is ready; 0: end of input; -1: a bad row (skipped; see rec_reader_error). */
int rec_reader_next(struct rec_reader *r);
/* The current row's value of column col: NUL-terminated, valid until the next
 * rec_reader_next; NULL when absent, empty (CSV) or null (JSON). */
const char *rec_reader_value(const struct rec_reader *r, int col, size_t *len);
/* The current row as the raw input line (without the newline). */
const char *rec_reader_line_text(const struct rec_reader *r);

unsigned long long rec_reader_line(const struct rec_reader *r);       /* 1-based line of the current row */
unsigned long long rec_reader_rows(const struct rec_reader *r);       /* good rows so far */
unsigned long long rec_reader_bad_rows(const struct rec_reader *r);
const char *rec_reader_error(const struct rec_reader *r);             /* "PATH:LINE: reason" of the last bad row / read error */
/* True when reading stopped on an I/O or decompression error (not a bad row). */
bool rec_reader_failed(const struct rec_reader *r);
const char *rec_reader_path(const struct rec_reader *r);

void rec_reader_close(struct rec_reader *r);

#endif
