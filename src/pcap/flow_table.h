/* flow_table.h — bidirectional TCP flow table keyed by 5-tuple, with FIN/RST/idle eviction and a size cap. */
#ifndef PCAP_FLOW_TABLE_H
#define PCAP_FLOW_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "net/addr.h"

/* Canonical key: endpoint a sorts before endpoint b, so both directions of
 * a connection find the same entry. */
struct flow_key {
    uint8_t family;
    uint8_t a[16], b[16];
    uint16_t port_a, port_b;
};

/* What a flow turned out to be; decided when it is evicted. */
enum flow_kind {
    FLOW_TCP = 0,
    FLOW_MPTCP_INITIAL,     /* the MP_CAPABLE subflow of a connection */
    FLOW_MPTCP_JOIN,        /* MP_JOIN subflow linked to a known connection */
    FLOW_MPTCP_UNLINKED,    /* MP_JOIN whose token named no connection seen */
    FLOW_MPTCP_MIDSTREAM,   /* MPTCP options but no handshake seen */
    FLOW_MPTCP_FALLBACK,    /* MP_CAPABLE SYN answered by a plain SYN-ACK: TCP */
    FLOW_KIND_COUNT
};
const char *flow_kind_name(enum flow_kind k);

struct mptcp_conn;

struct flow {
    struct flow_key key;
    struct flow *hash_next;
    struct flow *lru_prev, *lru_next;
    uint64_t id;                  /* order of creation within the trace */
    uint64_t first_us, last_us;
    uint64_t packets, ip_bytes, payload_bytes;
    uint64_t ip_bytes_dir[2];     /* [0]: sent by the initiator, [1]: by the responder */
    bool initiator_is_a;          /* endpoint a opened the flow (sent the SYN, or the first packet) */
    bool saw_syn, saw_synack;
    bool fin[2];                  /* FIN seen from initiator / responder */
    bool rst;
    bool base_set[2];             /* per endpoint (0: a, 1: b): first sequence number seen */
    uint32_t base_seq[2];
    bool closed;                  /* on the closed list: evicted after a short linger */
    bool mptcp_syn, mptcp_synack; /* MP_CAPABLE in SYN / SYN-ACK */
    bool plain_synack;            /* SYN-ACK without MP_CAPABLE: fallback */
    bool join;                    /* MP_JOIN in the SYN */
    bool initial_subflow;         /* linked to its connection by MP_CAPABLE */
    bool mptcp_other;             /* any MPTCP option outside a handshake */
    bool join_reversed;           /* join opened by the connection's server side */
    int8_t version;               /* MP_CAPABLE version seen, -1 none */
    uint32_t join_token;
    struct mptcp_conn *conn;
};

/* Called for each flow leaving the table; the flow is freed afterwards. */
typedef void (*flow_evict_fn)(void *ctx, struct flow *f);

struct flow_table_cfg {
    uint64_t idle_timeout_us;     /* open flow without packets for this long */
    uint64_t closed_linger_us;    /* closed (FIN both ways / RST) flow */
    size_t max_flows;             /* oldest open flow is evicted beyond this */
};

struct flow_table;

struct flow_table *flow_table_new(const struct flow_table_cfg *cfg, flow_evict_fn evict, void *ctx);
/* Evicts every flow (end of trace) then frees the table. */
void flow_table_free(struct flow_table *t);
void flow_table_flush(struct flow_table *t);

/* Builds the canonical key; *src_is_a tells which endpoint sent the packet. */
void flow_key_make(struct flow_key *k, const struct ip_addr *src, uint16_t sport,
                   const struct ip_addr *dst, uint16_t dport, bool *src_is_a);

/* Finds the flow of k, creating it when absent (*created true). Marks it
 * most recently used at now_us. Returns NULL only when out of memory. */
struct flow *flow_table_get(struct flow_table *t, const struct flow_key *k, uint64_t now_us, bool *created);
/* Evicts f now (e.g. a new SYN reuses the 5-tuple of a closed flow). */
void flow_table_evict(struct flow_table *t, struct flow *f);
/* Moves f to the closed list (short linger). */
void flow_table_mark_closed(struct flow_table *t, struct flow *f);
/* Evicts flows idle past their timeout at time now_us. */
void flow_table_expire(struct flow_table *t, uint64_t now_us);
size_t flow_table_size(const struct flow_table *t);

#endif
