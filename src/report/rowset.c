/* rowset.c — collecting query rows (copies of their values) and typed access by field name. */
#include "report/rowset.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rowset_init(struct rowset *rs, const struct rec_schema *schema)
{
    memset(rs, 0, sizeof *rs);
    rs->schema = schema;
    rs->ncol = schema->n_fields;
}

void rowset_free(struct rowset *rs)
{
    for (size_t i = 0; i < rs->nrows * rs->ncol; i++)
        if (rs->v[i].t == QV_TEXT)
            free((char *)rs->v[i].s);
    free(rs->v);
    rs->v = NULL;
    rs->nrows = rs->cap = 0;
}

int rowset_collect(void *user, const struct qval *row, unsigned n)
{
    struct rowset *rs = user;
    if (rs->nrows == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 64;
        struct qval *v = realloc(rs->v, cap * rs->ncol * sizeof *v);
        if (!v) {
            rs->failed = true;
            return -3;
        }
        rs->v = v;
        rs->cap = cap;
    }
    struct qval *dst = rs->v + rs->nrows * rs->ncol;
    for (unsigned c = 0; c < rs->ncol; c++) {
        dst[c] = c < n ? row[c] : qv_null();
        if (dst[c].t == QV_TEXT) {
            dst[c].s = strdup(row[c].s);
            if (!dst[c].s) {
                for (unsigned k = 0; k < c; k++)
                    if (dst[k].t == QV_TEXT)
                        free((char *)dst[k].s);
                rs->failed = true;
                return -3;
            }
        }
    }
    rs->nrows++;
    return 0;
}

unsigned rs_col(const struct rowset *rs, const char *name)
{
    int i = rec_field_index(rs->schema, name);
    if (i < 0) {
        fprintf(stderr, "report: bug: query %s has no field %s\n", rs->schema->name, name);
        abort();
    }
    return (unsigned)i;
}

const struct qval *rs_at(const struct rowset *rs, size_t row, unsigned col) { return &rs->v[row * rs->ncol + col]; }

double rs_num(const struct rowset *rs, size_t row, unsigned col)
{
    const struct qval *q = rs_at(rs, row, col);
    return q->t == QV_INT ? (double)q->i : q->t == QV_REAL ? q->d : NAN;
}

int64_t rs_int(const struct rowset *rs, size_t row, unsigned col, int64_t def)
{
    const struct qval *q = rs_at(rs, row, col);
    return q->t == QV_INT ? q->i : q->t == QV_REAL ? (int64_t)q->d : def;
}

const char *rs_text(const struct rowset *rs, size_t row, unsigned col)
{
    const struct qval *q = rs_at(rs, row, col);
    return q->t == QV_TEXT ? q->s : NULL;
}

bool rs_null(const struct rowset *rs, size_t row, unsigned col) { return rs_at(rs, row, col)->t == QV_NULL; }
