/* args_time.c — ISO 8601 / ZMap / Unix-seconds timestamps into microseconds since the epoch, and back. */
#include "cli/args_time.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "io/errmsg.h"

/* n decimal digits at *p into *v; advances p. */
static bool digits(const char **p, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return false;
        x = x * 10 + (c - '0');
    }
    *p += n;
    *v = x;
    return true;
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static bool parse_unix(const char *text, int64_t *usec, char *why, size_t whylen)
{
    const char *p = text;
    bool neg = *p == '-';
    if (neg)
        p++;
    int64_t secs = 0, frac = 0;
    int nd = 0, nf = 0;
    for (; *p >= '0' && *p <= '9'; p++, nd++) {
        if (secs > 100000000000LL)
            return errmsg_false(why, whylen, "out of range");
        secs = secs * 10 + (*p - '0');
    }
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++, nf++)
            if (nf < 6)
                frac = frac * 10 + (*p - '0');
    if (!nd || *p)
        return errmsg_false(why, whylen, "not a timestamp (ISO 8601 or Unix seconds)");
    for (int i = nf; i < 6; i++)
        frac *= 10;
    *usec = (neg ? -1 : 1) * (secs * 1000000 + frac);
    return true;
}

bool args_parse_timestamp(const char *text, int64_t *usec, char *why, size_t whylen)
{
    if (!text || !*text)
        return errmsg_false(why, whylen, "empty value");
    const char *p = text;
    int y, mo, d, h = 0, mi = 0, s = 0;
    if (!(digits(&p, 4, &y) && *p == '-'))
        return parse_unix(text, usec, why, whylen);
    p++;
    if (!digits(&p, 2, &mo) || *p++ != '-' || !digits(&p, 2, &d))
        return errmsg_false(why, whylen, "not a date YYYY-MM-DD");
    if (mo < 1 || mo > 12 || d < 1 || d > 31)
        return errmsg_false(why, whylen, "month or day out of range");
    int64_t frac = 0, off = 0;
    if (*p == 'T' || *p == ' ') {
        p++;
        if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
            return errmsg_false(why, whylen, "not a time HH:MM[:SS]");
        if (*p == ':') {
            p++;
            if (!digits(&p, 2, &s))
                return errmsg_false(why, whylen, "not a time HH:MM:SS");
        }
        if (h > 23 || mi > 59 || s > 60)
            return errmsg_false(why, whylen, "time out of range");
        if (*p == '.' || *p == ',') {
            int nf = 0;
            for (p++; *p >= '0' && *p <= '9'; p++, nf++)
                if (nf < 6)
                    frac = frac * 10 + (*p - '0');
            if (!nf)
                return errmsg_false(why, whylen, "empty fraction of a second");
            for (int i = nf; i < 6; i++)
                frac *= 10;
        }
        if (*p == 'Z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
            if (!digits(&p, 2, &oh))
                return errmsg_false(why, whylen, "bad UTC offset");
            if (*p == ':')
                p++;
            if (*p && !digits(&p, 2, &om))
                return errmsg_false(why, whylen, "bad UTC offset");
            off = sign * (oh * 3600 + om * 60);
        }
    }
    if (*p)
        return errmsg_false(why, whylen, "text after the timestamp at '%.8s'", p);
    int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - off;
    *usec = secs * 1000000 + frac;
    return true;
}

int args_usec_month(int64_t usec)
{
    time_t t = (time_t)(usec >= 0 ? usec / 1000000 : (usec - 999999) / 1000000);
    struct tm tm;
    gmtime_r(&t, &tm);
    return (tm.tm_year + 1900) * 12 + tm.tm_mon;
}

const char *args_month_format(int month, char *buf, size_t len)
{
    snprintf(buf, len, "%04d-%02d", month / 12, month % 12 + 1);
    return buf;
}

