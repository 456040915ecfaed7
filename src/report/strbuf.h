/* strbuf.h — a growing text buffer for the report's HTML, gnuplot scripts and labels (allocation failure is remembered, never a crash). */
#ifndef REPORT_STRBUF_H
#define REPORT_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
    char *p;
    size_t len, cap;
    bool failed;          /* an allocation failed: the text is incomplete */
};

void sb_init(struct strbuf *b);
void sb_free(struct strbuf *b);
void sb_reset(struct strbuf *b);
void sb_putn(struct strbuf *b, const char *s, size_t n);
void sb_puts(struct strbuf *b, const char *s);
void sb_putc(struct strbuf *b, char c);
void sb_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* NUL-terminated contents ("" when empty). */
const char *sb_str(const struct strbuf *b);

#endif
