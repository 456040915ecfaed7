/* rowset.h — the rows of one archive query held in memory for drawing, with columns looked up by the query's field names. */
#ifndef REPORT_ROWSET_H
#define REPORT_ROWSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "archive/analysis.h"

struct rowset {
    const struct rec_schema *schema;
    unsigned ncol;
    size_t nrows, cap;
    struct qval *v;          /* nrows * ncol; text values are owned copies */
    bool failed;             /* out of memory while collecting */
};

void rowset_init(struct rowset *rs, const struct rec_schema *schema);
void rowset_free(struct rowset *rs);
/* A query_row_fn that appends to the rowset passed as user. */
int rowset_collect(void *user, const struct qval *row, unsigned n);

/* Column index of a field (aborts the program on a name the schema lacks:
 * that is a bug in a figure, not bad data). */
unsigned rs_col(const struct rowset *rs, const char *name);
const struct qval *rs_at(const struct rowset *rs, size_t row, unsigned col);
/* Number (NaN when null or text), integer (def when null), text (NULL when null). */
double rs_num(const struct rowset *rs, size_t row, unsigned col);
int64_t rs_int(const struct rowset *rs, size_t row, unsigned col, int64_t def);
const char *rs_text(const struct rowset *rs, size_t row, unsigned col);
bool rs_null(const struct rowset *rs, size_t row, unsigned col);

#endif
