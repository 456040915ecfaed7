/* lab_truth_cmd.c — `mpcensus lab truth` for the longitudinal study: per-address truth with AS/country over a month range, and the study's truth summaries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "lab/lab_ext_cmd.h"
#include "lab/spec.h"
#include "lab/summary.h"

struct month_range {
    int first, last;
};

/* "A-B" or "A" (month indexes). */
static bool parse_months(const char *text, void *dest, char *why, size_t whylen)
{
    struct month_range *r = dest;
    char buf[64];
    if (strlen(text) >= sizeof buf)
        return snprintf(why, whylen, "too long"), false;
    strcpy(buf, text);
    char *dash = strchr(buf, '-');
    if (dash)
        *dash = 0;
    int64_t a, b;
    if (!args_parse_i64(buf, 0, 100000, &a, why, whylen))
        return false;
    b = a;
    if (dash && !args_parse_i64(dash + 1, 0, 100000, &b, why, whylen))
        return false;
    if (b < a)
        return snprintf(why, whylen, "the range ends before it starts"), false;
    r->first = (int)a;
    r->last = (int)b;
    return true;
}

struct asn_list {
    uint32_t asn[64];
    size_t n;
};

static bool parse_asns(const char *text, void *dest, char *why, size_t whylen)
{
    struct asn_list *l = dest;
    char buf[1024];
    if (strlen(text) >= sizeof buf)
        return snprintf(why, whylen, "too long"), false;
    strcpy(buf, text);
    l->n = 0;
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        uint64_t v;
        if (l->n >= 64)
            return snprintf(why, whylen, "at most 64 ASNs"), false;
        if (!strncmp(t, "AS", 2) || !strncmp(t, "as", 2))
            t += 2;
        if (!args_parse_u64(t, 1, UINT32_MAX, &v, why, whylen))
            return false;
        l->asn[l->n++] = (uint32_t)v;
    }
    if (l->n == 0)
        return snprintf(why, whylen, "empty list"), false;
    return true;
}

static int month_one = -1;
static struct month_range months;
static bool months_seen;
static struct port_list ports;
static int version_choice = 2;
static const char *const version_choices[] = {"0", "1", "both", NULL};
static bool with_profile, with_as, list_fields, asns_seen, per_asn;
static int summary_choice = -1;
static struct asn_list asns;
static const char *out_path = "-", *fields;
static int format_choice;
static const char *const format_choices[] = {"csv", "json", NULL};
static int start_month;
static bool start_seen;

static const struct arg_opt truth_opts[] = {
    {0, "month", "N", ARG_INT, &month_one, "Month of the population's evolution (default 0).", "Months",
     .imin = 0, .imax = 100000},
    {0, "months", "A-B", ARG_CALL, &months, "Month range (inclusive): the rows of every month, with month and "
     "month_index columns. Default for --summary: 0 to the spec's `study months=N` minus one.",
     .call = parse_months, .seen = &months_seen},
    {0, "start", "YYYY-MM", ARG_MONTH, &start_month, "Calendar month of month 0 (the month column); default the "
     "spec's `study start=`, else 2026-01.", .seen = &start_seen},
    {0, "ports", "LIST", ARG_PORTS, &ports, "Ports (up to 8; default the spec's `ports`).", "What is probed"},
    {0, "mptcp-version", "0|1|both", ARG_CHOICE, &version_choice, "Probe versions (default both).",
     .choices = version_choices},
    {0, "with-profile", NULL, ARG_FLAG, &with_profile, "Add the profile column (`absent`: down that month).",
     "Per-address rows"},
    {0, "with-as", NULL, ARG_FLAG, &with_as, "Add asn (origin of the longest announced prefix, prefix2as "
     "spelling: 714, MOAS 6939_1101, AS set 3320,6939) and country columns, from the spec's as/as-set/geo lines: "
     "what an archive importing `lab attribution` files must find."},
    {0, "summary", "KIND", ARG_CHOICE, &summary_choice, "Instead of per-address rows, the study's truth tables: "
     "monthly (per month x version x family x port: responsive, closed, potential, mirrored, mptcp, consistent), "
     "verdicts (count per verdict), migration (per month for a set of ASes: v0_only, v1_only, both, added, migrated, "
     "migrated_back, dropped, appeared, vanished, unchanged).", "Summaries", .choices = summary_kind_names},
    {0, "asn", "LIST", ARG_CALL, &asns, "migration: count the hosts of these ASes together (default: the ASes "
     "announcing the spec's org prefixes, else every AS).", .call = parse_asns, .seen = &asns_seen},
    {0, "per-asn", NULL, ARG_FLAG, &per_asn, "migration: one row per AS of the list instead of one for all."},
    {'o', "output", "FILE", ARG_STRING, &out_path, "Output file (default standard output).", "Output"},
    {'O', "output-format", "csv|json", ARG_CHOICE, &format_choice, "CSV with a header (default) or JSON lines.",
     .choices = format_choices},
    {'f', "output-fields", "LIST", ARG_STRING, &fields, "Fields to write, in this order (default: by the options "
     "above)."},
    {0, "list-output-fields", NULL, ARG_FLAG, &list_fields, "Print the field names of the selected output and exit."},
    ARG_END,
};

