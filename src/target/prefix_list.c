/* prefix_list.c — prefix lists from CIDR text (parsed by net/addr) and files, the IANA special-purpose blocklist, range set normalisation/subtraction. */
#include "target/prefix_list.h"

#include "net/addr.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void prefix_list_init(struct prefix_list *l)
{
    memset(l, 0, sizeof(*l));
}

void prefix_list_free(struct prefix_list *l)
{
    for (size_t i = 0; i < l->n_strings; i++)
        free(l->strings[i]);
    free(l->strings);
    free(l->v);
    memset(l, 0, sizeof(*l));
}

static u128 mask_of(uint8_t family, unsigned plen)
{
    unsigned bits = family == 4 ? 32 : 128;
    u128 all = family == 4 ? (u128)0xffffffffu : ~(u128)0;
    if (plen == 0)
        return 0;
    return (all << (bits - plen)) & all;
}

bool prefix_parse(const char *text, struct prefix_entry *out, char *err, size_t errlen)
{
    /* the text is net's (ip_prefix_parse); a list keeps ranges */
    char buf[128];
    size_t len = text ? strlen(text) : 0;
    while (len && isspace((unsigned char)text[len - 1]))
        len--;
    while (len && isspace((unsigned char)*text)) {
        text++;
        len--;
    }
    if (len >= sizeof(buf)) {
        snprintf(err, errlen, "prefix too long");
        return false;
    }
    memcpy(buf, text ? text : "", len);
    buf[len] = '\0';
    struct ip_prefix p;
    if (!ip_prefix_parse(buf, true, &p, err, errlen))   /* host bits cleared, as ZMap does */
        return false;
    memset(out, 0, sizeof(*out));
    out->family = p.addr.family == AF_INET6 ? 6 : 4;
    for (size_t i = 0; i < ip_addr_len(&p.addr); i++)
        out->lo = out->lo << 8 | p.addr.bytes[i];
    u128 all = out->family == 4 ? (u128)0xffffffffu : ~(u128)0;
    out->plen = p.len;
    out->hi = out->lo | (all & ~mask_of(out->family, p.len));
    return true;
}

static char *own_string(struct prefix_list *l, const char *s)
{
    if (!s)
        return NULL;
    /* reuse the last string when the same reason is added repeatedly */
    if (l->n_strings && !strcmp(l->strings[l->n_strings - 1], s))
        return l->strings[l->n_strings - 1];
    char **ns = realloc(l->strings, (l->n_strings + 1) * sizeof(*ns));
    if (!ns)
        return NULL;
    l->strings = ns;
    char *c = strdup(s);
    if (!c)
        return NULL;
    l->strings[l->n_strings++] = c;
    return c;
}

int prefix_list_add(struct prefix_list *l, const struct prefix_entry *e, const char *reason)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 64;
        struct prefix_entry *nv = realloc(l->v, nc * sizeof(*nv));
        if (!nv)
            return -1;
        l->v = nv;
        l->cap = nc;
    }
    struct prefix_entry c = *e;
    c.reason = reason ? own_string(l, reason) : e->reason;
    if (reason && !c.reason)
        return -1;
    l->v[l->n++] = c;
    l->normalized = false;
    return 0;
}

int prefix_list_add_text(struct prefix_list *l, const char *cidr, const char *reason, char *err, size_t errlen)
{
    struct prefix_entry e;
    if (!prefix_parse(cidr, &e, err, errlen))
        return -1;
    if (prefix_list_add(l, &e, reason) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

int prefix_list_load_file(struct prefix_list *l, const char *path, char *err, size_t errlen)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    unsigned lineno = 0;
    int rc = 0;
    while ((got = getline(&line, &cap, f)) >= 0) {
        lineno++;
        char *hash = strchr(line, '#');
        char *reason = NULL;
        if (hash) {
            *hash = '\0';
            reason = hash + 1;
            while (*reason == ' ' || *reason == '\t')
                reason++;
            reason[strcspn(reason, "\r\n")] = '\0';
        }
        char *p = line;
        while (isspace((unsigned char)*p))
            p++;
        if (!*p)
            continue;
        char rbuf[512];
        snprintf(rbuf, sizeof(rbuf), "%s:%u%s%s", path, lineno, reason && *reason ? " " : "",
                 reason && *reason ? reason : "");
        char perr[200];
        if (prefix_list_add_text(l, p, rbuf, perr, sizeof(perr)) < 0) {
            snprintf(err, errlen, "%s:%u: %s", path, lineno, perr);
            rc = -1;
            break;
        }
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "%s: read error", path);
        rc = -1;
    }
    free(line);
    if (f != stdin)
        fclose(f);
    return rc;
}

