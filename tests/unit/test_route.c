/* test_route.c — io/route against a real kernel: route, source, next hop and neighbour MAC in private namespaces A - R (skipped without root). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io/route.h"

/* A has a default route via R (IPv4 and IPv6); R has only its connected
 * networks. Lab addresses only; the namespaces have no link to the host. */
static char ns_a[32], ns_r[32];
static int home_fd = -1;
static bool have_lab;

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return system(cmd);
}

static bool enter(const char *ns)
{
    char path[128];
    snprintf(path, sizeof path, "/run/netns/%s", ns);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = setns(fd, CLONE_NEWNET) == 0;
    close(fd);
    return ok;
}

static void leave(void) { assert_int_equal(setns(home_fd, CLONE_NEWNET), 0); }

static void mac_of(const char *ns, const char *ifname, uint8_t mac[6])
{
    char cmd[256], line[256];
    snprintf(cmd, sizeof cmd, "ip -n %s -o link show %s", ns, ifname);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    assert_non_null(fgets(line, sizeof line, p));
    pclose(p);
    char *at = strstr(line, "link/ether ");
    assert_non_null(at);
    unsigned m[6];
    assert_int_equal(sscanf(at + 11, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]), 6);
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)m[i];
}

static int setup(void **state)
{
    (void)state;
    if (geteuid() != 0)
        return 0;
    snprintf(ns_a, sizeof ns_a, "mpcrt%da", (int)getpid());
    snprintf(ns_r, sizeof ns_r, "mpcrt%dr", (int)getpid());
    home_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    int rc = sh("set -e; ip netns add %1$s; ip netns add %2$s; ip -n %1$s link set lo up; ip -n %2$s link set lo up;"
                "ip link add vA netns %1$s type veth peer name vR netns %2$s;"
                "ip -n %1$s addr add 198.18.1.2/24 dev vA; ip -n %1$s -6 addr add 2001:db8:1::2/64 dev vA nodad;"
                "ip -n %2$s addr add 198.18.1.1/24 dev vR; ip -n %2$s -6 addr add 2001:db8:1::1/64 dev vR nodad;"
                "ip -n %2$s -6 addr add fe80::ff:1/64 dev vR nodad;"
                "ip -n %1$s link set vA up; ip -n %2$s link set vR up;"
                "ip -n %1$s route add default via 198.18.1.1; ip -n %1$s -6 route add default via 2001:db8:1::1",
                ns_a, ns_r);
    have_lab = rc == 0 && home_fd >= 0;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (ns_a[0])
        sh("ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null; true", ns_a, ns_r);
    if (home_fd >= 0)
        close(home_fd);
    return 0;
}

static void test_route_v4_v6(void **state)
{
    (void)state;
    if (!have_lab)
        skip();
    uint8_t r_mac[6];
    mac_of(ns_r, "vR", r_mac);
    assert_true(enter(ns_a));
    char err[256], text[64];
    struct route_info ri;
    struct ip_addr dst;

    /* off-link: via the gateway, with the kernel's source */
    assert_true(ip_addr_parse("198.18.200.7", &dst));
    assert_int_equal(route_lookup(&dst, &ri, err, sizeof err), 0);
    assert_string_equal(ri.ifname, "vA");
    assert_true(ri.has_gateway);
    assert_string_equal(ip_addr_format(&ri.next_hop, text, sizeof text), "198.18.1.1");
    assert_string_equal(ip_addr_format(&ri.src, text, sizeof text), "198.18.1.2");
    uint8_t mac[6];
    /* no neighbour entry yet: resolution is triggered and awaited */
    assert_int_equal(route_neighbour_mac(ri.ifindex, &ri.next_hop, 2000, mac, err, sizeof err), 0);
    assert_memory_equal(mac, r_mac, 6);

    /* on-link: the destination itself is the next hop */
    assert_true(ip_addr_parse("198.18.1.1", &dst));
    assert_int_equal(route_lookup(&dst, &ri, err, sizeof err), 0);
    assert_false(ri.has_gateway);
    assert_true(ip_addr_equal(&ri.next_hop, &dst));

    assert_true(ip_addr_parse("2001:db8:77::1", &dst));
    assert_int_equal(route_lookup(&dst, &ri, err, sizeof err), 0);
    assert_true(ri.has_gateway);
    assert_string_equal(ip_addr_format(&ri.next_hop, text, sizeof text), "2001:db8:1::1");
    assert_int_equal(route_neighbour_mac(ri.ifindex, &ri.next_hop, 3000, mac, err, sizeof err), 0);
    assert_memory_equal(mac, r_mac, 6);
    struct ip_addr a6;
    assert_int_equal(route_if_address(ri.ifindex, AF_INET6, &a6, err, sizeof err), 0);
    assert_string_equal(ip_addr_format(&a6, text, sizeof text), "2001:db8:1::2");

    /* RFC 5549, as the lab routes: an IPv4 prefix via R's IPv6 link-local address */
    assert_int_equal(sh("ip -n %s route add 198.19.8.0/24 via inet6 fe80::ff:1 dev vA", ns_a), 0);
    assert_true(ip_addr_parse("198.19.8.9", &dst));
    assert_int_equal(route_lookup(&dst, &ri, err, sizeof err), 0);
    assert_true(ri.has_gateway);
    assert_string_equal(ip_addr_format(&ri.next_hop, text, sizeof text), "fe80::ff:1");
    assert_string_equal(ip_addr_format(&ri.src, text, sizeof text), "198.18.1.2");
    assert_int_equal(route_neighbour_mac(ri.ifindex, &ri.next_hop, 3000, mac, err, sizeof err), 0);
    assert_memory_equal(mac, r_mac, 6);

    /* an on-link address nobody answers for: a clear error after the timeout */
    assert_true(ip_addr_parse("198.18.1.77", &dst));
    assert_int_equal(route_neighbour_mac(ri.ifindex, &dst, 300, mac, err, sizeof err), -1);
    assert_non_null(strstr(err, "no ARP answer from 198.18.1.77 on vA"));
    leave();

    /* R has no default route: lookups beyond its networks fail with a reason */
    assert_true(enter(ns_r));
    assert_true(ip_addr_parse("198.18.200.7", &dst));
    assert_int_equal(route_lookup(&dst, &ri, err, sizeof err), -1);
    assert_non_null(strstr(err, "no route to 198.18.200.7"));
    leave();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_route_v4_v6),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
