/* output.c — field table and CSV/JSON formatting of scan records. */
#include "scan/output.h"

#include <errno.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "net/bytes.h"
#include "net/mptcp.h"
#include "net/packet.h"

enum field_kind { F_STR, F_NUM, F_BOOL };

struct field_def {
    const char *name;
    enum field_kind kind;
};

enum {
    FLD_SADDR, FLD_SPORT, FLD_DADDR, FLD_DPORT, FLD_TTL, FLD_IPID, FLD_WINDOW, FLD_TCP_FLAGS,
    FLD_CLASSIFICATION, FLD_PROBE_VERSION, FLD_MPTCP_OPTION, FLD_MPTCP_VERSION, FLD_MPTCP_FLAGS,
    FLD_MPTCP_KEY, FLD_KEY_HAMMING, FLD_VERDICT, FLD_REPEAT, FLD_COOLDOWN, FLD_TIMESTAMP, FLD_COUNT
};

static const struct field_def field_defs[FLD_COUNT] = {
    [FLD_SADDR] = {"saddr", F_STR},
    [FLD_SPORT] = {"sport", F_NUM},
    [FLD_DADDR] = {"daddr", F_STR},
    [FLD_DPORT] = {"dport", F_NUM},
    [FLD_TTL] = {"ttl", F_NUM},
    [FLD_IPID] = {"ipid", F_NUM},
    [FLD_WINDOW] = {"window", F_NUM},
    [FLD_TCP_FLAGS] = {"tcp_flags", F_STR},
    [FLD_CLASSIFICATION] = {"classification", F_STR},
    [FLD_PROBE_VERSION] = {"probe_version", F_NUM},
    [FLD_MPTCP_OPTION] = {"mptcp_option", F_STR},
    [FLD_MPTCP_VERSION] = {"mptcp_version", F_NUM},
    [FLD_MPTCP_FLAGS] = {"mptcp_flags", F_STR},
    [FLD_MPTCP_KEY] = {"mptcp_key", F_STR},
    [FLD_KEY_HAMMING] = {"key_hamming", F_NUM},
    [FLD_VERDICT] = {"verdict", F_STR},
    [FLD_REPEAT] = {"repeat", F_BOOL},
    [FLD_COOLDOWN] = {"cooldown", F_BOOL},
    [FLD_TIMESTAMP] = {"timestamp", F_STR},
};

const char *output_all_fields(void)
{
    return "saddr,sport,daddr,dport,ttl,ipid,window,tcp_flags,classification,probe_version,"
           "mptcp_option,mptcp_version,mptcp_flags,mptcp_key,key_hamming,verdict,repeat,cooldown,timestamp";
}

struct sbuf {
    char *p;
    size_t len, cap;
};
static void sb_printf(struct sbuf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int output_open(struct scan_output *o, const char *path, enum output_format fmt, const char *fields,
                char *err, size_t errlen)
{
    memset(o, 0, sizeof(*o));
    o->fmt = fmt;
    if (!fields || !strcmp(fields, "*"))
        fields = output_all_fields();
    char buf[1024];
    snprintf(buf, sizeof(buf), "%s", fields);
    for (char *save = NULL, *tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        unsigned i;
        for (i = 0; i < FLD_COUNT; i++)
            if (!strcmp(field_defs[i].name, tok))
                break;
        if (i == FLD_COUNT) {
            snprintf(err, errlen, "unknown output field '%s' (fields: %s)", tok, output_all_fields());
            return -1;
        }
        if (o->n_fields == OUTPUT_MAX_FIELDS) {
            snprintf(err, errlen, "too many output fields");
            return -1;
        }
        o->fields[o->n_fields++] = i;
    }
    if (o->n_fields == 0) {
        snprintf(err, errlen, "no output fields selected");
        return -1;
    }
    if (!path || !strcmp(path, "-")) {
        o->f = stdout;
    } else {
        o->f = fopen(path, "w");
        if (!o->f) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            return -1;
        }
        o->own_file = true;
    }
    /* our own buffer holds whole lines; the stream itself is unbuffered */
    setvbuf(o->f, NULL, _IONBF, 0);
    o->buf_cap = 1 << 16;
    if (!(o->buf = malloc(o->buf_cap))) {
        snprintf(err, errlen, "out of memory");
        if (o->own_file)
            fclose(o->f);
        o->f = NULL;
        return -1;
    }
    if (fmt == OUTPUT_CSV) {
        struct sbuf h = {o->buf, 0, o->buf_cap};
        for (unsigned i = 0; i < o->n_fields; i++)
            sb_printf(&h, "%s%s", i ? "," : "", field_defs[o->fields[i]].name);
        sb_printf(&h, "\n");
        o->buf_len = h.len;
    }
    return 0;
}

