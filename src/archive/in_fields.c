/* in_fields.c — the typed field readers of the importers; every value goes through the cli/args parsers. */
#include "archive/in_fields.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "cli/args.h"
#include "cli/args_time.h"

void fld_bad(struct import_ctx *c, const char *fmt, ...)
{
    char msg[768], line[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(line, sizeof line, "%s:%llu: %s", c->display, rec_reader_line(c->r), msg);
    c->last_rc = -1;
    ctx_bad_row(c, line);
}

const char *fld_text(struct import_ctx *c, int col)
{
    size_t n;
    const char *v = rec_reader_value(c->r, col, &n);
    return v && n ? v : NULL;
}

static int bad_value(struct import_ctx *c, const char *name, const char *v, const char *why)
{
    fld_bad(c, "bad %s '%.64s': %s", name, v, why);
    return -1;
}

int fld_addr(struct import_ctx *c, int col, const char *name, uint8_t addr[16], uint8_t *family)
{
    const char *v = fld_text(c, col);
    if (!v)
        return 0;
    struct ip_addr a;
    char why[128];
    if (!args_parse_addr(v, &a, why, sizeof why))
        return bad_value(c, name, v, why);
    memset(addr, 0, 16);
    memcpy(addr, a.bytes, a.family == AF_INET ? 4 : 16);
    *family = a.family == AF_INET ? 4 : 6;
    return 1;
}

int fld_u64(struct import_ctx *c, int col, const char *name, uint64_t lo, uint64_t hi, uint64_t *out)
{
    const char *v = fld_text(c, col);
    if (!v)
        return 0;
    char why[128];
    if (!args_parse_u64(v, lo, hi, out, why, sizeof why))
        return bad_value(c, name, v, why);
    return 1;
}

int fld_i64(struct import_ctx *c, int col, const char *name, int64_t lo, int64_t hi, int64_t *out)
{
    const char *v = fld_text(c, col);
    if (!v)
        return 0;
    char why[128];
    if (!args_parse_i64(v, lo, hi, out, why, sizeof why))
        return bad_value(c, name, v, why);
    return 1;
}

int fld_double(struct import_ctx *c, int col, const char *name, double *out)
{
    const char *v = fld_text(c, col);
    if (!v)
        return 0;
    char why[128];
    if (!args_parse_double(v, -1e300, 1e300, out, why, sizeof why))
        return bad_value(c, name, v, why);
    return 1;
}

int fld_bool(struct import_ctx *c, int col, const char *name, bool *out)
{
    const char *v = fld_text(c, col);
    if (!v)
        return 0;
    if (!strcmp(v, "1") || !strcmp(v, "true")) {
        *out = true;
        return 1;
    }
    if (!strcmp(v, "0") || !strcmp(v, "false")) {
        *out = false;
        return 1;
    }
    return bad_value(c, name, v, "not a boolean (1/0, true/false)");
}

int fld_ts(struct import_ctx *c, int col, const char *name, int64_t *usec)
{
    const char *v = fld_text(c, col);
    if (!v)
        return 0;
    char why[128];
    if (!args_parse_timestamp(v, usec, why, sizeof why))
        return bad_value(c, name, v, why);
    return 1;
}

int fld_hex(struct import_ctx *c, int col, const char *name, uint8_t *buf, size_t cap, size_t *n)
{
    const char *v = fld_text(c, col);
    if (!v)
        return 0;
    if (!strcmp(v, "0x") || !strcmp(v, "0X")) {
        *n = 0;
        return 1;
    }
    char why[128];
    if (!args_parse_hex(v, buf, cap, n, why, sizeof why))
        return bad_value(c, name, v, why);
    return 1;
}

bool fld_target(struct import_ctx *c, int c_target, int c_port, bool port_default, uint8_t addr[16], uint8_t *family,
                uint16_t *port)
{
    int k = fld_addr(c, c_target, "target", addr, family);
    if (k <= 0) {
        if (k == 0)
            fld_bad(c, "no target");
        return false;
    }
    uint64_t p;
    k = fld_u64(c, c_port, "port", 1, 65535, &p);
    if (k == 0 && port_default && c->o->port) {
        p = (uint64_t)c->o->port;
        k = 1;
    }
    if (k <= 0) {
        if (k == 0)
            fld_bad(c, "no port");
        return false;
    }
    *port = (uint16_t)p;
    return true;
}
