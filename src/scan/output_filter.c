/* output_filter.c — the reply fields of scan's --output-filter and their values, read from a scan record as the record writer writes them. */
#include "scan/output_filter.h"

#include <stdint.h>
#include <string.h>

#include "cli/filter.h"
#include "net/bytes.h"
#include "net/mptcp.h"
#include "net/packet.h"

enum {
    F_SADDR, F_SPORT, F_DADDR, F_DPORT, F_TTL, F_IPID, F_WINDOW, F_TCP_FLAGS, F_CLASSIFICATION, F_PROBE_VERSION,
    F_MPTCP_OPTION, F_MPTCP_VERSION, F_MPTCP_FLAGS, F_MPTCP_KEY, F_KEY_HAMMING, F_VERDICT, F_REPEAT, F_COOLDOWN,
    F_SUCCESS, F_COUNT
};

static const char *const verdicts[] = {"mptcp", "mirrored", "version-mismatch", "malformed", "tcp", "closed", NULL};
static const char *const classifications[] = {"synack", "rst", NULL};

static const struct filter_field fields[F_COUNT] = {
    [F_SADDR] = {"saddr", FILTER_STR, NULL},
    [F_SPORT] = {"sport", FILTER_NUM, NULL},
    [F_DADDR] = {"daddr", FILTER_STR, NULL},
    [F_DPORT] = {"dport", FILTER_NUM, NULL},
    [F_TTL] = {"ttl", FILTER_NUM, NULL},
    [F_IPID] = {"ipid", FILTER_NUM, NULL},
    [F_WINDOW] = {"window", FILTER_NUM, NULL},
    [F_TCP_FLAGS] = {"tcp_flags", FILTER_STR, NULL},
    [F_CLASSIFICATION] = {"classification", FILTER_STR, classifications},
    [F_PROBE_VERSION] = {"probe_version", FILTER_NUM, NULL},
    [F_MPTCP_OPTION] = {"mptcp_option", FILTER_STR, NULL},
    [F_MPTCP_VERSION] = {"mptcp_version", FILTER_NUM, NULL},
    [F_MPTCP_FLAGS] = {"mptcp_flags", FILTER_STR, NULL},
    [F_MPTCP_KEY] = {"mptcp_key", FILTER_STR, NULL},
    [F_KEY_HAMMING] = {"key_hamming", FILTER_NUM, NULL},
    [F_VERDICT] = {"verdict", FILTER_STR, verdicts},
    [F_REPEAT] = {"repeat", FILTER_NUM, NULL},
    [F_COOLDOWN] = {"cooldown", FILTER_NUM, NULL},
    [F_SUCCESS] = {"success", FILTER_NUM, NULL},
};

struct filter *scan_filter_compile(const char *text, char *why, size_t whylen)
{
    return filter_compile(text, fields, F_COUNT, why, whylen);
}

/* text values live until the next call on this thread: a comparison uses one at once */
static _Thread_local char text[2 * SCAN_OPT_MAX + IP_ADDR_STRLEN];

static void num(struct filter_value *v, uint64_t x)
{
    v->present = true;
    v->num = x;
}

static void str(struct filter_value *v, const char *s)
{
    v->present = true;
    v->str = s;
}

static void get(const void *record, unsigned field, struct filter_value *v)
{
    const struct scan_record *r = record;
    switch (field) {
    case F_SADDR: str(v, ip_addr_format(&r->saddr, text, sizeof text)); break;
    case F_SPORT: num(v, r->sport); break;
    case F_DADDR: str(v, ip_addr_format(&r->daddr, text, sizeof text)); break;
    case F_DPORT: num(v, r->dport); break;
    case F_TTL: num(v, r->ttl); break;
    case F_IPID: num(v, r->ipid); break;
    case F_WINDOW: num(v, r->window); break;
    case F_TCP_FLAGS: str(v, tcp_flags_format(r->tcp_flags, text)); break;
    case F_CLASSIFICATION: str(v, r->synack ? "synack" : "rst"); break;
    case F_PROBE_VERSION:
        if (r->probe_version >= 0)
            num(v, (uint64_t)r->probe_version);
        break;
    case F_MPTCP_OPTION:
        if (r->has_mpc) {
            hex_encode(text, r->mpc_raw, r->mpc_len);
            text[2 * r->mpc_len] = '\0';
            str(v, text);
        }
        break;
    case F_MPTCP_VERSION:
        if (r->has_mpc)
            num(v, (uint64_t)r->mptcp_version);
        break;
    case F_MPTCP_FLAGS:
        if (r->has_mpc && r->mpc_len > MPTCP_HEADER_LEN) {
            text[0] = '0';
            text[1] = 'x';
            hex_encode(text + 2, &r->mptcp_flags, 1);
            text[4] = '\0';
            str(v, text);
        }
        break;
    case F_MPTCP_KEY:
        if (r->has_key) {
            uint8_t k[8];
            store_be64(k, r->mptcp_key);
            hex_encode(text, k, sizeof k);
            text[16] = '\0';
            str(v, text);
        }
        break;
    case F_KEY_HAMMING:
        if (r->has_key)
            num(v, key_hamming(r->mptcp_key));
        break;
    case F_VERDICT: str(v, scan_verdict_name(r->verdict)); break;
    case F_REPEAT: num(v, r->repeat); break;
    case F_COOLDOWN: num(v, r->cooldown); break;
    case F_SUCCESS: num(v, r->synack); break;
    default: break;
    }
}

bool scan_filter_match(const struct filter *f, const struct scan_record *r)
{
    return !f || filter_match(f, get, r);
}
