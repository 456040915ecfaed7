/* tcpopt.c — TCP option walker, option lookup and the Linux-like SYN option builder. */
#include "net/tcpopt.h"

#include <string.h>

#include "net/bytes.h"

const char *tcpopt_error_name(enum tcpopt_error e)
{
    switch (e) {
    case TCPOPT_ERR_NONE: return "none";
    case TCPOPT_ERR_NO_LENGTH: return "no-length";
    case TCPOPT_ERR_BAD_LENGTH: return "bad-length";
    case TCPOPT_ERR_OVERRUN: return "overrun";
    }
    return "unknown";
}

void tcpopt_iter_init(struct tcpopt_iter *it, const uint8_t *opts, size_t len)
{
    memset(it, 0, sizeof(*it));
    it->area = opts;
    it->len = opts ? len : 0;
}

/* Stops the walk for good, remembering where and why, so that callers can
 * still look at the malformed option (e.g. report a cut MPTCP option). */
static bool stop(struct tcpopt_iter *it, enum tcpopt_error e)
{
    it->error = e;
    it->bad_off = it->off;
    it->off = it->len;
    return false;
}

bool tcpopt_next(struct tcpopt_iter *it, struct tcp_opt *opt)
{
    while (it->off < it->len) {
        uint8_t kind = it->area[it->off];
        if (kind == TCPOPT_EOL) {
            it->saw_eol = true;
            it->eol_trailing = it->len - it->off - 1;
            it->off = it->len;
            return false;
        }
        if (kind == TCPOPT_NOP) {
            it->off++;
            continue;
        }
        if (it->len - it->off < 2)
            return stop(it, TCPOPT_ERR_NO_LENGTH);
        uint8_t len = it->area[it->off + 1];
        if (len < 2)
            return stop(it, TCPOPT_ERR_BAD_LENGTH);
        if (len > it->len - it->off)
            return stop(it, TCPOPT_ERR_OVERRUN);
        opt->kind = kind;
        opt->len = len;
        opt->data = it->area + it->off;
        it->off += len;
        return true;
    }
    return false;
}

const uint8_t *tcpopt_stopped_at(const struct tcpopt_iter *it, size_t *avail)
{
    if (it->error != TCPOPT_ERR_OVERRUN)
        return NULL;
    *avail = it->len - it->bad_off;
    return it->area + it->bad_off;
}

bool tcpopt_cut_by_capture(const struct tcpopt_iter *it, size_t wire_len)
{
    if (it->len >= wire_len)
        return false;   /* everything the header declares was captured */
    if (it->error == TCPOPT_ERR_NO_LENGTH)
        return true;    /* the length byte was the first byte not captured */
    return it->error == TCPOPT_ERR_OVERRUN && it->bad_off + it->area[it->bad_off + 1] <= wire_len;
}

const uint8_t *tcpopt_find(const uint8_t *opts, size_t len, uint8_t kind, size_t *optlen)
{
    struct tcpopt_iter it;
    struct tcp_opt o;
    tcpopt_iter_init(&it, opts, len);
    while (tcpopt_next(&it, &o)) {
        if (o.kind == kind) {
            if (optlen)
                *optlen = o.len;
            return o.data;
        }
    }
    return NULL;
}

size_t tcpopt_build_syn(uint8_t *buf, size_t cap, const struct syn_opts_cfg *cfg,
                        const uint8_t *extra, size_t extra_len)
{
    uint8_t area[64];
    size_t n = 0;

    /* Linux order (tcp_options_write): MSS; SACK_PERM folded into the
     * timestamp word when both are on, else NOP-padded; NOP + window scale. */
    if (cfg->mss) {
        area[n++] = TCPOPT_MSS;
        area[n++] = 4;
        store_be16(area + n, cfg->mss);
        n += 2;
    }
    if (cfg->timestamps) {
        if (cfg->sack_perm) {
            area[n++] = TCPOPT_SACK_PERM;
            area[n++] = 2;
        } else {
            area[n++] = TCPOPT_NOP;
            area[n++] = TCPOPT_NOP;
        }
        area[n++] = TCPOPT_TIMESTAMP;
        area[n++] = 10;
        store_be32(area + n, cfg->tsval);
        store_be32(area + n + 4, cfg->tsecr);
        n += 8;
    } else if (cfg->sack_perm) {
        area[n++] = TCPOPT_NOP;
        area[n++] = TCPOPT_NOP;
        area[n++] = TCPOPT_SACK_PERM;
        area[n++] = 2;
    }
    if (cfg->wscale >= 0) {
        area[n++] = TCPOPT_NOP;
        area[n++] = TCPOPT_WSCALE;
        area[n++] = 3;
        area[n++] = (uint8_t)cfg->wscale;
    }
    if (extra_len > 40 || n + extra_len > 40 || (extra_len && !extra))
        return 0;
    if (extra_len)
        memcpy(area + n, extra, extra_len);
    n += extra_len;
    while (n % 4)
        area[n++] = TCPOPT_NOP;
    if (n > 40 || n > cap)
        return 0;
    memcpy(buf, area, n);
    return n;
}