/* A tiny bounded appender: never overflows; the caller checks for truncation. */
static void sb_printf(struct sbuf *s, const char *fmt, ...)
{
    if (s->len + 1 >= s->cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(s->p + s->len, s->cap - s->len, fmt, ap);
    va_end(ap);
    if (n > 0)   /* on truncation keep len at cap - 1, where the terminator is */
        s->len += (size_t)n < s->cap - s->len ? (size_t)n : s->cap - s->len - 1;
}

/* Formatting is on the receive path: plain appenders instead of printf. */
static void sb_str(struct sbuf *s, const char *t)
{
    if (s->len + 1 >= s->cap)
        return;
    size_t n = strlen(t);
    if (s->len + n >= s->cap)
        n = s->cap > s->len + 1 ? s->cap - s->len - 1 : 0;
    memcpy(s->p + s->len, t, n);
    s->len += n;
    s->p[s->len] = '\0';
}

static void sb_u64(struct sbuf *s, uint64_t v)
{
    char tmp[24];
    int i = sizeof(tmp);
    tmp[--i] = '\0';
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    sb_str(s, tmp + i);
}

static void sb_hex(struct sbuf *s, const uint8_t *b, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n && s->len + 2 < s->cap; i++) {
        s->p[s->len++] = digits[b[i] >> 4];
        s->p[s->len++] = digits[b[i] & 15];
    }
    if (s->len < s->cap)
        s->p[s->len] = '\0';
}

/* "YYYY-MM-DDTHH:MM:SS" of the last second formatted (per thread: records of
 * one second share it, so gmtime/strftime run once a second) */
static _Thread_local time_t cached_sec = -1;
static _Thread_local char cached_text[32];

