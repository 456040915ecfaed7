/* capture.c — pcap/pcapng reader over libpcap; a helper thread reads the file, pipe or stdin (inflating gzip with ISA-L igzip, zstd, xz) into a ring of buffers. */
#include "io/capture.h"
#include "io/instream.h"

#include <errno.h>
#include <fcntl.h>
#include <isa-l/igzip_lib.h>
#include <lzma.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

/* ISA-L's igzip inflates 2-3x faster than zlib (measured in bench/pcap.sh),
 * which is what keeps a .gz trace as fast as a plain one on two cores. */
#define INFLATE_IN (1024 * 1024)
#define RING_SLOTS 8
#define SLOT_BYTES (1024 * 1024)
#define STDIO_BUF (1024 * 1024) /* fewer read() calls for libpcap's fread */

/* File data travels to libpcap through a ring of slots read by a
 * fopencookie() stream, filled by a helper thread: reading (system calls,
 * kernel copies) or inflating runs on the second core while the caller
 * decodes packets. Unlike a pipe, the helper never copies its output again. */
struct ring {
    pthread_mutex_t lock;
    pthread_cond_t filled, emptied;
    uint8_t *slot[RING_SLOTS];
    size_t len[RING_SLOTS];
    size_t head, count, off; /* head: oldest filled slot; off: consumer position in it */
    bool done;               /* producer finished (end or error) */
    bool stop;               /* consumer closed the stream */
};

struct capture {
    pcap_t *pcap;
    uint64_t frame;
    char error[PCAP_ERRBUF_SIZE + 64];
    char *stdio_buf;
    /* files: a thread reads (gzip: inflates) into a ring that libpcap reads as a stream */
    bool inflating;
    pthread_t inflater;
    int gz_fd;
    struct ring *ring;
    char inflate_error[128];
    /* the magic bytes, read once to tell the compression and served again
     * before the rest of the input: pipes and FIFOs cannot be read twice */
    uint8_t head[INSTREAM_MAGIC_BYTES];
    size_t head_len, head_off;
    /* capture_peek(): one packet read ahead, returned by the next capture_next */
    bool peeked;
    int peek_rc;
    struct capture_pkt peek_pkt;
};

/* read() for the producer threads: the sniffed bytes first, then the descriptor. */
static ssize_t src_read(struct capture *c, void *buf, size_t len)
{
    if (c->head_off < c->head_len) {
        size_t n = c->head_len - c->head_off;
        if (n > len)
            n = len;
        memcpy(buf, c->head + c->head_off, n);
        c->head_off += n;
        return (ssize_t)n;
    }
    return read(c->gz_fd, buf, len);
}

/* Producer side: waits for a free slot; NULL when the consumer closed. */
static uint8_t *ring_claim(struct ring *r)
{
    pthread_mutex_lock(&r->lock);
    while (r->count == RING_SLOTS && !r->stop)
        pthread_cond_wait(&r->emptied, &r->lock);
    uint8_t *slot = r->stop ? NULL : r->slot[(r->head + r->count) % RING_SLOTS];
    pthread_mutex_unlock(&r->lock);
    return slot;
}

static void ring_publish(struct ring *r, size_t len)
{
    pthread_mutex_lock(&r->lock);
    r->len[(r->head + r->count) % RING_SLOTS] = len;
    r->count++;
    pthread_cond_signal(&r->filled);
    pthread_mutex_unlock(&r->lock);
}

static void ring_finish(struct ring *r)
{
    pthread_mutex_lock(&r->lock);
    r->done = true;
    pthread_cond_broadcast(&r->filled);
    pthread_mutex_unlock(&r->lock);
}

