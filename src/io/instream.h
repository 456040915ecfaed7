/* instream.h — opens a file or standard input as a stream of decompressed bytes: plain, gzip, zstd or xz, told by magic bytes, pipes included. */
#ifndef IO_INSTREAM_H
#define IO_INSTREAM_H

/*
 * For line-oriented inputs (records, hitlists, target files, spec files):
 * the first bytes are read once into a buffer to tell the compression, then
 * served again, so standard input and FIFOs work like regular files. The
 * decompression runs in the reading thread (inputs here are parsed more
 * slowly than they inflate; pcap traces use io/capture's threaded reader).
 * A read error or corrupt compressed data makes the stream report an error
 * (ferror) and instream_close says what happened.
 *
 * max_bytes (instream_open_limited) caps the decompressed bytes read: a
 * stream longer than that fails with "larger than N bytes", so an endless
 * pipe or /dev/urandom cannot grow a parser without bound.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum instream_compression { INSTREAM_PLAIN, INSTREAM_GZIP, INSTREAM_ZSTD, INSTREAM_XZ };

/* Opens path ("-" = standard input). NULL with "PATH: reason" in err. */
FILE *instream_open(const char *path, char *err, size_t errlen);
FILE *instream_open_limited(const char *path, uint64_t max_bytes, char *err, size_t errlen);
/* What the magic bytes said (for messages and metadata). */
enum instream_compression instream_compression(FILE *f);
const char *instream_compression_name(enum instream_compression c);
/* Closes; returns 0, or -1 with "PATH: reason" in err when reading failed
 * (I/O error, corrupt or truncated compressed data, size limit). */
int instream_close(FILE *f, char *err, size_t errlen);

#endif
