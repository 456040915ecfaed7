/* trace_stats.h — per-trace traffic-share statistics: counts, shares, concentration, largest flows, ports, EWMA. */
#ifndef PCAP_TRACE_STATS_H
#define PCAP_TRACE_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "net/packet.h"
#include "pcap/flow_table.h"
#include "pcap/size_dist.h"

#define TRACE_TOP_N 10

/* Why packets (or parts of them) could not be used. */
enum skip_reason {
    SKIP_TRUNCATED,         /* headers cut by the snaplen */
    SKIP_BAD_HEADER,
    SKIP_BAD_VERSION,
    SKIP_UNSUPPORTED_LINK,
    SKIP_FRAGMENT,          /* non-first IP fragment */
    SKIP_BAD_TCP_OPTIONS,   /* option area malformed (packet still counted) */
    SKIP_TCP_OPTIONS_CUT,   /* option area cut by the snaplen (packet still counted) */
    SKIP_MPTCP_OPTION_BAD,  /* MPTCP option too short for its layout (ignored) */
    SKIP_FILE_TRUNCATED,    /* the capture file ended inside a record / stream */
    SKIP_READ_ERROR,        /* bad magic, unreadable file, decompression error */
    SKIP_COUNT
};
const char *skip_reason_name(enum skip_reason r);

/* A flow or connection kept for the "largest" lists. */
struct top_entry {
    uint64_t bytes, packets, first_us, last_us;
    uint16_t port;
    int8_t version;    /* MPTCP version, -1 for plain TCP */
    uint8_t kind;      /* enum flow_kind; for connections FLOW_MPTCP_INITIAL */
    unsigned subflows; /* connections only */
};

/* Per server port, while a trace is counted: 256 pages of 256 ports,
 * allocated when a port of the page is first seen (8 KiB each), so a trace
 * with a few services costs a few pages. */
struct port_count {
    uint64_t tcp_flows, tcp_bytes, mptcp_conns, mptcp_bytes;
};
struct port_counts {
    struct port_count *page[256];
    bool oom;              /* a page could not be allocated: its ports are not counted */
};

/* One port of the "applications" lists kept after trace_stats_compact(). */
struct port_row {
    uint32_t port;
    uint64_t tcp_flows, tcp_bytes, mptcp_conns, mptcp_bytes;
};

struct trace_stats {
    /* input */
    uint64_t packets;          /* every record read */
    uint64_t non_tcp_packets;  /* well-formed but not TCP (ARP, UDP, ICMP...) */
    uint64_t tcp_packets_all;  /* TCP packets decoded, before the filter */
    uint64_t skipped[SKIP_COUNT];
    uint64_t first_us, last_us;
    bool error;                /* reading stopped early */
    char error_text[1024];
    /* after the --min-packets filter */
    uint64_t tcp_flows, tcp_bytes, tcp_packets;
    uint64_t flows_by_kind[FLOW_KIND_COUNT], bytes_by_kind[FLOW_KIND_COUNT];
    uint64_t mptcp_flows, mptcp_bytes;   /* every flow carrying MPTCP (subflows, unlinked joins, mid-stream) */
    uint64_t mptcp_connections, mptcp_conn_by_version[2], mptcp_conn_bytes;
    uint64_t mptcp_subflows;             /* subflows of MP_CAPABLE connections */
    uint64_t mptcp_unlinked_connections; /* groups of joins with a token never seen in MP_CAPABLE */
    uint64_t mptcp_fallbacks;            /* MP_CAPABLE SYN answered without MP_CAPABLE */
    uint64_t below_min_flows;            /* flows dropped by the filter */
    struct size_dist mptcp_flow_sizes;   /* for the concentration shares (bounded memory) */
    struct top_entry top_flows[TRACE_TOP_N], top_conns[TRACE_TOP_N];
    size_t n_top_flows, n_top_conns;
    struct port_counts *ports;           /* NULL after trace_stats_compact() */
    /* after trace_stats_compact(): the top ports by all TCP bytes and by MPTCP bytes */
    struct port_row *apps, *mptcp_apps;
    size_t n_apps, n_mptcp_apps;
    /* derived by trace_stats_finish() */
    double flow_share, byte_share, top1_share, top5_share, top50pct_share;
};

bool trace_stats_init(struct trace_stats *s);
void trace_stats_free(struct trace_stats *s);
/* Accounts one evicted flow already known to pass the filter. */
void trace_stats_add_flow(struct trace_stats *s, enum flow_kind kind, int version, uint64_t packets,
                          uint64_t ip_bytes, uint64_t first_us, uint64_t last_us, uint16_t port);
/* Accounts one finished MP_CAPABLE connection already known to pass the filter. */
void trace_stats_add_conn(struct trace_stats *s, int version, unsigned subflows, uint64_t packets,
                          uint64_t ip_bytes, uint64_t first_us, uint64_t last_us, uint16_t port);
/* Computes shares and concentration. */
void trace_stats_finish(struct trace_stats *s);
/* Keeps only what the report shows: the top_apps ports by TCP bytes and by
 * MPTCP bytes (ties: lower port first); frees the per-port table and the flow
 * sizes. A finished trace of a series then costs a few KB. false: out of memory. */
bool trace_stats_compact(struct trace_stats *s, size_t top_apps);
/* The counts of a port (NULL when none was counted, or after compaction). */
const struct port_count *trace_stats_port(const struct trace_stats *s, uint16_t port);
/* Merges src (not compacted) into dst (series totals). The result does not
 * depend on the order of the merges. */
bool trace_stats_merge(struct trace_stats *dst, const struct trace_stats *src);

/* Exponentially weighted moving average: out[i] = a*x[i] + (1-a)*out[i-1], out[0] = x[0]. */
void ewma_series(const double *x, size_t n, double a, double *out);

#endif
