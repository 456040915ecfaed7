/* utc_time.h — the one text form of a moment in every record and document: ISO 8601 UTC with microseconds. */
#ifndef IO_UTC_TIME_H
#define IO_UTC_TIME_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* "2024-03-01T12:00:00.000000Z" into buf (len >= 28); returns buf. Negative
 * microseconds (before 1970) count down from the second below. */
const char *utc_usec_format(int64_t usec, char *buf, size_t len);

/* The same for a timespec (nanoseconds cut to microseconds). */
static inline const char *utc_timespec_format(const struct timespec *ts, char *buf, size_t len)
{
    return utc_usec_format((int64_t)ts->tv_sec * 1000000 + ts->tv_nsec / 1000, buf, len);
}

#endif
