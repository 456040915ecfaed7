/* chart.c — building chart data and emitting it as gnuplot: category axes with escaped labels, grouped and stacked bars, lines, time axes. */
#include "report/chart.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void chart_init(struct chart *c, enum chart_x xkind, const char *xlabel, const char *ylabel)
{
    memset(c, 0, sizeof *c);
    c->xkind = xkind;
    c->xlabel = xlabel;
    c->ylabel = ylabel;
    c->y_from_zero = true;
}

void chart_free(struct chart *c)
{
    for (size_t i = 0; i < c->n_cats; i++)
        free(c->cats[i]);
    free(c->cats);
    for (size_t i = 0; i < c->n_series; i++) {
        free(c->s[i].name);
        free(c->s[i].x);
        free(c->s[i].y);
    }
    free(c->s);
    free(c->title);
    free(c->vline_label);
    memset(c, 0, sizeof *c);
}

static char *dup_or_fail(struct chart *c, const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d)
        c->failed = true;
    return d;
}

void chart_title(struct chart *c, const char *title)
{
    free(c->title);
    c->title = dup_or_fail(c, title);
}

static bool grow(struct chart *c, void **arr, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return true;
    size_t nc = *cap ? *cap * 2 : 8;
    void *p = realloc(*arr, nc * size);
    if (!p) {
        c->failed = true;
        return false;
    }
    *arr = p;
    *cap = nc;
    return true;
}

size_t chart_cat(struct chart *c, const char *label)
{
    for (size_t i = 0; i < c->n_cats; i++)
        if (!strcmp(c->cats[i], label))
            return i;
    if (!grow(c, (void **)&c->cats, &c->cap_cats, c->n_cats, sizeof *c->cats))
        return 0;
    c->cats[c->n_cats] = dup_or_fail(c, label);
    return c->n_cats++;
}

size_t chart_series(struct chart *c, const char *name, enum series_style style)
{
    for (size_t i = 0; i < c->n_series; i++)
        if (!strcmp(c->s[i].name, name))
            return i;
    if (!grow(c, (void **)&c->s, &c->cap_series, c->n_series, sizeof *c->s))
        return 0;
    struct chart_series *s = &c->s[c->n_series];
    memset(s, 0, sizeof *s);
    s->name = dup_or_fail(c, name);
    s->style = style;
    return c->n_series++;
}

void chart_point(struct chart *c, size_t series, double x, double y)
{
    if (series >= c->n_series)
        return;
    struct chart_series *s = &c->s[series];
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 16;
        double *nx = realloc(s->x, nc * sizeof *nx);
        if (!nx) {
            c->failed = true;
            return;
        }
        s->x = nx;
        double *ny = realloc(s->y, nc * sizeof *ny);
        if (!ny) {
            c->failed = true;
            return;
        }
        s->y = ny;
        s->cap = nc;
    }
    s->x[s->n] = x;
    s->y[s->n] = y;
    s->n++;
}

void chart_vline(struct chart *c, double x, const char *label)
{
    c->has_vline = true;
    c->vline = x;
    free(c->vline_label);
    c->vline_label = label ? dup_or_fail(c, label) : NULL;
}

bool chart_has_data(const struct chart *c)
{
    for (size_t i = 0; i < c->n_series; i++)
        for (size_t k = 0; k < c->s[i].n; k++)
            if (isfinite(c->s[i].y[k]))
                return true;
    return false;
}

/* y of series s at category cat (NaN when absent). */
static double cat_y(const struct chart_series *s, size_t cat)
{
    for (size_t k = 0; k < s->n; k++)
        if ((size_t)s->x[k] == cat)
            return s->y[k];
    return NAN;
}

static void num(struct strbuf *b, double v)
{
    if (isfinite(v))
        sb_printf(b, "%.10g", v);
    else
        sb_puts(b, "NaN");
}