/* Writes the value of one field; returns false when it has no value (empty / null). */
static bool field_value(unsigned fld, const struct scan_record *r, struct sbuf *s)
{
    char tmp[128];
    switch (fld) {
    case FLD_SADDR: sb_str(s, ip_addr_format(&r->saddr, tmp, sizeof(tmp))); return true;
    case FLD_SPORT: sb_u64(s, r->sport); return true;
    case FLD_DADDR: sb_str(s, ip_addr_format(&r->daddr, tmp, sizeof(tmp))); return true;
    case FLD_DPORT: sb_u64(s, r->dport); return true;
    case FLD_TTL: sb_u64(s, r->ttl); return true;
    case FLD_IPID: sb_u64(s, r->ipid); return true;
    case FLD_WINDOW: sb_u64(s, r->window); return true;
    case FLD_TCP_FLAGS: sb_str(s, tcp_flags_format(r->tcp_flags, tmp)); return true;
    case FLD_CLASSIFICATION: sb_str(s, r->synack ? "synack" : "rst"); return true;
    case FLD_PROBE_VERSION:
        if (r->probe_version < 0)
            return false;
        sb_u64(s, (uint64_t)r->probe_version);
        return true;
    case FLD_MPTCP_OPTION:
        if (!r->has_mpc)
            return false;
        sb_hex(s, r->mpc_raw, r->mpc_len);
        return true;
    case FLD_MPTCP_VERSION:
        if (!r->has_mpc)
            return false;
        sb_u64(s, (uint64_t)r->mptcp_version);
        return true;
    case FLD_MPTCP_FLAGS:
        if (!r->has_mpc || r->mpc_len < 4)
            return false;
        sb_str(s, "0x");
        sb_hex(s, &r->mptcp_flags, 1);
        return true;
    case FLD_MPTCP_KEY: {
        if (!r->has_key)
            return false;
        uint8_t k[8];
        store_be64(k, r->mptcp_key);
        sb_hex(s, k, 8);
        return true;
    }
    case FLD_KEY_HAMMING:
        if (!r->has_key)
            return false;
        sb_u64(s, key_hamming(r->mptcp_key));
        return true;
    case FLD_VERDICT: sb_str(s, scan_verdict_name(r->verdict)); return true;
    case FLD_REPEAT: sb_str(s, r->repeat ? "1" : "0"); return true;
    case FLD_COOLDOWN: sb_str(s, r->cooldown ? "1" : "0"); return true;
    case FLD_TIMESTAMP: {
        time_t secs = (time_t)(r->ts_nsec / 1000000000ull);
        if (secs != cached_sec) {
            struct tm tm;
            gmtime_r(&secs, &tm);
            strftime(cached_text, sizeof(cached_text), "%Y-%m-%dT%H:%M:%S.", &tm);
            cached_sec = secs;
        }
        sb_str(s, cached_text);
        unsigned usec = (unsigned)(r->ts_nsec % 1000000000ull / 1000);
        char frac[8];
        for (int i = 5; i >= 0; i--) {
            frac[i] = (char)('0' + usec % 10);
            usec /= 10;
        }
        frac[6] = 'Z';
        frac[7] = '\0';
        sb_str(s, frac);
        return true;
    }
    default: return false;
    }
}

size_t output_format_record(const struct scan_output *o, const struct scan_record *r, char *buf, size_t cap)
{
    struct sbuf s = {buf, 0, cap};
    if (cap == 0)
        return 0;
    buf[0] = '\0';
    if (o->fmt == OUTPUT_JSON)
        sb_str(&s, "{");
    for (unsigned i = 0; i < o->n_fields; i++) {
        unsigned fld = o->fields[i];
        const struct field_def *d = &field_defs[fld];
        if (o->fmt == OUTPUT_CSV) {
            if (i)
                sb_str(&s, ",");
            field_value(fld, r, &s);
        } else {
            sb_str(&s, i ? ",\"" : "\"");
            sb_str(&s, d->name);
            sb_str(&s, "\":");
            size_t mark = s.len;
            if (d->kind == F_STR)
                sb_str(&s, "\"");
            size_t val = s.len;
            if (!field_value(fld, r, &s)) {
                s.len = mark;
                sb_str(&s, "null");
            } else if (d->kind == F_BOOL) {
                /* 0/1 to false/true */
                bool v = s.p[val] == '1';
                s.len = mark;
                sb_str(&s, v ? "true" : "false");
            } else if (d->kind == F_STR) {
                sb_str(&s, "\"");
            }
        }
    }
    if (o->fmt == OUTPUT_JSON)
        sb_str(&s, "}");
    return s.len >= cap ? cap - 1 : s.len;
}

int output_flush(struct scan_output *o)
{
    if (o->buf_len && fwrite(o->buf, 1, o->buf_len, o->f) != o->buf_len) {
        o->buf_len = 0;
        return -1;
    }
    o->buf_len = 0;
    return 0;
}

int output_write(struct scan_output *o, const struct scan_record *r)
{
    char line[1024];
    size_t n = output_format_record(o, r, line, sizeof(line) - 1);
    line[n++] = '\n';
    if (o->buf_len + n > o->buf_cap && output_flush(o) < 0)
        return -1;
    memcpy(o->buf + o->buf_len, line, n);
    o->buf_len += n;
    o->records++;
    return 0;
}

int output_close(struct scan_output *o)
{
    if (!o->f)
        return 0;
    int rc = output_flush(o);
    if (o->own_file && fclose(o->f) != 0)
        rc = -1;
    o->f = NULL;
    free(o->buf);
    o->buf = NULL;
    return rc;
}
