/* args.c — typed value parsers, table-driven getopt_long parsing, and --help / man rendering of option tables. */
#include "cli/args.h"

#include "io/errmsg.h"
#include "io/record.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* ============================================================ value parsers */

bool args_parse_u64(const char *text, uint64_t lo, uint64_t hi, uint64_t *out, char *why, size_t whylen)
{
    if (!text || !*text)
        return errmsg_false(why, whylen, "empty value");
    if (*text == '-')
        return errmsg_false(why, whylen, "must not be negative");
    if (!isdigit((unsigned char)*text))
        return errmsg_false(why, whylen, "not a number");
    errno = 0;
    char *end;
    unsigned long long v = strtoull(text, &end, 0);
    if (*end)
        return errmsg_false(why, whylen, "not a number");
    if (errno == ERANGE)
        return errmsg_false(why, whylen, "too large (at most %llu)", (unsigned long long)hi);
    if (v < lo)
        return errmsg_false(why, whylen, "must be at least %llu", (unsigned long long)lo);
    if (v > hi)
        return errmsg_false(why, whylen, "must be at most %llu", (unsigned long long)hi);
    *out = v;
    return true;
}

bool args_parse_i64(const char *text, int64_t lo, int64_t hi, int64_t *out, char *why, size_t whylen)
{
    if (!text || !*text)
        return errmsg_false(why, whylen, "empty value");
    const char *digits = text + (*text == '-' || *text == '+');
    if (!isdigit((unsigned char)*digits))
        return errmsg_false(why, whylen, "not a number");
    errno = 0;
    char *end;
    long long v = strtoll(text, &end, 10);
    if (*end)
        return errmsg_false(why, whylen, "not a number");
    if (errno == ERANGE || v < lo || v > hi)
        return errmsg_false(why, whylen, "must be between %lld and %lld", (long long)lo, (long long)hi);
    *out = v;
    return true;
}

/* A decimal number that starts with a digit, sign or point; *end after it. */
static bool parse_decimal(const char *text, double *v, char **end)
{
    const char *p = text + (*text == '-' || *text == '+');
    if (!isdigit((unsigned char)*p) && !(*p == '.' && isdigit((unsigned char)p[1])))
        return false;
    errno = 0;
    *v = strtod(text, end);
    return errno == 0 && isfinite(*v) && *end != text;
}

bool args_parse_double(const char *text, double lo, double hi, double *out, char *why, size_t whylen)
{
    if (!text || !*text)
        return errmsg_false(why, whylen, "empty value");
    double v;
    char *end;
    if (!parse_decimal(text, &v, &end) || *end)
        return errmsg_false(why, whylen, "not a number");
    if (v < lo || v > hi)
        return errmsg_false(why, whylen, "must be between %g and %g", lo, hi);
    *out = v;
    return true;
}

bool args_parse_duration(const char *text, double lo, double hi, double *seconds, char *why, size_t whylen)
{
    static const struct { const char *unit; double scale; } units[] = {
        {"", 1}, {"s", 1}, {"us", 1e-6}, {"ms", 1e-3}, {"m", 60}, {"min", 60}, {"h", 3600}, {"d", 86400},
    };
    if (!text || !*text)
        return errmsg_false(why, whylen, "empty value");
    double v;
    char *end;
    if (!parse_decimal(text, &v, &end))
        return errmsg_false(why, whylen, "not a duration (e.g. 5, 1.5s, 250ms, 2m)");
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(end, units[i].unit))
            continue;
        v *= units[i].scale;
        if (v < 0)
            return errmsg_false(why, whylen, "must not be negative");
        if (v < lo || v > hi)
            return errmsg_false(why, whylen, "must be between %g s and %g s", lo, hi);
        *seconds = v;
        return true;
    }
    return errmsg_false(why, whylen, "unknown unit '%s' (us, ms, s, m, h, d)", end);
}

