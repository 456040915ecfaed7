/* escape.h — the one escaping module of the report: every string that comes from data (AS and organisation names, countries, labels, file names, classes) passes through one of these before it reaches HTML, SVG (via gnuplot) or embedded JSON. */
#ifndef REPORT_ESCAPE_H
#define REPORT_ESCAPE_H

/*
 * Why each rule:
 *  - esc_html: text nodes and quoted attributes alike: & < > " ' become
 *    entities, so nothing in a value can open a tag, end an attribute or
 *    start an entity. Invalid UTF-8, NUL and other control characters (but
 *    tab and newline) become U+FFFD, so the page stays valid UTF-8 / XML.
 *  - esc_script_json: JSON text placed inside <script type="application/json">:
 *    < > & become \u003c \u003e \u0026 (no "</script>" or "<!--" can end or
 *    change the element), U+2028 / U+2029 become \u2028 / \u2029 (they end a
 *    line in older JavaScript parsers), invalid UTF-8 becomes U+FFFD. The
 *    result is still the same JSON value.
 *  - esc_gnuplot: a gnuplot single-quoted string literal (quotes included):
 *    ' is doubled (the only escape inside single quotes; no backslash
 *    processing), control characters become spaces (a newline would end the
 *    command), and a '>' after "]]" gets a U+200B ZERO WIDTH SPACE before it:
 *    gnuplot's SVG terminal escapes & and < but not "]]>", which is not
 *    well-formed XML and would stop the browser from showing the figure.
 *    GP_FORMAT doubles '%' for strings gnuplot treats as formats (tic labels).
 *    Scripts use `noenhanced` text, so ^ _ @ & { } have no markup meaning.
 */

#include <stddef.h>

#include "report/strbuf.h"

void esc_html(struct strbuf *b, const char *s);
void esc_htmln(struct strbuf *b, const char *s, size_t n);
void esc_script_json(struct strbuf *b, const char *json, size_t n);

enum gp_context { GP_LITERAL, GP_FORMAT };
void esc_gnuplot(struct strbuf *b, const char *s, enum gp_context ctx);

#endif