/* Consumer side (fopencookie read): copies out of the oldest slot. */
static ssize_t ring_read(void *cookie, char *buf, size_t size)
{
    struct ring *r = cookie;
    pthread_mutex_lock(&r->lock);
    while (r->count == 0 && !r->done)
        pthread_cond_wait(&r->filled, &r->lock);
    if (r->count == 0) {
        pthread_mutex_unlock(&r->lock);
        return 0; /* end of the inflated stream */
    }
    size_t h = r->head;
    pthread_mutex_unlock(&r->lock);
    /* The head slot belongs to the consumer until it is handed back. */
    size_t n = r->len[h] - r->off;
    if (n > size)
        n = size;
    memcpy(buf, r->slot[h] + r->off, n);
    r->off += n;
    if (r->off == r->len[h]) {
        pthread_mutex_lock(&r->lock);
        r->off = 0;
        r->head = (r->head + 1) % RING_SLOTS;
        r->count--;
        pthread_cond_signal(&r->emptied);
        pthread_mutex_unlock(&r->lock);
    }
    return (ssize_t)n;
}

static int ring_close(void *cookie)
{
    struct ring *r = cookie;
    pthread_mutex_lock(&r->lock);
    r->stop = true;
    pthread_cond_broadcast(&r->emptied);
    pthread_mutex_unlock(&r->lock);
    return 0;
}

static void join_producer(struct capture *c);

static struct ring *ring_new(void)
{
    struct ring *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    for (size_t i = 0; i < RING_SLOTS; i++)
        if (!(r->slot[i] = malloc(SLOT_BYTES))) {
            for (size_t j = 0; j < i; j++)
                free(r->slot[j]);
            free(r);
            return NULL;
        }
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->filled, NULL);
    pthread_cond_init(&r->emptied, NULL);
    return r;
}

static void ring_free(struct ring *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < RING_SLOTS; i++)
        free(r->slot[i]);
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->filled);
    pthread_cond_destroy(&r->emptied);
    free(r);
}

static void *inflate_thread(void *arg)
{
    struct capture *c = arg;
    struct ring *r = c->ring;
    uint8_t *in = malloc(INFLATE_IN);
    struct inflate_state *st = malloc(sizeof *st);
    if (!in || !st) {
        snprintf(c->inflate_error, sizeof c->inflate_error, "gzip: out of memory");
        goto done;
    }
    isal_inflate_init(st);
    st->crc_flag = ISAL_GZIP;
    bool eof = false, out_full = false;
    uint8_t *slot = NULL;
    size_t filled = 0;
    for (;;) {
        if (st->avail_in == 0 && !eof) {
            ssize_t n = src_read(c, in, INFLATE_IN);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) {
                snprintf(c->inflate_error, sizeof c->inflate_error, "gzip: read error: %s", strerror(errno));
                break;
            }
            if (n == 0)
                eof = true;
            st->next_in = in;
            st->avail_in = (uint32_t)n;
        }
        if (st->block_state == ISAL_BLOCK_FINISH) {
            if (st->avail_in == 0) {
                if (eof)
                    break; /* clean end after a complete member */
                continue;
            }
            /* Concatenated gzip members (cat a.gz b.gz, pigz) form one stream. */
            if (st->next_in[0] != 0x1f) {
                snprintf(c->inflate_error, sizeof c->inflate_error, "gzip: trailing garbage after the compressed data");
                break;
            }
            uint8_t *next = st->next_in;
            uint32_t avail = st->avail_in;
            isal_inflate_reset(st);
            st->crc_flag = ISAL_GZIP;
            st->next_in = next;
            st->avail_in = avail;
        }
        if (eof && st->avail_in == 0 && !out_full) {
            /* input gone, no output pending, member not finished */
            snprintf(c->inflate_error, sizeof c->inflate_error,
                     "gzip: unexpected end of file (compressed stream truncated)");
            break;
        }
        if (!slot) {
            if (!(slot = ring_claim(r)))
                goto done; /* reader went away */
            filled = 0;
        }
        uint32_t before_in = st->avail_in;
        st->next_out = slot + filled;
        st->avail_out = (uint32_t)(SLOT_BYTES - filled);
        int rc = isal_inflate(st);
        if (rc < 0) {
            snprintf(c->inflate_error, sizeof c->inflate_error, "gzip: %s (igzip error %d)",
                     rc == ISAL_INCORRECT_CHECKSUM ? "CRC mismatch" : "corrupt compressed data", rc);
            break;
        }
        size_t produced = SLOT_BYTES - filled - st->avail_out;
        out_full = st->avail_out == 0; /* igzip may hold more output */
        filled += produced;
        if (filled == SLOT_BYTES) {
            ring_publish(r, filled);
            slot = NULL;
        }
        if (!produced && st->avail_in == before_in && st->avail_in && st->block_state != ISAL_BLOCK_FINISH) {
            snprintf(c->inflate_error, sizeof c->inflate_error, "gzip: corrupt compressed data (no progress)");
            break;
        }
    }
    if (slot && filled)
        ring_publish(r, filled); /* what was inflated before the end or the error */
