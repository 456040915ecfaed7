/* pace.h — monotonic time, packet pacing to a rate, and rate text shared by the stages that send (scan, trace, http). */
#ifndef IO_PACE_H
#define IO_PACE_H

#include <stddef.h>
#include <stdint.h>

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t pace_now_ns(void);
/* Sleeps until the `sent`-th packet is due at `rate` per second counted from
 * t0_ns (coarse nanosleep, then a short spin, so high rates stay exact).
 * rate 0 returns at once. */
void pace_wait(uint64_t t0_ns, uint64_t sent, uint64_t rate);
/* "123 p/s", "12.34 Kp/s", "1.23 Mp/s" (unit "p" replaced by `unit`, e.g. "t" for targets). */
const char *pace_rate_text(double per_second, const char *unit, char *buf, size_t len);

#endif
