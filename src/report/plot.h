/* plot.h — the gnuplot driver: a script built in memory (terminal, Okabe–Ito palette, inline data), kept as STEM.gp and run by gnuplot into STEM.svg. */
#ifndef REPORT_PLOT_H
#define REPORT_PLOT_H

#include <stddef.h>

#include "report/escape.h"
#include "report/strbuf.h"

/*
 * Data never travels as text inside a data block: data blocks hold numbers
 * only, every string from data (tic labels, key titles, panel titles) goes in
 * through plot_str, which quotes it with esc_gnuplot. The SVG is read from
 * gnuplot's standard output into an io/outfile, so a full disk is reported
 * like any other write; a gnuplot failure or an SVG that does not end in
 * </svg> fails the figure with gnuplot's message.
 */

struct plot {
    struct strbuf s;
    unsigned width, height;
};

/* Okabe–Ito colours, in the order series use them. */
extern const char *const plot_palette[8];

/* Starts a script: header comment (how to re-run it), SVG terminal of w x h
 * pixels, noenhanced text, palette as line types 1..8, grid and key. */
void plot_init(struct plot *p, unsigned w, unsigned h, const char *what);
void plot_free(struct plot *p);
/* Appends one script line made from a format (never with data strings: use plot_str). */
void plot_cmd(struct plot *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as an escaped single-quoted gnuplot string. */
void plot_str(struct plot *p, const char *s, enum gp_context ctx);
void plot_raw(struct plot *p, const char *s);

/* Writes DIR/STEM.gp and runs `gnuplot -d DIR/STEM.gp` into DIR/STEM.svg.
 * 0, or -1 with err ("gnuplot not found (Debian package gnuplot-nox)",
 * gnuplot's own message, "PATH: reason"). */
int plot_render(const struct plot *p, const char *dir, const char *stem, char *err, size_t errlen);

#endif
