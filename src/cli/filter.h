/* filter.h — ZMap's --output-filter expressions (fields, = != < > <= >=, && ||, parentheses), compiled against a command's field table and evaluated per record. */
#ifndef CLI_FILTER_H
#define CLI_FILTER_H

/*
 * The grammar is ZMap's (src/filter.y of zmap): a comparison is FIELD OP
 * VALUE, comparisons combine with && and || (&& binds tighter) and group with
 * parentheses:
 *
 *     verdict = mptcp || verdict = mirrored
 *     classification = synack && (ttl > 60 || window < 1024)
 *     success = 1 && repeat = 0                      (ZMap's default filter)
 *
 * Numeric fields take all six operators (= and == are the same) and decimal
 * or 0x-hex integers; string fields take = and != only (as in ZMap) and a bare
 * word or a "quoted" string; a string field with a closed vocabulary refuses
 * a value outside it, so a typo is an error instead of an empty output. A
 * record that lacks a field's value matches no comparison on it.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum filter_type { FILTER_NUM, FILTER_STR };

struct filter_field {
    const char *name;
    enum filter_type type;
    const char *const *choices;   /* STR: the closed set of values (NULL-terminated), or NULL */
};

/* What the caller's getter returns for one field of one record. */
struct filter_value {
    bool present;
    uint64_t num;                 /* FILTER_NUM */
    const char *str;              /* FILTER_STR */
};
typedef void (*filter_get_fn)(const void *record, unsigned field, struct filter_value *out);

struct filter;

/* Compiles text against fields[0..n). NULL with why ("unknown field 'verdic'
 * (fields: ...)", "expected a value after '=' at offset 10") on a bad
 * expression or out of memory. */
struct filter *filter_compile(const char *text, const struct filter_field *fields, unsigned n_fields, char *why,
                              size_t whylen);
/* Whether the record matches; get is asked only for the fields the
 * expression needs, each at most once per comparison. */
bool filter_match(const struct filter *f, filter_get_fn get, const void *record);
void filter_free(struct filter *f);

#endif