/* IANA IPv4/IPv6 Special-Purpose Address Registries (RFC 6890 and updates),
 * plus multicast, which ZMap also refuses by default. */
static const char *const iana_special[][2] = {
    {"0.0.0.0/8", "\"this network\" (RFC 791)"},
    {"10.0.0.0/8", "private use (RFC 1918)"},
    {"100.64.0.0/10", "shared address space (RFC 6598)"},
    {"127.0.0.0/8", "loopback (RFC 1122)"},
    {"169.254.0.0/16", "link local (RFC 3927)"},
    {"172.16.0.0/12", "private use (RFC 1918)"},
    {"192.0.0.0/24", "IETF protocol assignments (RFC 6890)"},
    {"192.0.2.0/24", "documentation TEST-NET-1 (RFC 5737)"},
    {"192.31.196.0/24", "AS112-v4 (RFC 7535)"},
    {"192.52.193.0/24", "AMT (RFC 7450)"},
    {"192.88.99.0/24", "deprecated 6to4 relay anycast (RFC 7526)"},
    {"192.168.0.0/16", "private use (RFC 1918)"},
    {"192.175.48.0/24", "direct delegation AS112 service (RFC 7534)"},
    {"198.18.0.0/15", "benchmarking (RFC 2544)"},
    {"198.51.100.0/24", "documentation TEST-NET-2 (RFC 5737)"},
    {"203.0.113.0/24", "documentation TEST-NET-3 (RFC 5737)"},
    {"224.0.0.0/4", "multicast (RFC 5771)"},
    {"240.0.0.0/4", "reserved (RFC 1112)"},
    {"255.255.255.255/32", "limited broadcast (RFC 919)"},
    {"::/128", "unspecified address (RFC 4291)"},
    {"::1/128", "loopback address (RFC 4291)"},
    {"::ffff:0:0/96", "IPv4-mapped address (RFC 4291)"},
    {"64:ff9b::/96", "IPv4-IPv6 translation (RFC 6052)"},
    {"64:ff9b:1::/48", "IPv4-IPv6 local-use translation (RFC 8215)"},
    {"100::/64", "discard-only (RFC 6666)"},
    {"2001::/23", "IETF protocol assignments (RFC 2928)"},
    {"2001:db8::/32", "documentation (RFC 3849)"},
    {"2002::/16", "6to4 (RFC 3056)"},
    {"3fff::/20", "documentation (RFC 9637)"},
    {"5f00::/16", "segment routing SIDs (RFC 9602)"},
    {"fc00::/7", "unique local (RFC 4193)"},
    {"fe80::/10", "link-local unicast (RFC 4291)"},
    {"ff00::/8", "multicast (RFC 4291)"},
};

int prefix_list_add_iana_special(struct prefix_list *l)
{
    char err[128];
    for (size_t i = 0; i < sizeof(iana_special) / sizeof(iana_special[0]); i++) {
        char reason[160];
        snprintf(reason, sizeof(reason), "default blocklist: %s", iana_special[i][1]);
        if (prefix_list_add_text(l, iana_special[i][0], reason, err, sizeof(err)) < 0)
            return -1;
    }
    return 0;
}

static int cmp_entry(const void *a, const void *b)
{
    const struct prefix_entry *x = a, *y = b;
    if (x->family != y->family)
        return x->family < y->family ? -1 : 1;
    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    return 0;
}

void prefix_list_normalize(struct prefix_list *l)
{
    if (l->normalized)
        return;
    if (l->n > 1)
        qsort(l->v, l->n, sizeof(*l->v), cmp_entry);
    size_t w = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (w > 0) {
            struct prefix_entry *last = &l->v[w - 1];
            u128 all = last->family == 4 ? (u128)0xffffffffu : ~(u128)0;
            if (last->family == l->v[i].family &&
                (l->v[i].lo <= last->hi || (last->hi != all && l->v[i].lo == last->hi + 1))) {
                if (l->v[i].hi > last->hi) {
                    last->hi = l->v[i].hi;
                    last->plen = 0xff;     /* no longer one prefix */
                }
                continue;
            }
        }
        l->v[w++] = l->v[i];
    }
    l->n = w;
    l->normalized = true;
}

