/* utc_time.c — ISO 8601 UTC text of a moment, microseconds. */
#include "io/utc_time.h"

#include <stdio.h>

const char *utc_usec_format(int64_t usec, char *buf, size_t len)
{
    time_t t = (time_t)(usec >= 0 ? usec / 1000000 : (usec - 999999) / 1000000);
    long us = (long)(usec - (int64_t)t * 1000000);
    struct tm tm;
    gmtime_r(&t, &tm);
    char tmp[24];
    strftime(tmp, sizeof tmp, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, len, "%s.%06ldZ", tmp, us);
    return buf;
}