done:
    free(in);
    free(st);
    ring_finish(r);
    return NULL;
}

/* Helper for uncompressed input: read() straight into the ring's slots. */
static void *copy_thread(void *arg)
{
    struct capture *c = arg;
    struct ring *r = c->ring;
    for (;;) {
        uint8_t *slot = ring_claim(r);
        if (!slot)
            break; /* reader went away */
        size_t filled = 0;
        bool eof = false;
        while (filled < SLOT_BYTES) {
            ssize_t n = src_read(c, slot + filled, SLOT_BYTES - filled);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) {
                snprintf(c->inflate_error, sizeof c->inflate_error, "read error: %s", strerror(errno));
                eof = true;
                break;
            }
            if (n == 0) {
                eof = true;
                break;
            }
            filled += (size_t)n;
        }
        if (filled)
            ring_publish(r, filled);
        if (eof)
            break;
    }
    ring_finish(r);
    return NULL;
}

/* Fills *slot (claiming one when NULL); false when the reader went away. */
static bool slot_ready(struct ring *r, uint8_t **slot, size_t *filled)
{
    if (*slot)
        return true;
    *filled = 0;
    return (*slot = ring_claim(r)) != NULL;
}

/* Reads more compressed input when all was used; false on a read error. */
static bool refill(struct capture *c, uint8_t *in, size_t *avail, bool *eof, const char *what)
{
    while (*avail == 0 && !*eof) {
        ssize_t n = src_read(c, in, INFLATE_IN);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(c->inflate_error, sizeof c->inflate_error, "%s: read error: %s", what, strerror(errno));
            return false;
        }
        if (n == 0)
            *eof = true;
        *avail = (size_t)n;
    }
    return true;
}

static void *zstd_thread(void *arg)
{
    struct capture *c = arg;
    struct ring *r = c->ring;
    uint8_t *in = malloc(INFLATE_IN), *slot = NULL;
    ZSTD_DStream *z = ZSTD_createDStream();
    size_t filled = 0, last = 0, avail = 0;
    bool eof = false, out_full = false;
    ZSTD_inBuffer ib = {in, 0, 0};
    if (!in || !z) {
        snprintf(c->inflate_error, sizeof c->inflate_error, "zstd: out of memory");
        goto done;
    }
    ZSTD_initDStream(z);
    for (;;) {
        avail = ib.size - ib.pos;
        if (avail == 0) {
            if (!refill(c, in, &avail, &eof, "zstd"))
                break;
            ib.size = avail;
            ib.pos = 0;
        }
        if (eof && avail == 0 && !out_full) {
            if (last != 0) /* a frame was not complete */
                snprintf(c->inflate_error, sizeof c->inflate_error,
                         "zstd: unexpected end of file (compressed stream truncated)");
            break;
        }
        if (!slot_ready(r, &slot, &filled))
            goto done;
        ZSTD_outBuffer ob = {slot, SLOT_BYTES, filled};
        size_t ret = ZSTD_decompressStream(z, &ob, &ib);
        if (ZSTD_isError(ret)) {
            snprintf(c->inflate_error, sizeof c->inflate_error, "zstd: %s", ZSTD_getErrorName(ret));
            break;
        }
        last = ret;
        out_full = ob.pos == ob.size;
        filled = ob.pos;
        if (filled == SLOT_BYTES) {
            ring_publish(r, filled);
            slot = NULL;
        }
    }
    if (slot && filled)
        ring_publish(r, filled);
done:
    ZSTD_freeDStream(z);
    free(in);
    ring_finish(r);
    return NULL;
}