bool args_parse_si(const char *text, char unit_suffix, uint64_t lo, uint64_t hi, uint64_t *out, char *why,
                   size_t whylen)
{
    if (!text || !*text)
        return errmsg_false(why, whylen, "empty value");
    if (*text == '-')
        return errmsg_false(why, whylen, "must not be negative");
    double v;
    char *end;
    if (!parse_decimal(text, &v, &end))
        return errmsg_false(why, whylen, "not a number");
    double scale = 1;
    switch (*end) {
    case 'k': case 'K': scale = 1e3; end++; break;
    case 'M': scale = 1e6; end++; break;
    case 'G': scale = 1e9; end++; break;
    default: break;
    }
    if (unit_suffix && tolower((unsigned char)*end) == tolower((unsigned char)unit_suffix))
        end++;
    if (*end)
        return errmsg_false(why, whylen, "unknown suffix '%s' (k, M, G)", end);
    if (scale == 1 && strchr(text, '.') == NULL) {
        /* a plain integer: exact, also above 2^53 */
        errno = 0;
        unsigned long long x = strtoull(text, &end, 10);
        if (errno == ERANGE)
            return errmsg_false(why, whylen, "too large (at most %llu)", (unsigned long long)hi);
        v = (double)x;
        if (x < lo || x > hi)
            goto range;
        *out = x;
        return true;
    }
    v *= scale;
    if (v != floor(v))
        return errmsg_false(why, whylen, "not a whole number");
    if (v < (double)lo || v > (double)hi)
        goto range;
    *out = (uint64_t)v;
    return true;
range:
    if (v < (double)lo)
        return errmsg_false(why, whylen, "must be at least %llu", (unsigned long long)lo);
    return errmsg_false(why, whylen, "must be at most %llu", (unsigned long long)hi);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool args_parse_key64(const char *text, uint64_t *out, char *why, size_t whylen)
{
    if (!text || !*text)
        return errmsg_false(why, whylen, "empty value");
    if (!strncmp(text, "0x", 2) || !strncmp(text, "0X", 2))
        text += 2;
    size_t n = strlen(text);
    if (n != 16)
        return errmsg_false(why, whylen, "a key is 16 hex digits, not %zu", n);
    uint64_t k = 0;
    for (const char *p = text; *p; p++) {
        int h = hexval((unsigned char)*p);
        if (h < 0)
            return errmsg_false(why, whylen, "'%c' is not a hex digit", *p);
        k = k << 4 | (uint64_t)h;
    }
    *out = k;
    return true;
}

bool args_parse_month(const char *text, int *months, char *why, size_t whylen)
{
    if (!text || !*text)
        return errmsg_false(why, whylen, "empty value");
    int y, m;
    char tail;
    if (strlen(text) != 7 || sscanf(text, "%4d-%2d%c", &y, &m, &tail) != 2 || text[4] != '-' ||
        !isdigit((unsigned char)text[0]) || !isdigit((unsigned char)text[5]))
        return errmsg_false(why, whylen, "not a month (YYYY-MM)");
    if (y < 1970 || m < 1 || m > 12)
        return errmsg_false(why, whylen, "not a month (YYYY-MM, 1970-01 or later)");
    *months = y * 12 + (m - 1);
    return true;
}

bool args_parse_hex(const char *text, uint8_t *buf, size_t cap, size_t *n, char *why, size_t whylen)
{
    if (!text)
        return errmsg_false(why, whylen, "empty value");
    if (!strncmp(text, "0x", 2) || !strncmp(text, "0X", 2))
        text += 2;
    size_t k = 0;
    for (const char *p = text; *p;) {
        if (*p == ':') {
            p++;
            continue;
        }
        int hi = hexval((unsigned char)p[0]), lo = p[1] ? hexval((unsigned char)p[1]) : -1;
        if (hi < 0 || lo < 0)
            return errmsg_false(why, whylen, "not hex bytes at '%.8s'", p);
        if (k == cap)
            return errmsg_false(why, whylen, "more than %zu bytes", cap);
        buf[k++] = (uint8_t)(hi << 4 | lo);
        p += 2;
    }
    *n = k;
    return true;
}

bool args_parse_mac(const char *text, uint8_t mac[6], char *why, size_t whylen)
{
    if (!text || strlen(text) != 17)
        return errmsg_false(why, whylen, "not a MAC address (aa:bb:cc:dd:ee:ff)");
    uint8_t m[6];
    for (int i = 0; i < 6; i++) {
        const char *p = text + 3 * i;
        int hi = hexval((unsigned char)p[0]), lo = hexval((unsigned char)p[1]);
        if (hi < 0 || lo < 0 || (i < 5 && p[2] != ':' && p[2] != '-'))
            return errmsg_false(why, whylen, "not a MAC address (aa:bb:cc:dd:ee:ff)");
        m[i] = (uint8_t)(hi << 4 | lo);
    }
    memcpy(mac, m, 6);
    return true;
}

bool args_parse_addr(const char *text, struct ip_addr *out, char *why, size_t whylen)
{
    if (!text || !*text)
        return errmsg_false(why, whylen, "empty value");
    if (!ip_addr_parse(text, out))
        return errmsg_false(why, whylen, "not an IPv4 or IPv6 address");
    return true;
}

bool args_parse_cidr(const char *text, bool allow_host_bits, struct ip_prefix *out, char *why, size_t whylen)
{
    return ip_prefix_parse(text, allow_host_bits, out, why, whylen);
}

bool args_parse_ports(const char *text, struct port_list *out, char *why, size_t whylen)
{
    out->ports = NULL;
    out->n = 0;
    if (!text || !*text)
        return errmsg_false(why, whylen, "empty port list");
    /* a bitmap drops duplicates in O(1) whatever the list's length */
    uint8_t *seen = calloc(65536 / 8, 1);
    uint16_t *ports = malloc(65535 * sizeof *ports);
    size_t n = 0;
    bool ok = seen && ports;
    if (!ok)
        errmsg_false(why, whylen, "out of memory");
    const char *p = text;
    while (ok && *p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char tok[32];
        if (len == 0 || len >= sizeof tok) {
            ok = errmsg_false(why, whylen, len ? "'%.*s' is not a port or range" : "empty entry in the list", (int)len, p);
            break;
        }
        memcpy(tok, p, len);
        tok[len] = '\0';
        char *dash = strchr(tok, '-');
        uint64_t lo, hi;
        char inner[96];
        if (dash)
            *dash = '\0';
        if (!args_parse_u64(tok, 1, 65535, &lo, inner, sizeof inner)) {
            ok = errmsg_false(why, whylen, "'%s' is not a port (1-65535): %s", tok, inner);
            break;
        }
        hi = lo;
        if (dash && !args_parse_u64(dash + 1, 1, 65535, &hi, inner, sizeof inner)) {
            ok = errmsg_false(why, whylen, "'%s' is not a port (1-65535): %s", dash + 1, inner);
            break;
        }
        if (hi < lo) {
            ok = errmsg_false(why, whylen, "range %llu-%llu runs backwards", (unsigned long long)lo, (unsigned long long)hi);
            break;
        }
        for (uint64_t q = lo; q <= hi; q++)
            if (!(seen[q >> 3] & (1u << (q & 7)))) {
                seen[q >> 3] |= (uint8_t)(1u << (q & 7));
                ports[n++] = (uint16_t)q;
            }
        p += len;
        if (*p == ',') {
            p++;
            if (!*p)
                ok = errmsg_false(why, whylen, "empty entry in the list");
        }
    }
    free(seen);
    if (!ok) {
        free(ports);
        return false;
    }
    out->ports = ports;
    out->n = n;
    return true;
}

void args_ports_free(struct port_list *pl)
{
    free(pl->ports);
    pl->ports = NULL;
    pl->n = 0;
}

/* The last address of prefix p. */
static void prefix_last(const struct ip_prefix *p, struct ip_addr *hi)
{
    *hi = p->addr;
    for (unsigned i = 0; i < ip_addr_len(hi); i++) {
        unsigned keep = p->len >= 8 * (i + 1) ? 8 : p->len > 8 * i ? p->len - 8 * i : 0;
        hi->bytes[i] |= (uint8_t)(keep == 8 ? 0 : 0xff >> keep);
    }
}

bool args_parse_addr_ranges(const char *text, struct addr_ranges *out, char *why, size_t whylen)
{
    if (!text || !*text)
        return errmsg_false(why, whylen, "empty address list");
    size_t cap = out->n + 8;
    struct addr_range *r = realloc(out->r, cap * sizeof *r);
    if (!r)
        return errmsg_false(why, whylen, "out of memory");
    out->r = r;
    const char *p = text;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char tok[2 * IP_ADDR_STRLEN + 8];
        if (len == 0 || len >= sizeof tok)
            return errmsg_false(why, whylen, len ? "'%.*s' is not an address or range" : "empty entry in the list",
                        (int)len, p);
        memcpy(tok, p, len);
        tok[len] = '\0';
        struct addr_range one;
        char *dash = strchr(tok, '-');
        if (strchr(tok, '/')) {
            struct ip_prefix pf;
            char inner[96];
            if (!ip_prefix_parse(tok, false, &pf, inner, sizeof inner))
                return errmsg_false(why, whylen, "'%s': %s", tok, inner);
            one.lo = pf.addr;
            prefix_last(&pf, &one.hi);
        } else if (dash) {
            *dash = '\0';
            if (!ip_addr_parse(tok, &one.lo))
                return errmsg_false(why, whylen, "'%s' is not an IPv4 or IPv6 address", tok);
            if (!ip_addr_parse(dash + 1, &one.hi))
                return errmsg_false(why, whylen, "'%s' is not an IPv4 or IPv6 address", dash + 1);
            if (one.lo.family != one.hi.family)
                return errmsg_false(why, whylen, "range %s-%s mixes IPv4 and IPv6", tok, dash + 1);
            if (ip_addr_compare(&one.lo, &one.hi) > 0)
                return errmsg_false(why, whylen, "range %s-%s runs backwards", tok, dash + 1);
        } else {
            if (!ip_addr_parse(tok, &one.lo))
                return errmsg_false(why, whylen, "'%s' is not an IPv4 or IPv6 address", tok);
            one.hi = one.lo;
        }
        if (out->n == cap) {
            cap *= 2;
            if (!(r = realloc(out->r, cap * sizeof *r)))
                return errmsg_false(why, whylen, "out of memory");
            out->r = r;
        }
        out->r[out->n++] = one;
        p += len;
        if (*p == ',' && !*++p)
            return errmsg_false(why, whylen, "empty entry in the list");
    }
    return true;
}

