/* test_icmp_kernel.c — parses time-exceeded errors that a real Linux router (a network namespace) sends, checked against tshark. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <sys/wait.h>

#include "net/icmp.h"
#include "unit/test_pcapfile.h"

/* Three namespaces A - R - B joined only by veth pairs; R forwards. From A,
 * TCP (and MPTCP) SYNs with TTL/hop limit 1, and one data segment of 1000
 * bytes sent with TTL 1 after a normal handshake, make R's kernel answer
 * with ICMP time exceeded. tcpdump on A's interface records everything.
 * Lab addresses only; everything is removed by the trap. */
static const char lab_script[] =
    "set -e\n"
    "A=mpci$$a R=mpci$$r B=mpci$$b OUT=\"$1\"\n"
    "cleanup() { rc=$?; for p in ${TD:-} ${LP:-}; do kill $p 2>/dev/null; done; for n in $A $R $B; do ip netns del $n 2>/dev/null; done; exit $rc; }\n"
    "trap cleanup EXIT INT TERM\n"
    "for n in $A $R $B; do ip netns add $n; ip -n $n link set lo up; done\n"
    "ip link add vA netns $A type veth peer name vRa netns $R\n"
    "ip link add vB netns $B type veth peer name vRb netns $R\n"
    "ip -n $A addr add 198.18.1.2/24 dev vA; ip -n $A -6 addr add 2001:db8:1::2/64 dev vA nodad\n"
    "ip -n $R addr add 198.18.1.1/24 dev vRa; ip -n $R -6 addr add 2001:db8:1::1/64 dev vRa nodad\n"
    "ip -n $R addr add 198.18.2.1/24 dev vRb; ip -n $R -6 addr add 2001:db8:2::1/64 dev vRb nodad\n"
    "ip -n $B addr add 198.18.2.2/24 dev vB; ip -n $B -6 addr add 2001:db8:2::2/64 dev vB nodad\n"
    "for d in \"$A vA\" \"$R vRa\" \"$R vRb\" \"$B vB\"; do set -- $d; ip -n $1 link set $2 up; done\n"
    "ip -n $A route add default via 198.18.1.1; ip -n $A -6 route add default via 2001:db8:1::1\n"
    "ip -n $B route add default via 198.18.2.1; ip -n $B -6 route add default via 2001:db8:2::1\n"
    "ip netns exec $R sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 "
    "net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0\n"
    "ip netns exec $B python3 -c '\n"
    "import socket, time\n"
    "ls = []\n"
    "for fam, addr in ((socket.AF_INET, \"198.18.2.2\"), (socket.AF_INET6, \"2001:db8:2::2\")):\n"
    "    s = socket.socket(fam, socket.SOCK_STREAM); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
    "    s.bind((addr, 8080)); s.listen(8); ls.append(s)\n"
    "time.sleep(8)\n"
    "' & LP=$!\n"
    "ip netns exec $A tcpdump -U -n -i vA -w \"$OUT\" 'icmp or icmp6 or tcp' 2>\"$OUT.log\" & TD=$!\n"
    "for i in $(seq 50); do grep -q listening \"$OUT.log\" 2>/dev/null && break; sleep 0.1; done\n"
    "sleep 0.5\n"
    "ip netns exec $A python3 -c '\n"
    "import socket, time\n"
    "targets = ((socket.AF_INET, \"198.18.2.2\", socket.IPPROTO_IP, socket.IP_TTL),\n"
    "           (socket.AF_INET6, \"2001:db8:2::2\", socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS))\n"
    "for fam, addr, lvl, opt in targets:\n"
    "    s = socket.socket(fam, socket.SOCK_STREAM)\n"
    "    s.setsockopt(lvl, opt, 1); s.setblocking(False)\n"
    "    s.connect_ex((addr, 8080)); time.sleep(0.3); s.close()\n"
    "    s = socket.create_connection((addr, 8080), timeout=3)\n"
    "    s.setsockopt(lvl, opt, 1); s.send(bytes(range(250)) * 4); time.sleep(0.5); s.close()\n"
    "'\n"
    /* MPTCP sockets refuse IP_TTL: lower A's default TTL / hop limit instead */
    "ip netns exec $A sysctl -qw net.ipv4.ip_default_ttl=1 net.ipv6.conf.all.hop_limit=1 net.ipv6.conf.vA.hop_limit=1\n"
    "ip netns exec $A python3 -c '\n"
    "import socket, time\n"
    "for fam, addr in ((socket.AF_INET, \"198.18.2.2\"), (socket.AF_INET6, \"2001:db8:2::2\")):\n"
    "    try:\n"
    "        s = socket.socket(fam, socket.SOCK_STREAM, getattr(socket, \"IPPROTO_MPTCP\", 262))\n"
    "    except OSError:\n"
    "        continue\n"
    "    s.setblocking(False); s.connect_ex((addr, 8080)); time.sleep(0.3); s.close()\n"
    "'\n"
    "sleep 0.5\n";