static void emit_settings(struct plot *p, const struct chart *c, bool logy)
{
    /* undo what an earlier panel of a multiplot set (plot_init's defaults stay) */
    plot_cmd(p, "unset logscale; unset xdata; unset arrow; unset label; set autoscale");
    plot_cmd(p, "set xtics autofreq norotate; set format x '%% h'; set format y '%% h'; set grid ytics noxtics");
    plot_raw(p, "set title ");
    plot_str(p, c->title ? c->title : "", GP_LITERAL);
    plot_raw(p, "\nset xlabel ");
    plot_str(p, c->xlabel ? c->xlabel : "", GP_LITERAL);
    plot_raw(p, "\nset ylabel ");
    plot_str(p, c->ylabel ? c->ylabel : "", GP_LITERAL);
    plot_raw(p, "\n");
    if (c->key_below)
        plot_cmd(p, "set key outside below center horizontal Left reverse samplen 2.5 spacing 1.1 maxcols 2 noopaque");
    else if (c->key_inside)
        plot_cmd(p, "set key inside right top vertical Left reverse samplen 2 spacing 1.1 opaque");
    else
        plot_cmd(p, "set key outside right top vertical Left reverse samplen 2.5 spacing 1.2 noopaque");
    /* an inside key gets headroom above the data instead of covering it */
    plot_cmd(p, c->key_inside ? "set offsets 0, 0, graph 0.45, 0" : "set offsets 0, 0, 0, 0");
    /* x and y extents, so a single point or an all-zero series gets a range instead of a gnuplot warning */
    double xlo = INFINITY, xhi = -INFINITY, yhi = -INFINITY;
    for (size_t i = 0; i < c->n_series; i++)
        for (size_t k = 0; k < c->s[i].n; k++) {
            if (isfinite(c->s[i].x[k])) {
                xlo = fmin(xlo, c->s[i].x[k]);
                xhi = fmax(xhi, c->s[i].x[k]);
            }
            if (isfinite(c->s[i].y[k]))
                yhi = fmax(yhi, c->bars == CB_STACKED ? INFINITY : c->s[i].y[k]);
        }
    if (c->bars == CB_STACKED) {
        yhi = 0;
        for (size_t cat = 0; cat < c->n_cats; cat++) {
            double sum = 0;
            for (size_t i = 0; i < c->n_series; i++) {
                double y = cat_y(&c->s[i], cat);
                if (isfinite(y))
                    sum += y;
            }
            yhi = fmax(yhi, sum);
        }
    }
    if (logy) {
        plot_cmd(p, "set logscale y 10");
    } else if (c->y_from_zero) {
        if (yhi > 0)
            plot_cmd(p, "set yrange [0:*]");
        else
            plot_cmd(p, "set yrange [0:1]");
    }
    /* small counts: one tic per unit instead of 0.5 steps */
    bool integers = yhi > 0 && yhi <= 8 && !logy;
    for (size_t i = 0; integers && i < c->n_series; i++)
        for (size_t k = 0; k < c->s[i].n; k++)
            if (isfinite(c->s[i].y[k]) && c->s[i].y[k] != floor(c->s[i].y[k]))
                integers = false;
    if (integers)
        plot_cmd(p, "set ytics 1");
    else
        plot_cmd(p, "set ytics autofreq");
    if (c->fixed_x) {
        plot_cmd(p, "set xrange [%.10g:%.10g]", c->xmin, c->xmax);
    } else if (c->xkind != CX_CAT && isfinite(xlo) && xlo == xhi) {
        double pad = c->xkind == CX_TIME ? 86400.0 : fmax(1.0, fabs(xlo) * 0.1);
        plot_cmd(p, "set xrange [%.10g:%.10g]", xlo - pad, xhi + pad);
    }
    if (c->xkind == CX_CAT) {
        plot_cmd(p, "set xrange [-0.6:%f]", c->n_cats ? (double)c->n_cats - 0.4 : 0.4);
        size_t longest = 0;
        for (size_t i = 0; i < c->n_cats; i++)
            if (strlen(c->cats[i]) > longest)
                longest = strlen(c->cats[i]);
        /* every label shown when there is room, else every k-th */
        size_t step = c->n_cats > 24 ? (c->n_cats + 23) / 24 : 1;
        plot_raw(p, "set xtics (");
        for (size_t i = 0, first = 1; i < c->n_cats; i++) {
            if (i % step)
                continue;
            if (!first)
                plot_raw(p, ", ");
            first = 0;
            plot_str(p, c->cats[i], GP_FORMAT);
            sb_printf(&p->s, " %zu", i);
        }
        plot_raw(p, ")\n");
        if (c->n_cats * (longest + 1) > 60)
            plot_cmd(p, "set xtics rotate by -40 left");
        plot_cmd(p, "set grid noxtics");
    } else if (c->xkind == CX_TIME) {
        plot_cmd(p, "set xdata time");
        plot_cmd(p, "set timefmt '%%s'");
        plot_cmd(p, "set format x '%%Y-%%m-%%d'");
        plot_cmd(p, "set xtics rotate by -40 left");
    }
    if (c->has_vline) {
        plot_cmd(p, "set arrow 1 from %.10g, graph 0 to %.10g, graph 1 nohead dt 2 lw 2 lc rgb '%s' front", c->vline,
                 c->vline, plot_palette[1]);
        if (c->vline_label) {
            plot_raw(p, "set label 1 ");
            plot_str(p, c->vline_label, GP_LITERAL);
            sb_printf(&p->s, " at %.10g, graph %s offset 0.6,0 left front tc rgb '%s'\n", c->vline,
                      c->vline_label_low ? "0.04" : "0.96", plot_palette[1]);
        }
    }
    bool boxes = c->bars != CB_NONE;
    for (size_t i = 0; i < c->n_series; i++)
        boxes = boxes || c->s[i].style == SS_BOXES;
    if (boxes)
        plot_cmd(p, "set style fill solid 0.85 border rgb '#333333'");
}