void args_addr_ranges_free(struct addr_ranges *ar)
{
    free(ar->r);
    ar->r = NULL;
    ar->n = 0;
}

bool args_parse_choice(const char *text, const char *const *choices, int *index, char *why, size_t whylen)
{
    for (int i = 0; choices[i]; i++)
        if (text && !strcmp(text, choices[i])) {
            *index = i;
            return true;
        }
    char list[256] = "";
    for (int i = 0; choices[i]; i++) {
        size_t l = strlen(list);
        snprintf(list + l, sizeof list - l, "%s%s", i ? ", " : "", choices[i]);
    }
    return errmsg_false(why, whylen, "one of %s", list);
}

/* ============================================================ option tables */

static const char *cmd_label(const struct arg_cmd *cmd) { return cmd->name ? cmd->name : ""; }

int args_usage_error(const struct arg_cmd *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "mpcensus %s: ", cmd_label(cmd));
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(see 'mpcensus %s --help')\n", cmd_label(cmd));
    return ARGS_USAGE;
}

static size_t n_opts(const struct arg_cmd *cmd)
{
    size_t n = 0;
    while (cmd->opts && cmd->opts[n].long_name)
        n++;
    return n;
}

/* Applies one value to its option; false with why on a bad value. */
static bool apply(const struct arg_opt *o, const char *v, char *why, size_t whylen)
{
    uint64_t u;
    int64_t i;
    double d;
    switch (o->kind) {
    case ARG_FLAG: *(bool *)o->dest = true; return true;
    case ARG_STRING: *(const char **)o->dest = v; return true;
    case ARG_U64:
        if (!args_parse_u64(v, o->min, o->max ? o->max : UINT64_MAX, &u, why, whylen))
            return false;
        *(uint64_t *)o->dest = u;
        return true;
    case ARG_UINT:
        if (!args_parse_u64(v, o->min, o->max ? o->max : UINT_MAX, &u, why, whylen))
            return false;
        *(unsigned *)o->dest = (unsigned)u;
        return true;
    case ARG_INT:
        if (!args_parse_i64(v, o->imin, o->imax ? o->imax : INT_MAX, &i, why, whylen))
            return false;
        *(int *)o->dest = (int)i;
        return true;
    case ARG_DOUBLE:
        if (!args_parse_double(v, o->dmin, o->dmax ? o->dmax : HUGE_VAL, &d, why, whylen))
            return false;
        *(double *)o->dest = d;
        return true;
    case ARG_DURATION:
        if (!args_parse_duration(v, o->dmin, o->dmax ? o->dmax : HUGE_VAL, &d, why, whylen))
            return false;
        *(double *)o->dest = d;
        return true;
    case ARG_SI:
        if (!args_parse_si(v, o->unit, o->min, o->max ? o->max : UINT64_MAX, &u, why, whylen))
            return false;
        *(uint64_t *)o->dest = u;
        return true;
    case ARG_KEY64: return args_parse_key64(v, (uint64_t *)o->dest, why, whylen);
    case ARG_MONTH: return args_parse_month(v, (int *)o->dest, why, whylen);
    case ARG_PORTS: {
        struct port_list pl;
        if (!args_parse_ports(v, &pl, why, whylen))
            return false;
        args_ports_free((struct port_list *)o->dest);
        *(struct port_list *)o->dest = pl;
        return true;
    }
    case ARG_ADDRS: return args_parse_addr_ranges(v, (struct addr_ranges *)o->dest, why, whylen);
    case ARG_CIDR: return args_parse_cidr(v, false, (struct ip_prefix *)o->dest, why, whylen);
    case ARG_MAC: return args_parse_mac(v, (uint8_t *)o->dest, why, whylen);
    case ARG_CHOICE: return args_parse_choice(v, o->choices, (int *)o->dest, why, whylen);
    case ARG_CALL: return o->call(v, o->dest, why, whylen);
    }
    return errmsg_false(why, whylen, "internal: unknown option kind");
}

