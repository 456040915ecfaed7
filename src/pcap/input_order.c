/* input_order.c — first-packet ordering of pcap inputs; non-seekable inputs are opened once and kept open for the analyser. */
#include "pcap/input_order.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct input_entry {
    const char *path;       /* the caller's pointer: identity, not text */
    uint64_t first_us;      /* UINT64_MAX: no packet (unreadable, empty) */
    size_t order;           /* command-line position, breaks ties */
    bool preopened, taken;
    struct capture *cap;    /* preopened: the open capture, or NULL with error */
    char error[512];
};

struct input_order {
    struct input_entry *e;
    size_t n;
    pthread_mutex_t lock;
};

bool input_is_stream(const char *path)
{
    if (!strcmp(path, "-"))
        return true; /* even a redirected regular file: its offset is shared with us */
    struct stat st;
    return stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

static int cmp_entry(const void *x, const void *y)
{
    const struct input_entry *a = x, *b = y;
    if (a->first_us != b->first_us)
        return a->first_us < b->first_us ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

static void look(struct input_entry *e)
{
    struct capture_pkt p;
    char err[512];
    struct capture *c = capture_open(e->path, err, sizeof err);
    if (input_is_stream(e->path)) {
        e->preopened = true;
        e->cap = c;
        if (!c)
            snprintf(e->error, sizeof e->error, "%s", err);
        else if (capture_peek(c, &p) == 1)
            e->first_us = p.ts_usec;
        return;
    }
    if (c && capture_next(c, &p) == 1)
        e->first_us = p.ts_usec;
    capture_close(c);
}

int input_order_open(struct input_order **out, const char **files, size_t n, bool sort, char *err, size_t errlen)
{
    *out = NULL;
    size_t n_stdin = 0;
    for (size_t i = 0; i < n; i++)
        n_stdin += !strcmp(files[i], "-");
    if (n_stdin > 1) {
        snprintf(err, errlen, "'-' (standard input) given %zu times: it can be read only once", n_stdin);
        return 2;
    }
    struct input_order *io = calloc(1, sizeof *io);
    if (!io || !(io->e = calloc(n ? n : 1, sizeof *io->e))) {
        free(io);
        snprintf(err, errlen, "out of memory");
        return 1;
    }
    pthread_mutex_init(&io->lock, NULL);
    io->n = n;
    for (size_t i = 0; i < n; i++)
        io->e[i] = (struct input_entry){.path = files[i], .first_us = UINT64_MAX, .order = i};
    if (sort && n > 1) {
        for (size_t i = 0; i < n; i++)
            look(&io->e[i]);
        qsort(io->e, n, sizeof *io->e, cmp_entry);
        for (size_t i = 0; i < n; i++)
            files[i] = io->e[i].path;
    }
    *out = io;
    return 0;
}

bool input_order_take(struct input_order *io, const char *path, struct capture **cap, char *err, size_t errlen)
{
    if (!io)
        return false;
    bool found = false;
    pthread_mutex_lock(&io->lock);
    for (size_t i = 0; i < io->n; i++) {
        struct input_entry *e = &io->e[i];
        if (e->path != path || !e->preopened || e->taken)
            continue;
        e->taken = true;
        *cap = e->cap;
        e->cap = NULL;
        if (!*cap)
            snprintf(err, errlen, "%s", e->error);
        found = true;
        break;
    }
    pthread_mutex_unlock(&io->lock);
    return found;
}

void input_order_free(struct input_order *io)
{
    if (!io)
        return;
    for (size_t i = 0; i < io->n; i++)
        capture_close(io->e[i].cap);
    pthread_mutex_destroy(&io->lock);
    free(io->e);
    free(io);
}