static void *xz_thread(void *arg)
{
    struct capture *c = arg;
    struct ring *r = c->ring;
    uint8_t *in = malloc(INFLATE_IN), *slot = NULL;
    lzma_stream x = LZMA_STREAM_INIT;
    size_t filled = 0, avail = 0;
    bool eof = false;
    if (!in || lzma_stream_decoder(&x, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
        snprintf(c->inflate_error, sizeof c->inflate_error, "xz: cannot start the decoder");
        goto done;
    }
    for (;;) {
        if (x.avail_in == 0) {
            avail = 0;
            if (!refill(c, in, &avail, &eof, "xz"))
                break;
            x.next_in = in;
            x.avail_in = avail;
        }
        if (!slot_ready(r, &slot, &filled))
            goto done;
        x.next_out = slot + filled;
        x.avail_out = SLOT_BYTES - filled;
        lzma_ret ret = lzma_code(&x, eof ? LZMA_FINISH : LZMA_RUN);
        filled = SLOT_BYTES - x.avail_out;
        if (filled == SLOT_BYTES) {
            ring_publish(r, filled);
            slot = NULL;
        }
        if (ret == LZMA_STREAM_END)
            break;
        if (ret != LZMA_OK) {
            snprintf(c->inflate_error, sizeof c->inflate_error, "xz: %s",
                     ret == LZMA_BUF_ERROR ? "unexpected end of file (compressed stream truncated)"
                     : ret == LZMA_DATA_ERROR ? "corrupt compressed data"
                     : ret == LZMA_FORMAT_ERROR ? "not an xz stream" : "decoder error");
            break;
        }
    }
    if (slot && filled)
        ring_publish(r, filled);
done:
    lzma_end(&x);
    free(in);
    ring_finish(r);
    return NULL;
}

/* Hands an open stream to libpcap with a large stdio buffer. */
static bool open_stream(struct capture *c, FILE *f, const char *path, char *err, size_t errlen)
{
    c->stdio_buf = malloc(STDIO_BUF);
    if (c->stdio_buf)
        setvbuf(f, c->stdio_buf, _IOFBF, STDIO_BUF);
    /* Only the thread that calls capture_next touches this stream (the ring's
     * helper fills slots, never the FILE), so libpcap's two freads per packet
     * need not take the stream lock: a quarter of a header-only trace's time. */
    __fsetlocking(f, FSETLOCKING_BYCALLER);
    char pcap_err[PCAP_ERRBUF_SIZE];
    c->pcap = pcap_fopen_offline(f, pcap_err);
    if (!c->pcap) {
        snprintf(err, errlen, "%s: %s", path, pcap_err);
        fclose(f);
        return false;
    }
    return true;
}

static struct capture *open_threaded(struct capture *c, const char *path, char *err, size_t errlen)
{
    /* standard input is read through its own descriptor, so closing ours leaves fd 0 alone */
    c->gz_fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0);
    if (c->gz_fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        free(c);
        return NULL;
    }
    /* the magic bytes are kept for src_read() */
    ssize_t head = instream_read_head(c->gz_fd, c->head);
    if (head < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        close(c->gz_fd);
        free(c);
        return NULL;
    }
    c->head_len = (size_t)head;
    c->ring = ring_new();
    if (!c->ring) {
        snprintf(err, errlen, "%s: out of memory", path);
        close(c->gz_fd);
        free(c);
        return NULL;
    }
    enum instream_compression comp = instream_magic(c->head, c->head_len);
    void *(*producer)(void *) = comp == INSTREAM_GZIP   ? inflate_thread
                                : comp == INSTREAM_ZSTD ? zstd_thread
                                : comp == INSTREAM_XZ   ? xz_thread
                                                        : copy_thread;
    if (pthread_create(&c->inflater, NULL, producer, c) != 0) {
        snprintf(err, errlen, "%s: cannot start reader thread", path);
        ring_free(c->ring);
        close(c->gz_fd);
        free(c);
        return NULL;
    }
    c->inflating = true;
    cookie_io_functions_t io = {.read = ring_read, .close = ring_close};
    FILE *rd = fopencookie(c->ring, "rb", io);
    if (!rd) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        ring_close(c->ring);
        capture_close(c);
        return NULL;
    }
    if (!open_stream(c, rd, path, err, errlen)) {
        /* libpcap saw no valid header; a gzip error explains it better */
        pthread_join(c->inflater, NULL);
        c->inflating = false;
        if (c->inflate_error[0])
            snprintf(err, errlen, "%s: %s", path, c->inflate_error);
        capture_close(c);
        return NULL;
    }
    return c;
}

