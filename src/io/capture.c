/* capture.c — pcap/pcapng reader over libpcap; gzip input is inflated by a helper thread into a pipe. */
#include "io/capture.h"

#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define INFLATE_CHUNK (256 * 1024)
#define PIPE_BYTES (1024 * 1024)

struct capture {
    pcap_t *pcap;
    uint64_t frame;
    char error[PCAP_ERRBUF_SIZE + 64];
    /* gzip path: a thread inflates into a pipe whose read end libpcap reads */
    bool inflating;
    pthread_t inflater;
    gzFile gz;
    int pipe_write;
    char inflate_error[128];
};

static void *inflate_thread(void *arg)
{
    struct capture *c = arg;
    sigset_t block;
    /* The reader may close early; a write to a closed pipe must fail with
     * EPIPE here rather than kill the process. */
    sigemptyset(&block);
    sigaddset(&block, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &block, NULL);

    unsigned char *buf = malloc(INFLATE_CHUNK);
    if (!buf) {
        snprintf(c->inflate_error, sizeof c->inflate_error, "out of memory");
        close(c->pipe_write);
        return NULL;
    }
    for (;;) {
        int n = gzread(c->gz, buf, INFLATE_CHUNK);
        if (n < 0) {
            int zerr;
            const char *msg = gzerror(c->gz, &zerr);
            snprintf(c->inflate_error, sizeof c->inflate_error, "gzip: %s", msg);
            break;
        }
        if (n == 0) {
            /* gzread reports a cut-off stream as a clean end; say so. */
            int zerr;
            const char *msg = gzerror(c->gz, &zerr);
            if (zerr != Z_OK && zerr != Z_STREAM_END)
                snprintf(c->inflate_error, sizeof c->inflate_error, "gzip: %s", msg);
            break;
        }
        for (int off = 0; off < n;) {
            ssize_t w = write(c->pipe_write, buf + off, (size_t)(n - off));
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                goto out; /* reader went away */
            }
            off += (int)w;
        }
    }
out:
    free(buf);
    close(c->pipe_write);
    return NULL;
}

static bool is_gzip(const char *path)
{
    if (!strcmp(path, "-"))
        return false;
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    unsigned char magic[2] = {0, 0};
    size_t n = fread(magic, 1, 2, f);
    fclose(f);
    return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

static struct capture *open_gzip(struct capture *c, const char *path, char *err, size_t errlen)
{
    int fds[2];
    c->gz = gzopen(path, "rb");
    if (!c->gz) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        free(c);
        return NULL;
    }
    gzbuffer(c->gz, INFLATE_CHUNK);
    if (pipe(fds) < 0) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        gzclose(c->gz);
        free(c);
        return NULL;
    }
    fcntl(fds[1], F_SETPIPE_SZ, PIPE_BYTES); /* fewer wake-ups; best effort */
    c->pipe_write = fds[1];
    if (pthread_create(&c->inflater, NULL, inflate_thread, c) != 0) {
        snprintf(err, errlen, "cannot start inflater thread");
        close(fds[0]);
        close(fds[1]);
        gzclose(c->gz);
        free(c);
        return NULL;
    }
    c->inflating = true;
    FILE *rd = fdopen(fds[0], "rb");
    char pcap_err[PCAP_ERRBUF_SIZE];
    c->pcap = rd ? pcap_fopen_offline(rd, pcap_err) : NULL;
    if (!c->pcap) {
        snprintf(err, errlen, "%s: %s", path, rd ? pcap_err : strerror(errno));
        if (rd)
            fclose(rd);
        else
            close(fds[0]);
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
    c->pipe_write = -1;
    if (is_gzip(path))
        return open_gzip(c, path, err, errlen);

    char pcap_err[PCAP_ERRBUF_SIZE];
    c->pcap = pcap_open_offline(path, pcap_err);
    if (!c->pcap) {
        snprintf(err, errlen, "%s", pcap_err);
        free(c);
        return NULL;
    }
    return c;
}

int capture_dlt(const struct capture *c) { return pcap_datalink(c->pcap); }

int capture_next(struct capture *c, struct capture_pkt *pkt)
{
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
        if (c->inflating) {
            pthread_join(c->inflater, NULL);
            c->inflating = false;
            if (c->inflate_error[0]) {
                snprintf(c->error, sizeof c->error, "%s", c->inflate_error);
                return -1;
            }
        }
        return 0;
    }
    snprintf(c->error, sizeof c->error, "%s", pcap_geterr(c->pcap));
    return -1;
}

const char *capture_error(const struct capture *c) { return c->error; }

void capture_close(struct capture *c)
{
    if (!c)
        return;
    if (c->pcap)
        pcap_close(c->pcap); /* closes the pipe's read end: the inflater stops */
    if (c->inflating)
        pthread_join(c->inflater, NULL);
    if (c->gz)
        gzclose(c->gz);
    free(c);
}
