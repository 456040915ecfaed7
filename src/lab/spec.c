/* spec.c — parser of the lab spec format (one directive per line; see README.md (section "The lab")). */
#include "lab/spec.h"

#include "io/instream.h"
#include "cli/args.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lab/org.h"
#include "lab/spec_ext.h"
#include "io/datadir.h"

static const char *const behaviour_names[BEH_COUNT] = {
    [BEH_CLOSED] = "closed",      [BEH_SILENT] = "silent",         [BEH_TCP] = "tcp",
    [BEH_KERNEL_V1] = "kernel-v1", [BEH_V0] = "v0",                [BEH_V0_MISMATCH] = "v0-mismatch",
    [BEH_V0V1] = "v0v1",          [BEH_MALFORMED] = "malformed",
    [BEH_NGINX_MPTCP] = "nginx-mptcp", [BEH_NGINX_TCP] = "nginx-tcp",
    [BEH_NGINX_MPTCP_TLS] = "nginx-mptcp-tls", [BEH_NGINX_TCP_TLS] = "nginx-tcp-tls",
};

const char *behaviour_name(enum behaviour b)
{
    return (unsigned)b < BEH_COUNT ? behaviour_names[b] : "?";
}

bool behaviour_parse(const char *text, enum behaviour *out)
{
    for (unsigned i = 0; i < BEH_COUNT; i++)
        if (!strcmp(text, behaviour_names[i])) {
            *out = (enum behaviour)i;
            return true;
        }
    return false;
}

bool cidr_parse(const char *text, struct cidr *out)
{
    struct ip_prefix p;
    char why[128];
    if (!ip_prefix_parse(text, true, &p, why, sizeof why))   /* host bits cleared */
        return false;
    out->base = p.addr;
    out->len = p.len;
    return true;
}

bool cidr_contains(const struct cidr *c, const struct ip_addr *a)
{
    if (a->family != c->base.family)
        return false;
    for (unsigned bit = 0; bit < c->len; bit++) {
        uint8_t m = (uint8_t)(0x80u >> (bit % 8));
        if ((a->bytes[bit / 8] & m) != (c->base.bytes[bit / 8] & m))
            return false;
    }
    return true;
}

uint64_t cidr_size(const struct cidr *c)
{
    unsigned max = c->base.family == AF_INET ? 32 : 128;
    unsigned host = max - c->len;
    return host >= 40 ? (uint64_t)1 << 40 : (uint64_t)1 << host;
}

void cidr_nth(const struct cidr *c, uint64_t i, struct ip_addr *out)
{
    *out = c->base;
    unsigned last = c->base.family == AF_INET ? 3 : 15;
    /* add i to the low bytes (host bits are zero, no carry past the prefix) */
    unsigned carry = 0;
    for (int b = (int)last; b >= 0 && (i || carry); b--) {
        unsigned v = out->bytes[b] + (unsigned)(i & 0xff) + carry;
        out->bytes[b] = (uint8_t)v;
        carry = v >> 8;
        i >>= 8;
    }
}

enum behaviour profile_port(const struct profile *p, uint16_t port)
{
    for (unsigned i = 0; i < p->n_ports; i++)
        if (p->ports[i].port == port)
            return p->ports[i].beh;
    return p->other;
}

bool profile_has_kernel(const struct profile *p)
{
    for (unsigned i = 0; i < p->n_ports; i++)
        if (p->ports[i].beh == BEH_TCP || p->ports[i].beh == BEH_KERNEL_V1)
            return true;
    return false;
}

bool profile_has_nginx(const struct profile *p)
{
    for (unsigned i = 0; i < p->n_ports; i++)
        if (behaviour_nginx(p->ports[i].beh))
            return true;
    return false;
}

bool profile_has_emulated(const struct profile *p)
{
    for (unsigned i = 0; i < p->n_ports; i++)
        if (behaviour_emulated(p->ports[i].beh))
            return true;
    return false;
}

/* ------------------------------------------------------------------ parser */

struct parser {
    struct lab_spec *spec;
    const char *file;
    unsigned line;
    char *err;
    size_t errlen;
};