static bool run_lab(const char *pcap)
{
    char script[256];
    snprintf(script, sizeof(script), "/tmp/mpcensus-test-%d-lab.sh", (int)getpid());
    FILE *f = fopen(script, "w");
    if (!f)
        return false;
    fputs(lab_script, f);
    fclose(f);
    char cmd[2048];
    /* the lab's own output goes to the test log only when it fails */
    snprintf(cmd, sizeof(cmd), "sh -x %s '%s' >'%s.lab' 2>&1 || { cat '%s.lab'; false; }; rm -f '%s.lab'", script,
             pcap, pcap, pcap, pcap);
    int rc = system(cmd);
    unlink(script);
    return rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0;
}

static bool lab_possible(void)
{
    return geteuid() == 0 && system("command -v ip >/dev/null && command -v tcpdump >/dev/null && "
                                    "command -v python3 >/dev/null && ip netns list >/dev/null 2>&1") == 0;
}

/* Splits "a,b" (tshark occurrence=a) and returns field k, or "". */
static const char *nth(const char *list, int k, char *buf, size_t len)
{
    const char *p = list;
    for (int i = 0; i < k && p; i++) {
        p = strchr(p, ',');
        if (p)
            p++;
    }
    if (!p)
        return "";
    size_t n = strcspn(p, ",");
    if (n >= len)
        n = len - 1;
    memcpy(buf, p, n);
    buf[n] = '\0';
    return buf;
}

enum { K_ITYPE, K_I6TYPE, K_SRC, K_DST, K_SRC6, K_DST6, K_IPLEN, K_IPHDR, K_PLEN, K_SPORT, K_DPORT, K_SEQ, K_HDRLEN,
       K_KIND, K_COUNT };
static const char *const kfields[K_COUNT] = {
    "icmp.type", "icmpv6.type", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "ip.len", "ip.hdr_len", "ipv6.plen",
    "tcp.srcport", "tcp.dstport", "tcp.seq", "tcp.hdr_len", "tcp.option_kind"};

