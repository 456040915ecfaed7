/* strbuf.c — the growing text buffer. */
#include "report/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sb_init(struct strbuf *b) { memset(b, 0, sizeof *b); }

void sb_free(struct strbuf *b)
{
    free(b->p);
    sb_init(b);
}

void sb_reset(struct strbuf *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = 0;
}

static bool grow(struct strbuf *b, size_t extra)
{
    if (b->failed)
        return false;
    if (b->len + extra + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->p = p;
    b->cap = cap;
    return true;
}

void sb_putn(struct strbuf *b, const char *s, size_t n)
{
    if (!grow(b, n))
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

void sb_puts(struct strbuf *b, const char *s) { sb_putn(b, s, strlen(s)); }

void sb_putc(struct strbuf *b, char c) { sb_putn(b, &c, 1); }

void sb_printf(struct strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !grow(b, (size_t)n)) {
        va_end(ap2);
        return;
    }
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    b->len += (size_t)n;
}

const char *sb_str(const struct strbuf *b) { return b->p ? b->p : ""; }
