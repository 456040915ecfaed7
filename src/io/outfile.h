/* outfile.h — an output file that only ever receives whole lines and never loses a write error. */
#ifndef IO_OUTFILE_H
#define IO_OUTFILE_H

/*
 * Every file mpcensus writes (records, summaries, JSON documents) goes
 * through one of these, so that:
 *  - a full disk, a closed stdout or a broken pipe is noticed on the first
 *    failed write(2) and reported with the file's name and errno text, and
 *    the command exits non-zero ("out.csv: No space left on device");
 *  - the file holds only complete lines at any moment (data is buffered and
 *    written up to the last newline), so a killed or interrupted run leaves
 *    whole records;
 *  - close() errors (NFS, delayed allocation) are checked too.
 * Not thread-safe: one writer thread per file.
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct outfile;

/* Opens path for writing (truncates; "-" or NULL = standard output, which is
 * never closed). Returns NULL with "PATH: reason" in err. */
struct outfile *outfile_open(const char *path, char *err, size_t errlen);
/* Like outfile_open, with O_APPEND. */
struct outfile *outfile_open_append(const char *path, char *err, size_t errlen);

/* Appends bytes. Whole lines are written once the buffer (64 KiB) fills; a
 * line longer than the buffer is written as soon as it is complete. Returns
 * 0, or -1 once the file has failed (every later call fails at once). */
int outfile_write(struct outfile *f, const void *data, size_t len);
int outfile_puts(struct outfile *f, const char *s);
int outfile_printf(struct outfile *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int outfile_vprintf(struct outfile *f, const char *fmt, va_list ap);

/* Writes every buffered complete line now (e.g. once a second, so a reader
 * of a pipe sees records promptly). A trailing partial line stays buffered. */
int outfile_flush_lines(struct outfile *f);
/* Writes everything buffered, partial line included (end of a document). */
int outfile_flush(struct outfile *f);

/* True once a write failed; outfile_error() says "PATH: reason". */
bool outfile_failed(const struct outfile *f);
const char *outfile_error(const struct outfile *f);
const char *outfile_path(const struct outfile *f);   /* "-" shown as "standard output" */

/* A stdio stream writing into f, for code that prints to a FILE * (e.g. a
 * writer shared with other callers): fclose() it before outfile_close(f);
 * a failed write shows up both as ferror() and in f. NULL when out of memory. */
#include <stdio.h>
FILE *outfile_stream(struct outfile *f);

/* Flushes everything, closes (not stdout: its buffer is flushed only) and
 * frees. Returns 0, or -1 with "PATH: reason" in err when any write or the
 * close failed. Safe on NULL. */
int outfile_close(struct outfile *f, char *err, size_t errlen);

#endif
