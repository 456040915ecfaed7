/* lab_options.c — the option tables of `mpcensus lab up|down|truth|attribution`, the lab overview text, and their checks. */
#include "lab/lab_options.h"

#include <string.h>
#include <unistd.h>

#include "cli/args.h"
#include "lab/lab.h"
#include "lab/lab_probe.h"
#include "lab/summary.h"

static bool name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 24)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
              (name[i] >= '0' && name[i] <= '9') || name[i] == '_' || (name[i] == '-' && i > 0)))
            return false;
    return true;
}

/* A lab name: it prefixes every namespace and names the state files. */
static bool parse_name(const char *v, void *dest, char *why, size_t len)
{
    if (!name_ok(v)) {
        snprintf(why, len, "1-24 characters of [A-Za-z0-9_-], not starting with '-'");
        return false;
    }
    *(const char **)dest = v;
    return true;
}

#define MONTH_HELP "month of the population's evolution, 0 (the default) to 100000"
#define MONTH_MAX SPEC_MAX_MONTH

static const struct arg_section exit_status[] = {
    {"Exit status", "0 success, 1 runtime failure, 2 usage error.", NULL},
    {NULL, NULL, NULL},
};

/* ---------------------------------------------------------------- up */

static struct lab_up_args up;

static const struct arg_opt up_opts[] = {
    {'n', "name", "NAME", ARG_CALL, &up.name, "lab name, prefix of every namespace (default mpc<pid>)",
     .call = parse_name},
    {'m', "month", "N", ARG_INT, &up.month, MONTH_HELP, .imin = 0, .imax = MONTH_MAX},
    ARG_END,
};

static const struct arg_cmd up_cmd = {
    .name = "lab up",
    .summary = "build a lab from a spec file",
    .synopsis = "SPEC [--name NAME] [--month N]",
    .description = "Builds the lab (needs root) and prints its state (shell KEY=value lines, also written to "
                   LAB_STATE_DIR "/lab-NAME.env). The spec format is described in README.md, section The lab, and "
                   "in 'mpcensus lab --help'. A SPEC without a '/' that is not in the current directory is looked up "
                   "among the installed examples (share/mpcensus/lab: demo.spec, scale.spec, study.spec, "
                   "study-small.spec).",
    .opts = up_opts,
    .sections = exit_status,
};

int lab_up_parse(int argc, char **argv, struct lab_up_args *a)
{
    static char defname[32];
    snprintf(defname, sizeof defname, "mpc%ld", (long)getpid());
    up = (struct lab_up_args){.name = defname};
    int first, rc = args_parse(&up_cmd, argc, argv, &first);
    if (rc != ARGS_OK)
        return rc == ARGS_EXIT ? 1 : 2;
    if (first != argc - 1)
        return args_usage_error(&up_cmd, "takes exactly one SPEC file");
    up.spec = argv[first];
    *a = up;
    return 0;
}

/* ---------------------------------------------------------------- down */

static struct lab_down_args down;

static const struct arg_opt down_opts[] = {
    {'n', "name", "NAME", ARG_CALL, &down.name, "the lab to remove", .call = parse_name},
    {'a', "all", NULL, ARG_FLAG, &down.all, "every lab that has a state file in " LAB_STATE_DIR},
    ARG_END,
};

static const struct arg_cmd down_cmd = {
    .name = "lab down",
    .summary = "remove a lab",
    .synopsis = "--name NAME | --all",
    .description = "Kills every process inside the lab's namespaces, deletes the namespaces (and their veths) and "
                   "state files. Idempotent; works on half-built labs too.",
    .opts = down_opts,
    .sections = exit_status,
};

int lab_down_parse(int argc, char **argv, struct lab_down_args *a)
{
    down = (struct lab_down_args){0};
    int first, rc = args_parse(&down_cmd, argc, argv, &first);
    if (rc != ARGS_OK)
        return rc == ARGS_EXIT ? 1 : 2;
    if (first != argc || (!down.name) == (!down.all))
        return args_usage_error(&down_cmd, "takes --name NAME or --all");
    *a = down;
    return 0;
}

/* ---------------------------------------------------------------- truth */

/* "A-B" or "A" (month indexes). */
static bool parse_month_range(const char *text, void *dest, char *why, size_t whylen)
{
    int *range = dest;   /* first, last */
    char buf[64];
    if (strlen(text) >= sizeof buf)
        return snprintf(why, whylen, "too long"), false;
    strcpy(buf, text);
    char *dash = strchr(buf, '-');
    if (dash)
        *dash = 0;
    int64_t a, b;
    if (!args_parse_i64(buf, 0, MONTH_MAX, &a, why, whylen))
        return false;
    b = a;
    if (dash && !args_parse_i64(dash + 1, 0, MONTH_MAX, &b, why, whylen))
        return false;
    if (b < a)
        return snprintf(why, whylen, "the range ends before it starts"), false;
    range[0] = (int)a;
    range[1] = (int)b;
    return true;
}

