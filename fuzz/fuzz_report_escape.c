/* fuzz_report_escape.c — libFuzzer target: the report's escaping of data strings (HTML, script-embedded JSON, gnuplot literals) keeps its invariants on arbitrary bytes. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/escape.h"

#include "fuzz/fuzz_check.h"

/* Valid UTF-8 without C0 controls other than tab / newline (what the page and the SVG may hold). */
static bool clean_utf8(const unsigned char *s, size_t n, bool allow_tab_nl)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (!len || i + len > n)
            return false;
        if (len == 1 && (c < 0x20 || c == 0x7F) && !(allow_tab_nl && (c == '\t' || c == '\n')))
            return false;
        for (size_t k = 1; k < len; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
        i += len;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = 0;
    size_t n = strlen(s); /* the escapers take C strings */

    struct strbuf b;
    sb_init(&b);
    esc_htmln(&b, s, n);
    const char *h = sb_str(&b);
    CHECK(!strpbrk(h, "<>\"'"));
    for (const char *a = strchr(h, '&'); a; a = strchr(a + 1, '&'))
        CHECK(!strncmp(a, "&amp;", 5) || !strncmp(a, "&lt;", 4) || !strncmp(a, "&gt;", 4) ||
              !strncmp(a, "&quot;", 6) || !strncmp(a, "&#39;", 5));
    CHECK(clean_utf8((const unsigned char *)h, b.len, true));

    sb_reset(&b);
    esc_script_json(&b, s, n);
    CHECK(!strpbrk(sb_str(&b), "<>&"));
    CHECK(!strstr(sb_str(&b), "\xE2\x80\xA8") && !strstr(sb_str(&b), "\xE2\x80\xA9"));

    for (int ctx = 0; ctx < 2; ctx++) {
        sb_reset(&b);
        esc_gnuplot(&b, s, (enum gp_context)ctx);
        const char *g = sb_str(&b);
        CHECK(b.len >= 2 && g[0] == '\'' && g[b.len - 1] == '\'');
        /* inside the quotes every ' is doubled: the literal cannot end early */
        for (size_t i = 1; i + 1 < b.len; i++) {
            if (g[i] == '\'') {
                CHECK(g[i + 1] == '\'' && i + 2 < b.len);
                i++;
            }
        }
        CHECK(!strstr(g, "]]>"));
        CHECK(clean_utf8((const unsigned char *)g, b.len, false));
        if (ctx == GP_FORMAT)
            for (size_t i = 1; i + 1 < b.len; i++)
                if (g[i] == '%') {
                    CHECK(g[i + 1] == '%');
                    i++;
                }
    }
    sb_free(&b);
    free(s);
    return 0;
}
