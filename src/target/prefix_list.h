/* prefix_list.h — sets of IPv4/IPv6 CIDR prefixes (targets, allowlists, blocklists) as sorted address ranges with reasons. */
#ifndef TARGET_PREFIX_LIST_H
#define TARGET_PREFIX_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef unsigned __int128 u128;

/* An inclusive address range of one family. IPv4 addresses are the 32-bit
 * value (host order) in the low bits; IPv6 the full 128 bits. */
struct prefix_entry {
    u128 lo, hi;
    const char *reason;    /* why it is listed (comment / built-in name); owned by the list */
    uint8_t family;        /* 4 or 6 */
    uint8_t plen;          /* prefix length as written (informational) */
};

/*
 * Memory: a hitlist is mostly single IPv6 addresses. Those read from a file
 * without a comment are kept apart in `one`, 16 bytes each, without a
 * reason (a refusal they cause names "blocklist"); everything else is a
 * 48-byte entry of v (plus its reason text, "FILE:LINE comment"). Sorting is
 * in place, so loading, normalising and subtracting a blocklist need about
 * 16 bytes per address of such a hitlist.
 */
struct prefix_list {
    struct prefix_entry *v;
    size_t n, cap;
    u128 *one;             /* IPv6 single addresses from files (see above) */
    size_t n_one, cap_one;
    char **strings;        /* owned reason strings */
    size_t n_strings;
    bool normalized;       /* sorted by (family, lo), disjoint, adjacent ranges merged; `one`
                              sorted, without duplicates and outside v */
};

void prefix_list_init(struct prefix_list *l);
void prefix_list_free(struct prefix_list *l);

/* Parses "ADDR" or "ADDR/LEN" (IPv4 or IPv6). Host bits beyond LEN are
 * cleared, as ZMap does. Returns false with a reason in err on bad text. */
bool prefix_parse(const char *text, struct prefix_entry *out, char *err, size_t errlen);

/* Adds one range; reason is copied (may be NULL). Returns -1 on memory failure. */
int prefix_list_add(struct prefix_list *l, const struct prefix_entry *e, const char *reason);
/* Parses and adds one CIDR; -1 with err on bad text. */
int prefix_list_add_text(struct prefix_list *l, const char *cidr, const char *reason, char *err, size_t errlen);
/* Loads a file (ZMap blocklist format): one CIDR per line, '#' starts a
 * comment (the comment becomes the reason), blank lines ignored.
 * "-" reads stdin. Any bad line fails the whole load: err says file:line. */
int prefix_list_load_file(struct prefix_list *l, const char *path, char *err, size_t errlen);
/* Adds the IANA special-purpose registries (IPv4 and IPv6) plus multicast
 * and the limited broadcast address: the scanner's default blocklist. */
int prefix_list_add_iana_special(struct prefix_list *l);

/* Sorts and merges overlapping/adjacent ranges of the same family (the
 * first entry's reason is kept). Required before lookup/subtract. */
void prefix_list_normalize(struct prefix_list *l);
/* The entry containing addr (normalized list), or NULL. For an address of
 * `one` the entry is a per-thread view, valid until the thread's next lookup. */
const struct prefix_entry *prefix_list_lookup(const struct prefix_list *l, uint8_t family, u128 addr);
/* a in the sorted array v[0..n) of single addresses (`one`), or NULL. */
const u128 *prefix_one_find(const u128 *v, size_t n, u128 a);

/* Called for every part of a target range removed by a blocklist entry. */
typedef void (*prefix_excluded_fn)(void *user, const struct prefix_entry *target_part,
                                   const struct prefix_entry *blocker);
/* out = targets minus block (both normalized); out must be initialised and
 * empty. Reports each removed piece through fn (may be NULL): the pieces of
 * ranges first, in address order, then the single addresses of `one`. */
int prefix_list_subtract(const struct prefix_list *targets, const struct prefix_list *block,
                         struct prefix_list *out, prefix_excluded_fn fn, void *user);
/* The same, but the single addresses move from targets to out instead of
 * being copied (targets keeps its ranges; no second copy of a hitlist). */
int prefix_list_subtract_move(struct prefix_list *targets, const struct prefix_list *block, struct prefix_list *out,
                              prefix_excluded_fn fn, void *user);

/* Number of addresses in a normalized list (saturates at UINT64_MAX). */
uint64_t prefix_list_count(const struct prefix_list *l);

/* Decimal text of an address count up to 2^128 ("18446744073709551616" for
 * a /64); 0 stands for 2^128 (all of IPv6, which wraps a u128). */
const char *prefix_count_format(u128 count, char *buf, size_t len);

/* Text form of one address of a range ("198.18.0.1", "2001:db8::1"). */
const char *prefix_addr_format(uint8_t family, u128 a, char *buf, size_t len);
/* "198.18.0.0/15" when the range is one prefix, else "lo-hi". */
const char *prefix_range_format(const struct prefix_entry *e, char *buf, size_t len);

#endif