static void test_kernel_time_exceeded(void **state)
{
    (void)state;
    char pcap[256];
    ttemp_path(pcap, sizeof(pcap), "kernel-icmp");
    assert_true(run_lab(pcap));
    struct tcapture c;
    assert_true(tcapture_load(pcap, &c));
    struct ttshark t;
    assert_true(ttshark_run(pcap, "-o tcp.relative_sequence_numbers:FALSE -E occurrence=a", kfields, K_COUNT, &t));
    size_t errors[2] = {0, 0}, mptcp_quotes = 0, data_quotes = 0;
    for (size_t i = 0; i < c.n; i++) {
        size_t fr = i + 1;
        struct pkt_view pv;
        struct icmp_error e;
        char a[64], b[64];
        if (pkt_decode(link_from_dlt(c.dlt), c.f[i].data, c.f[i].caplen, &pv) != NET_OK)
            continue;
        if (icmp_parse(&pv, &e) != NET_OK || !e.is_error)
            continue;
        bool v6 = pv.ip_version == 6;
        assert_string_equal(ttshark_get(&t, fr, v6 ? K_I6TYPE : K_ITYPE), v6 ? "3" : "11");
        assert_int_equal(e.type, v6 ? 3 : 11);
        /* outer source is the router, inner addresses are A -> B */
        const char *srcs = ttshark_get(&t, fr, v6 ? K_SRC6 : K_SRC), *dsts = ttshark_get(&t, fr, v6 ? K_DST6 : K_DST);
        char buf[IP_ADDR_STRLEN];
        assert_string_equal(ip_addr_format(&e.reporter, buf, sizeof(buf)), nth(srcs, 0, a, sizeof(a)));
        assert_string_equal(ip_addr_format(&e.inner.src, buf, sizeof(buf)), nth(srcs, 1, a, sizeof(a)));
        assert_string_equal(ip_addr_format(&e.inner.dst, buf, sizeof(buf)), nth(dsts, 1, b, sizeof(b)));
        /* quote length from tshark's view of the outer header */
        size_t quote;
        if (v6) {
            quote = strtoul(nth(ttshark_get(&t, fr, K_PLEN), 0, a, sizeof(a)), NULL, 10) - 8;
        } else {
            size_t outer_len = strtoul(nth(ttshark_get(&t, fr, K_IPLEN), 0, a, sizeof(a)), NULL, 10);
            size_t outer_hdr = strtoul(nth(ttshark_get(&t, fr, K_IPHDR), 0, a, sizeof(a)), NULL, 10);
            quote = outer_len - outer_hdr - 8;
        }
        assert_int_equal(e.quote_len, quote);
        size_t inner_hdr = v6 ? 40 : strtoul(nth(ttshark_get(&t, fr, K_IPHDR), 1, a, sizeof(a)), NULL, 10);
        assert_int_equal(e.transport_quoted, quote - inner_hdr);
        /* tshark's quoted TCP header */
        assert_true(e.inner_tcp_header);
        assert_int_equal(e.inner.tcp.sport, strtoul(ttshark_get(&t, fr, K_SPORT), NULL, 10));
        assert_int_equal(e.inner.tcp.dport, 8080);
        assert_int_equal(e.inner.tcp.seq, strtoul(ttshark_get(&t, fr, K_SEQ), NULL, 10));
        size_t hlen = strtoul(ttshark_get(&t, fr, K_HDRLEN), NULL, 10);
        assert_int_equal(e.inner.tcp.doff * 4, hlen);
        /* Linux quotes the whole offending packet up to 576 (IPv4) / 1280 (IPv6) bytes */
        assert_int_equal(e.extent, QUOTE_FULL);
        assert_true(pv.ip_len <= (v6 ? 1280u : 576u));
        if (strstr(ttshark_get(&t, fr, K_KIND), "30"))
            mptcp_quotes++;
        if (e.inner.tcp.payload_len > 0) {
            data_quotes++;
            assert_int_equal(e.inner.tcp.payload_len, quote - inner_hdr - hlen);
            if (!v6)
                assert_int_equal(pv.ip_len, 576);
        }
        errors[v6]++;
    }
    printf("# kernel time-exceeded parsed: %zu ICMPv4, %zu ICMPv6 (%zu quoting MPTCP options, %zu quoting data)\n",
           errors[0], errors[1], mptcp_quotes, data_quotes);
    assert_true(errors[0] >= 2 && errors[1] >= 2 && data_quotes >= 2);
    ttshark_free(&t);
    tcapture_free(&c);
    unlink(pcap);
    char log[300];
    snprintf(log, sizeof(log), "%s.log", pcap);
    unlink(log);
}

int main(void)
{
    if (!lab_possible()) {
        printf("skipped: needs root, iproute2 with netns, tcpdump and python3\n");
        return 77; /* tests/run.sh: skipped */
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kernel_time_exceeded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
