/* chart.h — one panel of a figure as data (categories or numeric x, named series, bar/line styles) turned into gnuplot commands. */
#ifndef REPORT_CHART_H
#define REPORT_CHART_H

#include <stdbool.h>
#include <stddef.h>

#include "report/plot.h"

enum chart_x { CX_CAT, CX_NUM, CX_TIME };       /* categories (months, groups), numbers, Unix seconds */
enum chart_bars { CB_NONE, CB_GROUPED, CB_STACKED };
enum series_style { SS_LINESPOINTS, SS_LINES, SS_POINTS, SS_BOXES, SS_STEPS };

struct chart_series {
    char *name;
    enum series_style style;
    int colour;              /* 1..8: palette entry; 0: by position */
    int dash;                /* gnuplot dash type: 0 or 1 solid, 2 dashed, ... */
    double *x, *y;
    size_t n, cap;
};

struct chart {
    enum chart_x xkind;
    enum chart_bars bars;
    char *title;             /* panel title (NULL: none) */
    const char *xlabel, *ylabel;
    char **cats;
    size_t n_cats, cap_cats;
    struct chart_series *s;
    size_t n_series, cap_series;
    bool logy_auto;          /* log y axis when positive values span more than two decades (lines only) */
    bool y_from_zero;
    bool key_inside;         /* key in the top right corner (small multiples) instead of outside right */
    bool key_below;          /* key under the panel, in columns */
    bool fixed_x;            /* x range [xmin, xmax] instead of autoscale */
    double xmin, xmax;         /* key in the top right corner (small multiples) instead of outside right */
    bool has_vline;
    double vline;
    char *vline_label;
    bool vline_label_low;    /* label at the bottom of the line instead of the top */
    bool failed;             /* out of memory */
};

void chart_init(struct chart *c, enum chart_x xkind, const char *xlabel, const char *ylabel);
void chart_free(struct chart *c);
void chart_title(struct chart *c, const char *title);
/* Index of category label (added at the end when new). */
size_t chart_cat(struct chart *c, const char *label);
/* Index of the series named name (added with style when new). */
size_t chart_series(struct chart *c, const char *name, enum series_style style);
void chart_point(struct chart *c, size_t series, double x, double y);
/* y of a category (CX_CAT): x is the category index. */
static inline void chart_cat_point(struct chart *c, size_t series, size_t cat, double y)
{
    chart_point(c, series, (double)cat, y);
}
void chart_vline(struct chart *c, double x, const char *label);
/* True when some series has a finite point. */
bool chart_has_data(const struct chart *c);

/* Appends the panel's settings, data blocks (named $Pn_k) and plot command. */
void chart_emit(struct plot *p, const struct chart *c, unsigned panel);

#endif