static const struct arg_section truth_sections[] = {
    {"OUTPUT FIELDS",
     "Per-address rows: daddr, dport, probe_version, verdict, profile, asn, country, month, month_index (the first "
     "four by default; --with-profile, --with-as and --months add theirs).\n"
     "Summaries: month (YYYY-MM), month_index, version, family, port and the counts named above (monthly also "
     "addresses, version_mismatch, malformed, tcp, closed); consistent is null for the first two months of the "
     "range, migration moves are null for its first month. Definitions (those of `archive query`): "
     "responsive = SYN-ACK (verdict not closed/silent); potential = MP_CAPABLE in the SYN-ACK (mptcp, mirrored, "
     "version-mismatch, malformed); consistent = verdict mptcp for the same version and port in this month and "
     "the two before; a host supports a version when a probe of it gets verdict mptcp on any port; added = one "
     "version -> both, migrated = v0 -> v1 only, migrated_back = v1 -> v0 only, dropped = both -> one, appeared = "
     "none -> any, vanished = any -> none; a host counts when an AS of its longest announced prefix's origin is "
     "in the list."},
    {"EXIT STATUS", "0 success, 1 spec or write error, 2 usage error."},
    {"EXAMPLES",
     "  mpcensus lab truth lab/study.spec --month 4 --with-as --with-profile -o truth4.csv\n"
     "  mpcensus lab truth lab/study.spec --months 0-5 --summary monthly\n"
     "  mpcensus lab truth lab/study.spec --summary migration --asn 6185,714 -O json"},
    {NULL, NULL},
};

static const struct arg_cmd truth_cmd = {
    "lab truth",
    "what a correct scan of a lab must report, per address or as the study's monthly tables",
    "SPEC [--month N | --months A-B] [--ports LIST] [--mptcp-version 0|1|both]\n"
    "[--with-profile] [--with-as] [--summary monthly|verdicts|migration [--asn LIST] [--per-asn]]\n"
    "[-o FILE] [-O csv|json] [-f FIELDS]",
    "Computes, from the spec alone (seeded hashes, profiles, middleboxes, org stages, churn), the verdict a "
    "correct scanner reports for every population address, port and probe version: mptcp, mirrored, "
    "version-mismatch, malformed, tcp, closed, silent. Plain `lab truth SPEC` prints the CSV "
    "daddr,dport,probe_version,verdict; the options here add attribution, month ranges, JSON output and the "
    "study's truth tables (the oracle of `make demo`, computed independently of the archive).",
    truth_opts,
    truth_sections,
};

bool lab_truth_ext_wanted(int argc, char **argv)
{
    static const char *const longs[] = {"--with-as", "--months", "--summary", "--asn", "--start", "--output-format",
                                        "--output-fields", "--list-output-fields", NULL};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--"))
            break;
        if (!strncmp(a, "-O", 2) || !strncmp(a, "-f", 2) || !strcmp(a, "-h") || !strcmp(a, "--help"))
            return true;   /* --help: this table is a superset of the plain command's */
        for (int k = 0; longs[k]; k++) {
            size_t l = strlen(longs[k]);
            if (!strncmp(a, longs[k], l) && (a[l] == 0 || a[l] == '='))
                return true;
        }
    }
    return false;
}