#define TRUTH_MAX_ASNS 64

struct asn_list {
    uint32_t asn[TRUTH_MAX_ASNS];
    size_t n;
};

/* "6185,AS714": AS numbers, with or without the AS prefix. */
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
        if (l->n >= TRUTH_MAX_ASNS)
            return snprintf(why, whylen, "at most %d ASNs", TRUTH_MAX_ASNS), false;
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

static struct {
    struct port_list ports;
    int month, months[2], start, version, summary, format;
    bool months_seen, start_seen, asns_seen, with_profile, with_as, per_asn, list_fields, trace;
    struct asn_list asns;
    const char *output, *fields;
} tr;

static const char *const truth_versions[] = {"0", "1", "both", NULL};
static const char *const truth_formats[] = {"csv", "json", NULL};

static const struct arg_opt truth_opts[] = {
    {'m', "month", "N", ARG_INT, &tr.month, "Month of the population's evolution, 0 (the default) to 100000.",
     "Months", .imin = 0, .imax = MONTH_MAX},
    {0, "months", "A-B", ARG_CALL, tr.months, "Month range (inclusive): the rows of every month, with month and "
     "month_index columns. Default for --summary: 0 to the spec's `study months=N` minus one.",
     .call = parse_month_range, .seen = &tr.months_seen},
    {0, "start", "YYYY-MM", ARG_MONTH, &tr.start, "Calendar month of month 0 (the month column); default the "
     "spec's `study start=`, else 2026-01.", .seen = &tr.start_seen},
    {'p', "ports", "P[,P|LO-HI...]", ARG_PORTS, &tr.ports, "Ports (default the spec's `ports` line): any list "
     "for per-address rows, at most 8 ports for --summary.", "What is probed"},
    {'v', "mptcp-version", "0|1|both", ARG_CHOICE, &tr.version, "Probe versions (default both).",
     .choices = truth_versions},
    {'P', "with-profile", NULL, ARG_FLAG, &tr.with_profile, "Add the profile column (the profile name, `absent` "
     "for hosts down that month).", "Per-address rows"},
    {0, "with-as", NULL, ARG_FLAG, &tr.with_as, "Add asn (origin of the longest announced prefix, prefix2as "
     "spelling: 714, MOAS 6939_1101, AS set 3320,6939) and country columns, from the spec's as/as-set/geo lines: "
     "what an archive importing `lab attribution` files must find."},
    {0, "trace", NULL, ARG_FLAG, &tr.trace, "Instead of scan verdicts, what a correct `mpcensus trace` reports "
     "per address, port and version: class (mptcp, middlebox, no-mptcp, unreachable), hop (the first hop whose "
     "full ICMP quote shows the change, or the proxy's hop), change (-MP_CAPABLE, mptcp.key, proxy), dest_hops "
     "(the host's distance), end_icmp and end_hop (an ICMP unreachable: admin-prohibited, and the TTL that first "
     "gets it). Goes with --month/--months, --ports, --mptcp-version, --with-profile and the output options.",
     "Trace truth"},
    {0, "summary", "KIND", ARG_CHOICE, &tr.summary, "Instead of per-address rows, the study's truth tables: "
     "monthly (per month x version x family x port: responsive, closed, potential, mirrored, mptcp, consistent), "
     "verdicts (count per verdict), migration (per month for a set of ASes: v0_only, v1_only, both, added, migrated, "
     "migrated_back, dropped, appeared, vanished, unchanged).", "Summaries", .choices = summary_kind_names},
    {0, "asn", "LIST", ARG_CALL, &tr.asns, "migration: count the hosts of these ASes together (default: the ASes "
     "announcing the spec's org prefixes, else every AS).", .call = parse_asns, .seen = &tr.asns_seen},
    {0, "per-asn", NULL, ARG_FLAG, &tr.per_asn, "migration: one row per AS of the list instead of one for all."},
    {'o', "output", "FILE", ARG_STRING, &tr.output, "Output file (default standard output).", "Output"},
    {'O', "output-format", "csv|json", ARG_CHOICE, &tr.format, "CSV with a header (default) or JSON lines.",
     .choices = truth_formats},
    {'f', "output-fields", "LIST", ARG_STRING, &tr.fields, "Fields to write, in this order (default: by the "
     "options above)."},
    {0, "list-output-fields", NULL, ARG_FLAG, &tr.list_fields, "Print the field names of the selected output and "
     "exit."},
    ARG_END,
};