static bool fail(struct parser *ps, const char *fmt, ...)
{
    int n = ps->line ? snprintf(ps->err, ps->errlen, "%s:%u: ", ps->file, ps->line)
                     : snprintf(ps->err, ps->errlen, "%s: ", ps->file);
    if (n < 0 || (size_t)n >= ps->errlen)
        return false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

/* Numbers go through cli/args, so a spec's "bad X 'v': reason" reads like a
 * command line's; false with that message in ps->err. */
static bool spec_u64(struct parser *ps, const char *what, const char *text, uint64_t lo, uint64_t hi, uint64_t *out)
{
    char why[128];
    if (args_parse_u64(text, lo, hi, out, why, sizeof why))
        return true;
    return fail(ps, "bad %s '%s': %s", what, text, why);
}

static bool spec_uint(struct parser *ps, const char *what, const char *text, unsigned lo, unsigned hi, unsigned *out)
{
    uint64_t v;
    if (!spec_u64(ps, what, text, lo, hi, &v))
        return false;
    *out = (unsigned)v;
    return true;
}

static bool spec_int(struct parser *ps, const char *what, const char *text, int lo, int hi, int *out)
{
    char why[128];
    int64_t v;
    if (!args_parse_i64(text, lo, hi, &v, why, sizeof why))
        return fail(ps, "bad %s '%s': %s", what, text, why);
    *out = (int)v;
    return true;
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

static int find_profile(const struct lab_spec *s, const char *name)
{
    for (unsigned i = 0; i < s->n_profiles; i++)
        if (!strcmp(s->profiles[i].name, name))
            return (int)i;
    return -1;
}

static bool parse_ports(struct parser *ps, const char *list, uint16_t *ports, unsigned *n)
{
    struct port_list pl;
    char why[160];
    if (!args_parse_ports(list, &pl, why, sizeof why))
        return fail(ps, "bad port list '%s': %s", list, why);
    if (pl.n > SPEC_MAX_PORTS) {
        args_ports_free(&pl);
        return fail(ps, "bad port list '%s': at most %d ports", list, SPEC_MAX_PORTS);
    }
    for (size_t i = 0; i < pl.n; i++)
        ports[i] = pl.ports[i];
    *n = (unsigned)pl.n;
    args_ports_free(&pl);
    return true;
}

static bool parse_mbox(struct parser *ps, const char *list, unsigned *mbox, unsigned *delay_us)
{
    char buf[128];
    if (strlen(list) >= sizeof buf)
        return fail(ps, "middlebox list too long");
    strcpy(buf, list);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (!strcmp(tok, "strip")) *mbox |= MBOX_STRIP;
        else if (!strcmp(tok, "keyrw")) *mbox |= MBOX_KEYRW;
        else if (!strcmp(tok, "mirror")) *mbox |= MBOX_MIRROR;
        else if (!strcmp(tok, "strip-synack")) *mbox |= MBOX_STRIP_SYNACK;
        else if (!strcmp(tok, "proxy")) *mbox |= MBOX_PROXY;
        else if (!strcmp(tok, "prohibit")) *mbox |= MBOX_PROHIBIT;
        else if (!strcmp(tok, "drop-mptcp")) *mbox |= MBOX_DROP_MPTCP;
        else if (!strcmp(tok, "none")) ;
        else if (!strncmp(tok, "delay:", 6)) {
            double ms;
            char why[128];
            if (!args_parse_double(tok + 6, 0.001, SPEC_MAX_DELAY_US / 1000.0, &ms, why, sizeof why))
                return fail(ps, "bad delay '%s': %s (milliseconds, delay:MS)", tok + 6, why);
            *mbox |= MBOX_DELAY;
            *delay_us = (unsigned)(ms * 1000.0 + 0.5);
        }
        else return fail(ps, "unknown middlebox '%s' (strip, keyrw, mirror, strip-synack, proxy, prohibit, drop-mptcp, "
                         "delay:MS)", tok);
    }
    return true;
}

static bool parse_months(struct parser *ps, const char *v, int *from, int *to)
{
    char buf[32];
    if (strlen(v) >= sizeof buf)
        return fail(ps, "bad months '%s'", v);
    strcpy(buf, v);
    char *dash = strchr(buf, '-');
    int a = 0, b = 0;
    if (!dash) {
        if (!spec_int(ps, "month", buf, 0, SPEC_MAX_MONTH, &a))
            return false;
        *from = *to = a;
        return true;
    }
    *dash = 0;
    if (!spec_int(ps, "month", buf, 0, SPEC_MAX_MONTH, &a))
        return false;
    if (dash[1] == 0)
        b = 1000000;
    else if (!spec_int(ps, "month", dash + 1, a, SPEC_MAX_MONTH, &b))
        return false;
    *from = a;
    *to = b;
    return true;
}

static bool directive_profile(struct parser *ps, char **tok, int n)
{
    struct lab_spec *s = ps->spec;
    if (n < 3)
        return fail(ps, "usage: profile NAME WEIGHT [PORT=BEHAVIOUR...] [other=closed|silent] [mbox=LIST] "
                        "[announce=yes|no] [months=A-B]");
    if (s->n_profiles >= SPEC_MAX_PROFILES)
        return fail(ps, "at most %d profiles", SPEC_MAX_PROFILES);
    if (strlen(tok[1]) >= SPEC_NAME_LEN || find_profile(s, tok[1]) >= 0 || !strcmp(tok[1], "absent"))
        return fail(ps, "profile name '%s' too long, repeated or reserved", tok[1]);
    for (const char *c = tok[1]; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '-' ||
              *c == '_' || *c == '.'))
            return fail(ps, "profile name '%s': use letters, digits, '-', '_', '.'", tok[1]);
    struct profile *p = &s->profiles[s->n_profiles];
    memset(p, 0, sizeof *p);
    strcpy(p->name, tok[1]);
    p->other = BEH_CLOSED;
    p->month_from = 0;
    p->month_to = 1000000;
    if (!spec_uint(ps, "weight", tok[2], 0, 1000000, &p->weight))
        return false;
    for (int i = 3; i < n; i++) {
        char *eq = strchr(tok[i], '=');
        if (!eq)
            return fail(ps, "expected KEY=VALUE, got '%s'", tok[i]);
        *eq = 0;
        const char *key = tok[i], *val = eq + 1;
        unsigned port;
        if (all_digits(key)) {   /* PORT=BEHAVIOUR */
            if (!spec_uint(ps, "port", key, 1, 65535, &port))
                return false;
            if (p->n_ports >= SPEC_MAX_PORTS)
                return fail(ps, "at most %d ports per profile", SPEC_MAX_PORTS);
            for (unsigned j = 0; j < p->n_ports; j++)
                if (p->ports[j].port == port)
                    return fail(ps, "port %u listed twice", port);
            p->ports[p->n_ports].port = (uint16_t)port;
            if (!behaviour_parse(val, &p->ports[p->n_ports].beh))
                return fail(ps, "unknown behaviour '%s' (closed, silent, tcp, kernel-v1, v0, "
                                "v0-mismatch, v0v1, malformed, nginx-mptcp, nginx-tcp, nginx-mptcp-tls, "
                                "nginx-tcp-tls)", val);
            p->n_ports++;
        } else if (!strcmp(key, "other")) {
            if (!strcmp(val, "closed")) p->other = BEH_CLOSED;
            else if (!strcmp(val, "silent")) p->other = BEH_SILENT;
            else return fail(ps, "other= takes closed or silent");
        } else if (!strcmp(key, "mbox")) {
            if (!parse_mbox(ps, val, &p->mbox, &p->delay_us))
                return false;
        } else if (!strcmp(key, "announce")) {
            if (strcmp(val, "yes") && strcmp(val, "no"))
                return fail(ps, "announce= takes yes or no");
            p->announce = !strcmp(val, "yes");
        } else if (!strcmp(key, "months")) {
            if (!parse_months(ps, val, &p->month_from, &p->month_to))
                return false;
        } else {
            return fail(ps, "unknown profile key '%s'", key);
        }
    }
    s->total_weight += p->weight;
    s->n_profiles++;
    return true;
}

