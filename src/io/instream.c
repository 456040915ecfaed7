/* instream.c — magic-byte sniffing with replay, and gzip (zlib), zstd and xz decoding behind a fopencookie stream. */
#include "io/instream.h"

#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#define IN_CHUNK (128 * 1024)

struct instream {
    int fd;
    bool own_fd;
    char path[512];
    enum instream_compression comp;
    uint8_t *in;                 /* compressed input buffer */
    size_t in_len, in_off;
    bool in_eof;
    z_stream z;
    ZSTD_DStream *zs;
    lzma_stream xz;
    bool stream_end;             /* the compressed stream said it ended */
    uint64_t out_total, max_bytes;
    char error[640];
    FILE *self;
};

/* The FILE* -> instream map: fopencookie hides the cookie, so keep a small registry. */
#define MAX_OPEN 64
static struct instream *open_streams[MAX_OPEN];
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;

static void fail(struct instream *s, const char *fmt, const char *detail)
{
    if (!s->error[0]) {
        snprintf(s->error, sizeof s->error, "%s: ", s->path);
        size_t l = strlen(s->error);
        snprintf(s->error + l, sizeof s->error - l, fmt, detail);
    }
}

static bool refill(struct instream *s)
{
    if (s->in_off < s->in_len)
        return true;
    if (s->in_eof)
        return false;
    for (;;) {
        ssize_t r = read(s->fd, s->in, IN_CHUNK);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            fail(s, "read error: %s", strerror(errno));
            s->in_eof = true;
            return false;
        }
        s->in_off = 0;
        s->in_len = (size_t)r;
        if (r == 0)
            s->in_eof = true;
        return r > 0;
    }
}

