/* pcap_csv.h — the per-flow and per-connection records of `mpcensus pcap` (--flows, --connections) through io/record, shared by the worker threads. */
#ifndef PCAP_PCAP_CSV_H
#define PCAP_PCAP_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io/record.h"
#include "pcap/app_ports.h"
#include "pcap/flow_table.h"
#include "pcap/mptcp_conn.h"
#include "pcap/trace_stats.h"

extern const struct rec_schema pcap_flow_schema;
extern const struct rec_schema pcap_conn_schema;

/* One output file; rows from several analyzer threads are serialised, so
 * each is one whole line. */
struct pcap_csv;

/* Opens path for one of the two schemas and writes the header. NULL with
 * "PATH: reason" in err. */
struct pcap_csv *pcap_csv_open(const struct rec_schema *schema, const char *path, char *err, size_t errlen);
/* A counted flow: its kind and MPTCP version (-1: none), the connection it
 * belongs to (may be NULL), the port naming its application. */
void pcap_csv_flow(struct pcap_csv *c, const char *trace, const struct flow *f, enum flow_kind kind, int version,
                   const struct mptcp_conn *conn, const struct app_ports *apps, uint16_t port);
/* A counted MP_CAPABLE connection. */
void pcap_csv_conn(struct pcap_csv *c, const char *trace, const struct mptcp_conn *conn,
                   const struct app_ports *apps, uint16_t port);
/* Writes out the complete lines so far (at the end of each trace). */
void pcap_csv_flush(struct pcap_csv *c);
bool pcap_csv_failed(struct pcap_csv *c);
/* Closes; -1 with "PATH: reason" in err when a write or the close failed. NULL is fine. */
int pcap_csv_close(struct pcap_csv *c, char *err, size_t errlen);

#endif
