/* decode_options.c — the option table and help text of `mpcensus decode`. */
#include "decode/decode_options.h"

#include <string.h>

#include "cli/args.h"
#include "decode/decode.h"

static bool json;

static const struct arg_opt opts[] = {
    {0, "json", NULL, ARG_FLAG, &json,
     "one JSON object per line for each packet that carries MPTCP: {\"frame\":N,\"mptcp\":[{...},...]}; N is the "
     "1-based packet number as tshark counts it (a \"file\" key is added when more than one FILE is given). Option "
     "keys are tshark's short names (tcp.options.mptcp.KEY): subtype, version (MP_CAPABLE), flags, reserved, "
     "sendkey, recvkey, ipver, echo, addrid (a list for REMOVE_ADDR), recvtok, sendtrunchmac, addaddrtrunchmac, "
     "sendrand, sendhmac, rawdataack, rawdataseqno (also MP_FAIL), subflowseqno, datalvllen, checksum, ipv4, ipv6, "
     "port, rst_reason. Keys and HMACs are hex strings, other values numbers, addresses text. MP_CAPABLE with a key "
     "also gets expected_token and expected_idsn, derived from sendkey (SHA-1 v0, SHA-256 v1) and named like "
     "tshark's mptcp.expected_*. \"inferred_version\" gives ADD_ADDR's version told by its layout; "
     "\"truncated\":true marks an option too short for its layout (or cut by the capture). For MP_JOIN, MP_PRIO "
     "and MP_TCPRST, flags is the low nibble of the subtype octet."},
    ARG_END,
};

static const struct arg_section sections[] = {
    {"Text output",
     "Without --json, one line per MPTCP packet:\n"
     "  FRAME SRC:PORT > DST:PORT [TCPFLAGS] OPTION fields...; OPTION ...\n"
     "\n"
     "A summary (packets read, packets with MPTCP, packets skipped by reason) goes to standard error.",
     NULL},
    {"Signals",
     "SIGINT or SIGTERM stops reading: the lines written so far are whole, the summary says 'interrupted', the exit "
     "status is 1. A second signal ends the process at once.",
     NULL},
    {"Exit status",
     "0 all files read; 1 a file could not be opened or read (the others are still decoded), the output could not "
     "be written (the message names it), or a signal stopped the run; 2 usage error.",
     NULL},
    {"Example", "  mpcensus decode --json trace.pcap.gz | head", NULL},
    {NULL, NULL, NULL},
};

static const struct arg_cmd cmd = {
    .name = "decode",
    .summary = "print every MPTCP option of a capture (text or JSON)",
    .synopsis = "[--json] FILE...",
    .description =
        "Reads pcap or pcapng captures (plain or compressed with gzip, zstd or xz, told by their first bytes; \"-\" "
        "is standard input, given once; FIFOs work too: each input is read exactly once) and "
        "prints every Multipath TCP option (TCP option kind 30) of every packet: MP_CAPABLE (v0 and v1), MP_JOIN, "
        "DSS, ADD_ADDR (v0 and v1), REMOVE_ADDR, MP_PRIO, MP_FAIL, MP_FASTCLOSE and MP_TCPRST.\n"
        "\n"
        "Link layers: Ethernet (with VLAN tags), Linux cooked SLL and SLL2, raw IP, PPP and BSD loopback; IPv4 and "
        "IPv6 (extension headers are walked).",
    .opts = opts,
    .sections = sections,
};

const struct arg_cmd *decode_arg_cmd(void) { return &cmd; }

int decode_parse_options(int argc, char **argv, struct decode_args *a)
{
    json = false;
    int first, rc = args_parse(&cmd, argc, argv, &first);
    if (rc != ARGS_OK)
        return rc == ARGS_EXIT ? 1 : 2;
    if (first >= argc)
        return args_usage_error(&cmd, "no capture file given");
    int n_stdin = 0;
    for (int i = first; i < argc; i++)
        if (!strcmp(argv[i], "-") && ++n_stdin > 1) {
            args_usage_error(&cmd, "'-' (standard input) given twice: it can be read only once");
            return 2;
        }
    *a = (struct decode_args){.json = json, .files = argv + first, .n_files = argc - first};
    return 0;
}
