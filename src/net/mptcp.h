/* mptcp.h — decode and encode every MPTCP option of RFC 6824 (v0) and RFC 8684 (v1). */
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

    /* Added after the first contract (additive; mptcp_encode does not need them): */
    bool has_flags;           /* the flags octet/nibble was on the wire (not for a 3-byte DSS/MP_CAPABLE) */
    bool has_ipver;           /* ADD_ADDR v0: ipver valid */
    bool has_reserved;        /* MP_JOIN ACK / MP_FAIL / MP_FASTCLOSE: 12 reserved bits after the subtype */
    uint16_t reserved;
    bool has_reason;          /* MP_TCPRST */
    bool has_subflowseqno;    /* DSS mapping: the subflow sequence number fitted */
};

/* Decodes one MPTCP option. opt points at the kind byte (30) and avail is the
 * number of bytes of that option available (its length byte, clipped to the
 * option area: tcpopt_next() guarantees it). tcp_flags lets MP_CAPABLE and
 * MP_JOIN tell SYN / SYN-ACK / ACK layouts apart. Never reads past avail;
 * a layout that does not fit sets ->truncated and keeps what fit.
 * Returns false only if opt is not an MPTCP option (kind != 30 or avail < 3). */
bool mptcp_decode(const uint8_t *opt, size_t avail, uint8_t tcp_flags, struct mptcp_opt *out);

/* Encodes o into buf. The layout follows subtype, version, flags, the has_*
 * bits and tcp_flags (SYN / SYN-ACK / ACK), so decode(encode(o)) == o.
 * Returns bytes written, or 0 if cap is too small or o is inconsistent. */
size_t mptcp_encode(const struct mptcp_opt *o, uint8_t tcp_flags, uint8_t *buf, size_t cap);

/* MP_CAPABLE lengths (RFC 6824 §3.1, RFC 8684 §3.1). A SYN-ACK's option is
 * 12 bytes in both versions; v1's SYN carries no key (4 bytes). */
#define MPTCP_CAPABLE_V0_SYN_LEN 12
#define MPTCP_CAPABLE_V1_SYN_LEN 4
#define MPTCP_CAPABLE_SYNACK_LEN 12
#define MPTCP_CAPABLE_ACK_LEN 20            /* both keys */
#define MPTCP_CAPABLE_ACK_DATA_LEN 22       /* v1: both keys + data-level length */
#define MPTCP_CAPABLE_ACK_DATA_CSUM_LEN 24  /* v1: ... + checksum */

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
};
/* Finds the first MP_CAPABLE option of a TCP option area, also one whose
 * length runs past the end of the area (then ->cut, and only the bytes that
 * are there are read). Returns false when there is none. */
bool mptcp_capable_find(const uint8_t *opts, size_t len, struct mptcp_capable *out);

/* Shorthands for the scanner and emulators. */
size_t mptcp_put_capable_v0(uint8_t *buf, uint8_t flags, uint64_t key);   /* 12 bytes, SYN or SYN-ACK */
size_t mptcp_put_capable_v1_syn(uint8_t *buf, uint8_t flags);             /* 4 bytes */
size_t mptcp_put_capable_v1_synack(uint8_t *buf, uint8_t flags, uint64_t key); /* 12 bytes */

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
