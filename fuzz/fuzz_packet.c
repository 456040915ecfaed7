/* fuzz_packet.c — libFuzzer target: link/IP/TCP decode, then the TCP option walker and MPTCP option decoder on what it found. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/build.h"
#include "net/checksum.h"
#include "net/mptcp.h"
#include "net/packet.h"
#include "net/tcpopt.h"

/* A pointer range that escapes the input is a decoder bug even when ASan
 * would not notice (no dereference yet): abort so libFuzzer reports it. */
static void check_range(const uint8_t *base, size_t size, const uint8_t *p, size_t len)
{
    if (len == 0)
        return;
    if (p < base || p > base + size || len > (size_t)(base + size - p))
        abort();
}

static void walk_options(const struct tcp_view *t)
{
    struct tcpopt_iter it;
    struct tcp_opt opt;
    tcpopt_iter_init(&it, t->opts, t->opts_len);
    while (tcpopt_next(&it, &opt)) {
        check_range(t->opts, t->opts_len, opt.data, opt.len);
        if (opt.kind != TCPOPT_MPTCP)
            continue;
        struct mptcp_opt m;
        if (mptcp_decode(opt.data, opt.len, t->flags, &m)) {
            /* re-encoding what was decoded must not overflow either */
            uint8_t buf[64];
            if (!m.truncated)
                (void)mptcp_encode(&m, t->flags, buf, sizeof(buf));
        }
    }
    (void)tcpopt_error_name(it.error);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    /* first byte: link type (enum link_type order, LINK_UNKNOWN included) */
    enum link_type link = (enum link_type)(data[0] % (LINK_UNKNOWN + 1));
    const uint8_t *frame = data + 1;
    size_t caplen = size - 1;
    struct pkt_view pv;
    enum net_status st = pkt_decode(link, frame, caplen, &pv);
    (void)net_status_name(st);
    if (pv.l3) {
        check_range(frame, caplen, pv.l3, pv.l3_caplen);
        if (pv.l4)
            check_range(frame, caplen, pv.l4, pv.l4_caplen);
    }
    if (st != NET_OK)
        return 0;
    char buf[IP_ADDR_STRLEN];
    ip_addr_format(&pv.src, buf, sizeof(buf));
    if (pv.l4 && pv.l4_caplen == pv.l4_len)
        (void)csum_l4(&pv.src, &pv.dst, pv.proto, pv.l4, pv.l4_len);
    if (pv.proto == 6) {
        check_range(frame, caplen, pv.tcp.opts, pv.tcp.opts_len);
        check_range(frame, caplen, pv.tcp.payload, pv.tcp.payload_len);
        char flags[9];
        tcp_flags_format(pv.tcp.flags, flags);
        walk_options(&pv.tcp);
    }
    /* checksum repair writes into the packet: give it a private copy */
    uint8_t *copy = malloc(pv.l3_caplen ? pv.l3_caplen : 1);
    if (copy) {
        memcpy(copy, pv.l3, pv.l3_caplen);
        pkt_fix_checksums(copy, pv.l3_caplen);
        free(copy);
    }
    return 0;
}