struct capture *capture_open(const char *path, char *err, size_t errlen)
{
    struct capture *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c->gz_fd = -1;
    return open_threaded(c, path, err, errlen);
}

int capture_dlt(const struct capture *c) { return pcap_datalink(c->pcap); }

int capture_next(struct capture *c, struct capture_pkt *pkt)
{
    if (c->peeked) {
        c->peeked = false;
        if (c->peek_rc == 1) {
            *pkt = c->peek_pkt;
            c->frame = pkt->frame;
        }
        return c->peek_rc;
    }
    struct pcap_pkthdr *hdr;
    const u_char *data;
    int rc = pcap_next_ex(c->pcap, &hdr, &data);
    if (rc == 1) {
        pkt->data = data;
        pkt->caplen = hdr->caplen;
        pkt->wirelen = hdr->len;
        pkt->ts_usec = (uint64_t)hdr->ts.tv_sec * 1000000u + (uint64_t)hdr->ts.tv_usec;
        pkt->frame = ++c->frame;
        return 1;
    }
    if (rc == PCAP_ERROR_BREAK) {
        /* libpcap sees a clean end; a gzip stream cut short only shows here. */
        join_producer(c);
        if (c->inflate_error[0]) {
            snprintf(c->error, sizeof c->error, "%s", c->inflate_error);
            return -1;
        }
        return 0;
    }
    /* A record cut short inside a gzip stream is best explained by the inflater.
     * libpcap gave up mid-file: the reader thread may be waiting for ring room. */
    join_producer(c);
    if (c->inflate_error[0])
        snprintf(c->error, sizeof c->error, "%s; %s", pcap_geterr(c->pcap), c->inflate_error);
    else
        snprintf(c->error, sizeof c->error, "%s", pcap_geterr(c->pcap));
    return -1;
}

int capture_peek(struct capture *c, struct capture_pkt *pkt)
{
    if (!c->peeked) {
        c->peek_rc = capture_next(c, &c->peek_pkt);
        if (c->peek_rc == 1)
            c->frame--; /* not consumed yet */
        c->peeked = true;
    }
    if (c->peek_rc == 1)
        *pkt = c->peek_pkt;
    return c->peek_rc;
}

const char *capture_error(const struct capture *c) { return c->error; }

/* Waits for the reader thread; closing the ring first releases it if it is
 * blocked on a full ring (harmless when it has already finished). */
static void join_producer(struct capture *c)
{
    if (!c->inflating)
        return;
    ring_close(c->ring);
    pthread_join(c->inflater, NULL);
    c->inflating = false;
}

void capture_close(struct capture *c)
{
    if (!c)
        return;
    if (c->pcap)
        pcap_close(c->pcap); /* closes the ring stream: the inflater stops */
    if (c->inflating)
        pthread_join(c->inflater, NULL);
    if (c->gz_fd >= 0)
        close(c->gz_fd);
    ring_free(c->ring);
    free(c->stdio_buf);
    free(c);
}
