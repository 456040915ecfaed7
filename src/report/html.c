/* html.c — page frame, style sheet, number and text helpers of the report's HTML. */
#include "report/html.h"

#include <inttypes.h>
#include <stdio.h>

#include "report/escape.h"

void html_count(struct strbuf *b, int64_t v)
{
    char digits[32];
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    int n = snprintf(digits, sizeof digits, "%" PRIu64, u);
    if (v < 0)
        sb_putc(b, '-');
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            sb_putc(b, ',');
        sb_putc(b, digits[i]);
    }
}

void html_text_or(struct strbuf *b, const char *s, const char *dflt) { esc_html(b, s && *s ? s : dflt); }

static const char style[] =
    "body{font-family:'DejaVu Sans',Verdana,sans-serif;font-size:15px;line-height:1.45;color:#1a1a1a;"
    "background:#fff;margin:0 auto;max-width:1080px;padding:12px 20px 40px}\n"
    "h1{font-size:26px;margin:8px 0 2px}h2{font-size:19px;margin:28px 0 6px;border-bottom:1px solid #ccc;"
    "padding-bottom:3px}h3{font-size:16px;margin:14px 0 4px}\n"
    "p.meta{color:#555;margin:0 0 10px}\n"
    "nav{columns:2;font-size:14px;margin:6px 0 0}nav a{display:block}\n"
    "figure{margin:6px 0 0}figure img{display:block;width:100%;max-width:1000px;height:auto;border:1px solid #eee}\n"
    "figcaption,p.caption{font-size:14px;color:#333;margin:6px 0 0}\n"
    "p.data{font-size:13px;color:#555;margin:4px 0 0;overflow-wrap:anywhere}\n"
    "p.nodata{font-style:italic;color:#8a4b00;margin:4px 0 0}\n"
    "code{font-family:'DejaVu Sans Mono',monospace;font-size:12.5px;background:#f4f4f4;padding:0 3px}\n"
    "table.data{border-collapse:collapse;font-size:14px;margin:6px 0}\n"
    "table.data th,table.data td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}\n"
    "table.data th{background:#f0f0f0}table.data td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    "td.up{color:#006b4f}td.down{color:#b03a00}\n"
    "section.summary{background:#f7f9fc;border:1px solid #d5dde8;padding:6px 14px 10px;margin:10px 0}\n";

void html_page_begin(struct strbuf *b, const char *title)
{
    sb_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
               "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src 'self' file: "
               "data:; style-src 'unsafe-inline'\">\n"
               "<link rel=\"icon\" href=\"data:,\">\n<title>");
    esc_html(b, title);
    sb_puts(b, "</title>\n<style>\n");
    sb_puts(b, style);
    sb_puts(b, "</style>\n</head>\n<body>\n");
}

void html_page_end(struct strbuf *b, const char *json, size_t n)
{
    sb_puts(b, "<script type=\"application/json\" id=\"report-data\">");
    esc_script_json(b, json, n);
    sb_puts(b, "</script>\n</body>\n</html>\n");
}
