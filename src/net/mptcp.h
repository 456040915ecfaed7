/* mptcp.h — all MPTCP wire knowledge: every option of RFC 6824 (v0) and RFC 8684 (v1) decoded and encoded, named lengths, the one MP_CAPABLE view, key -> token/IDSN. */
#ifndef NET_MPTCP_H
#define NET_MPTCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum mptcp_subtype {
    MPTCP_SUB_CAPABLE = 0,
    MPTCP_SUB_JOIN = 1,
    MPTCP_SUB_DSS = 2,
    MPTCP_SUB_ADD_ADDR = 3,
    MPTCP_SUB_REMOVE_ADDR = 4,
    MPTCP_SUB_PRIO = 5,
    MPTCP_SUB_FAIL = 6,
    MPTCP_SUB_FASTCLOSE = 7,
    MPTCP_SUB_TCPRST = 8,
};
const char *mptcp_subtype_name(unsigned subtype); /* "MP_CAPABLE", ... "unknown" */

/* MP_CAPABLE flag bits (RFC 8684 §3.1) */
#define MPTCP_CAP_A 0x80   /* checksum required */
#define MPTCP_CAP_B 0x40   /* extensibility */
#define MPTCP_CAP_C 0x20   /* do not connect to source address (v1) */
#define MPTCP_CAP_H 0x01   /* HMAC-SHA256 (v1) / HMAC-SHA1 (v0) */

/* DSS flag bits */
#define MPTCP_DSS_F 0x10   /* DATA_FIN */
#define MPTCP_DSS_m 0x08   /* DSN is 8 octets */
#define MPTCP_DSS_M 0x04   /* DSN, SSN, data-level length (+checksum) present */
#define MPTCP_DSS_a 0x02   /* data ACK is 8 octets */
#define MPTCP_DSS_A 0x01   /* data ACK present */

/* Option lengths, named per layout as the Linux kernel's net/mptcp/protocol.h
 * does (RFC 8684 §3, RFC 6824 §3). The length byte alone tells a receiver
 * which layout it holds, so these are the whole of the decoding rule. */
#define MPTCP_HEADER_LEN 3                  /* kind, length, subtype octet: every option */
#define MPTCP_KEY_LEN 8                     /* a 64-bit key (MP_CAPABLE, MP_FASTCLOSE) */
#define MPTCP_CAPABLE_V1_SYN_LEN 4          /* v1 SYN: flags, no key */
#define MPTCP_CAPABLE_V0_SYN_LEN 12         /* v0 SYN: sender key */
#define MPTCP_CAPABLE_SYNACK_LEN 12         /* SYN-ACK, both versions: sender key */
#define MPTCP_CAPABLE_ACK_LEN 20            /* third ACK: both keys */
#define MPTCP_CAPABLE_ACK_DATA_LEN 22       /* v1: both keys + data-level length */
#define MPTCP_CAPABLE_ACK_DATA_CSUM_LEN 24  /* v1: ... + checksum */
#define MPTCP_JOIN_SYN_LEN 12               /* token + random */
#define MPTCP_JOIN_SYNACK_LEN 16            /* truncated HMAC + random */
#define MPTCP_JOIN_ACK_LEN 24               /* full HMAC */
#define MPTCP_JOIN_HMAC_LEN 20              /* HMAC-SHA1 / truncated HMAC-SHA256 of the third ACK */
#define MPTCP_DSS_BASE_LEN 4                /* header + flags octet */
#define MPTCP_DSS_ACK32_LEN 4               /* data ACK, flag a clear */
#define MPTCP_DSS_ACK64_LEN 8
#define MPTCP_DSS_DSN32_LEN 4               /* data sequence number, flag m clear */
#define MPTCP_DSS_DSN64_LEN 8
#define MPTCP_DSS_SSN_LEN 4                 /* subflow sequence number */
#define MPTCP_DSS_DATALEN_LEN 2             /* data-level length */
#define MPTCP_DSS_CHECKSUM_LEN 2
#define MPTCP_ADD_ADDR_BASE_LEN 4           /* header + address ID */
#define MPTCP_ADD_ADDR_PORT_LEN 2
#define MPTCP_ADD_ADDR_HMAC_LEN 8           /* v1 truncated HMAC */
#define MPTCP_ADD_ADDR_V4_LEN (MPTCP_ADD_ADDR_BASE_LEN + 4)    /* 8 */
#define MPTCP_ADD_ADDR_V6_LEN (MPTCP_ADD_ADDR_BASE_LEN + 16)   /* 20 */
#define MPTCP_REMOVE_ADDR_BASE_LEN 3        /* + one octet per address ID (at least one) */
#define MPTCP_PRIO_LEN 3                    /* v1 */
#define MPTCP_PRIO_ADDRID_LEN 4             /* v0 may add the address ID */
#define MPTCP_FAIL_LEN 12                   /* 12 reserved bits + 64-bit DSN */
#define MPTCP_FASTCLOSE_LEN 12              /* 12 reserved bits + receiver key */
#define MPTCP_TCPRST_LEN 4                  /* flags nibble + reason */

