/* proc_netstat.c — the header-line / value-line pairs of /proc/net/netstat, looked up by group and counter name. */
#include "net/proc_netstat.h"

#include <string.h>

/* The line at p (up to '\n' or end), its length. */
static size_t line_len(const char *p, const char *end)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    return (size_t)((nl ? nl : end) - p);
}

/* Next space-separated word of [*p, end): start and length (0 at the end). */
static size_t next_word(const char **p, const char *end, const char **word)
{
    while (*p < end && **p == ' ')
        (*p)++;
    *word = *p;
    while (*p < end && **p != ' ')
        (*p)++;
    return (size_t)(*p - *word);
}

bool netstat_counter(const char *text, size_t len, const char *group, const char *name, uint64_t *value)
{
    const char *p = text, *end = text + len;
    size_t glen = strlen(group), nlen = strlen(name);
    while (p < end) {
        size_t l1 = line_len(p, end);
        const char *next = p + l1 + (p + l1 < end);
        if (l1 > glen && !memcmp(p, group, glen) && p[glen] == ':' && next < end) {
            size_t l2 = line_len(next, end);
            if (l2 <= glen || memcmp(next, group, glen) || next[glen] != ':')
                return false;
            const char *h = p + glen + 1, *hend = p + l1, *v = next + glen + 1, *vend = next + l2;
            for (;;) {
                const char *hw, *vw;
                size_t hn = next_word(&h, hend, &hw), vn = next_word(&v, vend, &vw);
                if (!hn || !vn)
                    return false;
                if (hn == nlen && !memcmp(hw, name, nlen)) {
                    uint64_t x = 0;
                    for (size_t i = 0; i < vn; i++) {
                        if (vw[i] < '0' || vw[i] > '9')
                            return false;
                        uint64_t d = (uint64_t)(vw[i] - '0');
                        if (x > (UINT64_MAX - d) / 10)
                            return false;
                        x = x * 10 + d;
                    }
                    *value = x;
                    return true;
                }
            }
        }
        p = next;
    }
    return false;
}
