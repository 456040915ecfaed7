/* outfile.c — buffered whole-line file writer over write(2) with checked writes and close. */
#include "io/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OUTFILE_BUF (64 * 1024)

struct outfile {
    int fd;
    bool is_stdout;
    bool failed;
    char *buf;
    size_t len, cap;
    char path[512];
    char error[640];
};

static struct outfile *open_flags(const char *path, int flags, char *err, size_t errlen)
{
    struct outfile *f = calloc(1, sizeof *f);
    char *buf = malloc(OUTFILE_BUF);
    if (!f || !buf) {
        free(f);
        free(buf);
        snprintf(err, errlen, "%s: out of memory", path ? path : "standard output");
        return NULL;
    }
    f->buf = buf;
    f->cap = OUTFILE_BUF;
    if (!path || !strcmp(path, "-")) {
        f->fd = STDOUT_FILENO;
        f->is_stdout = true;
        snprintf(f->path, sizeof f->path, "standard output");
        return f;
    }
    snprintf(f->path, sizeof f->path, "%s", path);
    f->fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0644);
    if (f->fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        free(f->buf);
        free(f);
        return NULL;
    }
    return f;
}

struct outfile *outfile_open(const char *path, char *err, size_t errlen)
{
    return open_flags(path, O_TRUNC, err, errlen);
}

struct outfile *outfile_open_append(const char *path, char *err, size_t errlen)
{
    return open_flags(path, O_APPEND, err, errlen);
}

static int set_failed(struct outfile *f, int e)
{
    if (!f->failed) {
        f->failed = true;
        snprintf(f->error, sizeof f->error, "%s: %s", f->path, strerror(e));
    }
    return -1;
}

/* write(2) until done: partial writes and EINTR (a signal mid-write) resume. */
static int write_all(struct outfile *f, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(f->fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return set_failed(f, errno);
        }
        if (w == 0)
            return set_failed(f, EIO);
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Writes the buffer up to its last newline and keeps the rest. */
int outfile_flush_lines(struct outfile *f)
{
    if (f->failed)
        return -1;
    size_t end = f->len;
    while (end && f->buf[end - 1] != '\n')
        end--;
    if (!end)
        return 0;
    if (write_all(f, f->buf, end) < 0)
        return -1;
    memmove(f->buf, f->buf + end, f->len - end);
    f->len -= end;
    return 0;
}

int outfile_flush(struct outfile *f)
{
    if (f->failed)
        return -1;
    if (f->len && write_all(f, f->buf, f->len) < 0)
        return -1;
    f->len = 0;
    return 0;
}

int outfile_write(struct outfile *f, const void *data, size_t len)
{
    if (f->failed)
        return -1;
    const char *p = data;
    while (len) {
        if (f->len == f->cap) {
            /* full: write its whole lines; a buffer that is one partial line grows */
            if (outfile_flush_lines(f) < 0)
                return -1;
            if (f->len == f->cap) {
                char *nb = realloc(f->buf, f->cap * 2);
                if (!nb)
                    return set_failed(f, ENOMEM);
                f->buf = nb;
                f->cap *= 2;
            }
        }
        size_t room = f->cap - f->len, n = len < room ? len : room;
        memcpy(f->buf + f->len, p, n);
        f->len += n;
        p += n;
        len -= n;
    }
    return 0;
}

int outfile_puts(struct outfile *f, const char *s) { return outfile_write(f, s, strlen(s)); }

int outfile_vprintf(struct outfile *f, const char *fmt, va_list ap)
{
    char small[512];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n < 0) {
        va_end(ap2);
        return set_failed(f, EINVAL);
    }
    int rc;
    if ((size_t)n < sizeof small) {
        rc = outfile_write(f, small, (size_t)n);
    } else {
        char *big = malloc((size_t)n + 1);
        if (!big) {
            va_end(ap2);
            return set_failed(f, ENOMEM);
        }
        vsnprintf(big, (size_t)n + 1, fmt, ap2);
        rc = outfile_write(f, big, (size_t)n);
        free(big);
    }
    va_end(ap2);
    return rc;
}

int outfile_printf(struct outfile *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = outfile_vprintf(f, fmt, ap);
    va_end(ap);
    return rc;
}

bool outfile_failed(const struct outfile *f) { return f->failed; }
const char *outfile_error(const struct outfile *f) { return f->failed ? f->error : ""; }
const char *outfile_path(const struct outfile *f) { return f->path; }

int outfile_close(struct outfile *f, char *err, size_t errlen)
{
    if (!f)
        return 0;
    int rc = outfile_flush(f);
    if (!f->is_stdout && close(f->fd) != 0 && rc == 0)
        rc = set_failed(f, errno);
    if (rc != 0 && err && errlen)
        snprintf(err, errlen, "%s", f->error);
    free(f->buf);
    free(f);
    return rc;
}

static ssize_t stream_write(void *cookie, const char *buf, size_t n)
{
    return outfile_write(cookie, buf, n) < 0 ? -1 : (ssize_t)n;
}

FILE *outfile_stream(struct outfile *f)
{
    cookie_io_functions_t io = {.write = stream_write};
    return fopencookie(f, "w", io);
}