int args_parse(const struct arg_cmd *cmd, int argc, char **argv, int *first_operand)
{
    size_t n = n_opts(cmd);
    struct option *lo = calloc(n + 2, sizeof *lo);
    char *shorts = malloc(3 * n + 4);
    if (!lo || !shorts) {
        free(lo);
        free(shorts);
        fprintf(stderr, "mpcensus %s: out of memory\n", cmd_label(cmd));
        return ARGS_USAGE;
    }
    size_t k = 0;
    shorts[k++] = ':';   /* a missing value returns ':' instead of printing */
    for (size_t i = 0; i < n; i++) {
        const struct arg_opt *o = &cmd->opts[i];
        lo[i].name = o->long_name;
        lo[i].has_arg = o->kind == ARG_FLAG ? no_argument : required_argument;
        lo[i].val = 256 + (int)i;
        if (o->short_name) {
            shorts[k++] = o->short_name;
            if (o->kind != ARG_FLAG)
                shorts[k++] = ':';
        }
    }
    lo[n].name = "help";
    lo[n].val = 'h';
    shorts[k++] = 'h';
    shorts[k] = '\0';

    int rc = ARGS_OK, c, longidx;
    optind = 0;   /* GNU: reinitialise, so the parser may run more than once per process */
    opterr = 0;
    while (rc == ARGS_OK && (c = getopt_long(argc, argv, shorts, lo, &longidx)) != -1) {
        const struct arg_opt *o = NULL;
        if (c == 'h') {
            args_help(cmd);
            rc = ARGS_EXIT;
            break;
        }
        if (c == ':' || c == '?') {
            const char *arg = argv[optind - 1];
            if (c == ':')
                rc = args_usage_error(cmd, "option '%s' needs a value", arg);
            else if (optopt && optopt != '?')
                rc = args_usage_error(cmd, "unknown option '-%c'", optopt);
            else
                rc = args_usage_error(cmd, "unknown or ambiguous option '%s'", arg);
            break;
        }
        if (c >= 256) {
            o = &cmd->opts[c - 256];
        } else {
            for (size_t i = 0; i < n; i++)
                if (cmd->opts[i].short_name == c)
                    o = &cmd->opts[i];
        }
        if (!o) {
            rc = args_usage_error(cmd, "unknown option '-%c'", c);
            break;
        }
        char why[256] = "";
        if (!apply(o, optarg, why, sizeof why)) {
            rc = args_usage_error(cmd, "bad --%s '%s': %s", o->long_name, optarg ? optarg : "", why);
            break;
        }
        if (o->seen)
            *o->seen = true;
    }
    if (first_operand)
        *first_operand = optind;
    free(lo);
    free(shorts);
    return rc;
}

