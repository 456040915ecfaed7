/* pcap_csv.c — field tables and row filling of the --flows and --connections records (io/record, one lock per file). */
#include "pcap/pcap_csv.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

enum {
    FL_TRACE, FL_FLOW_ID, FL_KIND, FL_VERSION, FL_CONN_ID, FL_CLIENT, FL_CLIENT_PORT, FL_SERVER, FL_SERVER_PORT,
    FL_FIRST_TS, FL_DURATION, FL_PACKETS, FL_IP_BYTES, FL_PAYLOAD_BYTES, FL_IP_BYTES_C2S, FL_IP_BYTES_S2C,
    FL_SERVICE, FL_APPLE, FL_COUNT
};

static const struct rec_field flow_fields[FL_COUNT] = {
    [FL_TRACE] = {"trace", REC_STR, "the trace (its first file)"},
    [FL_FLOW_ID] = {"flow_id", REC_NUM, "order of the flow's first packet in the trace"},
    [FL_KIND] = {"kind", REC_STR, "mptcp, mptcp-join, mptcp-join-unlinked, mptcp-midstream, mptcp-fallback or tcp"},
    [FL_VERSION] = {"mptcp_version", REC_NUM, "MPTCP version (empty for tcp and mptcp-fallback)"},
    [FL_CONN_ID] = {"conn_id", REC_NUM, "the MPTCP connection it belongs to (empty: none)"},
    [FL_CLIENT] = {"client", REC_STR, "address that opened the flow"},
    [FL_CLIENT_PORT] = {"client_port", REC_NUM, "its port"},
    [FL_SERVER] = {"server", REC_STR, "the other address"},
    [FL_SERVER_PORT] = {"server_port", REC_NUM, "its port"},
    [FL_FIRST_TS] = {"first_ts", REC_NUM, "first packet, seconds since the epoch"},
    [FL_DURATION] = {"duration_s", REC_NUM, "last minus first packet, seconds"},
    [FL_PACKETS] = {"packets", REC_NUM, "packets, both directions"},
    [FL_IP_BYTES] = {"ip_bytes", REC_NUM, "IP bytes on the wire, both directions"},
    [FL_PAYLOAD_BYTES] = {"payload_bytes", REC_NUM, "TCP payload bytes on the wire"},
    [FL_IP_BYTES_C2S] = {"ip_bytes_c2s", REC_NUM, "IP bytes sent by the client"},
    [FL_IP_BYTES_S2C] = {"ip_bytes_s2c", REC_NUM, "IP bytes sent by the server"},
    [FL_SERVICE] = {"service", REC_STR, "IANA name of the application port"},
    [FL_APPLE] = {"apple_service", REC_STR, "Apple's name of the application port"},
};
const struct rec_schema pcap_flow_schema = {"pcap-flows", flow_fields, FL_COUNT};

enum {
    CN_TRACE, CN_CONN_ID, CN_VERSION, CN_SUBFLOWS, CN_CLIENT, CN_CLIENT_PORT, CN_SERVER, CN_SERVER_PORT,
    CN_FIRST_TS, CN_DURATION, CN_PACKETS, CN_IP_BYTES, CN_PAYLOAD_BYTES, CN_DATA_C2S, CN_DATA_S2C, CN_SERVICE,
    CN_APPLE, CN_COUNT
};

static const struct rec_field conn_fields[CN_COUNT] = {
    [CN_TRACE] = {"trace", REC_STR, "the trace (its first file)"},
    [CN_CONN_ID] = {"conn_id", REC_NUM, "connection number within the trace"},
    [CN_VERSION] = {"mptcp_version", REC_NUM, "negotiated MPTCP version"},
    [CN_SUBFLOWS] = {"subflows", REC_NUM, "subflows linked to it (the initial one included)"},
    [CN_CLIENT] = {"client", REC_STR, "client address of the initial subflow"},
    [CN_CLIENT_PORT] = {"client_port", REC_NUM, "its port"},
    [CN_SERVER] = {"server", REC_STR, "server address of the initial subflow"},
    [CN_SERVER_PORT] = {"server_port", REC_NUM, "its port"},
    [CN_FIRST_TS] = {"first_ts", REC_NUM, "first packet, seconds since the epoch"},
    [CN_DURATION] = {"duration_s", REC_NUM, "last minus first packet, seconds"},
    [CN_PACKETS] = {"packets", REC_NUM, "packets of every subflow"},
    [CN_IP_BYTES] = {"ip_bytes", REC_NUM, "IP bytes of every subflow"},
    [CN_PAYLOAD_BYTES] = {"payload_bytes", REC_NUM, "TCP payload bytes of every subflow"},
    [CN_DATA_C2S] = {"data_bytes_c2s", REC_NUM, "application bytes client to server (data sequence numbers)"},
    [CN_DATA_S2C] = {"data_bytes_s2c", REC_NUM, "application bytes server to client"},
    [CN_SERVICE] = {"service", REC_STR, "IANA name of the server port"},
    [CN_APPLE] = {"apple_service", REC_STR, "Apple's name of the server port"},
};
const struct rec_schema pcap_conn_schema = {"pcap-connections", conn_fields, CN_COUNT};

_Static_assert(FL_PAYLOAD_BYTES == FL_FIRST_TS + 4 && CN_PAYLOAD_BYTES == CN_FIRST_TS + 4, "span fields in order");
_Static_assert(FL_APPLE == FL_SERVICE + 1 && CN_APPLE == CN_SERVICE + 1, "name fields in order");

