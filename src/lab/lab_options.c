/* lab_options.c — the option tables of `mpcensus lab up|down|truth`, the lab overview text, and their checks. */
#include "lab/lab_options.h"

#include <string.h>
#include <unistd.h>

#include "cli/args.h"
#include "lab/lab.h"
#include "lab/lab_probe.h"

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
                   "in 'mpcensus lab --help'.",
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

static struct {
    struct port_list ports;
    int month, version;
    bool with_profile;
    const char *output;
} tr;

static const char *const truth_versions[] = {"0", "1", "both", NULL};

static const struct arg_opt truth_opts[] = {
    {'m', "month", "N", ARG_INT, &tr.month, MONTH_HELP, .imin = 0, .imax = MONTH_MAX},
    {'p', "ports", "P[,P|LO-HI...]", ARG_PORTS, &tr.ports, "ports (default: the spec's 'ports' line)"},
    {'v', "mptcp-version", "0|1|both", ARG_CHOICE, &tr.version, "probe versions (default both)",
     .choices = truth_versions},
    {'P', "with-profile", NULL, ARG_FLAG, &tr.with_profile,
     "add a 'profile' column (the profile name, or 'absent' for hosts down that month)"},
    {'o', "output", "FILE", ARG_STRING, &tr.output, "write the CSV to FILE (default standard output)"},
    ARG_END,
};

static const struct arg_cmd truth_cmd = {
    .name = "lab truth",
    .summary = "what a correct scan of a lab must report",
    .synopsis = "SPEC [--month N] [--ports 80,443] [--mptcp-version 0|1|both] [--with-profile] [-o FILE]",
    .description = "Prints CSV 'daddr,dport,probe_version,verdict' for every population address, port and probe "
                   "version: the verdict a correct scanner reports (mptcp, mirrored, version-mismatch, malformed, "
                   "tcp, closed, silent). Computed from the spec alone, independently of the scanner.",
    .opts = truth_opts,
    .sections = exit_status,
};

int lab_truth_parse(int argc, char **argv, struct lab_truth_args *a)
{
    args_ports_free(&tr.ports);
    memset(&tr, 0, sizeof tr);
    tr.version = 2;
    int first, rc = args_parse(&truth_cmd, argc, argv, &first);
    if (rc != ARGS_OK)
        return rc == ARGS_EXIT ? 1 : 2;
    if (first != argc - 1)
        return args_usage_error(&truth_cmd, "takes exactly one SPEC file");
    *a = (struct lab_truth_args){
        .spec = argv[first], .output = tr.output, .month = tr.month, .ports = tr.ports.n ? tr.ports.ports : NULL,
        .n_ports = (unsigned)tr.ports.n, .v0 = tr.version != 1, .v1 = tr.version != 0, .with_profile = tr.with_profile,
    };
    return 0;
}

/* ---------------------------------------------------------------- overview */

static const struct arg_section overview_sections[] = {
    {"Subcommands",
     "  mpcensus lab up SPEC [--name NAME] [--month N]\n"
     "  mpcensus lab down (--name NAME | --all)\n"
     "  mpcensus lab truth SPEC [--month N] [--ports 80,443] [--mptcp-version 0|1|both] [--with-profile] [-o FILE]\n"
     "  mpcensus lab probe --dst ADDR --port P [--mptcp-version 0|1|none] [--ttl N] [--key HEX] ...\n"
     "\n"
     "'mpcensus lab SUBCOMMAND --help' describes each.",
     NULL},
    {"Spec format",
     "One directive per line, '#' starts a comment:\n"
     "  seed N | routers N | router K quote8 | router K ratelimit MS | ports P,P\n"
     "  prefix CIDR... | infra CIDR4 CIDR6 | churn PERCENT | site-routers yes|no\n"
     "  router-addresses yes|no | vantage-in-population yes|no | vantage-rst drop|send\n"
     "  profile NAME WEIGHT [PORT=BEHAVIOUR...] [other=closed|silent]\n"
     "          [mbox=strip,strip-synack,keyrw,mirror] [months=A-B]\n"
     "  org CIDR FROM_PROFILE TO_PROFILE [start=MONTH] [step=PERCENT]\n"
     "  BEHAVIOUR: kernel-v1 tcp closed silent v0 v0-mismatch v0v1 malformed\n"
     "Examples: lab/demo.spec (every verdict), lab/scale.spec (131,072 v1 hosts).",
     NULL},
    {"Exit status", "0 success, 1 runtime failure, 2 usage error.", NULL},
    {NULL, NULL, NULL},
};

static const struct arg_opt no_opts[] = {ARG_END};

static const struct arg_cmd overview_cmd = {
    .name = "lab",
    .summary = "emulated Internet in network namespaces with known ground truth",
    .synopsis = "<up|down|truth|probe> [options]",
    .description =
        "An emulated Internet in network namespaces with known ground truth: a vantage namespace, a chain of "
        "routers, and host populations from 198.18.0.0/15 and 2001:db8::/32 (kernel MPTCPv1 servers, emulated "
        "MPTCPv0 servers, plain TCP, closed, silent) behind optional middleboxes (strip, mirror, key rewrite, strip "
        "in SYN-ACK). Nothing is linked to the host's interfaces. The spec format is described in README.md, "
        "section The lab.",
    .opts = no_opts,
    .sections = overview_sections,
};

void lab_overview(FILE *out) { args_usage(&overview_cmd, out); }

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
    if (!strcmp(sub, "probe"))
        return lab_probe_arg_cmd();
    return NULL;
}