static const struct arg_section truth_sections[] = {
    {"Output fields",
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
     "in the list.\n"
     "--trace rows: daddr, dport, probe_version, class, hop, change, dest_hops, end_icmp, end_hop, profile, month, "
     "month_index (the first nine by default; --with-profile and --months add theirs).",
     NULL},
    {"Exit status", "0 success, 1 spec or write error (the message names the file), 2 usage error.", NULL},
    {"Examples",
     "  mpcensus lab truth lab/demo.spec --ports 80,443 > truth.csv\n"
     "  mpcensus lab truth lab/study.spec --month 4 --with-as --with-profile -o truth4.csv\n"
     "  mpcensus lab truth lab/study.spec --months 0-5 --summary monthly\n"
     "  mpcensus lab truth lab/study.spec --summary migration --asn 6185,714 -O json\n"
     "  mpcensus lab truth lab/demo.spec --trace --mptcp-version 1 --with-profile",
     NULL},
    {NULL, NULL, NULL},
};

static const struct arg_cmd truth_cmd = {
    .name = "lab truth",
    .summary = "what a correct scan of a lab must report, per address or as the study's monthly tables",
    .synopsis = "SPEC [--month N | --months A-B] [--ports LIST] [--with-profile] [--with-as] [options]\n"
                "SPEC --summary monthly|verdicts|migration [--months A-B] [--asn LIST] [--per-asn] [options]\n"
                "SPEC --trace [--month N | --months A-B] [--ports LIST] [--with-profile] [options]",
    .description =
        "Computes, from the spec alone (seeded hashes, profiles, middleboxes, org stages, churn) and independently "
        "of the scanner, the verdict a correct scanner reports for every population address, port and probe "
        "version: mptcp, mirrored, version-mismatch, malformed, tcp, closed, silent. Plain `lab truth SPEC` "
        "prints the CSV daddr,dport,probe_version,verdict; the options add the profile, attribution, month "
        "ranges, JSON output and the study's truth tables (the oracle of `make demo`, computed independently of "
        "the archive).",
    .opts = truth_opts,
    .sections = truth_sections,
};

int lab_truth_parse(int argc, char **argv, struct lab_truth_args *a)
{
    args_ports_free(&tr.ports);
    memset(&tr, 0, sizeof tr);
    tr.month = -1;
    tr.version = 2;
    tr.summary = -1;
    tr.output = "-";
    int first, rc = args_parse(&truth_cmd, argc, argv, &first);
    if (rc != ARGS_OK)
        return rc == ARGS_EXIT ? 1 : 2;
    if (first != argc - 1)
        return args_usage_error(&truth_cmd, "takes exactly one SPEC file");
    if (tr.summary >= 0 && tr.ports.n > SPEC_MAX_PORTS)
        return args_usage_error(&truth_cmd, "--summary takes at most %d ports (%zu given)", SPEC_MAX_PORTS,
                                tr.ports.n);
    if (tr.months_seen && tr.month >= 0)
        return args_usage_error(&truth_cmd, "--month and --months exclude each other");
    if ((tr.asns_seen || tr.per_asn) && tr.summary != SUMMARY_MIGRATION)
        return args_usage_error(&truth_cmd, "--asn and --per-asn go with --summary migration");
    if (tr.trace && (tr.summary >= 0 || tr.with_as))
        return args_usage_error(&truth_cmd, "--trace goes without --summary and --with-as");
    *a = (struct lab_truth_args){
        .spec = argv[first], .output = tr.output, .fields = tr.fields, .json = tr.format == 1,
        .list_fields = tr.list_fields, .month = tr.month, .months_given = tr.months_seen,
        .first = tr.months[0], .last = tr.months[1], .start_given = tr.start_seen, .start = tr.start,
        .ports = tr.ports.n ? tr.ports.ports : NULL, .n_ports = tr.ports.n, .v0 = tr.version != 1,
        .v1 = tr.version != 0, .with_profile = tr.with_profile, .with_as = tr.with_as, .summary = tr.summary,
        .asns = tr.asns_seen ? tr.asns.asn : NULL, .n_asns = tr.asns_seen ? tr.asns.n : 0, .per_asn = tr.per_asn,
        .trace = tr.trace,
    };
    return 0;
}

