/* figures.h — the report's figures and tables as descriptors: which archive query (and parameters) feeds each, its caption, and the function that draws it. */
#ifndef REPORT_FIGURES_H
#define REPORT_FIGURES_H

#include <stdbool.h>

#include "report/chart.h"
#include "report/plot.h"
#include "report/rowset.h"
#include "report/strbuf.h"

/* Which months a figure's query covers. */
enum fig_months {
    FM_RANGE,        /* the report's --from/--to range (time series) */
    FM_LATEST,       /* the latest month with a scan in the range (snapshots, tables) */
    FM_LATEST_ROWS,  /* the latest month the query itself has rows for in the range (traces) */
};

struct figure;
/* Draws from the rows into p (one or more chart panels). Returns 1 when
 * drawn, 0 when the rows hold nothing to draw (why: one line saying what is
 * missing). */
typedef int (*fig_draw_fn)(const struct figure *f, const struct rowset *rs, struct plot *p, struct strbuf *why);
/* Writes an HTML table of the rows (every data string escaped). Returns the
 * number of rows written, 0 for none (why says so). */
typedef int (*fig_table_fn)(const struct figure *f, const struct rowset *rs, struct strbuf *html, struct strbuf *why);

struct figure {
    const char *stem;       /* file names: STEM.svg, STEM.csv, STEM.gp; HTML id */
    const char *label;      /* "Fig. 2", "Table I" */
    const char *title;
    const char *query;      /* archive query name (src/archive/analysis.h) */
    enum fig_months months;
    int version;            /* top-as / countries filter: -1 both */
    int family;             /* 0 both */
    unsigned top;           /* top-as / countries rows per month and version; 0: the query's default */
    bool org;               /* migration: needs --org-asn */
    const char *caption;    /* what is counted and how */
    unsigned width, height; /* SVG size in pixels */
    fig_draw_fn draw;
    fig_table_fn table;
};

extern const struct figure report_figures[];
extern const unsigned report_n_figures;

/* ---- drawing helpers shared by the figure files (fig_*.c) */

/* "v0 IPv4 port 80" style names. */
const char *fig_version_name(int version);      /* "MPTCPv0", "MPTCPv1", "plain SYN" */
const char *fig_family_name(int family);        /* "IPv4", "IPv6" */
/* Adds every month from the first to the last "YYYY-MM" of column col as categories, in order (gaps kept). */
void fig_month_cats(struct chart *c, const struct rowset *rs, unsigned col);
/* Category index of a row's month (after fig_month_cats). */
size_t fig_month_cat(struct chart *c, const struct rowset *rs, size_t row, unsigned col);
/* Emits one chart as the whole figure. */
void fig_single(struct plot *p, const struct chart *c);
/* Emits n panels in a multiplot of rows x cols. */
void fig_panels(struct plot *p, struct chart *panels, unsigned n, unsigned cols);

/* the draw / table functions */
int fig_draw_unique(const struct figure *, const struct rowset *, struct plot *, struct strbuf *);
int fig_draw_consistent(const struct figure *, const struct rowset *, struct plot *, struct strbuf *);
int fig_draw_hamming(const struct figure *, const struct rowset *, struct plot *, struct strbuf *);
int fig_draw_mirrored(const struct figure *, const struct rowset *, struct plot *, struct strbuf *);
int fig_draw_trace(const struct figure *, const struct rowset *, struct plot *, struct strbuf *);
int fig_draw_ports(const struct figure *, const struct rowset *, struct plot *, struct strbuf *);
int fig_draw_versions(const struct figure *, const struct rowset *, struct plot *, struct strbuf *);
int fig_draw_countries(const struct figure *, const struct rowset *, struct plot *, struct strbuf *);
int fig_table_top_as(const struct figure *, const struct rowset *, struct strbuf *, struct strbuf *);
int fig_draw_http(const struct figure *, const struct rowset *, struct plot *, struct strbuf *);
int fig_draw_pcap_shares(const struct figure *, const struct rowset *, struct plot *, struct strbuf *);
int fig_draw_pcap_volumes(const struct figure *, const struct rowset *, struct plot *, struct strbuf *);
int fig_draw_pcap_concentration(const struct figure *, const struct rowset *, struct plot *, struct strbuf *);
int fig_draw_pcap_ewma(const struct figure *, const struct rowset *, struct plot *, struct strbuf *);
int fig_draw_org_hosts(const struct figure *, const struct rowset *, struct plot *, struct strbuf *);
int fig_draw_org_changes(const struct figure *, const struct rowset *, struct plot *, struct strbuf *);

#endif