static bool use_logy(const struct chart *c)
{
    if (!c->logy_auto || c->bars != CB_NONE)
        return false;
    double lo = INFINITY, hi = 0;
    for (size_t i = 0; i < c->n_series; i++)
        for (size_t k = 0; k < c->s[i].n; k++) {
            double y = c->s[i].y[k];
            if (isfinite(y) && y > 0) {
                if (y < lo)
                    lo = y;
                if (y > hi)
                    hi = y;
            }
        }
    return hi > 0 && hi / lo > 100.0;
}

static const char *style_word(enum series_style st)
{
    switch (st) {
    case SS_LINES: return "lines";
    case SS_POINTS: return "points";
    case SS_BOXES: return "boxes";
    case SS_STEPS: return "steps";
    default: return "linespoints";
    }
}

void chart_emit(struct plot *p, const struct chart *c, unsigned panel)
{
    bool logy = use_logy(c);
    emit_settings(p, c, logy);
    size_t ns = c->n_series;
    double bw = c->bars == CB_GROUPED && ns ? 0.8 / (double)ns : 0.7;
    plot_cmd(p, "set boxwidth %.4f absolute", c->bars != CB_NONE ? bw : 0.85);
    /* data blocks: numbers only */
    for (size_t i = 0; i < ns; i++) {
        const struct chart_series *s = &c->s[i];
        sb_printf(&p->s, "$P%u_%zu << EOD\n", panel, i);
        if (c->bars == CB_STACKED) {
            for (size_t cat = 0; cat < c->n_cats; cat++) {
                double sum = 0;
                bool any = false;
                for (size_t j = 0; j <= i; j++) {
                    double y = cat_y(&c->s[j], cat);
                    if (isfinite(y)) {
                        sum += y;
                        any = true;
                    }
                }
                sb_printf(&p->s, "%zu ", cat);
                num(&p->s, any ? sum : NAN);
                sb_putc(&p->s, '\n');
            }
        } else {
            for (size_t k = 0; k < s->n; k++) {
                double x = s->x[k];
                if (c->bars == CB_GROUPED)
                    x += ((double)i - (double)(ns - 1) / 2.0) * bw;
                double y = s->y[k];
                if (logy && !(y > 0))
                    y = NAN;
                num(&p->s, x);
                sb_putc(&p->s, ' ');
                num(&p->s, y);
                sb_putc(&p->s, '\n');
            }
        }
        sb_puts(&p->s, "EOD\n");
    }
    plot_raw(p, "plot ");
    bool first = true;
    /* stacked: the tallest (cumulative) first, so each lower segment is drawn over it */
    for (size_t n = 0; n < ns; n++) {
        size_t i = c->bars == CB_STACKED ? ns - 1 - n : n;
        const struct chart_series *s = &c->s[i];
        int colour = s->colour ? s->colour : (int)(i % 8) + 1;
        enum series_style st = c->bars != CB_NONE ? SS_BOXES : s->style;
        if (!first)
            plot_raw(p, ", \\\n     ");
        first = false;
        sb_printf(&p->s, "$P%u_%zu using 1:2 with %s lt %d", panel, i, style_word(st), colour);
        if (st == SS_BOXES)
            sb_printf(&p->s, " fc rgb '%s'", plot_palette[(colour - 1) % 8]);
        else if (s->dash > 1)
            sb_printf(&p->s, " dt %d", s->dash);
        plot_raw(p, " title ");
        plot_str(p, s->name, GP_LITERAL);
    }
    if (first)
        plot_raw(p, "NaN notitle");
    plot_raw(p, "\n");
}
