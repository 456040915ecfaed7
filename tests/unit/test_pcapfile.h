/* test_pcapfile.h — test helpers: load capture files with libpcap, write frames to pcap files, ask tshark (the oracle) for fields. */
#ifndef TEST_PCAPFILE_H
#define TEST_PCAPFILE_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct tframe {
    uint8_t *data;
    size_t caplen, len;
};

struct tcapture {
    int dlt;
    size_t n;
    struct tframe *f;
};

/* The shared data folder: $SHARED (set by tests/run.sh) or ../shared. */
static inline const char *tshared_dir(void)
{
    const char *s = getenv("SHARED");
    return s && *s ? s : "../shared";
}

/* Loads every frame of a pcap/pcapng file; returns false if it cannot be read. */
static inline bool tcapture_load(const char *path, struct tcapture *c)
{
    char err[PCAP_ERRBUF_SIZE];
    memset(c, 0, sizeof(*c));
    pcap_t *p = pcap_open_offline(path, err);
    if (!p) {
        fprintf(stderr, "%s: %s\n", path, err);
        return false;
    }
    c->dlt = pcap_datalink(p);
    size_t cap = 0;
    struct pcap_pkthdr *h;
    const u_char *data;
    while (pcap_next_ex(p, &h, &data) == 1) {
        if (c->n == cap) {
            cap = cap ? cap * 2 : 64;
            c->f = realloc(c->f, cap * sizeof(*c->f));
        }
        struct tframe *f = &c->f[c->n++];
        f->caplen = h->caplen;
        f->len = h->len;
        f->data = malloc(h->caplen ? h->caplen : 1);
        memcpy(f->data, data, h->caplen);
    }
    pcap_close(p);
    return true;
}

static inline void tcapture_free(struct tcapture *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->f[i].data);
    free(c->f);
    memset(c, 0, sizeof(*c));
}

/* Appends a copy of a frame to a capture (for captures built by a test). */
static inline void tcapture_add(struct tcapture *c, const uint8_t *data, size_t len)
{
    c->f = realloc(c->f, (c->n + 1) * sizeof(*c->f));
    struct tframe *f = &c->f[c->n++];
    f->data = malloc(len ? len : 1);
    memcpy(f->data, data, len);
    f->caplen = f->len = len;
}

/* Writes a capture with libpcap's own writer, so the file format is not ours. */
static inline bool tcapture_write(const char *path, const struct tcapture *c)
{
    pcap_t *dead = pcap_open_dead(c->dlt, 65535);
    if (!dead)
        return false;
    pcap_dumper_t *d = pcap_dump_open(dead, path);
    if (!d) {
        fprintf(stderr, "%s: %s\n", path, pcap_geterr(dead));
        pcap_close(dead);
        return false;
    }
    for (size_t i = 0; i < c->n; i++) {
        struct pcap_pkthdr h = {.ts = {.tv_sec = 1700000000 + (long)i}, .caplen = (bpf_u_int32)c->f[i].caplen,
                                .len = (bpf_u_int32)c->f[i].len};
        pcap_dump((u_char *)d, &h, c->f[i].data);
    }
    pcap_dump_close(d);
    pcap_close(dead);
    return true;
}

/* tshark's answer: rows[frame-1][field] strings ("" when absent). */
struct ttshark {
    size_t n_rows, n_fields;
    char ***rows;
};

/* Runs tshark -T fields with the given fields (first occurrence of each,
 * unless extra sets -E occurrence=) and optional extra options; frame
 * numbers index the rows. With occurrence=a, values are comma-separated. */
static inline bool ttshark_run(const char *path, const char *extra, const char *const *fields, size_t n_fields,
                               struct ttshark *t)
{
    memset(t, 0, sizeof(*t));
    t->n_fields = n_fields;
    size_t cmdcap = 512 + strlen(path) + (extra ? strlen(extra) : 0);
    for (size_t i = 0; i < n_fields; i++)
        cmdcap += strlen(fields[i]) + 8;
    char *cmd = malloc(cmdcap);
    /* first occurrence unless the caller asked for another (e.g. -E occurrence=a) */
    const char *occ = extra && strstr(extra, "occurrence=") ? "" : "-E occurrence=f";
    int n = snprintf(cmd, cmdcap, "tshark -n -r '%s' %s -T fields %s -E separator=/t -e frame.number", path,
                     extra ? extra : "", occ);
    for (size_t i = 0; i < n_fields; i++)
        n += snprintf(cmd + n, cmdcap - (size_t)n, " -e %s", fields[i]);
    snprintf(cmd + n, cmdcap - (size_t)n, " 2>/dev/null");
    FILE *p = popen(cmd, "r");
    free(cmd);
    if (!p)
        return false;
    char *line = NULL;
    size_t linecap = 0;
    ssize_t got;
    while ((got = getline(&line, &linecap, p)) > 0) {
        if (line[got - 1] == '\n')
            line[got - 1] = '\0';
        /* strsep, not strtok: strtok would merge empty fields */
        char *cur = line;
        char *tok = strsep(&cur, "\t");
        long frame = tok ? strtol(tok, NULL, 10) : 0;
        if (frame <= 0)
            continue;
        if ((size_t)frame > t->n_rows) {
            t->rows = realloc(t->rows, (size_t)frame * sizeof(*t->rows));
            for (size_t r = t->n_rows; r < (size_t)frame; r++)
                t->rows[r] = NULL;
            t->n_rows = (size_t)frame;
        }
        char **row = calloc(n_fields, sizeof(*row));
        for (size_t i = 0; i < n_fields; i++) {
            tok = cur ? strsep(&cur, "\t") : NULL;
            row[i] = strdup(tok ? tok : "");
        }
        t->rows[frame - 1] = row;
    }
    free(line);
    int rc = pclose(p);
    return rc == 0 && t->n_rows > 0;
}

/* Field i of frame (1-based); "" when tshark printed nothing. */
static inline const char *ttshark_get(const struct ttshark *t, size_t frame, size_t i)
{
    if (frame == 0 || frame > t->n_rows || !t->rows[frame - 1] || i >= t->n_fields)
        return "";
    return t->rows[frame - 1][i];
}

static inline void ttshark_free(struct ttshark *t)
{
    for (size_t r = 0; r < t->n_rows; r++) {
        if (!t->rows[r])
            continue;
        for (size_t i = 0; i < t->n_fields; i++)
            free(t->rows[r][i]);
        free(t->rows[r]);
    }
    free(t->rows);
    memset(t, 0, sizeof(*t));
}

/* Lowercase hex of bytes, as tshark prints byte fields. Caller frees. */
static inline char *thex(const uint8_t *p, size_t len)
{
    char *s = malloc(len * 2 + 1);
    for (size_t i = 0; i < len; i++)
        sprintf(s + 2 * i, "%02x", p[i]);
    s[len * 2] = '\0';
    return s;
}

/* A temporary file path unique to this process. */
static inline void ttemp_path(char *buf, size_t len, const char *tag)
{
    snprintf(buf, len, "/tmp/mpcensus-test-%d-%s.pcap", (int)getpid(), tag);
}

#endif
