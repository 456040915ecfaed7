/* mptcp_mibs.c — reads the MPTcpExt counters of the current namespace and net.mptcp.blackhole_timeout. */
#include "http/mptcp_mibs.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/proc_netstat.h"

static const char *const names[MIB_COUNT] = {
    [MIB_SYN_TX] = "MPCapableSYNTX",
    [MIB_SYNACK_RX] = "MPCapableSYNACKRX",
    [MIB_FALLBACK_SYNACK] = "MPCapableFallbackSYNACK",
    [MIB_SYN_TX_DROP] = "MPCapableSYNTXDrop",
    [MIB_SYN_TX_DISABLED] = "MPCapableSYNTXDisabled",
    [MIB_BLACKHOLE] = "Blackhole",
};

static size_t read_all(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    size_t len = 0;
    ssize_t n;
    while (len + 1 < cap && (n = read(fd, buf + len, cap - 1 - len)) > 0)
        len += (size_t)n;
    close(fd);
    buf[len] = 0;
    return len;
}

void mptcp_mibs_read(struct mptcp_mibs *m)
{
    memset(m, 0, sizeof *m);
    static char buf[1 << 16];
    size_t len = read_all("/proc/self/net/netstat", buf, sizeof buf);
    for (int i = 0; i < MIB_COUNT && len; i++)
        m->has[i] = netstat_counter(buf, len, "MPTcpExt", names[i], &m->v[i]);
    m->ok = m->has[MIB_SYN_TX];
}

long mptcp_blackhole_timeout(void)
{
    char buf[32];
    if (!read_all("/proc/sys/net/mptcp/blackhole_timeout", buf, sizeof buf))
        return -1;
    return strtol(buf, NULL, 10);
}
