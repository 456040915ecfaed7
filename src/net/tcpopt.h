/* tcpopt.h — TCP option walker that survives every malformed layout and says what was wrong. */
#ifndef NET_TCPOPT_H
#define NET_TCPOPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_MSS 2
#define TCPOPT_WSCALE 3
#define TCPOPT_SACK_PERM 4
#define TCPOPT_SACK 5
#define TCPOPT_TIMESTAMP 8
#define TCPOPT_MPTCP 30

/* Why the walk stopped early. TCPOPT_ERR_NONE: clean end (EOL or end of area). */
enum tcpopt_error {
    TCPOPT_ERR_NONE = 0,
    TCPOPT_ERR_NO_LENGTH,   /* a kind >= 2 at the last byte: no length byte */
    TCPOPT_ERR_BAD_LENGTH,  /* length 0 or 1 */
    TCPOPT_ERR_OVERRUN,     /* length runs past the option area */
};
const char *tcpopt_error_name(enum tcpopt_error e);

struct tcp_opt {
    uint8_t kind;
    uint8_t len;            /* total length incl. kind and length bytes */
    const uint8_t *data;    /* points at the kind byte */
};

struct tcpopt_iter {
    const uint8_t *area;
    size_t len, off;
    enum tcpopt_error error;
    bool saw_eol;
    size_t eol_trailing;    /* bytes after EOL (padding; non-zero content is legal but noted) */
    size_t bad_off;         /* when error != NONE: offset of the option that stopped the walk */
};

void tcpopt_iter_init(struct tcpopt_iter *it, const uint8_t *opts, size_t len);
/* Yields the next option other than NOP/EOL. Returns false at the end; then
 * it->error tells whether the area was malformed. The option yielded always
 * lies entirely inside the area. */
bool tcpopt_next(struct tcpopt_iter *it, struct tcp_opt *opt);
/* After a walk that ended with TCPOPT_ERR_OVERRUN: the option it stopped at
 * (its kind byte) and in *avail the bytes of it inside the area; NULL after
 * any other end. Lets a caller still show an option the area cuts. */
const uint8_t *tcpopt_stopped_at(const struct tcpopt_iter *it, size_t *avail);
/* The one rule for "cut by the capture" (snap length) as opposed to a
 * malformed header, used by decode, pcap and the scan's MP_CAPABLE view:
 * after a walk over the *captured* option bytes that ended with an error,
 * true when the capture holds fewer bytes than the area the TCP header
 * declares (wire_len = doff * 4 - 20) and the walk stopped at the end of the
 * captured bytes: a length byte missing there (NO_LENGTH), or an option
 * whose length runs past them but fits the declared area (OVERRUN). The
 * packet itself is then fine; anything else is a malformed option area. */
bool tcpopt_cut_by_capture(const struct tcpopt_iter *it, size_t wire_len);
/* wire_len of a TCP header of doff 32-bit words (0 when doff <= 5). */
static inline size_t tcpopt_wire_len(uint8_t doff) { return doff > 5 ? (size_t)doff * 4 - 20 : 0; }

/* First option of that kind, or NULL. *len receives its total length. */
const uint8_t *tcpopt_find(const uint8_t *opts, size_t len, uint8_t kind, size_t *optlen);

/* Builds the option area a Linux client puts in a SYN (MSS, SACK_PERM,
 * timestamps, window scale) followed by `extra` (e.g. MP_CAPABLE), padded
 * with NOPs to a multiple of 4. Returns bytes written, 0 if cap is too small
 * (max 40). Any of mss/wscale/ts can be disabled with 0 / -1 / false. */
struct syn_opts_cfg {
    uint16_t mss;        /* 0: omit */
    int wscale;          /* -1: omit */
    bool sack_perm;
    bool timestamps;
    uint32_t tsval;
    uint32_t tsecr;      /* 0 in a SYN; a SYN-ACK echoes the peer's TSval */
};
size_t tcpopt_build_syn(uint8_t *buf, size_t cap, const struct syn_opts_cfg *cfg,
                        const uint8_t *extra, size_t extra_len);

#endif