#define MPTCP_MAX_REMOVE_IDS 38

/* A decoded MPTCP option. has_* says which fields the layout carried; a
 * field absent on the wire is never reported. Names follow tshark's
 * tcp.options.mptcp.* fields. */
struct mptcp_opt {
    uint8_t subtype;
    uint8_t len;              /* option length byte as on the wire */
    const uint8_t *raw;       /* points at the kind byte (30); raw_len bytes available */
    size_t raw_len;
    bool truncated;           /* length too short for the layout, or cut by the option area */
    int version;              /* 0 or 1 when known (MP_CAPABLE field; ADD_ADDR by layout); -1 unknown */

    uint8_t flags;            /* MP_CAPABLE flags; DSS flags; JOIN B bit; PRIO B; ADD_ADDR E(v1); TCPRST flags */

    bool has_sendkey, has_recvkey, has_datalvllen, has_checksum;
    uint64_t sendkey, recvkey;    /* MP_CAPABLE; FASTCLOSE: recvkey */

    /* MP_JOIN */
    bool has_addrid, has_recvtok, has_sendrand, has_sendtrunchmac, has_sendhmac;
    uint8_t addrid;           /* also ADD_ADDR, MP_PRIO (v0 optional) */
    uint32_t recvtok, sendrand;
    uint64_t sendtrunchmac;   /* SYN-ACK: leftmost 64 bits of the HMAC; ADD_ADDR v1: truncated HMAC */
    uint8_t sendhmac[20];     /* ACK: 160 bits */

    /* DSS */
    bool has_dataack, has_dsn;
    uint64_t rawdataack;      /* 4 or 8 bytes per flag a */
    uint64_t rawdataseqno;    /* 4 or 8 bytes per flag m */
    uint32_t subflowseqno;
    uint16_t datalvllen;      /* also MP_CAPABLE ACK with data (v1) */
    uint16_t checksum;        /* DSS / MP_CAPABLE checksum */

    /* ADD_ADDR */
    bool has_ipv4, has_ipv6, has_port, has_echo;
    uint8_t ipver;            /* v0 only: 4 or 6 */
    uint8_t echo;             /* v1 E bit */
    uint8_t ipv4[4];
    uint8_t ipv6[16];
    uint16_t port;

    /* REMOVE_ADDR */
    uint8_t n_remove_ids;
    uint8_t remove_ids[MPTCP_MAX_REMOVE_IDS];

    /* MP_TCPRST */
    uint8_t reason;

    /* Read on decode; encoding needs none of them (the layout follows from the fields above). */
    bool has_flags;           /* the flags octet/nibble was on the wire (not for a 3-byte DSS/MP_CAPABLE) */
    bool has_ipver;           /* ADD_ADDR v0: ipver valid */
    bool has_reserved;        /* MP_JOIN ACK / MP_FAIL / MP_FASTCLOSE: 12 reserved bits after the subtype */
    uint16_t reserved;
    bool has_reason;          /* MP_TCPRST */
    bool has_subflowseqno;    /* DSS mapping: the subflow sequence number fitted */
};

/* Decodes one MPTCP option. opt points at the kind byte (30) and avail is the
 * number of bytes of that option available (its length byte, clipped to the
 * option area: tcpopt_next() guarantees it). The layout (SYN, SYN-ACK, ACK,
 * with or without port, HMAC, checksum...) is chosen by the length byte
 * alone, as a receiver must and as the kernel does: the TCP flags are not
 * needed. Never reads past avail; a layout that does not fit sets
 * ->truncated and keeps what fit. Returns false only if opt is not an MPTCP
 * option (kind != 30 or avail < 3). */