int lab_truth_usage_error(const char *why) { return args_usage_error(&truth_cmd, "%s", why); }

/* ---------------------------------------------------------------- attribution */

/* An as2org `changed` date, YYYYMMDD. */
static bool parse_date(const char *v, void *dest, char *why, size_t len)
{
    bool digits = strlen(v) == 8;
    for (int i = 0; digits && i < 8; i++)
        digits = v[i] >= '0' && v[i] <= '9';
    int m = digits ? (v[4] - '0') * 10 + (v[5] - '0') : 0, day = digits ? (v[6] - '0') * 10 + (v[7] - '0') : 0;
    if (m < 1 || m > 12 || day < 1 || day > 31) {
        snprintf(why, len, "not a date YYYYMMDD");
        return false;
    }
    *(const char **)dest = v;
    return true;
}

static struct lab_attribution_args at;

static const struct arg_opt attr_opts[] = {
    {'o', "output-dir", "DIR", ARG_STRING, &at.out_dir, "Directory to write the files into (created if missing; "
     "existing files of these names are replaced). Required."},
    {0, "changed", "YYYYMMDD", ARG_CALL, &at.changed, "as2org `changed` date (default: the first day of the "
     "spec's `study start=` month, else 20260101).", .call = parse_date},
    {'q', "quiet", NULL, ARG_FLAG, &at.quiet, "No summary on standard error."},
    ARG_END,
};

static const struct arg_section attr_sections[] = {
    {"Files",
     "  routeviews-pfx2as.txt  CAIDA RouteViews prefix2as: prefix<TAB>length<TAB>origin, IPv4 then IPv6,\n"
     "                         origin 714 | MOAS 6939_1101 | AS set 3320,6939\n"
     "  as2org.txt             CAIDA as2org: # format:org_id|changed|org_name|country|source, then\n"
     "                         # format:aut|changed|aut_name|org_id|opaque_id|source\n"
     "  geo-country.csv        GeoLite2-style network,country_iso_code (disjoint blocks)\n"
     "  geo-asn.csv            GeoLite2-ASN-style network,autonomous_system_number,\n"
     "                         autonomous_system_organization (MOAS / AS set: the first ASN)\n"
     "  as-rank.csv            asn,rank of every AS with rank= (CSV with a header)\n"
     "Longest-prefix match over routeviews-pfx2as.txt, and a lookup in the CSVs, give the asn and country "
     "columns of `lab truth --with-as`.",
     NULL},
    {"Spec directives",
     "  as ASN \"ORGANISATION\" CC [aut=NAME] [rir=RIR] [rank=N] [PREFIX...]\n"
     "  as-set PREFIX ASN,ASN[,...]\n"
     "  geo PREFIX CC\n"
     "A prefix on several `as` lines is multi-origin (MOAS). ASes with the same organisation name share one "
     "as2org organisation. The country of an address is the longest `geo` prefix's, else its AS "
     "organisation's.",
     NULL},
    {"Exit status", "0 success, 1 spec or write error, 2 usage error.", NULL},
    {"Examples", "  mpcensus lab attribution lab/study.spec -o /tmp/attr", NULL},
    {NULL, NULL, NULL},
};

static const struct arg_cmd attr_cmd = {
    .name = "lab attribution",
    .summary = "write the lab's AS / country attribution as CAIDA and GeoLite2-style files",
    .synopsis = "SPEC -o DIR [--changed YYYYMMDD] [-q]",
    .description = "Writes the spec's `as`, `as-set` and `geo` lines as the files an archive imports to attribute "
                   "addresses to ASes, organisations and countries, so a study of the lab has real AS and country "
                   "tables.",
    .opts = attr_opts,
    .sections = attr_sections,
};

int lab_attribution_parse(int argc, char **argv, struct lab_attribution_args *a)
{
    at = (struct lab_attribution_args){0};
    int first, rc = args_parse(&attr_cmd, argc, argv, &first);
    if (rc != ARGS_OK)
        return rc == ARGS_EXIT ? 1 : 2;
    if (first != argc - 1)
        return args_usage_error(&attr_cmd, "takes exactly one SPEC file");
    if (!at.out_dir)
        return args_usage_error(&attr_cmd, "-o DIR is required");
    at.spec = argv[first];
    *a = at;
    return 0;
}

/* ---------------------------------------------------------------- overview */