/* ============================================================ help and man */

#define HELP_WIDTH 79
#define HELP_COL 28

/* Writes text wrapped to [col, HELP_WIDTH), the first line starting at `at`
 * (already printed up to there). */
static void wrap(FILE *out, const char *text, int col, int at)
{
    int pos = at;
    const char *p = text;
    bool first = true;
    while (*p) {
        while (*p == ' ')
            p++;
        if (*p == '\n') {   /* explicit break */
            fputc('\n', out);
            pos = 0;
            first = true;
            p++;
            continue;
        }
        size_t w = strcspn(p, " \n");
        if (w == 0)
            break;
        if (pos < col) {
            fprintf(out, "%*s", col - pos, "");
            pos = col;
        } else if (!first && pos + 1 + (int)w > HELP_WIDTH) {
            fprintf(out, "\n%*s", col, "");
            pos = col;
        } else if (!first) {
            fputc(' ', out);
            pos++;
        } else if (pos > col) {
            fputc(' ', out);
            pos++;
        }
        fwrite(p, 1, w, out);
        pos += (int)w;
        p += w;
        first = false;
    }
    fputc('\n', out);
}

/* Paragraph text: lines starting with two spaces are verbatim, others wrap. */
static void text_block(FILE *out, const char *text, int indent)
{
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len == 0) {
            fputc('\n', out);
            p += nl ? 1 : 0;
            continue;
        }
        if (len >= 2 && p[0] == ' ' && p[1] == ' ') {
            fprintf(out, "%*s%.*s\n", indent, "", (int)len, p);
            p += len + (nl ? 1 : 0);
            continue;
        }
        /* a paragraph: consecutive non-verbatim, non-empty lines */
        char *para = malloc(strlen(p) + 1);
        size_t pl = 0;
        while (*p && *p != '\n' && !(p[0] == ' ' && p[1] == ' ')) {
            const char *e = strchr(p, '\n');
            size_t l = e ? (size_t)(e - p) : strlen(p);
            if (para) {
                if (pl)
                    para[pl++] = ' ';
                memcpy(para + pl, p, l);
                pl += l;
            }
            p += l + (e ? 1 : 0);
            if (!e)
                break;
        }
        if (para) {
            para[pl] = '\0';
            fprintf(out, "%*s", indent, "");
            wrap(out, para, indent, indent);
            free(para);
        }
    }
}

