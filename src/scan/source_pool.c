/* source_pool.c — sorted address ranges of the scanner's sources: pick by target hash, membership by binary search, CIDR cover for the BPF filter. */
#include "scan/source_pool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net/hash.h"

static unsigned addr_bits(int family) { return family == AF_INET6 ? 128 : 32; }

static src_u128 to_u128(const struct ip_addr *a)
{
    src_u128 v = 0;
    for (size_t i = 0; i < ip_addr_len(a); i++)
        v = v << 8 | a->bytes[i];
    return v;
}

static void from_u128(int family, src_u128 v, struct ip_addr *out)
{
    memset(out, 0, sizeof *out);
    out->family = (uint8_t)family;
    size_t n = family == AF_INET6 ? 16 : 4;
    for (size_t i = n; i-- > 0; v >>= 8)
        out->bytes[i] = (uint8_t)v;
}

static int cmp_range(const void *a, const void *b)
{
    return ip_addr_compare(&((const struct addr_range *)a)->lo, &((const struct addr_range *)b)->lo);
}

static int finish(struct source_pool *p)
{
    p->start = p->n ? malloc(p->n * sizeof *p->start) : NULL;
    if (p->n && !p->start)
        return -1;
    src_u128 at = 0;
    bool saturated = false;
    for (size_t i = 0; i < p->n; i++) {
        p->start[i] = at;
        src_u128 width = to_u128(&p->r[i].hi) - to_u128(&p->r[i].lo) + 1;   /* 0: all of IPv6 */
        if (width == 0 || at + width < at)
            saturated = true;
        at += width;
    }
    p->size = saturated ? ~(src_u128)0 : at;
    return 0;
}

int source_pool_init(struct source_pool *p, const struct addr_ranges *given, int family)
{
    memset(p, 0, sizeof *p);
    p->family = family;
    size_t n = 0;
    for (size_t i = 0; i < given->n; i++)
        n += given->r[i].lo.family == family;
    if (!n)
        return 0;
    if (!(p->r = malloc(n * sizeof *p->r)))
        return -1;
    for (size_t i = 0; i < given->n; i++)
        if (given->r[i].lo.family == family)
            p->r[p->n++] = given->r[i];
    qsort(p->r, p->n, sizeof *p->r, cmp_range);
    /* merge overlapping and adjacent ranges: an address counts once */
    size_t out = 0;
    for (size_t i = 1; i < p->n; i++) {
        src_u128 hi = to_u128(&p->r[out].hi), lo = to_u128(&p->r[i].lo);
        if (lo <= hi || lo == hi + 1) {
            if (ip_addr_compare(&p->r[i].hi, &p->r[out].hi) > 0)
                p->r[out].hi = p->r[i].hi;
        } else {
            p->r[++out] = p->r[i];
        }
    }
    p->n = out + 1;
    return finish(p);
}

int source_pool_single(struct source_pool *p, const struct ip_addr *a)
{
    memset(p, 0, sizeof *p);
    p->family = a->family;
    if (!(p->r = malloc(sizeof *p->r)))
        return -1;
    p->r[0] = (struct addr_range){*a, *a};
    p->n = 1;
    return finish(p);
}

void source_pool_free(struct source_pool *p)
{
    free(p->r);
    free(p->start);
    memset(p, 0, sizeof *p);
}

void source_pool_nth(const struct source_pool *p, src_u128 i, struct ip_addr *out)
{
    /* the last range starting at or before i */
    size_t lo = 0, hi = p->n;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (p->start[mid] <= i)
            lo = mid;
        else
            hi = mid;
    }
    from_u128(p->family, to_u128(&p->r[lo].lo) + (i - p->start[lo]), out);
}

void source_pool_pick(const struct source_pool *p, uint64_t seed, const struct ip_addr *target, uint16_t port,
                      struct ip_addr *out)
{
    if (p->n == 1 && p->size == 1) {
        *out = p->r[0].lo;
        return;
    }
    uint64_t h = hash_mix64(seed ^ 0x736f75726365ull);
    for (size_t i = 0; i < ip_addr_len(target); i += 8) {
        uint64_t w;
        memcpy(&w, target->bytes + i, 8);   /* IPv4: the zero tail of bytes[] is part of the word */
        h = hash_mix64(h ^ w);
    }
    h = hash_mix64(h ^ port);
    source_pool_nth(p, (src_u128)h % p->size, out);
}

bool source_pool_contains(const struct source_pool *p, const struct ip_addr *a)
{
    if (a->family != p->family || !p->n)
        return false;
    size_t lo = 0, hi = p->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ip_addr_compare(&p->r[mid].hi, a) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < p->n && ip_addr_compare(&p->r[lo].lo, a) <= 0;
}

bool source_pool_bpf(const struct source_pool *p, unsigned max_terms, char *buf, size_t len)
{
    unsigned bits = addr_bits(p->family), terms = 0;
    size_t at = 0;
    if (len)
        buf[0] = '\0';
    for (size_t i = 0; i < p->n; i++) {
        src_u128 lo = to_u128(&p->r[i].lo), hi = to_u128(&p->r[i].hi);
        for (;;) {
            /* the largest aligned block starting at lo that ends at or before hi (an IPv6 /0 is two /1s) */
            unsigned host = 0, max_host = bits == 128 ? 127 : bits;
            while (host < max_host) {
                src_u128 size = (src_u128)1 << (host + 1);
                if ((lo & (size - 1)) || hi - lo < size - 1)
                    break;
                host++;
            }
            if (++terms > max_terms)
                return false;
            struct ip_addr a;
            char text[IP_ADDR_STRLEN];
            from_u128(p->family, lo, &a);
            int w = host ? snprintf(buf + at, len - at, "%sdst net %s/%u", terms > 1 ? " or " : "",
                                    ip_addr_format(&a, text, sizeof text), bits - host)
                         : snprintf(buf + at, len - at, "%sdst host %s", terms > 1 ? " or " : "",
                                    ip_addr_format(&a, text, sizeof text));
            if (w < 0 || (size_t)w >= len - at)
                return false;
            at += (size_t)w;
            src_u128 last = lo + (((src_u128)1 << host) - 1);
            if (last >= hi)
                break;
            lo = last + 1;
        }
    }
    return terms > 0;
}

const char *source_pool_format(const struct source_pool *p, char *buf, size_t len)
{
    size_t at = 0;
    if (len)
        buf[0] = '\0';
    for (size_t i = 0; i < p->n && at < len; i++) {
        char a[IP_ADDR_STRLEN], b[IP_ADDR_STRLEN];
        ip_addr_format(&p->r[i].lo, a, sizeof a);
        ip_addr_format(&p->r[i].hi, b, sizeof b);
        bool one = ip_addr_equal(&p->r[i].lo, &p->r[i].hi);
        int w = one ? snprintf(buf + at, len - at, "%s%s", i ? "," : "", a)
                    : snprintf(buf + at, len - at, "%s%s-%s", i ? "," : "", a, b);
        if (w < 0 || (size_t)w >= len - at) {
            if (len >= 4)
                strcpy(buf + len - 4, "...");
            break;
        }
        at += (size_t)w;
    }
    return buf;
}
