/* http_targets.h — the (address, port) list `mpcensus http` times: operands, a targets file, or rows of scan/trace output chosen by verdict or class. */
#ifndef HTTP_HTTP_TARGETS_H
#define HTTP_HTTP_TARGETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/args.h"
#include "net/addr.h"

struct http_target {
    struct ip_addr addr;
    uint16_t port;
    bool tls;
    char *label;                /* the input row's class or verdict (malloc'ed), NULL */
};

struct http_targets {
    struct http_target *t;
    size_t n, cap;
    size_t duplicates;          /* (address, port) seen before: dropped */
    /* dedup index: open addressing over t[] positions + 1 (0 empty) */
    size_t *index;
    size_t index_cap;
};

void targets_init(struct http_targets *l);
void targets_free(struct http_targets *l);

/* Adds "ADDR", "ADDR:PORT" or "[V6]:PORT"; without a port, one target per
 * port of `ports`. false with why. */
bool targets_add_text(struct http_targets *l, const char *text, const struct port_list *ports, const char *label,
                      char *why, size_t whylen);

/* One target per line ('#' comments, blank lines ignored). false with
 * "FILE:LINE: reason" in err on the first bad line or a read error. */
bool targets_load_file(struct http_targets *l, const char *path, const struct port_list *ports, char *err,
                       size_t errlen);

/* Rows of a record file (CSV with header or JSON lines, compressed too).
 * Address column: addr_field, else the first of target, saddr, addr, address.
 * Port column: port_field, else port, sport; `ports` (when not NULL)
 * replaces the row's port. Rows are kept when their `verdict` is in
 * verdicts and their `class` in classes (NULL or empty list: any). */
struct record_select {
    const char *addr_field, *port_field;
    const struct port_list *ports;      /* NULL: ports from the rows */
    const struct port_list *row_default; /* rows without a port value (NULL: such a row is bad) */
    const char *verdicts, *classes;     /* comma lists, NULL: no filter */
};
struct record_stats {
    unsigned long long rows, kept, bad_rows, filtered;
    char first_bad[256];
};
bool targets_load_records(struct http_targets *l, const char *path, const struct record_select *sel,
                          struct record_stats *st, char *err, size_t errlen);

/* true when `item` is one of the comma-separated `list`. */
bool list_has(const char *list, const char *item);

#endif
