/* in_pcap.c — imports the JSON document of `mpcensus pcap` (jansson): one row per trace with its flow and byte shares. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "archive/ingest.h"
#include "cli/args_time.h"
#include "io/instream.h"

static bool num(json_t *o, const char *k, double *v)
{
    json_t *x = json_object_get(o, k);
    if (!json_is_number(x))
        return false;
    *v = json_number_value(x);
    return true;
}

static void bind_num(sqlite3_stmt *st, int i, json_t *o, const char *k, bool integer)
{
    double v;
    if (!num(o, k, &v))
        sqlite3_bind_null(st, i);
    else if (integer)
        sqlite3_bind_int64(st, i, (sqlite3_int64)v);
    else
        sqlite3_bind_double(st, i, v);
}

int in_pcap_document(struct import_ctx *c, char *err, size_t errlen)
{
    c->tool = "mpcensus pcap";
    char why[512];
    FILE *f = instream_open(c->read_path, why, sizeof why);
    if (!f) {
        snprintf(err, errlen, "%s", why);
        return -1;
    }
    json_error_t je;
    json_t *doc = json_loadf(f, 0, &je);
    instream_close(f, NULL, 0);
    if (!doc) {
        snprintf(err, errlen, "line %d: not a complete pcap JSON document: %s", je.line, je.text);
        return -1;
    }
    json_t *traces = json_object_get(doc, "traces");
    if (!json_is_array(traces)) {
        json_decref(doc);
        snprintf(err, errlen, "no \"traces\" array: not an mpcensus pcap document");
        return -1;
    }
    sqlite3_stmt *ins = db_prepare(c->a,
                                   "INSERT INTO pcap_traces VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", err,
                                   errlen);
    if (!ins) {
        json_decref(doc);
        return -1;
    }
    size_t i;
    json_t *t;
    int rc = 0;
    json_array_foreach(traces, i, t) {
        double first = NAN;
        if (!json_is_object(t)) {
            char msg[600];
            snprintf(msg, sizeof msg, "%s: traces[%zu]: not an object", c->display, i);
            ctx_bad_row(c, msg);
            continue;
        }
        bool has_first = num(t, "first_ts", &first);
        int64_t ts = has_first ? (int64_t)(first * 1e6) : INT64_MIN;
        ctx_seen_ts(c, ts);
        if (!ctx_month(c, ts)) {
            snprintf(err, errlen, "no timestamps to tell the month from: give --month YYYY-MM or --date YYYY-MM-DD");
            rc = -1;
            break;
        }
        /* each trace keeps its own month (a document may span a series) unless --month / --date */
        int month = c->month;
        if (c->o->month < 0 && !c->o->has_date && has_first)
            month = args_usec_month(ts);
        json_t *byv = json_object_get(t, "mptcp_connections_by_version");
        json_t *tr = json_object_get(t, "trace"), *error = json_object_get(t, "error");
        sqlite3_bind_int64(ins, 1, c->file_id);
        sqlite3_bind_int(ins, 2, month);
        db_bind_text_or_null(ins, 3, json_string_value(tr));
        bind_num(ins, 4, t, "first_ts", false);
        bind_num(ins, 5, t, "last_ts", false);
        bind_num(ins, 6, t, "duration_s", false);
        bind_num(ins, 7, t, "packets", true);
        bind_num(ins, 8, t, "tcp_packets", true);
        bind_num(ins, 9, t, "tcp_flows", true);
        bind_num(ins, 10, t, "tcp_bytes", true);
        bind_num(ins, 11, t, "mptcp_flows", true);
        bind_num(ins, 12, t, "mptcp_bytes", true);
        bind_num(ins, 13, t, "mptcp_connections", true);
        bind_num(ins, 14, byv, "0", true);
        bind_num(ins, 15, byv, "1", true);
        bind_num(ins, 16, t, "mptcp_subflows", true);
        bind_num(ins, 17, t, "flow_share", false);
        bind_num(ins, 18, t, "byte_share", false);
        bind_num(ins, 19, t, "top1_share", false);
        bind_num(ins, 20, t, "top5_share", false);
        bind_num(ins, 21, t, "top50pct_share", false);
        db_bind_text_or_null(ins, 22, json_string_value(error));
        if ((rc = db_step_row(c->a, ins, "a pcap trace", err, errlen)) < 0)
            break;
        c->res->rows++;
    }
    sqlite3_finalize(ins);
    json_decref(doc);
    return rc;
}
