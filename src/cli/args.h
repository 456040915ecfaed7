/* args.h — the one command-line layer: typed value parsers, option tables that parse argv, and the --help/man text made from them. */
#ifndef CLI_ARGS_H
#define CLI_ARGS_H

/*
 * Every subcommand declares its options as a table of struct arg_opt and
 * calls args_parse(). The same table renders `--help` (args_usage) and the
 * roff man page (args_man), so the two cannot drift.
 *
 * The value parsers (args_parse_u64, args_parse_ports, ...) are public: spec
 * files, target files and input readers parse numbers with them too, so
 * every "bad value" message in the tool reads the same way:
 *
 *     mpcensus scan: bad --rate 'x': not a number (packets per second)
 *
 * A parser writes only the reason ("not a number", "above 65535") into why;
 * the caller names the option or the file:line it came from.
 *
 * This file depends on libc, src/net (addresses, prefixes) and the record
 * schema of src/io/record.h only, so any capability may include it; nothing
 * here includes a capability or the dispatcher (src/cli/main.c).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "net/addr.h"

/* ------------------------------------------------------------ value parsers */

/* Each returns true and stores the value, or false with a reason in why. */

/* Decimal or 0x-hex unsigned integer within [lo, hi]. */
bool args_parse_u64(const char *text, uint64_t lo, uint64_t hi, uint64_t *out, char *why, size_t whylen);
/* Decimal signed integer within [lo, hi]. */
bool args_parse_i64(const char *text, int64_t lo, int64_t hi, int64_t *out, char *why, size_t whylen);
/* Finite decimal number within [lo, hi]. */
bool args_parse_double(const char *text, double lo, double hi, double *out, char *why, size_t whylen);
/* Duration: a number with an optional unit us, ms, s (default), m, h, d;
 * stored in seconds, within [lo, hi] seconds. "1.5s", "250ms", "2m". */
bool args_parse_duration(const char *text, double lo, double hi, double *seconds, char *why, size_t whylen);
/* Count or rate with an optional SI suffix k/K (1e3), M (1e6), G (1e9), and an
 * optional trailing unit letter accepted and ignored if it is `unit_suffix`
 * (e.g. 'b' for bits: "10Mb"). Within [lo, hi]. "50k" -> 50000. */
bool args_parse_si(const char *text, char unit_suffix, uint64_t lo, uint64_t hi, uint64_t *out, char *why,
                   size_t whylen);
/* 64-bit key as exactly 16 hex digits, optional 0x prefix. */
bool args_parse_key64(const char *text, uint64_t *out, char *why, size_t whylen);
/* Month "YYYY-MM" (1970-01 .. 9999-12) as months since 0000-01: y*12 + (m-1). */
bool args_parse_month(const char *text, int *months, char *why, size_t whylen);
/* Hex bytes ("0a0b..", optional 0x, optional ':' separators) into buf; *n bytes. */
bool args_parse_hex(const char *text, uint8_t *buf, size_t cap, size_t *n, char *why, size_t whylen);
/* MAC address "aa:bb:cc:dd:ee:ff" (or '-' separators). */
bool args_parse_mac(const char *text, uint8_t mac[6], char *why, size_t whylen);
/* One IPv4 or IPv6 address. */
bool args_parse_addr(const char *text, struct ip_addr *out, char *why, size_t whylen);
/* CIDR prefix "198.18.0.0/15", "2001:db8::/32" or a bare address (/32, /128).
 * Host bits set are refused unless allow_host_bits (then they are cleared). */
bool args_parse_cidr(const char *text, bool allow_host_bits, struct ip_prefix *out, char *why, size_t whylen);

/* A list of TCP ports: "80", "80,443", "1-1024,8080". Sorted as given, duplicates
 * dropped; every port 1..65535 may appear, so "1-65535" is accepted. */
struct port_list {
    uint16_t *ports;          /* malloc'ed; args_ports_free() */
    size_t n;
};
bool args_parse_ports(const char *text, struct port_list *out, char *why, size_t whylen);
void args_ports_free(struct port_list *pl);

/* A list of addresses and address ranges of one or both families:
 * "198.19.255.1,2001:db8::1", "198.19.255.1-198.19.255.4", "198.18.0.0/30".
 * A range never spans families; lo <= hi. */
struct addr_range {
    struct ip_addr lo, hi;
};
struct addr_ranges {
    struct addr_range *r;     /* malloc'ed; args_addr_ranges_free() */
    size_t n;
};
bool args_parse_addr_ranges(const char *text, struct addr_ranges *out, char *why, size_t whylen);
void args_addr_ranges_free(struct addr_ranges *ar);

/* One of `choices` (NULL-terminated); *index receives its position. why lists them. */
bool args_parse_choice(const char *text, const char *const *choices, int *index, char *why, size_t whylen);

/* ------------------------------------------------------------ option tables */

enum arg_kind {
    ARG_FLAG,       /* no value: *(bool *)dest = true */
    ARG_STRING,     /* *(const char **)dest = the argument (points into argv) */
    ARG_U64,        /* uint64_t, within [min, max] (max 0 = no upper bound) */
    ARG_UINT,       /* unsigned, within [min, max] (max 0 = UINT_MAX) */
    ARG_INT,        /* int, within [imin, imax] */
    ARG_DOUBLE,     /* double, within [dmin, dmax] */
    ARG_DURATION,   /* double seconds, within [dmin, dmax] (dmax 0 = no upper bound) */
    ARG_SI,         /* uint64_t with k/M/G suffix (unit letter in .unit), [min, max] */
    ARG_KEY64,      /* uint64_t from 16 hex digits */
    ARG_MONTH,      /* int months (args_parse_month) */
    ARG_PORTS,      /* struct port_list (replaced on each use) */
    ARG_ADDRS,      /* struct addr_ranges (appended on each use) */
    ARG_CIDR,       /* struct ip_prefix */
    ARG_MAC,        /* uint8_t[6] */
    ARG_CHOICE,     /* int index into .choices */
    ARG_CALL,       /* .call(value, dest, why, whylen) decides */
};