static bool directive_org(struct parser *ps, char **tok, int n)
{
    struct lab_spec *s = ps->spec;
    if (n < 4)
        return fail(ps, "usage: org CIDR FROM_PROFILE TO_PROFILE [start=M] [step=PCT] [max=PCT]");
    if (s->n_orgs >= SPEC_MAX_ORGS)
        return fail(ps, "at most %d org lines", SPEC_MAX_ORGS);
    struct org *o = &s->orgs[s->n_orgs];
    if (!cidr_parse(tok[1], &o->prefix))
        return fail(ps, "bad prefix '%s'", tok[1]);
    if (cidr_size(&o->prefix) > (1u << 24))
        return fail(ps, "org prefix '%s' larger than 2^24 addresses", tok[1]);
    o->from = find_profile(s, tok[2]);
    o->to = find_profile(s, tok[3]);
    if (o->from < 0 || o->to < 0)
        return fail(ps, "org profiles must be declared before (unknown '%s' or '%s')", tok[2], tok[3]);
    o->start = 1;
    o->step = 25;
    o->max = 100;
    for (int i = 4; i < n; i++) {
        if (!strncmp(tok[i], "start=", 6)) {
            if (!spec_int(ps, "start month", tok[i] + 6, 0, SPEC_MAX_MONTH, &o->start))
                return false;
        } else if (!strncmp(tok[i], "step=", 5)) {
            if (!spec_uint(ps, "step percent", tok[i] + 5, 0, 100, &o->step))
                return false;
        } else if (!strncmp(tok[i], "max=", 4)) {
            if (!spec_uint(ps, "max percent", tok[i] + 4, 0, 100, &o->max))
                return false;
        } else {
            return fail(ps, "bad org option '%s' (start=MONTH, step=PERCENT, max=PERCENT)", tok[i]);
        }
    }
    s->n_orgs++;
    return true;
}