static void option_label(const struct arg_opt *o, char *buf, size_t len)
{
    if (o->short_name)
        snprintf(buf, len, "-%c, --%s%s%s", o->short_name, o->long_name, o->metavar ? "=" : "",
                 o->metavar ? o->metavar : "");
    else
        snprintf(buf, len, "    --%s%s%s", o->long_name, o->metavar ? "=" : "", o->metavar ? o->metavar : "");
}

void args_usage(const struct arg_cmd *cmd, FILE *out)
{
    const char *syn = cmd->synopsis ? cmd->synopsis : "[options]";
    const char *p = syn;
    bool first = true;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        fprintf(out, "%s mpcensus%s%s %.*s\n", first ? "usage:" : "      ", *cmd_label(cmd) ? " " : "", cmd_label(cmd),
                (int)len, p);
        first = false;
        p += len + (nl ? 1 : 0);
    }
    if (cmd->description) {
        fputc('\n', out);
        text_block(out, cmd->description, 0);
    }
    if (cmd->subs) {
        fprintf(out, "\n%s:\n", cmd->name && *cmd->name ? "Subcommands" : "Commands");
        for (size_t i = 0; cmd->subs[i].name; i++) {
            fprintf(out, "  %s", cmd->subs[i].name);
            int at = 2 + (int)strlen(cmd->subs[i].name);
            if (at + 2 > HELP_COL) {
                fputc('\n', out);
                at = 0;
            }
            wrap(out, cmd->subs[i].summary ? cmd->subs[i].summary : "", HELP_COL, at);
        }
        fprintf(out, "\n'mpcensus %s%s<%s> --help' describes one.\n", cmd_label(cmd), *cmd_label(cmd) ? " " : "",
                *cmd_label(cmd) ? "subcommand" : "command");
    }
    const char *group = NULL;
    bool any_group = false;
    for (size_t i = 0; cmd->opts && cmd->opts[i].long_name; i++) {
        const struct arg_opt *o = &cmd->opts[i];
        if (o->hidden)
            continue;
        if (!any_group || (o->group && (!group || strcmp(o->group, group)))) {
            group = o->group ? o->group : "Options";
            fprintf(out, "\n%s:\n", group);
            any_group = true;
        }
        char label[128];
        option_label(o, label, sizeof label);
        fprintf(out, "  %s", label);
        int at = 2 + (int)strlen(label);
        if (at + 2 > HELP_COL) {
            fputc('\n', out);
            at = 0;
        }
        wrap(out, o->help ? o->help : "", HELP_COL, at);
    }
    if (!any_group)
        fputs("\nOptions:\n", out);
    fprintf(out, "  -h, --help%*sthis text\n", HELP_COL - 12, "");
    for (size_t i = 0; cmd->sections && cmd->sections[i].title; i++) {
        const struct arg_section *sec = &cmd->sections[i];
        fprintf(out, "\n%s:\n", sec->title);
        if (sec->text)
            text_block(out, sec->text, 0);
        for (unsigned f = 0; sec->fields && f < sec->fields->n_fields; f++) {
            const struct rec_field *fd = &sec->fields->fields[f];
            fprintf(out, "  %s", fd->name);
            int at = 2 + (int)strlen(fd->name);
            if (at + 2 > HELP_COL) {
                fputc('\n', out);
                at = 0;
            }
            wrap(out, fd->help ? fd->help : "", HELP_COL, at);
        }
    }
}

/* roff-escapes text: backslashes, leading dots/quotes, and hyphens. */
static void roff(FILE *out, const char *s, size_t n, bool line_start)
{
    for (size_t i = 0; i < n && s[i]; i++) {
        char c = s[i];
        if (line_start && (c == '.' || c == '\''))
            fputs("\\&", out);
        line_start = false;
        if (c == '\\')
            fputs("\\e", out);
        else if (c == '-')
            fputs("\\-", out);
        else
            fputc(c, out);
    }
}

