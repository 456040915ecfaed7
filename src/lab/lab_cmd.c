/* lab_cmd.c — `mpcensus lab up|down|truth|probe`: the command-line layer of the lab. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lab/lab.h"
#include "lab/lab.h"
#include "lab/lab_probe.h"
#include "lab/truth.h"
#include "lab/lab_ext_cmd.h"   /* lab attribution, lab truth --with-as/--months/--summary */

static const char lab_usage[] =
    "usage: mpcensus lab <up|down|truth|probe> [options]\n"
    "\n"
    "An emulated Internet in network namespaces with known ground truth: a\n"
    "vantage namespace, a chain of routers, and host populations from\n"
    "198.18.0.0/15 and 2001:db8::/32 (kernel MPTCPv1 servers, emulated MPTCPv0\n"
    "servers, plain TCP, closed, silent) behind optional middleboxes (strip,\n"
    "mirror, key rewrite, strip in SYN-ACK). Nothing is linked to the host's\n"
    "interfaces. The spec format is described in README.md, section The lab.\n"
    "\n"
    "  mpcensus lab up SPEC [--name NAME] [--month N]\n"
    "      Builds the lab (needs root) and prints its state (shell KEY=value\n"
    "      lines, also written to " LAB_STATE_DIR "/lab-NAME.env). NAME (default\n"
    "      mpc<pid>) prefixes every namespace. --month N (default 0) selects the\n"
    "      month of the population's evolution.\n"
    "  mpcensus lab down (--name NAME | --all)\n"
    "      Kills every process inside the lab's namespaces, deletes the\n"
    "      namespaces (and their veths) and state files. Idempotent. --all removes\n"
    "      every lab that has a state file in " LAB_STATE_DIR ".\n"
    "  mpcensus lab truth SPEC [--month N] [--ports 80,443] [--mptcp-version 0|1|both]\n"
    "                    [--with-profile] [-o FILE]\n"
    "      Prints CSV `daddr,dport,probe_version,verdict` for every population\n"
    "      address, port and probe version: the verdict a correct scanner reports\n"
    "      (mptcp, mirrored, version-mismatch, malformed, tcp, closed, silent).\n"
    "      --with-profile adds a `profile` column (profile name or `absent`).\n"
    "  mpcensus lab probe --dst ADDR --port P [--mptcp-version 0|1|none] [--ttl N]\n"
    "                    [--key HEX] [--src ADDR] [--count N] [--targets FILE]\n"
    "                    [--iface IF --gateway-mac MAC]\n"
    "      Sends SYN probes through the kernel's raw sockets (run it inside the\n"
    "      vantage namespace) — a test tool for the lab itself; answers are to be\n"
    "      captured with tcpdump. 'mpcensus lab probe --help' has the details.\n"
    "\n"
    "SPEC (one directive per line, '#' comments):\n"
    "  seed N | routers N | router K quote8 | router K ratelimit MS | ports P,P\n"
    "  prefix CIDR... | infra CIDR4 CIDR6 | churn PERCENT | site-routers yes|no\n"
    "  router-addresses yes|no | vantage-in-population yes|no\n"
    "  profile NAME WEIGHT [PORT=BEHAVIOUR...] [other=closed|silent]\n"
    "          [mbox=strip,strip-synack,keyrw,mirror] [months=A-B]\n"
    "  org CIDR FROM_PROFILE TO_PROFILE [start=MONTH] [step=PERCENT]\n"
    "  BEHAVIOUR: kernel-v1 tcp closed silent v0 v0-mismatch v0v1 malformed\n"
    "  Examples: lab/demo.spec (every verdict), lab/scale.spec (131,072 v1 hosts).\n"
    "\n"
    "Exit status: 0 success, 1 runtime failure, 2 usage error.\n";

static int usage_error(const char *msg)
{
    fprintf(stderr, "mpcensus lab: %s\n(see 'mpcensus lab --help')\n", msg);
    return 2;
}

static bool parse_month(const char *s, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || !*s || v < 0 || v > 100000)
        return false;
    *out = (int)v;
    return true;
}

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

static int cmd_up(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"name", required_argument, NULL, 'n'}, {"month", required_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    char defname[32];
    snprintf(defname, sizeof defname, "mpc%ld", (long)getpid());
    struct lab_up_opts o = {.name = defname};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "n:m:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'n': o.name = optarg; break;
        case 'm':
            if (!parse_month(optarg, &o.month))
                return usage_error("--month takes a number >= 0");
            break;
        case 'h': fputs(lab_usage, stdout); return 0;
        default: return usage_error("bad option for 'lab up'");
        }
    }
    if (optind != argc - 1)
        return usage_error("'lab up' takes exactly one SPEC file");
    if (!name_ok(o.name))
        return usage_error("--name: 1-24 characters of [A-Za-z0-9_-]");
    o.spec_path = argv[optind];
    static struct lab_spec spec;
    char err[1024];
    if (!spec_load(o.spec_path, &spec, err, sizeof err)) {
        fprintf(stderr, "mpcensus lab up: %s\n", err);
        return 1;
    }
    char *state = NULL;
    err[0] = 0;
    if (lab_up(&spec, &o, &state, err, sizeof err) != 0) {
        fprintf(stderr, "mpcensus lab up: %s\n", err);
        int sig = lab_up_signal();
        if (sig) { /* the lab is gone; die of the signal so that the caller sees it */
            signal(sig, SIG_DFL);
            raise(sig);
        }
        return 1;
    }
    fputs(state, stdout);
    free(state);
    return 0;
}

