/* fuzz_mptcp_event.c — libFuzzer target: the MPTCP netlink event decoder (http/mptcp_events) on arbitrary bytes. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "http/mptcp_events.h"

#include "fuzz/fuzz_check.h"

/* First two bytes: the family id to accept; the rest is one netlink message
 * (copied into an aligned buffer, as the kernel delivers them). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint16_t family = (uint16_t)(data[0] | data[1] << 8);
    static uint64_t buf[8192];
    size_t len = size - 2 > sizeof buf ? sizeof buf : size - 2;
    memcpy(buf, data + 2, len);
    struct mptcp_event ev;
    if (mptcp_event_parse(buf, len, family, &ev)) {
        CHECK(!ev.has_daddr || ev.daddr.family == AF_INET || ev.daddr.family == AF_INET6);
        CHECK(!ev.has_saddr || ev.saddr.family == AF_INET || ev.saddr.family == AF_INET6);
        /* decoding is a pure function of the bytes */
        struct mptcp_event again;
        CHECK(mptcp_event_parse(buf, len, family, &again));
        CHECK(again.type == ev.type && again.token == ev.token && again.rem_id == ev.rem_id &&
              again.dport == ev.dport && again.sport == ev.sport);
    }
    return 0;
}
