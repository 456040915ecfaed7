/* mptcp_conn.h — MPTCP connections seen in a trace: token index linking MP_JOIN subflows, data-level byte counts. */
#ifndef PCAP_MPTCP_CONN_H
#define PCAP_MPTCP_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "pcap/flow_table.h"

/* One direction of the data stream (RFC 8684 data sequence space). */
struct mptcp_dataflow {
    bool have_idsn, have_range;
    uint64_t idsn;
    uint64_t min_start, max_end; /* over every DSS mapping seen (DATA_FIN octet excluded) */
};

/* Field order keeps the record small (one per MPTCP connection, millions
 * in a trace crossed by a scan). */
struct mptcp_conn {
    uint64_t id;
    struct mptcp_conn *next;       /* the table's free list (recycled connections) */
    uint64_t first_us, last_us;
    uint64_t packets, ip_bytes, payload_bytes;
    struct mptcp_dataflow data[2]; /* [0] client to server, [1] server to client */
    uint32_t token[2];
    unsigned subflows;             /* subflows ever linked (initial included) */
    unsigned live_subflows;        /* still in the flow table */
    /* endpoints of the initial subflow, client first */
    struct flow_key initial_key;
    int8_t version;                /* 0, 1; -1 unknown */
    bool handshake;                /* created by MP_CAPABLE; false: MP_JOINs with an unknown token */
    bool fallback;                 /* SYN-ACK came back without MP_CAPABLE */
    bool have_key[2];              /* [0] client (MP_CAPABLE SYN sender), [1] server */
    bool token_indexed[2];         /* token[side] is in the table's index */
    bool client_is_a;
};

/* The data-level bytes of one direction (application bytes), 0 if unknown. */
uint64_t mptcp_dataflow_bytes(const struct mptcp_dataflow *d);
/* Records the DSS mapping [dsn, dsn+len) (data_fin: its last octet is the DATA_FIN).
 * dsn64 false: dsn holds the low 32 bits only, widened against what is known. */
void mptcp_dataflow_map(struct mptcp_dataflow *d, uint64_t dsn, bool dsn64, uint32_t len, bool data_fin);
void mptcp_dataflow_set_idsn(struct mptcp_dataflow *d, uint64_t idsn);

struct mptcp_conn_table;

struct mptcp_conn_table *mptcp_conn_table_new(void);
void mptcp_conn_table_free(struct mptcp_conn_table *t);
struct mptcp_conn *mptcp_conn_create(struct mptcp_conn_table *t, bool handshake, int version);
/* Records side's key (0 client, 1 server) and indexes its token. */
void mptcp_conn_set_key(struct mptcp_conn_table *t, struct mptcp_conn *c, int side, uint64_t key);
/* Indexes a token without a key (a connection made of unlinked joins). */
void mptcp_conn_add_token(struct mptcp_conn_table *t, struct mptcp_conn *c, int side, uint32_t token);
/* The connection whose token this is, and which side owns it (0 client, 1 server). */
struct mptcp_conn *mptcp_conn_by_token(struct mptcp_conn_table *t, uint32_t token, int *side);
/* The trace ended: every connection is about to be retired and no token
 * looked up again, so retiring skips the index (freed as a whole). */
void mptcp_conn_table_closing(struct mptcp_conn_table *t);
/* Drops the connection from the token index (its last subflow left). */
void mptcp_conn_retire(struct mptcp_conn_table *t, struct mptcp_conn *c);
/* Returns a retired connection to the table for reuse (memory is released by
 * mptcp_conn_table_free; it is bounded by the most connections live at once). */
void mptcp_conn_free(struct mptcp_conn_table *t, struct mptcp_conn *c);
size_t mptcp_conn_count(const struct mptcp_conn_table *t);

#endif
