/* html.h — the HTML writer's pieces: the page frame (CSP that allows no script and no network, inline CSS), numbers, escaped text, the JSON data island. */
#ifndef REPORT_HTML_H
#define REPORT_HTML_H

#include <stddef.h>
#include <stdint.h>

#include "report/strbuf.h"

/* 12,345 / -7 */
void html_count(struct strbuf *b, int64_t v);
/* Escaped text (esc_html), or dflt (escaped too) when s is NULL or empty. */
void html_text_or(struct strbuf *b, const char *s, const char *dflt);
/* <!DOCTYPE html> ... <body>: charset, viewport, Content-Security-Policy
 * (default-src 'none': no script runs and nothing is fetched but the
 * report's own images), the title (escaped), the style sheet. */
void html_page_begin(struct strbuf *b, const char *title);
/* The JSON data island (escaped with esc_script_json) and </body></html>. */
void html_page_end(struct strbuf *b, const char *json, size_t n);

#endif