static bool directive(struct parser *ps, char **tok, int n)
{
    struct lab_spec *s = ps->spec;
    const char *d = tok[0];
    unsigned v;
    if (!strcmp(d, "seed")) {
        if (n != 2)
            return fail(ps, "usage: seed NUMBER");
        uint64_t seed;
        if (!spec_u64(ps, "seed", tok[1], 0, UINT64_MAX, &seed))
            return false;
        s->seed = seed;
    } else if (!strcmp(d, "routers")) {
        if (n != 2)
            return fail(ps, "usage: routers N (1..%d)", SPEC_MAX_ROUTERS);
        if (!spec_uint(ps, "router count", tok[1], 1, SPEC_MAX_ROUTERS, &v))
            return false;
        s->n_routers = v;
    } else if (!strcmp(d, "router")) {
        if (n < 3)
            return fail(ps, "usage: router K quote8 | router K ratelimit MS | router K strip");
        if (!spec_uint(ps, "router number", tok[1], 1, SPEC_MAX_ROUTERS, &v))
            return false;
        struct router *r = &s->routers[v - 1];
        if (!strcmp(tok[2], "quote8") && n == 3) {
            r->kind = ROUTER_QUOTE8;
        } else if (!strcmp(tok[2], "strip") && n == 3) {
            r->strip = true;
        } else if (!strcmp(tok[2], "ratelimit") && n == 4) {
            unsigned ms;
            if (!spec_uint(ps, "rate limit (milliseconds)", tok[3], 0, 1000000, &ms))
                return false;
            r->icmp_ratelimit_ms = (int)ms;
        } else {
            return fail(ps, "usage: router K quote8 | router K ratelimit MS | router K strip");
        }
    } else if (!strcmp(d, "ports")) {
        if (n != 2)
            return fail(ps, "usage: ports P[,P...]");
        return parse_ports(ps, tok[1], s->ports, &s->n_ports);
    } else if (!strcmp(d, "infra")) {
        for (int i = 1; i < n; i++) {
            struct cidr c;
            if (!cidr_parse(tok[i], &c))
                return fail(ps, "bad prefix '%s'", tok[i]);
            if (c.base.family == AF_INET) s->infra4 = c;
            else s->infra6 = c;
        }
    } else if (!strcmp(d, "prefix")) {
        for (int i = 1; i < n; i++) {
            if (s->n_prefixes >= SPEC_MAX_PREFIXES)
                return fail(ps, "at most %d prefixes", SPEC_MAX_PREFIXES);
            if (!cidr_parse(tok[i], &s->prefixes[s->n_prefixes]))
                return fail(ps, "bad prefix '%s'", tok[i]);
            if (cidr_size(&s->prefixes[s->n_prefixes]) > (1u << 24))
                return fail(ps, "prefix '%s' larger than 2^24 addresses", tok[i]);
            s->n_prefixes++;
        }
    } else if (!strcmp(d, "churn")) {
        if (n != 2)
            return fail(ps, "usage: churn PERCENT");
        if (!spec_uint(ps, "churn percent", tok[1], 0, 100, &s->churn))
            return false;
    } else if (!strcmp(d, "site-routers")) {
        if (n != 2 || (strcmp(tok[1], "yes") && strcmp(tok[1], "no")))
            return fail(ps, "usage: site-routers yes|no");
        s->site_routers = !strcmp(tok[1], "yes");
    } else if (!strcmp(d, "router-addresses") || !strcmp(d, "vantage-in-population")) {
        if (n != 2 || (strcmp(tok[1], "yes") && strcmp(tok[1], "no")))
            return fail(ps, "usage: %s yes|no", d);
        bool yes = !strcmp(tok[1], "yes");
        if (d[0] == 'r')
            s->router_addresses = yes;
        else
            s->vantage_in_population = yes;
    } else if (!strcmp(d, "vantage-addresses")) {
        if (n != 2)
            return fail(ps, "usage: vantage-addresses N");
        if (!spec_uint(ps, "vantage addresses", tok[1], 1, SPEC_MAX_VANTAGE_ADDRESSES, &s->vantage_addresses))
            return false;
    } else if (!strcmp(d, "vantage-rst")) {
        if (n != 2 || (strcmp(tok[1], "drop") && strcmp(tok[1], "send")))
            return fail(ps, "usage: vantage-rst drop|send");
        s->vantage_sends_rst = !strcmp(tok[1], "send");
    } else if (!strcmp(d, "profile")) {
        return directive_profile(ps, tok, n);
    } else if (!strcmp(d, "org")) {
        return directive_org(ps, tok, n);
    } else {
        char why[256];
        int r = spec_ext_directive(s, tok, n, why, sizeof why);   /* as, as-set, geo, study */
        if (r < 0)
            return fail(ps, "%s", why);
        if (r == 0)
            return fail(ps, "unknown directive '%s'", d);
    }
    return true;
}

