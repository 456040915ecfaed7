/* test_report_escape.c — the report's escaping module (HTML, script-embedded JSON, gnuplot literals) on hostile strings, and a chart with hostile labels through real gnuplot into well-formed SVG. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/json.h"
#include "report/chart.h"
#include "report/escape.h"
#include "report/plot.h"

static char *html(const char *s)
{
    struct strbuf b;
    sb_init(&b);
    esc_html(&b, s);
    char *r = strdup(sb_str(&b));
    sb_free(&b);
    return r;
}

static void test_html(void **state)
{
    (void)state;
    char *o = html("<script>alert(1)</script>");
    assert_string_equal(o, "&lt;script&gt;alert(1)&lt;/script&gt;");
    free(o);
    o = html("a \"b\" & 'c' ]]> d");
    assert_string_equal(o, "a &quot;b&quot; &amp; &#39;c&#39; ]]&gt; d");
    free(o);
    /* an entity in the data stays text: &amp; shows as "&amp;" */
    o = html("F&amp;OUR");
    assert_string_equal(o, "F&amp;amp;OUR");
    free(o);
    /* U+2028 is harmless in HTML text and kept; controls and broken UTF-8 become U+FFFD; tab/newline kept */
    o = html("x\xE2\x80\xA8y\x01z\xC3(\tq\n");
    assert_string_equal(o, "x\xE2\x80\xA8y\xEF\xBF\xBDz\xEF\xBF\xBD(\tq\n");
    free(o);
    /* overlong "<" (C0 BC) and a UTF-16 surrogate are not valid UTF-8: replaced, never decoded to '<' */
    o = html("\xC0\xBCscript\xED\xA0\x80");
    assert_string_equal(o, "\xEF\xBF\xBD\xEF\xBF\xBDscript\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    free(o);
    o = html("Zürich 東京");
    assert_string_equal(o, "Zürich 東京");
    free(o);
}

static void test_script_json(void **state)
{
    (void)state;
    struct json j;
    json_init(&j);
    json_obj_begin(&j, JSON_COMPACT);
    json_kv_str(&j, "org", "</script><script>alert(1)</script> <!-- & \xE2\x80\xA8\xE2\x80\xA9 ]]>");
    json_obj_end(&j);
    struct strbuf b;
    sb_init(&b);
    esc_script_json(&b, json_data(&j), json_len(&j));
    const char *o = sb_str(&b);
    assert_null(strchr(o, '<'));
    assert_null(strchr(o, '>'));
    assert_null(strchr(o, '&'));
    assert_null(strstr(o, "\xE2\x80\xA8"));
    assert_null(strstr(o, "\xE2\x80\xA9"));
    assert_string_equal(o, "{\"org\":\"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e "
                           "\\u003c!-- \\u0026 \\u2028\\u2029 ]]\\u003e\"}");
    sb_free(&b);
    json_free(&j);
}

static char *gp(const char *s, enum gp_context ctx)
{
    struct strbuf b;
    sb_init(&b);
    esc_gnuplot(&b, s, ctx);
    char *r = strdup(sb_str(&b));
    sb_free(&b);
    return r;
}

static void test_gnuplot(void **state)
{
    (void)state;
    char *o = gp("it's", GP_LITERAL);
    assert_string_equal(o, "'it''s'");
    free(o);
    /* no backslash processing inside single quotes, newlines would end the command */
    o = gp("a\\nb\nc\rd", GP_LITERAL);
    assert_string_equal(o, "'a\\nb c d'");
    free(o);
    o = gp("100% %s", GP_FORMAT);
    assert_string_equal(o, "'100%% %%s'");
    free(o);
    o = gp("100% %s", GP_LITERAL);
    assert_string_equal(o, "'100% %s'");
    free(o);
    /* "]]>" is broken up by U+200B; "] ]>" and "]>" need nothing */
    o = gp("x]]>y]]]>z] ]>", GP_LITERAL);
    assert_string_equal(o, "'x]]\xE2\x80\x8B>y]]]\xE2\x80\x8B>z] ]>'");
    free(o);
    o = gp("\xE2\x80\xA8\xFF", GP_LITERAL);
    assert_string_equal(o, "' \xEF\xBF\xBD'");
    free(o);
    o = gp(NULL, GP_LITERAL);
    assert_string_equal(o, "''");
    free(o);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = calloc(1, 1 << 20);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

/* Hostile category and series names through gnuplot: the SVG shows them as text and stays well-formed. */
static void test_chart_through_gnuplot(void **state)
{
    (void)state;
    if (system("command -v gnuplot >/dev/null 2>&1") != 0)
        skip();
    char dir[] = "/tmp/mpc-report-esc-XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct chart c;
    chart_init(&c, CX_CAT, "x <axis> & 'unit'", "y %s (%)");
    c.bars = CB_GROUPED;
    size_t s = chart_series(&c, "<script>alert(1)</script>", SS_BOXES);
    size_t t = chart_series(&c, "it's 100% ]]> done", SS_BOXES);
    chart_cat_point(&c, s, chart_cat(&c, "%s%n%d]]>"), 3);
    chart_cat_point(&c, t, chart_cat(&c, "a&amp;b\nEOD"), 5);
    chart_title(&c, "title \\n %s ]]>");
    struct plot p;
    plot_init(&p, 600, 300, "escape test\nset output '/tmp/x'");
    chart_emit(&p, &c, 0);
    char err[1024] = "";
    int rc = plot_render(&p, dir, "esc", err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "plot_render: %s\n", err);
    assert_int_equal(rc, 0);
    char path[256];
    snprintf(path, sizeof path, "%s/esc.svg", dir);
    char *svg = slurp(path);
    assert_null(strstr(svg, "]]>"));
    assert_non_null(strstr(svg, "&lt;script>alert(1)&lt;/script>"));
    assert_non_null(strstr(svg, "it's 100% ]]\xE2\x80\x8B> done"));
    assert_non_null(strstr(svg, "%s%n%d]]\xE2\x80\x8B>")); /* a tic label: printed as given, not as a format */
    assert_non_null(strstr(svg, "a&amp;amp;b EOD"));
    assert_non_null(strstr(svg, "title \\n %s ]]\xE2\x80\x8B>"));
    assert_non_null(strstr(svg, "y %s (%)"));
    assert_null(strstr(svg, "<script"));
    free(svg);
    /* the script's header comment cannot smuggle a command in */
    snprintf(path, sizeof path, "%s/esc.gp", dir);
    char *script = slurp(path);
    assert_non_null(strstr(script, "# escape test set output '/tmp/x'\n"));
    free(script);
    plot_free(&p);
    chart_free(&c);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_html),
        cmocka_unit_test(test_script_json),
        cmocka_unit_test(test_gnuplot),
        cmocka_unit_test(test_chart_through_gnuplot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