static void default_fields(char *buf, size_t len, bool range)
{
    snprintf(buf, len, "daddr,dport,probe_version,verdict%s%s%s", with_profile ? ",profile" : "",
             with_as ? ",asn,country" : "", range ? ",month,month_index" : "");
}

int cmd_lab_truth_ext(int argc, char **argv)
{
    int first;
    int rc = args_parse(&truth_cmd, argc, argv, &first);
    if (rc != ARGS_OK)
        return rc == ARGS_EXIT ? 0 : 2;
    if (first != argc - 1) {
        args_ports_free(&ports);
        return args_usage_error(&truth_cmd, "takes exactly one SPEC file");
    }
    if (ports.n > SPEC_MAX_PORTS) {
        args_ports_free(&ports);
        return args_usage_error(&truth_cmd, "at most %d ports", SPEC_MAX_PORTS);
    }
    if (months_seen && month_one >= 0) {
        args_ports_free(&ports);
        return args_usage_error(&truth_cmd, "--month and --months exclude each other");
    }
    if ((asns_seen || per_asn) && summary_choice != SUMMARY_MIGRATION) {
        args_ports_free(&ports);
        return args_usage_error(&truth_cmd, "--asn and --per-asn go with --summary migration");
    }
    static struct lab_spec spec;
    char err[1024];
    if (!spec_load(argv[first], &spec, err, sizeof err)) {
        fprintf(stderr, "mpcensus lab truth: %s\n", err);
        args_ports_free(&ports);
        return 1;
    }
    if (start_seen)
        spec.study_start = start_month;
    struct summary_opts o = {.v0 = version_choice != 1, .v1 = version_choice != 0};
    uint16_t pbuf[SPEC_MAX_PORTS];
    if (ports.n) {
        for (size_t i = 0; i < ports.n; i++)
            pbuf[i] = ports.ports[i];
        o.ports = pbuf;
        o.n_ports = (unsigned)ports.n;
    } else {
        o.ports = spec.ports;
        o.n_ports = spec.n_ports;
    }
    args_ports_free(&ports);
    if (months_seen) {
        o.first = months.first;
        o.last = months.last;
    } else if (summary_choice >= 0 && month_one < 0) {
        if (spec.study_months == 0)
            return args_usage_error(&truth_cmd, "--summary needs --months A-B (or a `study months=N` line in %s)",
                                    argv[first]);
        o.first = 0;
        o.last = spec.study_months - 1;
    } else {
        o.first = o.last = month_one < 0 ? 0 : month_one;
    }
    if (asns_seen) {
        o.asns = asns.asn;
        o.n_asns = asns.n;
    }
    o.per_asn = per_asn;

    const struct rec_schema *schema = summary_choice >= 0 ? summary_schema(summary_choice) : &truth_schema;
    char deflt[160];
    default_fields(deflt, sizeof deflt, months_seen);
    struct rec_opts ro = {.path = out_path, .format = format_choice ? REC_JSONL : REC_CSV,
                          .fields = fields ? fields : summary_choice >= 0 ? NULL : deflt};
    if (list_fields) {
        char list[1024];
        rec_list_fields(schema, list, sizeof list);
        printf("%s\n", list);
        return 0;
    }
    struct rec_writer *w = rec_open(schema, &ro, err, sizeof err);
    if (!w) {
        fprintf(stderr, "mpcensus lab truth: %s\n", err);
        return fields ? 2 : 1;
    }
    bool ok = summary_choice >= 0 ? summary_write(&spec, summary_choice, &o, w, err, sizeof err)
                                  : truth_write_records(&spec, &o, w, err, sizeof err);
    char cerr[640];
    if (rec_close(w, cerr, sizeof cerr) < 0 && ok) {
        snprintf(err, sizeof err, "%s", cerr);
        ok = false;
    }
    if (!ok) {
        fprintf(stderr, "mpcensus lab truth: %s\n", err);
        return 1;
    }
    return 0;
}