struct pcap_csv {
    struct rec_writer *w;
    pthread_mutex_t lock;
};

struct pcap_csv *pcap_csv_open(const struct rec_schema *schema, const char *path, char *err, size_t errlen)
{
    struct pcap_csv *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    struct rec_opts ro = {.path = path, .format = REC_CSV};
    if (!(c->w = rec_open(schema, &ro, err, errlen))) {
        free(c);
        return NULL;
    }
    pthread_mutex_init(&c->lock, NULL);
    return c;
}

static void set_endpoint(struct rec_writer *w, unsigned addr_field, unsigned port_field, const struct flow_key *k,
                         bool side_a)
{
    struct ip_addr ip;
    if (k->family == AF_INET6) {
        ip_addr_from_v6(&ip, side_a ? k->a : k->b);
    } else {
        memset(&ip, 0, sizeof ip);
        ip.family = AF_INET;
        memcpy(ip.bytes, side_a ? k->a : k->b, 4);
    }
    char text[IP_ADDR_STRLEN];
    rec_set_str(w, addr_field, ip_addr_format(&ip, text, sizeof text));
    rec_set_u64(w, port_field, side_a ? k->port_a : k->port_b);
}

/* The five consecutive fields first_ts, duration_s, packets, ip_bytes, payload_bytes from `first`. */
static void set_span(struct rec_writer *w, unsigned first, uint64_t first_us, uint64_t last_us, uint64_t packets,
                     uint64_t ip_bytes, uint64_t payload_bytes)
{
    rec_set_double(w, first, (double)first_us / 1e6, 6);
    rec_set_double(w, first + 1, (double)(last_us - first_us) / 1e6, 6);
    rec_set_u64(w, first + 2, packets);
    rec_set_u64(w, first + 3, ip_bytes);
    rec_set_u64(w, first + 4, payload_bytes);
}

/* service, apple_service (consecutive) of the port naming the application. */
static void set_names(struct rec_writer *w, unsigned first, const struct app_ports *apps, uint16_t port)
{
    rec_set_str(w, first, app_ports_iana(apps, port));
    rec_set_str(w, first + 1, app_ports_apple(apps, port));
}

void pcap_csv_flow(struct pcap_csv *c, const char *trace, const struct flow *f, enum flow_kind kind, int version,
                   const struct mptcp_conn *conn, const struct app_ports *apps, uint16_t port)
{
    pthread_mutex_lock(&c->lock);
    struct rec_writer *w = c->w;
    rec_set_str(w, FL_TRACE, trace);
    rec_set_u64(w, FL_FLOW_ID, f->id);
    rec_set_str(w, FL_KIND, flow_kind_name(kind));
    if (version >= 0)
        rec_set_u64(w, FL_VERSION, (uint64_t)version);
    if (conn)
        rec_set_u64(w, FL_CONN_ID, conn->id);
    set_endpoint(w, FL_CLIENT, FL_CLIENT_PORT, &f->key, f->initiator_is_a);
    set_endpoint(w, FL_SERVER, FL_SERVER_PORT, &f->key, !f->initiator_is_a);
    set_span(w, FL_FIRST_TS, f->first_us, f->last_us, f->packets, f->ip_bytes, f->payload_bytes);
    rec_set_u64(w, FL_IP_BYTES_C2S, f->ip_bytes_dir[0]);
    rec_set_u64(w, FL_IP_BYTES_S2C, f->ip_bytes_dir[1]);
    set_names(w, FL_SERVICE, apps, port);
    rec_emit(w);
    pthread_mutex_unlock(&c->lock);
}

void pcap_csv_conn(struct pcap_csv *c, const char *trace, const struct mptcp_conn *conn,
                   const struct app_ports *apps, uint16_t port)
{
    pthread_mutex_lock(&c->lock);
    struct rec_writer *w = c->w;
    rec_set_str(w, CN_TRACE, trace);
    rec_set_u64(w, CN_CONN_ID, conn->id);
    rec_set_i64(w, CN_VERSION, conn->version);
    rec_set_u64(w, CN_SUBFLOWS, conn->subflows);
    set_endpoint(w, CN_CLIENT, CN_CLIENT_PORT, &conn->initial_key, conn->client_is_a);
    set_endpoint(w, CN_SERVER, CN_SERVER_PORT, &conn->initial_key, !conn->client_is_a);
    set_span(w, CN_FIRST_TS, conn->first_us, conn->last_us, conn->packets, conn->ip_bytes, conn->payload_bytes);
    rec_set_u64(w, CN_DATA_C2S, mptcp_dataflow_bytes(&conn->data[0]));
    rec_set_u64(w, CN_DATA_S2C, mptcp_dataflow_bytes(&conn->data[1]));
    set_names(w, CN_SERVICE, apps, port);
    rec_emit(w);
    pthread_mutex_unlock(&c->lock);
}

void pcap_csv_flush(struct pcap_csv *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    rec_flush(c->w);
    pthread_mutex_unlock(&c->lock);
}

bool pcap_csv_failed(struct pcap_csv *c)
{
    pthread_mutex_lock(&c->lock);
    bool f = rec_failed(c->w);
    pthread_mutex_unlock(&c->lock);
    return f;
}

int pcap_csv_close(struct pcap_csv *c, char *err, size_t errlen)
{
    if (!c)
        return 0;
    int rc = rec_close(c->w, err, errlen);
    pthread_mutex_destroy(&c->lock);
    free(c);
    return rc;
}
