/* pace.c — monotonic clock, sleep-then-spin pacing, and rate formatting. */
#include "io/pace.h"

#include <stdio.h>
#include <time.h>

uint64_t pace_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void pace_wait(uint64_t t0_ns, uint64_t sent, uint64_t rate)
{
    if (!rate)
        return;
    uint64_t due = t0_ns + (uint64_t)((unsigned __int128)sent * 1000000000ull / rate);
    for (;;) {
        uint64_t now = pace_now_ns();
        if (now >= due)
            return;
        uint64_t gap = due - now;
        /* nanosleep overshoots by ~50-100 us: sleep to 100 us before, spin the rest */
        if (gap > 200000) {
            struct timespec ts = {.tv_sec = (time_t)((gap - 100000) / 1000000000ull),
                                  .tv_nsec = (long)((gap - 100000) % 1000000000ull)};
            nanosleep(&ts, NULL);
        }
    }
}

const char *pace_rate_text(double r, const char *unit, char *buf, size_t len)
{
    if (!unit)
        unit = "p";
    if (r >= 1e6)
        snprintf(buf, len, "%.2f M%s/s", r / 1e6, unit);
    else if (r >= 1e3)
        snprintf(buf, len, "%.2f K%s/s", r / 1e3, unit);
    else
        snprintf(buf, len, "%.0f %s/s", r, unit);
    return buf;
}