/* Decompressed bytes into buf; 0 at the end, -1 on error. */
static ssize_t decode(struct instream *s, char *buf, size_t size)
{
    size_t out = 0;
    while (out < size) {
        if (s->stream_end) {
            /* concatenated members (gzip -c a b, zstd frames, xz streams) continue */
            if (!refill(s))
                break;
            s->stream_end = false;
            if (s->comp == INSTREAM_GZIP)
                inflateReset(&s->z);
            else if (s->comp == INSTREAM_ZSTD)
                ZSTD_initDStream(s->zs);
            else if (s->comp == INSTREAM_XZ) {
                lzma_end(&s->xz);
                s->xz = (lzma_stream)LZMA_STREAM_INIT;
                if (lzma_stream_decoder(&s->xz, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
                    fail(s, "%s", "xz decoder failed");
                    return -1;
                }
            }
        }
        bool have = refill(s);
        if (s->error[0])
            return -1;
        if (s->comp == INSTREAM_GZIP) {
            s->z.next_in = s->in + s->in_off;
            s->z.avail_in = (uInt)(s->in_len - s->in_off);
            s->z.next_out = (Bytef *)buf + out;
            s->z.avail_out = (uInt)(size - out);
            int rc = inflate(&s->z, Z_NO_FLUSH);
            s->in_off = s->in_len - s->z.avail_in;
            out = size - s->z.avail_out;
            if (rc == Z_STREAM_END)
                s->stream_end = true;
            else if (rc != Z_OK && !(rc == Z_BUF_ERROR && have)) {
                fail(s, "corrupt gzip data (%s)", s->z.msg ? s->z.msg : "inflate failed");
                return -1;
            }
        } else if (s->comp == INSTREAM_ZSTD) {
            ZSTD_inBuffer ib = {s->in + s->in_off, s->in_len - s->in_off, 0};
            ZSTD_outBuffer ob = {buf + out, size - out, 0};
            size_t rc = ZSTD_decompressStream(s->zs, &ob, &ib);
            s->in_off += ib.pos;
            out += ob.pos;
            if (ZSTD_isError(rc)) {
                fail(s, "corrupt zstd data (%s)", ZSTD_getErrorName(rc));
                return -1;
            }
            if (rc == 0)
                s->stream_end = true;
        } else {
            s->xz.next_in = s->in + s->in_off;
            s->xz.avail_in = s->in_len - s->in_off;
            s->xz.next_out = (uint8_t *)buf + out;
            s->xz.avail_out = size - out;
            lzma_ret rc = lzma_code(&s->xz, have ? LZMA_RUN : LZMA_FINISH);
            s->in_off = s->in_len - s->xz.avail_in;
            out = size - s->xz.avail_out;
            if (rc == LZMA_STREAM_END) {
                s->stream_end = true;
                s->in_eof = s->in_eof || s->in_off >= s->in_len;
            } else if (rc != LZMA_OK) {
                fail(s, "%s", "corrupt xz data");
                return -1;
            }
        }
        if (!have && !s->stream_end && out == 0) {
            fail(s, "%s", "compressed data ends early (truncated file)");
            return -1;
        }
        if (!have)
            break;
        if (out)
            break;   /* hand back what we have; stdio asks again */
    }
    return (ssize_t)out;
}

static ssize_t cookie_read(void *cookie, char *buf, size_t size)
{
    struct instream *s = cookie;
    ssize_t n;
    if (s->comp == INSTREAM_PLAIN) {
        if (s->in_off < s->in_len) {   /* the sniffed bytes first */
            n = (ssize_t)(s->in_len - s->in_off < size ? s->in_len - s->in_off : size);
            memcpy(buf, s->in + s->in_off, (size_t)n);
            s->in_off += (size_t)n;
        } else {
            do
                n = read(s->fd, buf, size);
            while (n < 0 && errno == EINTR);
            if (n < 0) {
                fail(s, "read error: %s", strerror(errno));
                errno = EIO;
                return -1;
            }
        }
    } else {
        n = decode(s, buf, size);
        if (n < 0) {
            errno = EIO;
            return -1;
        }
    }
    s->out_total += (uint64_t)n;
    if (s->max_bytes && s->out_total > s->max_bytes) {
        char lim[32];
        snprintf(lim, sizeof lim, "%llu", (unsigned long long)s->max_bytes);
        fail(s, "larger than %s bytes (refused)", lim);
        errno = EFBIG;
        return -1;
    }
    return n;
}

static void free_stream(struct instream *s)
{
    if (s->comp == INSTREAM_GZIP)
        inflateEnd(&s->z);
    if (s->zs)
        ZSTD_freeDStream(s->zs);
    if (s->comp == INSTREAM_XZ)
        lzma_end(&s->xz);
    if (s->own_fd && s->fd >= 0)
        close(s->fd);
    free(s->in);
    free(s);
}

static int cookie_close(void *cookie)
{
    (void)cookie;   /* instream_close frees; a bare fclose leaks nothing but the registry slot */
    return 0;
}

FILE *instream_open_limited(const char *path, uint64_t max_bytes, char *err, size_t errlen)
{
    struct instream *s = calloc(1, sizeof *s);
    if (!s || !(s->in = malloc(IN_CHUNK))) {
        free(s);
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    s->max_bytes = max_bytes;
    bool std_in = !path || !strcmp(path, "-");
    snprintf(s->path, sizeof s->path, "%s", std_in ? "standard input" : path);
    if (std_in) {
        s->fd = STDIN_FILENO;
    } else {
        s->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (s->fd < 0) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            free(s->in);
            free(s);
            return NULL;
        }
        s->own_fd = true;
    }
    /* sniff: the first bytes, served again by cookie_read */
    ssize_t head = instream_read_head(s->fd, s->in);
    if (head < 0) {
        snprintf(err, errlen, "%s: %s", s->path, strerror(errno));
        free_stream(s);
        return NULL;
    }
    s->in_len = (size_t)head;
    s->in_eof = s->in_len < INSTREAM_MAGIC_BYTES;   /* the read loop stops short only at the end */
    enum instream_compression comp = instream_magic(s->in, s->in_len);
    if (comp == INSTREAM_GZIP) {
        s->comp = INSTREAM_GZIP;
        if (inflateInit2(&s->z, 15 + 32) != Z_OK) {
            snprintf(err, errlen, "%s: zlib init failed", s->path);
            s->comp = INSTREAM_PLAIN;
            free_stream(s);
            return NULL;
        }
    } else if (comp == INSTREAM_ZSTD) {
        s->comp = INSTREAM_ZSTD;
        if (!(s->zs = ZSTD_createDStream()) || ZSTD_isError(ZSTD_initDStream(s->zs))) {
            snprintf(err, errlen, "%s: zstd init failed", s->path);
            free_stream(s);
            return NULL;
        }
    } else if (comp == INSTREAM_XZ) {
        s->comp = INSTREAM_XZ;
        s->xz = (lzma_stream)LZMA_STREAM_INIT;
        if (lzma_stream_decoder(&s->xz, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
            snprintf(err, errlen, "%s: xz init failed", s->path);
            s->comp = INSTREAM_PLAIN;
            free_stream(s);
            return NULL;
        }
    }
    size_t slot = MAX_OPEN;
    pthread_mutex_lock(&registry_lock);
    for (size_t i = 0; i < MAX_OPEN; i++)
        if (!open_streams[i]) {
            slot = i;
            break;
        }
    cookie_io_functions_t io = {.read = cookie_read, .close = cookie_close};
    FILE *f = slot < MAX_OPEN ? fopencookie(s, "r", io) : NULL;
    if (f) {
        s->self = f;
        open_streams[slot] = s;
    }
    pthread_mutex_unlock(&registry_lock);
    if (!f) {
        snprintf(err, errlen, "%s: too many open input streams", s->path);
        free_stream(s);
        return NULL;
    }
    return f;
}

FILE *instream_open(const char *path, char *err, size_t errlen) { return instream_open_limited(path, 0, err, errlen); }

static struct instream *find(FILE *f, size_t *slot)
{
    struct instream *s = NULL;
    pthread_mutex_lock(&registry_lock);
    for (size_t i = 0; i < MAX_OPEN && !s; i++)
        if (open_streams[i] && open_streams[i]->self == f) {
            if (slot)
                *slot = i;
            s = open_streams[i];
        }
    pthread_mutex_unlock(&registry_lock);
    return s;
}

enum instream_compression instream_compression(FILE *f)
{
    struct instream *s = find(f, NULL);
    return s ? s->comp : INSTREAM_PLAIN;
}

const char *instream_compression_name(enum instream_compression c)
{
    switch (c) {
    case INSTREAM_GZIP: return "gzip";
    case INSTREAM_ZSTD: return "zstd";
    case INSTREAM_XZ: return "xz";
    case INSTREAM_PLAIN: break;
    }
    return "none";
}

int instream_close(FILE *f, char *err, size_t errlen)
{
    if (!f)
        return 0;
    size_t slot = 0;
    struct instream *s = find(f, &slot);
    int rc = ferror(f) ? -1 : 0;
    fclose(f);
    if (!s)
        return rc;
    if (s->error[0])
        rc = -1;
    if (rc && err && errlen)
        snprintf(err, errlen, "%s", s->error[0] ? s->error : "read error");
    pthread_mutex_lock(&registry_lock);
    open_streams[slot] = NULL;
    pthread_mutex_unlock(&registry_lock);
    free_stream(s);
    return rc;
}
