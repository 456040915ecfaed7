/* fuzz_icmp.c — libFuzzer target: ICMP/ICMPv6 error parsing (quote, extent, RFC 4884), and build-then-parse of time-exceeded. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net/icmp.h"

static void check_range(const uint8_t *base, size_t size, const uint8_t *p, size_t len)
{
    if (len == 0)
        return;
    if (p < base || p > base + size || len > (size_t)(base + size - p))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pkt_view pv;
    struct icmp_error err;
    enum net_status st = pkt_decode_ip(data, size, &pv);
    if (st == NET_OK && icmp_parse(&pv, &err) == NET_OK && err.is_error) {
        check_range(data, size, err.quote, err.quote_len);
        if (err.inner.l4)
            check_range(data, size, err.inner.l4, err.inner.l4_caplen);
        if (err.transport_quoted > err.quote_len || err.n_ext_objects > ICMP_MAX_EXT_OBJECTS)
            abort();
        for (unsigned i = 0; i < err.n_ext_objects; i++)
            check_range(data, size, err.ext[i].data, err.ext[i].len);
        if (err.inner_tcp_header && err.inner.tcp.opts_len)
            check_range(data, size, err.inner.tcp.opts, err.inner.tcp.opts_len);
        (void)quote_extent_name(err.extent);
    }
    /* Treat the input as an offending packet: the error we build about it
     * must parse back as an error quoting that packet's source. */
    if (st == NET_OK || st == NET_TRUNCATED || st == NET_FRAGMENT || st == NET_BAD_HEADER) {
        struct ip_addr reporter;
        memset(&reporter, 0, sizeof(reporter));
        reporter.family = pv.ip_version == 6 ? AF_INET6 : AF_INET;
        reporter.bytes[0] = 198;
        reporter.bytes[1] = 18;
        size_t quote = size ? data[size - 1] : 0;
        if (quote == 255)
            quote = SIZE_MAX;
        uint8_t msg[1400];
        size_t n = icmp_build_time_exceeded(msg, sizeof(msg), &reporter, data, size, quote, 64);
        if (n) {
            struct pkt_view outer;
            struct icmp_error back;
            if (pkt_decode_ip(msg, n, &outer) != NET_OK || icmp_parse(&outer, &back) != NET_OK || !back.is_error)
                abort();
            if (back.inner_status != NET_BAD_VERSION && !ip_addr_equal(&back.inner.src, &pv.src))
                abort();
        }
    }
    return 0;
}