bool mptcp_opt_decode(const uint8_t *opt, size_t avail, struct mptcp_opt *out);

/* Encodes o into buf; the layout (and so the length byte) follows subtype,
 * version, flags and the has_* bits, so decode(encode(o)) == o. Returns
 * bytes written, or 0 if cap is too small or o is inconsistent. */
size_t mptcp_opt_encode(const struct mptcp_opt *o, uint8_t *buf, size_t cap);

/* The first names of the two calls, kept for existing callers: tcp_flags is
 * ignored (the length byte tells every layout apart). */
static inline bool mptcp_decode(const uint8_t *opt, size_t avail, uint8_t tcp_flags, struct mptcp_opt *out)
{
    (void)tcp_flags;
    return mptcp_opt_decode(opt, avail, out);
}
static inline size_t mptcp_encode(const struct mptcp_opt *o, uint8_t tcp_flags, uint8_t *buf, size_t cap)
{
    (void)tcp_flags;
    return mptcp_opt_encode(o, buf, cap);
}

/* One MP_CAPABLE option as found in an option area: what scan's classifier,
 * trace's differ and the lab's emulators read, so the bytes are decoded in
 * one place. */
struct mptcp_capable {
    const uint8_t *raw;       /* the kind byte (30) */
    uint8_t len;              /* the length byte as on the wire */
    size_t avail;             /* bytes of the option inside the area (len, or less when cut) */
    bool cut;                 /* the length runs past the option area (capture or header cut it) */
    uint8_t version;          /* low nibble of the subtype octet */
    bool has_flags;           /* a flags octet is present (avail >= 4) */
    uint8_t flags;
    bool has_sender_key;      /* octets 4..11 present */
    uint64_t sender_key;
    bool has_receiver_key;    /* octets 12..19 present */
    uint64_t receiver_key;
    bool cut_by_capture;      /* cut, and by the capture's snap length rather than the header
                                 (tcpopt_cut_by_capture; set by mptcp_capable_find_tcp only) */
};
/* Finds the first MP_CAPABLE option of a TCP option area, also one whose
 * length runs past the end of the area (then ->cut, and only the bytes that
 * are there are read). Returns false when there is none. */
bool mptcp_capable_find(const uint8_t *opts, size_t len, struct mptcp_capable *out);
/* The same over a decoded TCP header, telling a capture cut from a header
 * cut (->cut_by_capture) with the one rule of net/tcpopt. */
struct tcp_view;
bool mptcp_capable_find_tcp(const struct tcp_view *t, struct mptcp_capable *out);
/* Overwrites the sender key of an MP_CAPABLE option found by
 * mptcp_capable_find (requires ->has_sender_key; opt is that ->raw, writable). */
void mptcp_capable_set_sender_key(uint8_t *opt, uint64_t key);

/* Writers for the scanner and emulators; each returns the bytes written. */
size_t mptcp_put_capable_v0(uint8_t *buf, uint8_t flags, uint64_t key);   /* 12 bytes, SYN or SYN-ACK */
size_t mptcp_put_capable_v1_syn(uint8_t *buf, uint8_t flags);             /* 4 bytes */
size_t mptcp_put_capable_v1_synack(uint8_t *buf, uint8_t flags, uint64_t key); /* 12 bytes */
/* Any length byte len (4..24), also one that is no layout (the lab's
 * malformed host): the flags, then the first len - 4 octets of the 8-octet
 * key field holding key (zeros beyond it). */
size_t mptcp_put_capable_len(uint8_t *buf, uint8_t len, uint8_t version, uint8_t flags, uint64_t key);

/* Hamming weight of a 64-bit key. */
static inline unsigned key_hamming(uint64_t key) { return (unsigned)__builtin_popcountll(key); }

/* Token and initial data sequence number from a key (RFC 6824 §3.1: SHA-1,
 * RFC 8684 §3.1: SHA-256): token = most significant 32 bits of the hash,
 * IDSN = least significant 64 bits. */
uint32_t mptcp_token(int version, uint64_t key);
uint64_t mptcp_idsn(int version, uint64_t key);
/* Both from one hash (the passive analyser derives both for every key). */
void mptcp_key_derive(int version, uint64_t key, uint32_t *token, uint64_t *idsn);

#endif