static void roff_str(FILE *out, const char *s) { roff(out, s, strlen(s), true); }

/* Paragraphs become .PP, verbatim lines an .nf/.fi block. */
static void roff_block(FILE *out, const char *text)
{
    const char *p = text;
    bool in_nf = false, need_pp = false;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        bool verbatim = len >= 2 && p[0] == ' ' && p[1] == ' ';
        if (len == 0) {
            if (in_nf) {
                fputs(".fi\n", out);
                in_nf = false;
            }
            need_pp = true;
        } else if (verbatim) {
            if (!in_nf) {
                fputs(need_pp ? ".PP\n.nf\n" : ".nf\n", out);
                in_nf = true;
                need_pp = false;
            }
            roff(out, p, len, true);
            fputc('\n', out);
        } else {
            if (in_nf) {
                fputs(".fi\n", out);
                in_nf = false;
            }
            if (need_pp) {
                fputs(".PP\n", out);
                need_pp = false;
            }
            roff(out, p, len, true);
            fputc('\n', out);
        }
        p += len + (nl ? 1 : 0);
    }
    if (in_nf)
        fputs(".fi\n", out);
}

void args_man_name(const struct arg_cmd *cmd, char *buf, size_t len)
{
    snprintf(buf, len, "mpcensus%s%s", *cmd_label(cmd) ? "-" : "", cmd_label(cmd));
    for (char *q = buf; *q; q++)
        *q = *q == ' ' ? '-' : (char)tolower((unsigned char)*q);
}

/* "\fB\%mpcensus-lab-up\fR(1)": \% keeps groff from hyphenating the name */
static void man_ref(FILE *out, const char *page)
{
    fputs("\\fB\\%", out);
    roff(out, page, strlen(page), false);
    fputs("\\fR(1)", out);
}

void args_man(const struct arg_cmd *cmd, const char *version, const char *date, FILE *out)
{
    char page[64];
    args_man_name(cmd, page, sizeof page);
    fputs(".TH ", out);
    for (const char *q = page; *q; q++)
        fputc(*q == '-' ? '-' : toupper((unsigned char)*q), out);
    fprintf(out, " 1 \"%s\" \"mpcensus %s\" \"mpcensus manual\"\n", date, version);
    fputs(".SH NAME\n", out);
    roff_str(out, page);
    fputs(" \\- ", out);
    roff_str(out, cmd->summary ? cmd->summary : "");
    fputs("\n.SH SYNOPSIS\n", out);
    const char *p = cmd->synopsis ? cmd->synopsis : "[options]";
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        fputs(".B mpcensus", out);
        if (*cmd_label(cmd)) {
            fputc(' ', out);
            roff(out, cmd_label(cmd), strlen(cmd_label(cmd)), false);
        }
        fputc('\n', out);
        roff(out, p, len, true);
        fputs("\n.br\n", out);
        p += len + (nl ? 1 : 0);
    }
    if (cmd->description) {
        fputs(".SH DESCRIPTION\n", out);
        roff_block(out, cmd->description);
    }
    if (cmd->subs) {
        fputs(*cmd_label(cmd) ? ".SH SUBCOMMANDS\n" : ".SH COMMANDS\n", out);
        for (size_t i = 0; cmd->subs[i].name; i++) {
            char sub[160];
            fputs(".TP\n\\fB", out);
            roff(out, cmd->subs[i].name, strlen(cmd->subs[i].name), false);
            fputs("\\fR\n", out);
            roff_str(out, cmd->subs[i].summary ? cmd->subs[i].summary : "");
            snprintf(sub, sizeof sub, "%s-%s", page, cmd->subs[i].name);
            fputs(" (", out);
            man_ref(out, sub);
            fputs(")\n", out);
        }
    }
    fputs(".SH OPTIONS\n", out);
    const char *group = NULL;
    for (size_t i = 0; cmd->opts && cmd->opts[i].long_name; i++) {
        const struct arg_opt *o = &cmd->opts[i];
        if (o->hidden)
            continue;
        if (o->group && (!group || strcmp(o->group, group))) {
            group = o->group;
            fputs(".SS ", out);
            roff_str(out, group);
            fputc('\n', out);
        }
        fputs(".TP\n", out);
        if (o->short_name)
            fprintf(out, "\\fB\\-%c\\fR, ", o->short_name);
        fputs("\\fB\\-\\-", out);
        roff(out, o->long_name, strlen(o->long_name), false);
        fputs("\\fR", out);
        if (o->metavar) {
            fputs("=\\fI", out);
            roff(out, o->metavar, strlen(o->metavar), false);
            fputs("\\fR", out);
        }
        fputc('\n', out);
        roff_str(out, o->help ? o->help : "");
        fputc('\n', out);
    }
    fputs(".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nprint the options and exit\n", out);
    for (size_t i = 0; cmd->sections && cmd->sections[i].title; i++) {
        fputs(".SH ", out);
        char title[64];
        snprintf(title, sizeof title, "%s", cmd->sections[i].title);
        for (char *q = title; *q; q++)
            *q = (char)toupper((unsigned char)*q);
        roff_str(out, title);
        fputc('\n', out);
        const struct arg_section *sec = &cmd->sections[i];
        if (sec->text)
            roff_block(out, sec->text);
        for (unsigned f = 0; sec->fields && f < sec->fields->n_fields; f++) {
            fputs(".TP\n\\fB", out);
            roff(out, sec->fields->fields[f].name, strlen(sec->fields->fields[f].name), false);
            fputs("\\fR\n", out);
            roff_str(out, sec->fields->fields[f].help ? sec->fields->fields[f].help : "");
            fputc('\n', out);
        }
    }
    fputs(".SH SEE ALSO\n", out);
    /* the pages around this one: its subcommands, else its parents */
    bool any = false;
    for (size_t i = 0; cmd->subs && cmd->subs[i].name; i++) {
        char sub[160];
        snprintf(sub, sizeof sub, "%s-%s", page, cmd->subs[i].name);
        fputs(any ? ",\n" : "", out);
        man_ref(out, sub);
        any = true;
    }
    for (char *dash = strchr(page, '-'); dash; dash = strchr(dash + 1, '-')) {
        char parent[64];
        snprintf(parent, sizeof parent, "%.*s", (int)(dash - page), page);
        fputs(any ? ",\n" : "", out);
        man_ref(out, parent);
        any = true;
    }
    if (!*cmd_label(cmd))
        fputs(",\n\\fBzmap\\fR(8), \\fBtshark\\fR(1)", out);
    fputs("\n", out);
}