const struct prefix_entry *prefix_list_lookup(const struct prefix_list *l, uint8_t family, u128 addr)
{
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct prefix_entry *e = &l->v[mid];
        if (e->family < family || (e->family == family && e->hi < addr))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < l->n && l->v[lo].family == family && l->v[lo].lo <= addr && addr <= l->v[lo].hi)
        return &l->v[lo];
    return NULL;
}

int prefix_list_subtract(const struct prefix_list *targets, const struct prefix_list *block,
                         struct prefix_list *out, prefix_excluded_fn fn, void *user)
{
    size_t j = 0;
    for (size_t i = 0; i < targets->n; i++) {
        struct prefix_entry cur = targets->v[i];
        /* skip blockers that end before this range */
        while (j < block->n && (block->v[j].family < cur.family ||
                                (block->v[j].family == cur.family && block->v[j].hi < cur.lo)))
            j++;
        bool alive = true;
        for (size_t k = j; alive && k < block->n && block->v[k].family == cur.family && block->v[k].lo <= cur.hi; k++) {
            const struct prefix_entry *b = &block->v[k];
            if (b->hi < cur.lo)
                continue;
            if (b->lo > cur.lo) {
                struct prefix_entry keep = cur;
                keep.hi = b->lo - 1;
                keep.plen = 0xff;
                if (prefix_list_add(out, &keep, NULL) < 0)
                    return -1;
            }
            struct prefix_entry cut = cur;
            cut.lo = b->lo > cur.lo ? b->lo : cur.lo;
            cut.hi = b->hi < cur.hi ? b->hi : cur.hi;
            cut.plen = 0xff;
            if (fn)
                fn(user, &cut, b);
            if (b->hi >= cur.hi)
                alive = false;
            else {
                cur.lo = b->hi + 1;
                cur.plen = 0xff;
            }
        }
        if (alive && prefix_list_add(out, &cur, NULL) < 0)
            return -1;
    }
    out->normalized = true;
    return 0;
}

uint64_t prefix_list_count(const struct prefix_list *l)
{
    u128 total = 0;
    for (size_t i = 0; i < l->n; i++) {
        total += l->v[i].hi - l->v[i].lo + 1;   /* ::/0 wraps to 0: treat as huge */
        if (l->v[i].hi - l->v[i].lo + 1 == 0 || total > UINT64_MAX)
            return UINT64_MAX;
    }
    return (uint64_t)total;
}

const char *prefix_count_format(u128 count, char *buf, size_t len)
{
    if (count == 0) {
        snprintf(buf, len, "340282366920938463463374607431768211456");   /* 2^128 */
        return buf;
    }
    char digits[48];
    size_t i = sizeof digits;
    digits[--i] = '\0';
    do {
        digits[--i] = (char)('0' + (unsigned)(count % 10));
        count /= 10;
    } while (count);
    snprintf(buf, len, "%s", digits + i);
    return buf;
}

const char *prefix_addr_format(uint8_t family, u128 a, char *buf, size_t len)
{
    uint8_t b[16];
    if (family == 4) {
        uint32_t v = (uint32_t)a;
        b[0] = (uint8_t)(v >> 24); b[1] = (uint8_t)(v >> 16); b[2] = (uint8_t)(v >> 8); b[3] = (uint8_t)v;
    } else {
        for (int i = 15; i >= 0; i--) {
            b[i] = (uint8_t)a;
            a >>= 8;
        }
    }
    if (!inet_ntop(family == 4 ? AF_INET : AF_INET6, b, buf, (socklen_t)len) && len)
        buf[0] = '\0';
    return buf;
}

const char *prefix_range_format(const struct prefix_entry *e, char *buf, size_t len)
{
    char a[64], b[64];
    unsigned bits = e->family == 4 ? 32 : 128;
    u128 size = e->hi - e->lo + 1;
    /* a single prefix: size is a power of two and lo is aligned to it */
    if (size != 0 && (size & (size - 1)) == 0 && (e->lo & (size - 1)) == 0) {
        unsigned host = 0;
        while (((u128)1 << host) != size)
            host++;
        snprintf(buf, len, "%s/%u", prefix_addr_format(e->family, e->lo, a, sizeof(a)), bits - host);
    } else if (size == 0) {
        snprintf(buf, len, "%s/0", prefix_addr_format(e->family, e->lo, a, sizeof(a)));
    } else {
        snprintf(buf, len, "%s-%s", prefix_addr_format(e->family, e->lo, a, sizeof(a)),
                 prefix_addr_format(e->family, e->hi, b, sizeof(b)));
    }
    return buf;
}
