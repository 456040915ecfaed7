/* trace_targets.h — the tracer's target table: (address, port) pairs from operands, target files and scan/trace records, deduplicated and hashed. */
#ifndef TRACE_TARGETS_H
#define TRACE_TARGETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/addr.h"

struct trace_target {
    struct ip_addr addr;
    uint16_t port;
    uint8_t hint;            /* expected distance in hops from the input row (0: none) */
    int32_t slot;            /* active state slot; TARGET_IDLE / TARGET_DONE */
};
#define TARGET_IDLE (-1)
#define TARGET_DONE (-2)

struct target_table {
    struct trace_target *v;
    size_t n, cap;
    uint32_t *slots;         /* open addressing: index + 1, 0 empty */
    size_t nslots;           /* power of two, > 2n */
};

void tt_init(struct target_table *t);
void tt_free(struct target_table *t);
/* 1 added, 0 already there (a larger hint is kept), -1 out of memory. */
int tt_add(struct target_table *t, const struct ip_addr *a, uint16_t port, uint8_t hint);
/* Index of (a, port) or -1. */
long tt_find(const struct target_table *t, const struct ip_addr *a, uint16_t port);

/* Distance implied by a reply's TTL: the smallest common initial TTL
 * (32, 64, 128, 255) at or above it, minus it, plus one. 0 for ttl 0. */
unsigned tt_hops_from_ttl(unsigned ttl);

/* Reading targets. A family without a source address is skipped and counted. */
struct tt_load {
    const uint16_t *ports;   /* for operands and rows without a port column */
    size_t n_ports;
    const char *verdicts;    /* "mptcp,mirrored": keep rows whose verdict/class is listed; NULL all */
    unsigned max_hint;       /* hints are clipped to this (the max TTL) */
    bool (*family_ok)(void *user, const struct ip_addr *a);   /* false: no source for its family */
    void *user;
    /* counters (accumulated over calls) */
    unsigned long long rows, bad_rows, filtered, no_source, duplicates;
    char first_bad[256];     /* "file:line: reason" of the first bad row */
    char first_no_source[128];
};

/* Operand text: one address (IPv4 or IPv6). Returns 0, -1 with err. */
int tt_add_operand(struct target_table *t, struct tt_load *l, const char *text, char *err, size_t errlen);
/* A target file: scan or trace records (CSV with header / JSON lines, gzip/zstd/xz
 * too), `lab truth` CSV, or a headerless list of addresses (one per line,
 * optionally "ADDR,PORT"). Bad rows are counted and skipped. Returns 0, or -1
 * with err when the file cannot be read or lacks what --verdict needs. */
int tt_load_file(struct target_table *t, struct tt_load *l, const char *path, char *err, size_t errlen);

#endif