/* ============================================================ help modes and dispatch */

static enum args_help_mode help_mode = ARGS_HELP_TEXT;
static const char *help_version = "", *help_date = "";

void args_set_help_mode(enum args_help_mode mode, const char *version, const char *date)
{
    help_mode = mode;
    help_version = version ? version : "";
    help_date = date ? date : "";
}

void args_help(const struct arg_cmd *cmd)
{
    char page[64];
    switch (help_mode) {
    case ARGS_HELP_TEXT: args_usage(cmd, stdout); break;
    case ARGS_HELP_MAN: args_man(cmd, help_version, help_date, stdout); break;
    case ARGS_HELP_LIST:
        args_man_name(cmd, page, sizeof page);
        printf("%s\t%s\n", page, cmd_label(cmd));
        break;
    }
    fflush(stdout);
}

int args_dispatch(const struct arg_cmd *overview, int argc, char **argv)
{
    const char *word = argc >= 2 ? argv[1] : NULL;
    if (!word) {
        args_usage(overview, stderr);
        return ARGS_USAGE;
    }
    if (!strcmp(word, "--help") || !strcmp(word, "-h") || !strcmp(word, "help")) {
        args_help(overview);
        /* the man page list goes on with every subcommand's own --help */
        for (size_t i = 0; help_mode == ARGS_HELP_LIST && overview->subs && overview->subs[i].name; i++) {
            char name[64], help[] = "--help";
            snprintf(name, sizeof name, "%s", overview->subs[i].name);
            char *av[] = {name, help, NULL};
            overview->subs[i].run(2, av);
        }
        return 0;
    }
    for (size_t i = 0; overview->subs && overview->subs[i].name; i++)
        if (!strcmp(word, overview->subs[i].name))
            return overview->subs[i].run(argc - 1, argv + 1);
    const char *kind = *cmd_label(overview) ? "subcommand" : "command";
    fprintf(stderr, "mpcensus%s%s: unknown %s '%s' (", *cmd_label(overview) ? " " : "", cmd_label(overview), kind,
            word);
    for (size_t i = 0; overview->subs && overview->subs[i].name; i++)
        fprintf(stderr, "%s%s", i ? ", " : "", overview->subs[i].name);
    fprintf(stderr, "; see 'mpcensus%s%s --help')\n", *cmd_label(overview) ? " " : "", cmd_label(overview));
    return ARGS_USAGE;
}
