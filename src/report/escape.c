/* escape.c — HTML, script-embedded JSON and gnuplot string escaping over a UTF-8 walker that repairs invalid input. */
#include "report/escape.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

/* Length of the valid UTF-8 sequence at s (1..4) and its code point, or 0
 * when the bytes are not valid UTF-8 (overlong, surrogate, > U+10FFFF, cut). */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    uint32_t v, min;
    if ((c & 0xE0) == 0xC0) {
        len = 2, v = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, v = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

void esc_htmln(struct strbuf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t len = utf8_seq(u + i, n - i, &cp);
        if (!len) {
            sb_puts(b, REPLACEMENT);
            i++;
            continue;
        }
        switch (cp) {
        case '&': sb_puts(b, "&amp;"); break;
        case '<': sb_puts(b, "&lt;"); break;
        case '>': sb_puts(b, "&gt;"); break;
        case '"': sb_puts(b, "&quot;"); break;
        case '\'': sb_puts(b, "&#39;"); break;
        case '\t':
        case '\n': sb_putc(b, (char)cp); break;
        default:
            if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
                sb_puts(b, REPLACEMENT);
            else
                sb_putn(b, s + i, len);
        }
        i += len;
    }
}

void esc_html(struct strbuf *b, const char *s)
{
    if (s)
        esc_htmln(b, s, strlen(s));
}

void esc_script_json(struct strbuf *b, const char *json, size_t n)
{
    const unsigned char *u = (const unsigned char *)json;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t len = utf8_seq(u + i, n - i, &cp);
        if (!len) {
            sb_puts(b, REPLACEMENT);
            i++;
            continue;
        }
        switch (cp) {
        case '<': sb_puts(b, "\\u003c"); break;
        case '>': sb_puts(b, "\\u003e"); break;
        case '&': sb_puts(b, "\\u0026"); break;
        case 0x2028: sb_puts(b, "\\u2028"); break;
        case 0x2029: sb_puts(b, "\\u2029"); break;
        default: sb_putn(b, json + i, len);
        }
        i += len;
    }
}

void esc_gnuplot(struct strbuf *b, const char *s, enum gp_context ctx)
{
    sb_putc(b, '\'');
    const unsigned char *u = (const unsigned char *)(s ? s : "");
    size_t n = strlen((const char *)u), i = 0;
    unsigned brackets = 0; /* consecutive ']' just written */
    while (i < n) {
        uint32_t cp;
        size_t len = utf8_seq(u + i, n - i, &cp);
        if (!len) {
            sb_puts(b, REPLACEMENT);
            brackets = 0;
            i++;
            continue;
        }
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0x2028 || cp == 0x2029) {
            sb_putc(b, ' ');
        } else if (cp == '\'') {
            sb_puts(b, "''");
        } else if (cp == '%' && ctx == GP_FORMAT) {
            sb_puts(b, "%%");
        } else {
            if (cp == '>' && brackets >= 2)
                sb_puts(b, "\xE2\x80\x8B"); /* U+200B */
            sb_putn(b, (const char *)u + i, len);
        }
        brackets = cp == ']' ? brackets + 1 : 0;
        i += len;
    }
    sb_putc(b, '\'');
}
