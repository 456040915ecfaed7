/* main.c — mpcensus entry point: dispatches to one subcommand per capability. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "archive/archive.h"
#include "decode/decode.h"
#include "http/http.h"
#include "lab/lab.h"
#include "pcap/pcap_cmd.h"
#include "report/report.h"
#include "scan/scan.h"
#include "trace/trace.h"

#define MPCENSUS_VERSION "0.1.0"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"scan", cmd_scan, "stateless MP_CAPABLE SYN scan of IPv4 ranges and IPv6 hitlists"},
    {"trace", cmd_trace, "stateless Tracebox-class middlebox detection with MP_CAPABLE v0/v1 SYN probes"},
    {"pcap", cmd_pcap, "passive MPTCP traffic-share analysis of pcap/pcapng traces (gzip, zstd, xz)"},
    {"http", cmd_http, "HTTP(S) GET timing over MPTCP and TCP side by side, fallback and subflow detection"},
    {"decode", cmd_decode, "print every MPTCP option of a capture (text or JSON)"},
    {"archive", cmd_archive, "months of results in SQLite: import, attribute, analyses as queries"},
    {"report", cmd_report, "the paper's figures and tables from an archive as a self-contained HTML report"},
    {"lab", cmd_lab, "emulated Internet in network namespaces with known ground truth"},
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
    fprintf(out, "usage: mpcensus <command> [options] [args]\n\n"
                 "Measures Multipath TCP deployment: active scans, passive traces, lab.\n\n"
                 "commands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'mpcensus <command> --help' describes a command's options.\n");
}

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

int main(int argc, char **argv)
{
    hold_standard_fds();
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        printf("mpcensus %s\n", MPCENSUS_VERSION);
        return 0;
    }
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "mpcensus: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
