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
    free(l->one);
    memset(l, 0, sizeof(*l));
}

static int add_one(struct prefix_list *l, u128 a)
{
    if (l->n_one == l->cap_one) {
        /* 1.5x: a large realloc moves pages (mremap) rather than copying them */
        size_t nc = l->cap_one ? l->cap_one + l->cap_one / 2 : 1024;
        u128 *nv = realloc(l->one, nc * sizeof(*nv));
        if (!nv)
            return -1;
        l->one = nv;
        l->cap_one = nc;
    }
    l->one[l->n_one++] = a;
    l->normalized = false;
    return 0;
}

/* --- in-place sort of addresses (qsort would allocate a copy of them) --- */

static void swap_u128(u128 *a, u128 *b)
{
    u128 t = *a;
    *a = *b;
    *b = t;
}

static void sift_down(u128 *a, size_t root, size_t n)
{
    for (;;) {
        size_t c = 2 * root + 1;
        if (c >= n)
            return;
        if (c + 1 < n && a[c + 1] > a[c])
            c++;
        if (a[root] >= a[c])
            return;
        swap_u128(&a[root], &a[c]);
        root = c;
    }
}

static void heap_sort(u128 *a, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(a, i, n);
    for (size_t end = n; end-- > 1;) {
        swap_u128(&a[0], &a[end]);
        sift_down(a, 0, end);
    }
}

/* Introsort: quicksort (median of three, Hoare partition), heapsort when the
 * recursion gets deep, insertion sort for short runs. */
static void intro_sort(u128 *a, size_t n, int depth)
{
    while (n > 16) {
        if (depth-- <= 0) {
            heap_sort(a, n);
            return;
        }
        size_t m = n / 2;
        if (a[m] < a[0])
            swap_u128(&a[m], &a[0]);
        if (a[n - 1] < a[0])
            swap_u128(&a[n - 1], &a[0]);
        if (a[n - 1] < a[m])
            swap_u128(&a[n - 1], &a[m]);
        swap_u128(&a[0], &a[m]); /* the median leads: Hoare then splits inside [0, n-1) */
        u128 p = a[0];
        size_t i = 0, j = n;
        for (;;) {
            while (a[i] < p)
                i++;
            do
                j--;
            while (a[j] > p);
            if (i >= j)
                break;
            swap_u128(&a[i], &a[j]);
            i++;
        }
        size_t left = j + 1; /* [0, left) <= p <= [left, n) */
        if (left < n - left) {
            intro_sort(a, left, depth);
            a += left;
            n -= left;
        } else {
            intro_sort(a + left, n - left, depth);
            n = left;
        }
    }
    for (size_t i = 1; i < n; i++) {
        u128 x = a[i];
        size_t j = i;
        for (; j > 0 && a[j - 1] > x; j--)
            a[j] = a[j - 1];
        a[j] = x;
    }
}

static void sort_addresses(u128 *a, size_t n)
{
    size_t i = 1;
    while (i < n && a[i - 1] <= a[i])
        i++;
    if (i >= n)
        return; /* hitlists are often sorted already */
    int depth = 0;
    for (size_t k = n; k; k >>= 1)
        depth += 2;
    intro_sort(a, n, depth);
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
        char perr[200];
        struct prefix_entry e;
        if (!prefix_parse(p, &e, perr, sizeof(perr))) {
            snprintf(err, errlen, "%s:%u: %s", path, lineno, perr);
            rc = -1;
            break;
        }
        int added;
        if (e.family == 6 && e.plen == 128 && !(reason && *reason)) {
            added = add_one(l, e.lo); /* the compact form (see prefix_list.h) */
        } else {
            char rbuf[512];
            snprintf(rbuf, sizeof(rbuf), "%s:%u%s%s", path, lineno, reason && *reason ? " " : "",
                     reason && *reason ? reason : "");
            added = prefix_list_add(l, &e, rbuf);
        }
        if (added < 0) {
            snprintf(err, errlen, "%s: out of memory at line %u", path, lineno);
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
    /* single addresses: sorted, unique, and none inside a range of v */
    if (l->n_one) {
        sort_addresses(l->one, l->n_one);
        size_t k = 0, r = 0;
        while (r < l->n && l->v[r].family != 6)
            r++;
        for (size_t i = 0; i < l->n_one; i++) {
            u128 a = l->one[i];
            if (k && l->one[k - 1] == a)
                continue;
            while (r < l->n && l->v[r].hi < a)
                r++;
            if (r < l->n && l->v[r].lo <= a)
                continue;
            l->one[k++] = a;
        }
        l->n_one = k;
    }
    l->normalized = true;
}

const u128 *prefix_one_find(const u128 *v, size_t n, u128 a)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && v[lo] == a ? &v[lo] : NULL;
}

