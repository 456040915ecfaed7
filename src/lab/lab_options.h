/* lab_options.h — option tables of `mpcensus lab up|down|truth|attribution` (and the lab overview), parsed into plain structs. */
#ifndef LAB_LAB_OPTIONS_H
#define LAB_LAB_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Each parser returns 0 to run, 1 when help was printed (exit 0), 2 on a
 * usage error (already reported on stderr). */
struct lab_up_args {
    const char *spec, *name;
    int month;
};
int lab_up_parse(int argc, char **argv, struct lab_up_args *a);

struct lab_down_args {
    const char *name;
    bool all;
};
int lab_down_parse(int argc, char **argv, struct lab_down_args *a);

/* `lab truth`: one table for the per-address CSV, the records with
 * attribution and month ranges, and the study's summaries. */
struct lab_truth_args {
    const char *spec, *output;   /* output "-": standard output */
    const char *fields;          /* -f; NULL: by the options */
    bool json, list_fields;
    int month;                   /* -1: not given */
    bool months_given;           /* --months first-last */
    int first, last;
    bool start_given;            /* --start: calendar month of month 0 */
    int start;
    const uint16_t *ports;       /* NULL: the spec's default ports; valid until the next parse */
    size_t n_ports;
    bool v0, v1, with_profile, with_as;
    int summary;                 /* enum summary_kind, -1: per-address rows */
    const uint32_t *asns;        /* --asn; NULL: the default set */
    size_t n_asns;
    bool per_asn;
    bool trace;                  /* --trace: what a correct `mpcensus trace` reports (truth_trace.c) */
};
int lab_truth_parse(int argc, char **argv, struct lab_truth_args *a);
/* A usage error of `lab truth` found after the spec was read; returns 2. */
int lab_truth_usage_error(const char *why);

struct lab_attribution_args {
    const char *spec, *out_dir, *changed;   /* changed: YYYYMMDD or NULL */
    bool quiet;
};
int lab_attribution_parse(int argc, char **argv, struct lab_attribution_args *a);

/* One `lab` subcommand and the function that runs it. */
struct lab_subcommand {
    const char *name;
    int (*run)(int argc, char **argv);
};
/* Runs the subcommand argv[1] names (each one's summary from its table), or
 * prints the overview for --help / no subcommand; the process exit status. */
int lab_dispatch(const struct lab_subcommand *subs, int argc, char **argv);

#endif
