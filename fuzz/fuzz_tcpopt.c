/* fuzz_tcpopt.c — libFuzzer target: TCP option walker, the cut-by-capture rule, the MP_CAPABLE view and MPTCP option decode/encode on arbitrary bytes. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/mptcp.h"
#include "net/tcpopt.h"

#include "fuzz/fuzz_check.h"

/* Everything a decode reports, compared field by field. */
static bool same(const struct mptcp_opt *a, const struct mptcp_opt *b)
{
#define EQ(f) (a->f == b->f)
#define HAS(h, f) (EQ(h) && (!a->h || EQ(f)))
    return EQ(subtype) && EQ(len) && EQ(truncated) && EQ(version) && HAS(has_flags, flags) &&
           HAS(has_sendkey, sendkey) && HAS(has_recvkey, recvkey) && HAS(has_datalvllen, datalvllen) &&
           HAS(has_checksum, checksum) && HAS(has_addrid, addrid) && HAS(has_recvtok, recvtok) &&
           HAS(has_sendrand, sendrand) && HAS(has_sendtrunchmac, sendtrunchmac) &&
           HAS(has_dataack, rawdataack) && HAS(has_dsn, rawdataseqno) &&
           HAS(has_subflowseqno, subflowseqno) && HAS(has_port, port) && HAS(has_echo, echo) &&
           HAS(has_ipver, ipver) && HAS(has_reserved, reserved) && HAS(has_reason, reason) &&
           EQ(has_sendhmac) && (!a->has_sendhmac || !memcmp(a->sendhmac, b->sendhmac, 20)) &&
           EQ(has_ipv4) && (!a->has_ipv4 || !memcmp(a->ipv4, b->ipv4, 4)) && EQ(has_ipv6) &&
           (!a->has_ipv6 || !memcmp(a->ipv6, b->ipv6, 16)) && EQ(n_remove_ids) &&
           !memcmp(a->remove_ids, b->remove_ids, a->n_remove_ids);
#undef EQ
#undef HAS
}

static const uint8_t flag_sets[] = {0x00, 0x02, 0x12, 0x10, 0x18, 0x04, 0x14, 0x11, 0xff};

static void check_mptcp(const uint8_t *p, size_t avail)
{
    for (size_t f = 0; f < sizeof flag_sets; f++) {
        struct mptcp_opt o;
        if (!mptcp_decode(p, avail, flag_sets[f], &o)) {   /* the kept name: flags are ignored */
            CHECK(avail < 3 || p[0] != TCPOPT_MPTCP);
            continue;
        }
        CHECK(o.raw == p && o.raw_len <= avail);
        CHECK(o.n_remove_ids <= MPTCP_MAX_REMOVE_IDS);
        if (o.truncated || o.subtype > MPTCP_SUB_TCPRST)
            continue;
        /* A whole, known option re-encodes to its own length and decodes equal. */
        uint8_t buf[64];
        size_t n = mptcp_encode(&o, flag_sets[f], buf, sizeof buf);
        CHECK(n == o.len);
        struct mptcp_opt again;
        CHECK(mptcp_decode(buf, n, flag_sets[f], &again));
        CHECK(same(&o, &again));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* 1: the input as a TCP option area (at most 40 bytes in real TCP, but
     * the walker must not care). */
    struct tcpopt_iter it;
    struct tcp_opt opt;
    size_t end = 0;
    tcpopt_iter_init(&it, data, size);
    while (tcpopt_next(&it, &opt)) {
        CHECK(opt.data >= data && opt.len >= 2 && (size_t)(opt.data - data) + opt.len <= size);
        CHECK((size_t)(opt.data - data) >= end); /* options never overlap */
        end = (size_t)(opt.data - data) + opt.len;
        CHECK(opt.kind != TCPOPT_EOL && opt.kind != TCPOPT_NOP);
        if (opt.kind == TCPOPT_MPTCP)
            check_mptcp(opt.data, opt.len);
    }
    if (it.error != TCPOPT_ERR_NONE) {
        CHECK(it.bad_off < size);
        /* what a decoder sees for an option cut by the area */
        if (data[it.bad_off] == TCPOPT_MPTCP)
            check_mptcp(data + it.bad_off, size - it.bad_off);
    }
    /* the cut rule and the MP_CAPABLE view: whatever wire length the header claims */
    size_t avail;
    const uint8_t *stopped = tcpopt_stopped_at(&it, &avail);
    CHECK(!stopped || (it.error == TCPOPT_ERR_OVERRUN && stopped == data + it.bad_off && avail == size - it.bad_off));
    for (size_t wire = 0; wire <= 64; wire += 4) {
        bool cut = tcpopt_cut_by_capture(&it, wire);
        CHECK(!cut || (it.error != TCPOPT_ERR_NONE && size < wire));
    }
    struct mptcp_capable mpc;
    if (mptcp_capable_find(data, size, &mpc)) {
        CHECK(mpc.raw >= data && (size_t)(mpc.raw - data) + mpc.avail <= size);
        CHECK(mpc.cut ? mpc.avail < mpc.len : mpc.avail == mpc.len);
        CHECK(!mpc.has_sender_key || mpc.avail >= MPTCP_CAPABLE_SYNACK_LEN);
        CHECK(!mpc.has_receiver_key || mpc.avail >= MPTCP_CAPABLE_ACK_LEN);
    }
    size_t flen;
    const uint8_t *first = tcpopt_find(data, size, TCPOPT_MPTCP, &flen);
    CHECK(!first || (first >= data && (size_t)(first - data) + flen <= size));

    /* 2: the input as one MPTCP option, whatever its length byte says. */
    if (size >= 1) {
        uint8_t copy[64];
        size_t n = size < sizeof copy ? size : sizeof copy;
        memcpy(copy, data, n);
        copy[0] = TCPOPT_MPTCP;
        uint8_t *exact = malloc(n);
        if (exact) {
            memcpy(exact, copy, n);
            check_mptcp(exact, n);
            free(exact);
        }
    }

    /* 3: the SYN builder with input-chosen settings never overflows. */
    if (size >= 8) {
        struct syn_opts_cfg cfg = {.mss = (uint16_t)(data[0] << 8 | data[1]),
                                   .wscale = (int8_t)data[2],
                                   .sack_perm = data[3] & 1,
                                   .timestamps = data[3] & 2,
                                   .tsval = (uint32_t)data[4] << 24 | data[5]};
        size_t extra = data[6] % 48;
        if (extra > size - 8)
            extra = size - 8;
        uint8_t out[40];
        size_t cap = data[7] % 41;
        size_t n = tcpopt_build_syn(out, cap, &cfg, data + 8, extra);
        CHECK(n <= cap && n % 4 == 0);
        if (n) {
            struct tcpopt_iter w;
            tcpopt_iter_init(&w, out, n);
            while (tcpopt_next(&w, &opt))
                ;
            CHECK(w.error == TCPOPT_ERR_NONE || extra > 0); /* our own options are always well formed */
        }
    }
    return 0;
}