static struct prefix_entry single_entry(u128 a)
{
    return (struct prefix_entry){.lo = a, .hi = a, .reason = NULL, .family = 6, .plen = 128};
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
    if (family == 6 && prefix_one_find(l->one, l->n_one, addr)) {
        static _Thread_local struct prefix_entry view; /* the answer for an address of `one` */
        view = single_entry(addr);
        return &view;
    }
    return NULL;
}

/* The blockers of a list in (family, lo) order: its ranges merged with its
 * single addresses (disjoint after normalisation). Copyable by value. */
struct blockers {
    const struct prefix_list *l;
    size_t iv, io;
};

/* Which source holds the next blocker: 1 the ranges, 2 the single addresses, 0 none. */
static int blocker_src(const struct blockers *b)
{
    const struct prefix_list *l = b->l;
    bool has_v = b->iv < l->n, has_o = b->io < l->n_one;
    if (has_v && (!has_o || l->v[b->iv].family < 6 || l->v[b->iv].lo < l->one[b->io]))
        return 1;
    return has_o ? 2 : 0;
}

static bool blocker_peek(const struct blockers *b, struct prefix_entry *out)
{
    switch (blocker_src(b)) {
    case 1: *out = b->l->v[b->iv]; return true;
    case 2: *out = single_entry(b->l->one[b->io]); return true;
    default: return false;
    }
}

static void blocker_next(struct blockers *b)
{
    int src = blocker_src(b);
    b->iv += src == 1;
    b->io += src == 2;
}

static bool before(const struct prefix_entry *b, uint8_t family, u128 a)
{
    return b->family < family || (b->family == family && b->hi < a);
}

/* move: the single addresses are filtered in place and handed to out. */
static int subtract(struct prefix_list *targets, const struct prefix_list *block, struct prefix_list *out,
                    prefix_excluded_fn fn, void *user, bool move)
{
    struct blockers j = {block, 0, 0};
    struct prefix_entry b;
    for (size_t i = 0; i < targets->n; i++) {
        struct prefix_entry cur = targets->v[i];
        /* skip blockers that end before this range */
        while (blocker_peek(&j, &b) && before(&b, cur.family, cur.lo))
            blocker_next(&j);
        bool alive = true;
        for (struct blockers k = j; alive && blocker_peek(&k, &b) && b.family == cur.family && b.lo <= cur.hi;
             blocker_next(&k)) {
            if (b.hi < cur.lo)
                continue;
            if (b.lo > cur.lo) {
                struct prefix_entry keep = cur;
                keep.hi = b.lo - 1;
                keep.plen = 0xff;
                if (prefix_list_add(out, &keep, NULL) < 0)
                    return -1;
            }
            struct prefix_entry cut = cur;
            cut.lo = b.lo > cur.lo ? b.lo : cur.lo;
            cut.hi = b.hi < cur.hi ? b.hi : cur.hi;
            cut.plen = 0xff;
            if (fn)
                fn(user, &cut, &b);
            if (b.hi >= cur.hi)
                alive = false;
            else {
                cur.lo = b.hi + 1;
                cur.plen = 0xff;
            }
        }
        if (alive && prefix_list_add(out, &cur, NULL) < 0)
            return -1;
    }
    /* single target addresses: kept unless a blocker holds them */
    struct blockers k = {block, 0, 0};
    size_t kept = 0;
    for (size_t i = 0; i < targets->n_one; i++) {
        u128 a = targets->one[i];
        while (blocker_peek(&k, &b) && before(&b, 6, a))
            blocker_next(&k);
        if (blocker_peek(&k, &b) && b.family == 6 && b.lo <= a) {
            if (fn) {
                struct prefix_entry cut = single_entry(a);
                fn(user, &cut, &b);
            }
            continue;
        }
        if (move)
            targets->one[kept++] = a;
        else if (add_one(out, a) < 0)
            return -1;
    }
    if (move) {
        free(out->one);
        out->one = targets->one;
        out->n_one = kept;
        out->cap_one = targets->cap_one;
        targets->one = NULL;
        targets->n_one = targets->cap_one = 0;
    }
    out->normalized = true;
    return 0;
}

int prefix_list_subtract(const struct prefix_list *targets, const struct prefix_list *block,
                         struct prefix_list *out, prefix_excluded_fn fn, void *user)
{
    return subtract((struct prefix_list *)targets, block, out, fn, user, false); /* targets is only read */
}

int prefix_list_subtract_move(struct prefix_list *targets, const struct prefix_list *block, struct prefix_list *out,
                              prefix_excluded_fn fn, void *user)
{
    return subtract(targets, block, out, fn, user, true);
}

uint64_t prefix_list_count(const struct prefix_list *l)
{
    u128 total = l->n_one;
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
