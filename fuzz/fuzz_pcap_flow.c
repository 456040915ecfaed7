/* fuzz_pcap_flow.c — libFuzzer target: a stream of packets through the passive analyser (flow table, MPTCP connection linking, statistics) with invariants on the result. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pcap/analyzer.h"
#include "pcap/pcap_csv.h"

#include "fuzz/fuzz_check.h"

/* The --flows and --connections writers, into /dev/null: every counted flow
 * and connection is formatted as a record, as in a real run. */
static struct pcap_csv *csv(int which)
{
    static struct pcap_csv *c[2];
    if (!c[which]) {
        char err[256];
        c[which] = pcap_csv_open(which ? &pcap_conn_schema : &pcap_flow_schema, "/dev/null", err, sizeof err);
    }
    return c[which];
}

/*
 * Input: byte 0 = link type (enum link_type), byte 1 = configuration (table
 * size 1..16 flows so evictions happen all the time; idle timeout and close
 * linger of 1..4 s; idle scans every 1..4 packets), then records
 * [length: 2 bytes little-endian][time step: 1 byte, in 1/8 s][frame].
 * A record cut short by the end of the input is fed as it is.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    int link = data[0] % LINK_UNKNOWN;
    uint8_t conf = data[1];
    struct analyzer_cfg cfg = {
        .min_packets = 1,
        .max_flows = 1 + (conf & 0x0f),
        .idle_timeout_us = (1 + ((conf >> 4) & 3)) * 1000000ULL,
        .closed_linger_us = (1 + ((conf >> 6) & 3)) * 250000ULL,
        .expire_every = 1 + ((conf >> 4) & 3),
        .top_apps = 3,
        .flows_csv = csv(0),
        .conns_csv = csv(1),
    };
    struct analyzer *a = analyzer_new(&cfg, "fuzz");
    if (!a)
        return 0;
    uint64_t ts = 1700000000ULL * 1000000ULL, frames = 0;
    size_t off = 2;
    while (off + 3 <= size) {
        size_t len = (size_t)data[off] | (size_t)data[off + 1] << 8;
        ts += (uint64_t)data[off + 2] * 125000ULL;
        off += 3;
        if (len > size - off)
            len = size - off;
        struct capture_pkt p = {.data = data + off, .caplen = len, .wirelen = len, .ts_usec = ts, .frame = ++frames};
        analyzer_packet(a, link, &p);
        off += len;
    }
    const struct trace_stats *s = analyzer_finish(a);
    /* invariants of the counts, whatever the bytes */
    CHECK(s->packets == frames);
    CHECK(s->tcp_packets == s->tcp_packets_all); /* with -m 1 every TCP packet lands in a counted flow */
    uint64_t flows = 0, bytes = 0, mptcp_flows = 0;
    for (int k = 0; k < FLOW_KIND_COUNT; k++) {
        flows += s->flows_by_kind[k];
        bytes += s->bytes_by_kind[k];
        if (k == FLOW_MPTCP_INITIAL || k == FLOW_MPTCP_JOIN || k == FLOW_MPTCP_UNLINKED || k == FLOW_MPTCP_MIDSTREAM)
            mptcp_flows += s->flows_by_kind[k];
    }
    CHECK(flows == s->tcp_flows && bytes == s->tcp_bytes && mptcp_flows == s->mptcp_flows);
    CHECK(s->below_min_flows == 0);
    CHECK(s->mptcp_subflows == s->flows_by_kind[FLOW_MPTCP_INITIAL] + s->flows_by_kind[FLOW_MPTCP_JOIN]);
    CHECK(s->mptcp_connections <= s->flows_by_kind[FLOW_MPTCP_INITIAL]);
    CHECK(s->mptcp_conn_by_version[0] + s->mptcp_conn_by_version[1] <= s->mptcp_connections);
    CHECK(s->mptcp_bytes <= s->tcp_bytes && s->mptcp_flows <= s->tcp_flows);
    CHECK(s->flow_share >= 0 && s->flow_share <= 1 && s->byte_share >= 0 && s->byte_share <= 1);
    CHECK(s->top1_share <= s->top5_share + 1e-12 && s->top5_share <= 1.0 + 1e-12);
    CHECK(s->top50pct_share <= 1.0 + 1e-12 && s->top1_share <= s->top50pct_share + 1e-9);
    CHECK(s->n_top_flows <= TRACE_TOP_N && s->n_top_conns <= TRACE_TOP_N);
    for (size_t i = 1; i < s->n_top_flows; i++)
        CHECK(s->top_flows[i - 1].bytes >= s->top_flows[i].bytes);
    CHECK(s->n_apps <= 3 && s->n_mptcp_apps <= 3 && !s->ports);
    analyzer_free(a);
    return 0;
}
