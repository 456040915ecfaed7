/* args_time.h — timestamp and date values as other tools write them (ISO 8601, ZMap, Unix seconds), parsed in one place. */
#ifndef CLI_ARGS_TIME_H
#define CLI_ARGS_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A point in time, as microseconds since the Unix epoch (UTC). Accepted:
 *   2026-12-01T09:55:00.671123Z   (mpcensus scan; 'T' or ' '; fraction 0-9 digits)
 *   2026-12-01T09:55:00.671+0000  (ZMap timestamp_str; also +01:00, -0530)
 *   2026-12-01                    (a date: its midnight UTC)
 *   1764582900.671                (Unix seconds, optional fraction)
 * Returns false with the reason in why. */
bool args_parse_timestamp(const char *text, int64_t *usec, char *why, size_t whylen);

/* Month number (year*12 + month-1, as args_parse_month) of a timestamp. */
int args_usec_month(int64_t usec);
/* "YYYY-MM" of a month number into buf (>= 8 bytes); returns buf. */
const char *args_month_format(int month, char *buf, size_t len);

#endif