static const struct arg_section overview_sections[] = {
    {"Usage of each",
     "  mpcensus lab up SPEC [--name NAME] [--month N]\n"
     "  mpcensus lab down (--name NAME | --all)\n"
     "  mpcensus lab truth SPEC [--month N | --months A-B] [--ports LIST] [--with-profile]\n"
     "                     [--with-as] [--summary KIND] [--trace] [-o FILE] [-O csv|json] ...\n"
     "  mpcensus lab attribution SPEC -o DIR [--changed YYYYMMDD] [-q]\n"
     "  mpcensus lab probe --dst ADDR --port P [--mptcp-version 0|1|none] [--ttl N] [--key HEX] ...\n"
     "\n"
     "'mpcensus lab SUBCOMMAND --help' describes each.",
     NULL},
    {"Spec format",
     "One directive per line, '#' starts a comment:\n"
     "  seed N | routers N | router K quote8 | router K ratelimit MS | router K strip | ports P,P\n"
     "  prefix CIDR... | infra CIDR4 CIDR6 | churn PERCENT | site-routers yes|no\n"
     "  router-addresses yes|no | vantage-in-population yes|no | vantage-rst drop|send\n"
     "  vantage-addresses N (the vantage owns infra .1 to .N: VANTAGE_SOURCES_V4/V6 of the state, for scan -S)\n"
     "  profile NAME WEIGHT [PORT=BEHAVIOUR...] [other=closed|silent]\n"
     "          [mbox=strip,strip-synack,keyrw,mirror,proxy,prohibit,drop-mptcp,delay:MS]\n"
     "          [announce=yes] [months=A-B]\n"
     "  org CIDR FROM_PROFILE TO_PROFILE [start=MONTH] [step=PERCENT] [max=PERCENT]\n"
     "  study [months=N] [start=YYYY-MM]\n"
     "  as ASN \"ORGANISATION\" CC [aut=NAME] [rir=RIR] [rank=N] [PREFIX...] | as-set PREFIX ASN,ASN...\n"
     "  geo PREFIX CC\n"
     "  BEHAVIOUR: kernel-v1 tcp closed silent v0 v0-mismatch v0v1 malformed\n"
     "             nginx-mptcp nginx-tcp nginx-mptcp-tls nginx-tcp-tls\n"
     "Examples: lab/demo.spec (every verdict), lab/scale.spec (131,072 v1 hosts), lab/study.spec (a "
     "longitudinal study with AS attribution and org migrations), lab/http.spec (web servers for mpcensus http).",
     NULL},
    {"Exit status", "0 success, 1 runtime failure, 2 usage error.", NULL},
    {NULL, NULL, NULL},
};

static const struct arg_opt no_opts[] = {ARG_END};

static const struct arg_cmd overview_cmd = {
    .name = "lab",
    .summary = "emulated Internet in network namespaces with known ground truth",
    .synopsis = "<up|down|truth|attribution|probe> [options]",
    .description =
        "An emulated Internet in network namespaces with known ground truth: a vantage namespace, a chain of "
        "routers, and host populations from 198.18.0.0/15 and 2001:db8::/32 (kernel MPTCPv1 servers, emulated "
        "MPTCPv0 servers, real nginx over MPTCP and TCP, plain TCP, closed, silent) behind optional middleboxes "
        "(strip, mirror, key rewrite, strip in SYN-ACK, a terminating proxy, a firewall answering ICMP "
        "administratively prohibited, one dropping MP_CAPABLE SYNs, delay). Nothing is linked to the host's "
        "interfaces. The spec format is described in README.md, "
        "section The lab.",
    .opts = no_opts,
    .sections = overview_sections,
};


const struct arg_cmd *lab_arg_cmd(const char *sub)
{
    if (!sub)
        return &overview_cmd;
    if (!strcmp(sub, "up"))
        return &up_cmd;
    if (!strcmp(sub, "down"))
        return &down_cmd;
    if (!strcmp(sub, "truth"))
        return &truth_cmd;
    if (!strcmp(sub, "attribution"))
        return &attr_cmd;
    if (!strcmp(sub, "probe"))
        return lab_probe_arg_cmd();
    return NULL;
}

int lab_dispatch(const struct lab_subcommand *subs, int argc, char **argv)
{
    struct arg_sub table[8];
    size_t n = 0;
    for (; subs[n].name && n < sizeof table / sizeof table[0] - 1; n++) {
        /* each one line is its own table's summary */
        const struct arg_cmd *c = lab_arg_cmd(subs[n].name);
        table[n] = (struct arg_sub){subs[n].name, subs[n].run, c ? c->summary : ""};
    }
    table[n] = (struct arg_sub){NULL, NULL, NULL};
    struct arg_cmd overview = *lab_arg_cmd(NULL);
    overview.subs = table;
    return args_dispatch(&overview, argc, argv);
}