static bool in_lab_ranges(const struct cidr *c)
{
    struct cidr lab4, lab6;
    cidr_parse("198.18.0.0/15", &lab4);
    cidr_parse("2001:db8::/32", &lab6);
    const struct cidr *r = c->base.family == AF_INET ? &lab4 : &lab6;
    return c->len >= r->len && cidr_contains(r, &c->base);
}

static bool validate(struct parser *ps)
{
    struct lab_spec *s = ps->spec;
    ps->line = 0;
    if (s->n_profiles == 0)
        return fail(ps, "no profile declared");
    if (s->n_prefixes == 0 && s->n_orgs == 0)
        return fail(ps, "no prefix or org declared: the population is empty");
    if (s->total_weight == 0 && s->n_prefixes > 0)
        return fail(ps, "profile weights sum to zero");
    uint64_t total = 0;
    for (unsigned i = 0; i < s->n_prefixes; i++)
        total += cidr_size(&s->prefixes[i]);
    for (unsigned i = 0; i < s->n_orgs; i++)
        if (org_first_of_prefix(s, i))   /* later lines with the same prefix are its stages */
            total += cidr_size(&s->orgs[i].prefix);
    if (total > (1u << 24))
        return fail(ps, "population larger than 2^24 addresses");
    for (unsigned i = 0; i < s->n_prefixes; i++)
        if (!in_lab_ranges(&s->prefixes[i]))
            return fail(ps, "prefix outside 198.18.0.0/15 and 2001:db8::/32");
    for (unsigned i = 0; i < s->n_orgs; i++)
        if (!in_lab_ranges(&s->orgs[i].prefix))
            return fail(ps, "org prefix outside 198.18.0.0/15 and 2001:db8::/32");
    if (!in_lab_ranges(&s->infra4) || !in_lab_ranges(&s->infra6))
        return fail(ps, "infra prefix outside 198.18.0.0/15 and 2001:db8::/32");
    if (s->infra4.len > 24 || s->infra6.len > 120)
        return fail(ps, "infra prefixes need at least 256 addresses (/24, /120)");
    if (s->vantage_in_population && s->vantage_addresses > 1)
        return fail(ps, "vantage-addresses above 1 needs vantage-in-population no (one vantage address is a host)");
    for (unsigned i = s->n_routers; i < SPEC_MAX_ROUTERS; i++)
        if (s->routers[i].kind != ROUTER_KERNEL || s->routers[i].icmp_ratelimit_ms >= 0 || s->routers[i].strip)
            return fail(ps, "router %u configured but 'routers' is %u", i + 1, s->n_routers);
    char why[256];
    if (!spec_ext_validate(s, why, sizeof why))
        return fail(ps, "%s", why);
    return true;
}