static int down_all(void)
{
    DIR *d = opendir(LAB_STATE_DIR);
    if (!d)
        return 0;
    int rc = 0;
    struct dirent *de;
    char names[256][64];
    size_t n = 0;
    while ((de = readdir(d)) && n < 256) {
        size_t len = strlen(de->d_name);
        if (strncmp(de->d_name, "lab-", 4) || len < 9 || strcmp(de->d_name + len - 4, ".env") || len - 8 >= 64)
            continue;
        memcpy(names[n], de->d_name + 4, len - 8);
        names[n][len - 8] = 0;
        n++;
    }
    closedir(d);
    for (size_t i = 0; i < n; i++) {
        char err[512];
        if (lab_down(names[i], err, sizeof err) != 0) {
            fprintf(stderr, "mpcensus lab down: %s: %s\n", names[i], err);
            rc = 1;
        }
    }
    return rc;
}

static int cmd_down(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"name", required_argument, NULL, 'n'}, {"all", no_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *name = NULL;
    bool all = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "n:ah", longopts, NULL)) != -1) {
        switch (c) {
        case 'n': name = optarg; break;
        case 'a': all = true; break;
        case 'h': fputs(lab_usage, stdout); return 0;
        default: return usage_error("bad option for 'lab down'");
        }
    }
    if (optind != argc || (!name) == (!all))
        return usage_error("'lab down' takes --name NAME or --all");
    if (all)
        return down_all();
    if (!name_ok(name))
        return usage_error("--name: 1-24 characters of [A-Za-z0-9_-]");
    char err[512];
    if (lab_down(name, err, sizeof err) != 0) {
        fprintf(stderr, "mpcensus lab down: %s\n", err);
        return 1;
    }
    return 0;
}

static int cmd_truth(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"month", required_argument, NULL, 'm'}, {"ports", required_argument, NULL, 'p'},
        {"mptcp-version", required_argument, NULL, 'v'}, {"with-profile", no_argument, NULL, 'P'},
        {"output", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    struct truth_opts o = {.v0 = true, .v1 = true};
    const char *ports_arg = NULL, *out_path = NULL;
    uint16_t ports[SPEC_MAX_PORTS];
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:p:v:o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'm':
            if (!parse_month(optarg, &o.month))
                return usage_error("--month takes a number >= 0");
            break;
        case 'p': ports_arg = optarg; break;
        case 'v':
            if (!strcmp(optarg, "0")) { o.v0 = true; o.v1 = false; }
            else if (!strcmp(optarg, "1")) { o.v0 = false; o.v1 = true; }
            else if (!strcmp(optarg, "both")) { o.v0 = o.v1 = true; }
            else return usage_error("--mptcp-version takes 0, 1 or both");
            break;
        case 'P': o.with_profile = true; break;
        case 'o': out_path = optarg; break;
        case 'h': fputs(lab_usage, stdout); return 0;
        default: return usage_error("bad option for 'lab truth'");
        }
    }
    if (optind != argc - 1)
        return usage_error("'lab truth' takes exactly one SPEC file");
    static struct lab_spec spec;
    char err[1024];
    if (!spec_load(argv[optind], &spec, err, sizeof err)) {
        fprintf(stderr, "mpcensus lab truth: %s\n", err);
        return 1;
    }
    if (ports_arg) {
        unsigned n = 0;
        char buf[256];
        if (strlen(ports_arg) >= sizeof buf)
            return usage_error("--ports list too long");
        strcpy(buf, ports_arg);
        for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            char *end;
            long v = strtol(t, &end, 10);
            if (*end || v <= 0 || v > 65535 || n >= SPEC_MAX_PORTS)
                return usage_error("--ports takes up to 8 ports 1-65535, comma-separated");
            ports[n++] = (uint16_t)v;
        }
        if (n == 0)
            return usage_error("--ports is empty");
        o.ports = ports;
        o.n_ports = n;
    } else {
        o.ports = spec.ports;
        o.n_ports = spec.n_ports;
    }
    FILE *out = stdout;
    if (out_path && strcmp(out_path, "-")) {
        out = fopen(out_path, "w");
        if (!out) {
            fprintf(stderr, "mpcensus lab truth: %s: %s\n", out_path, strerror(errno));
            return 1;
        }
    }
    static char buf[1 << 16];
    setvbuf(out, buf, _IOFBF, sizeof buf);
    bool ok = truth_write_csv(&spec, &o, out);
    if (out != stdout && fclose(out) != 0)
        ok = false;
    if (!ok) {
        fprintf(stderr, "mpcensus lab truth: write error\n");
        return 1;
    }
    return 0;
}

int cmd_lab(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        fputs(lab_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "up"))
        return cmd_up(argc - 1, argv + 1);
    if (!strcmp(argv[1], "down"))
        return cmd_down(argc - 1, argv + 1);
    if (!strcmp(argv[1], "truth") && lab_truth_ext_wanted(argc - 1, argv + 1))
        return cmd_lab_truth_ext(argc - 1, argv + 1);   /* lab_truth_cmd.c: --with-as, --months, --summary, -O */
    if (!strcmp(argv[1], "truth"))
        return cmd_truth(argc - 1, argv + 1);
    if (!strcmp(argv[1], "attribution"))
        return cmd_lab_attribution(argc - 1, argv + 1);
    if (!strcmp(argv[1], "probe"))
        return cmd_lab_probe(argc - 1, argv + 1);
    fprintf(stderr, "mpcensus lab: unknown subcommand '%s'\n", argv[1]);
    fputs(lab_usage, stderr);
    return 2;
}
