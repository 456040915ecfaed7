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

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

enum instream_compression { INSTREAM_PLAIN, INSTREAM_GZIP, INSTREAM_ZSTD, INSTREAM_XZ };

/* The sniff, shared with io/capture (inline, so capture links without this
 * file's decoders). INSTREAM_MAGIC_BYTES: the longest magic, xz's fd 37 7a 58 5a 00. */
#define INSTREAM_MAGIC_BYTES 6

/* The compression told by the first len bytes of an input (plain when no magic matches). */
static inline enum instream_compression instream_magic(const uint8_t *head, size_t len)
{
    if (len >= 2 && head[0] == 0x1f && head[1] == 0x8b)
        return INSTREAM_GZIP;
    if (len >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd)
        return INSTREAM_ZSTD;
    if (len >= 6 && !memcmp(head, "\xfd" "7zXZ\0", 6))
        return INSTREAM_XZ;
    return INSTREAM_PLAIN;
}

/* Reads the first INSTREAM_MAGIC_BYTES of fd into head, looping (a pipe may
 * deliver them one by one). Returns how many were read (fewer only at the end
 * of the input), or -1 on a read error (errno set). */
static inline ssize_t instream_read_head(int fd, uint8_t head[INSTREAM_MAGIC_BYTES])
{
    size_t n = 0;
    while (n < INSTREAM_MAGIC_BYTES) {
        ssize_t r = read(fd, head + n, INSTREAM_MAGIC_BYTES - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        n += (size_t)r;
    }
    return (ssize_t)n;
}

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