bool spec_parse_text(const char *text, const char *name, struct lab_spec *spec, char *err, size_t errlen)
{
    memset(spec, 0, sizeof *spec);
    spec->seed = 1;
    spec->n_routers = 2;
    spec->ports[0] = 80;
    spec->ports[1] = 443;
    spec->n_ports = 2;
    spec->site_routers = true;
    spec->router_addresses = true;
    spec->vantage_addresses = 1;
    for (unsigned i = 0; i < SPEC_MAX_ROUTERS; i++)
        spec->routers[i].icmp_ratelimit_ms = -1;
    cidr_parse("198.19.255.0/24", &spec->infra4);
    cidr_parse("2001:db8:ffff::/48", &spec->infra6);

    struct parser ps = {spec, name, 0, err, errlen};
    const char *p = text;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        ps.line++;
        char line[1024];
        if (len >= sizeof line)
            return fail(&ps, "line too long");
        memcpy(line, p, len);
        line[len] = 0;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = 0;
        char *tok[40];
        int n = 0;
        for (char *save = NULL, *t = strtok_r(line, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save)) {
            if (n >= 40)
                return fail(&ps, "too many words");
            tok[n++] = t;
        }
        if (n > 0 && !directive(&ps, tok, n))
            return false;
        p += len + (eol ? 1 : 0);
    }
    return validate(&ps);
}

#define SPEC_MAX_BYTES (1u << 20)

bool spec_load(const char *path, struct lab_spec *spec, char *err, size_t errlen)
{
    /* a bare name that is not here may be one of the specs installed with the tool */
    static char installed[PATH_MAX];
    if (strcmp(path, "-") != 0 && !strchr(path, '/') && access(path, F_OK) != 0 && errno == ENOENT) {
        char name[NAME_MAX + 8];
        snprintf(name, sizeof name, "lab/%s", path);
        if (!datadir_find(name, installed, sizeof installed)) {
            snprintf(err, errlen, "%s: no such file here, nor lab/%s in the data directories", path, path);
            return false;
        }
        path = installed;
    }
    /* Every input, not only regular files, stops at 1 MiB: /dev/urandom or
     * an endless pipe must not grow the parser. */
    FILE *f = instream_open_limited(path, SPEC_MAX_BYTES, err, errlen);
    if (!f)
        return false;
    char *buf = malloc(SPEC_MAX_BYTES + 1);
    if (!buf) {
        instream_close(f, NULL, 0);
        snprintf(err, errlen, "%s: out of memory", path);
        return false;
    }
    size_t len = 0, got;
    while (len <= SPEC_MAX_BYTES && (got = fread(buf + len, 1, SPEC_MAX_BYTES + 1 - len, f)) > 0)
        len += got;
    /* instream refuses the read that crosses the limit: reaching it is an error here */
    if (instream_close(f, err, errlen) != 0) {
        free(buf);
        return false;
    }
    buf[len] = 0;
    bool ok = spec_parse_text(buf, path, spec, err, errlen);
    free(buf);
    return ok;
}
