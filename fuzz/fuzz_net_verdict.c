/* fuzz_net_verdict.c — libFuzzer target: net/verdict's rule on arbitrary option areas (tcp_synopt optionshex) equals scan_classify's. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "net/build.h"
#include "net/packet.h"
#include "net/verdict.h"
#include "scan/classify.h"

#include "fuzz/fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int version = data[0] % 3 - 1;
    bool rst = data[0] & 0x80;
    const uint8_t *opts = data + 1;
    size_t len = size - 1 > 40 ? 40 : size - 1;
    struct probe_sig sig;
    mpc_probe_sig_static(version, 0x0c0c0c0c0c0c0c0cull, -1, &sig);
    struct mptcp_capable mpc;
    bool found;
    enum mpc_verdict v = mpc_verdict_of_options(rst, opts, len, &sig, &mpc, &found);
    CHECK((unsigned)v < MPC_VERDICT_COUNT);
    CHECK(!rst || v == MPC_VERDICT_CLOSED);
    CHECK(rst || found || v == MPC_VERDICT_TCP);
    if (found)
        CHECK(mpc.avail <= len && mpc.raw >= opts && mpc.raw + mpc.avail <= opts + len);
    if (v == MPC_VERDICT_MPTCP)
        CHECK(found && !mpc.cut && mpc.avail == 12);
    /* the scanner's classifier on the same reply, when the options fit a TCP header */
    if (len % 4 == 0) {
        static uint8_t frame[128];
        struct tcp_build b;
        memset(&b, 0, sizeof b);
        ip_addr_parse("198.18.0.9", &b.src);
        ip_addr_parse("198.18.0.1", &b.dst);
        b.sport = 80;
        b.dport = 40000;
        b.flags = rst ? TCP_RST | TCP_ACK : TCP_SYN | TCP_ACK;
        b.ttl = 60;
        b.opts = opts;
        b.opts_len = len;
        size_t n = pkt_build_tcp(frame, sizeof frame, &b);
        struct pkt_view pv;
        struct scan_record rec;
        if (n && pkt_decode_ip(frame, n, &pv) == NET_OK && scan_classify(&pv, &sig, &rec))
            CHECK((int)rec.verdict == (int)v);
    }
    return 0;
}
