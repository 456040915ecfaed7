/* main.c — mpcensus entry point: dispatches to one subcommand per capability, and the hidden man page generator. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "archive/archive.h"
#include "cli/args.h"
#include "cli/version.h"
#include "decode/decode.h"
#include "http/http.h"
#include "io/datadir.h"
#include "lab/lab.h"
#include "pcap/pcap_cmd.h"
#include "report/report.h"
#include "scan/scan.h"
#include "trace/trace.h"

/* Every command: its word, entry point and one line. The man pages are made
 * from this table too (`mpcensus --man-list` asks each command's own --help),
 * so a command added here gets its page mpcensus-WORD(1) with no other change. */
static const struct arg_sub commands[] = {
    {"scan", cmd_scan, "stateless MP_CAPABLE SYN scan of IPv4 ranges and IPv6 hitlists"},
    {"trace", cmd_trace, "stateless Tracebox-class middlebox detection with MP_CAPABLE v0/v1 SYN probes"},
    {"pcap", cmd_pcap, "passive MPTCP traffic-share analysis of pcap/pcapng traces (gzip, zstd, xz)"},
    {"http", cmd_http, "HTTP(S) GET timing over MPTCP and TCP side by side, fallback and subflow detection"},
    {"decode", cmd_decode, "print every MPTCP option of a capture (text or JSON)"},
    {"archive", cmd_archive, "months of results in SQLite: import, attribute, analyses as queries"},
    {"report", cmd_report, "the paper's figures and tables from an archive as a self-contained HTML report"},
    {"lab", cmd_lab, "emulated Internet in network namespaces with known ground truth"},
    {NULL, NULL, NULL},
};

/* Documentation only: main() answers --version before dispatching. */
static bool show_version;
static const struct arg_opt root_opts[] = {
    {'V', "version", NULL, ARG_FLAG, &show_version, "print the version and exit"},
    ARG_END,
};

static const struct arg_section root_sections[] = {
    {"Files",
     "Data files (Apple's service ports for pcap, the lab's example specs under lab/) are looked up in this "
     "order: the directory $MPCENSUS_DATA; share/mpcensus beside the directory of the binary itself (an "
     "installed tree, also after it was moved); data/ of the build tree (development: build/mpcensus and "
     "build/san/mpcensus); " MPCENSUS_DATADIR " (the compiled-in PREFIX/share/mpcensus).",
     NULL},
    {"Exit status",
     "0 success, 1 runtime failure (unreadable input, an output that cannot be written -- reported as PATH: "
     "reason --, a send or receive error), 2 usage error. Each command's page says what they mean for it.",
     NULL},
    {"Safety",
     "scan, trace and lab probe send packets. The tests and the demo send them only inside network namespaces they "
     "create, addressed from 198.18.0.0/15 and 2001:db8::/32; scan refuses the IANA special-purpose ranges "
     "unless -b replaces its blocklist.",
     NULL},
    {NULL, NULL, NULL},
};

static const struct arg_cmd root = {
    .name = "",
    .summary = "measure Multipath TCP deployment: active scans, passive traces, archive, report, lab",
    .synopsis = "<command> [options] [args]\n--version",
    .description =
        "mpcensus measures how far Multipath TCP (MPTCPv0, RFC 6824, and MPTCPv1, RFC 8684) is deployed, the way "
        "the measurement papers do: a ZMap-class MP_CAPABLE SYN scanner, passive analysis of packet traces, a "
        "decoder of every MPTCP option, a SQLite archive of months of results with the papers' analyses, an HTML "
        "report, and an emulated Internet in network namespaces with known ground truth that every active stage "
        "is tested against. One binary, one command per stage; stages read and write records (CSV or JSON "
        "lines), so they compose in pipelines.",
    .opts = root_opts,
    .sections = root_sections,
    .subs = commands,
};

/* A closed standard descriptor would be reused by the next file opened (a
 * CSV could become "standard output"); /dev/null opened read-only holds its
 * place instead, so writing to a closed stdout fails (EBADF) and is reported. */
static void hold_standard_fds(void)
{
    for (int fd = 0; fd <= 2; fd++)
        if (fcntl(fd, F_GETFD) < 0) {
            int nfd = open("/dev/null", O_RDONLY);
            if (nfd >= 0 && nfd != fd) {
                dup2(nfd, fd);
                close(nfd);
            }
        }
}

/* The hidden man page generator (the Makefile's build/man/): `--man-list`
 * prints "PAGE<TAB>WORDS" for every page, each command and subcommand
 * answering through its own --help; `--man [--date YYYY-MM-DD] [WORDS...]`
 * prints one page, rendered by the table that parses that command's argv. */
static int man_pages(int argc, char **argv)
{
    bool list = !strcmp(argv[1], "--man-list");
    int at = 2;
    const char *date = NULL;
    if (!list && argc > 3 && !strcmp(argv[2], "--date")) {
        date = argv[3];
        at = 4;
    }
    static char today[16];
    if (!date) {
        time_t now = time(NULL);
        const char *sde = getenv("SOURCE_DATE_EPOCH");   /* reproducible builds */
        if (sde)
            now = (time_t)strtoll(sde, NULL, 10);
        strftime(today, sizeof today, "%Y-%m-%d", gmtime(&now));
        date = today;
    }
    args_set_help_mode(list ? ARGS_HELP_LIST : ARGS_HELP_MAN, MPCENSUS_VERSION, date);
    /* mpcensus WORDS... --help, in that mode */
    char **av = calloc((size_t)argc + 2, sizeof *av);
    if (!av)
        return 1;
    int n = 0;
    av[n++] = argv[0];
    for (int i = list ? argc : at; i < argc; i++)
        av[n++] = argv[i];
    char help[] = "--help";
    av[n++] = help;
    int rc = args_dispatch(&root, n, av);
    free(av);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "mpcensus: standard output: write error\n");
        return 1;
    }
    return rc;
}

int main(int argc, char **argv)
{
    hold_standard_fds();
    if (argc >= 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))) {
        printf("mpcensus %s\n", MPCENSUS_VERSION);
        return 0;
    }
    if (argc >= 2 && (!strcmp(argv[1], "--man") || !strcmp(argv[1], "--man-list")))
        return man_pages(argc, argv);
    return args_dispatch(&root, argc, argv);
}