struct arg_opt {
    char short_name;            /* 0: long only */
    const char *long_name;      /* without "--"; required */
    const char *metavar;        /* value placeholder in help ("PPS", "FILE"); NULL for flags */
    enum arg_kind kind;
    void *dest;
    const char *help;           /* one paragraph; wrapped by args_usage, its own .TP in man */
    const char *group;          /* section title in help/man; NULL: same as the previous option */
    uint64_t min, max;          /* ARG_U64, ARG_UINT, ARG_SI */
    int64_t imin, imax;         /* ARG_INT */
    double dmin, dmax;          /* ARG_DOUBLE, ARG_DURATION */
    char unit;                  /* ARG_SI: accepted trailing unit letter (e.g. 'b'), 0 none */
    const char *const *choices; /* ARG_CHOICE */
    bool (*call)(const char *value, void *dest, char *why, size_t whylen); /* ARG_CALL */
    bool *seen;                 /* set to true when the option was given (may be NULL) */
    bool hidden;                /* parsed but left out of help and man (aliases) */
};
#define ARG_END {0}

/* A free-text section after the options (OUTPUT FIELDS, EXIT STATUS, EXAMPLES...).
 * Text lines starting with two spaces are shown verbatim (examples, tables).
 * A section may also list the fields of a record schema (name and meaning,
 * from the same table the record writer uses), after its text. */
struct rec_schema;
struct arg_section {
    const char *title;
    const char *text;                  /* may be NULL when fields is set */
    const struct rec_schema *fields;   /* optional */
};

/* One subcommand of a command made of subcommands ("lab up", "archive import",
 * and every command of mpcensus itself): the word, what runs it (argv[0] is
 * the word), and the one line the overview's help and man page show. */
struct arg_sub {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

struct arg_cmd {
    const char *name;               /* "scan", "lab up": the words after "mpcensus"; "" for mpcensus itself */
    const char *summary;            /* one line: NAME section of the man page */
    const char *synopsis;           /* "[options] TARGET..." (several lines allowed) */
    const char *description;        /* paragraphs separated by blank lines */
    const struct arg_opt *opts;     /* terminated by ARG_END; -h/--help is implicit */
    const struct arg_section *sections; /* terminated by {NULL, NULL}; may be NULL */
    const struct arg_sub *subs;     /* a command of subcommands: terminated by {NULL}; run by args_dispatch */
};

/* Parses argv[1..argc) against cmd->opts (GNU style: options and operands may
 * mix, "--" ends options, --opt=value or --opt value, -abc clusters flags,
 * unambiguous long prefixes accepted). Operands are moved to the end of argv in
 * order; *first_operand is the index of the first (argc if none).
 * Returns ARGS_OK, ARGS_EXIT (help was printed to stdout: exit 0), or
 * ARGS_USAGE (a one-line message on stderr: exit 2). */
enum { ARGS_OK = 0, ARGS_EXIT = 1, ARGS_USAGE = 2 };
int args_parse(const struct arg_cmd *cmd, int argc, char **argv, int *first_operand);

/* Prints "mpcensus CMD: message" and the hint "(see 'mpcensus CMD --help')" to
 * stderr; returns ARGS_USAGE so callers can `return args_usage_error(...)`. */
int args_usage_error(const struct arg_cmd *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Runs the subcommand of `overview` named by argv[1] with (argc - 1, argv + 1).
 * No word or an unknown one: a usage error (exit status 2); --help, -h or
 * "help": the overview's help (exit status 0). Returns the exit status. */
int args_dispatch(const struct arg_cmd *overview, int argc, char **argv);

/* --help text (80 columns) and the roff man page, from the same table. */
void args_usage(const struct arg_cmd *cmd, FILE *out);
void args_man(const struct arg_cmd *cmd, const char *version, const char *date, FILE *out);
/* The man page's name: "mpcensus", "mpcensus-scan", "mpcensus-lab-up". */
void args_man_name(const struct arg_cmd *cmd, char *buf, size_t len);

/* What --help prints, process-wide (the hidden `mpcensus --man` and
 * `--man-list` set it before running a command with --help, so every page is
 * rendered from the very table that parses that command's argv):
 *   ARGS_HELP_TEXT  the help text (default);
 *   ARGS_HELP_MAN   the roff man page (version and date of its .TH line);
 *   ARGS_HELP_LIST  one line "PAGE<TAB>WORDS" for the command and, through
 *                   args_dispatch, for each of its subcommands in turn. */
enum args_help_mode { ARGS_HELP_TEXT, ARGS_HELP_MAN, ARGS_HELP_LIST };
void args_set_help_mode(enum args_help_mode mode, const char *version, const char *date);
/* Prints what --help means in the current mode to stdout (args_parse and
 * args_dispatch call it; a command that prints its help itself should too). */
void args_help(const struct arg_cmd *cmd);

#endif
