/* output.c — field tables of scan records and dry-run probes, and how one record's values are filled in. */
#include "scan/output.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "net/bytes.h"
#include "net/mptcp.h"
#include "net/packet.h"

enum {
    FLD_SADDR, FLD_SPORT, FLD_DADDR, FLD_DPORT, FLD_TTL, FLD_IPID, FLD_WINDOW, FLD_TCP_FLAGS,
    FLD_CLASSIFICATION, FLD_PROBE_VERSION, FLD_MPTCP_OPTION, FLD_MPTCP_VERSION, FLD_MPTCP_FLAGS,
    FLD_MPTCP_KEY, FLD_KEY_HAMMING, FLD_VERDICT, FLD_REPEAT, FLD_COOLDOWN, FLD_TIMESTAMP, FLD_COUNT
};

static const struct rec_field record_fields[FLD_COUNT] = {
    [FLD_SADDR] = {"saddr", REC_STR, "responder address (the target)"},
    [FLD_SPORT] = {"sport", REC_NUM, "responder port (the target port)"},
    [FLD_DADDR] = {"daddr", REC_STR, "our address"},
    [FLD_DPORT] = {"dport", REC_NUM, "our source port"},
    [FLD_TTL] = {"ttl", REC_NUM, "IP TTL / hop limit of the reply"},
    [FLD_IPID] = {"ipid", REC_NUM, "IPv4 identification of the reply"},
    [FLD_WINDOW] = {"window", REC_NUM, "TCP window of the reply"},
    [FLD_TCP_FLAGS] = {"tcp_flags", REC_STR, "TCP flags of the reply (SA, RA, ...)"},
    [FLD_CLASSIFICATION] = {"classification", REC_STR, "synack or rst"},
    [FLD_PROBE_VERSION] = {"probe_version", REC_NUM, "MP_CAPABLE version we sent (empty for tcp_syn)"},
    [FLD_MPTCP_OPTION] = {"mptcp_option", REC_STR, "hex of the raw MP_CAPABLE option of the reply"},
    [FLD_MPTCP_VERSION] = {"mptcp_version", REC_NUM, "its version"},
    [FLD_MPTCP_FLAGS] = {"mptcp_flags", REC_STR, "its flags byte (0x..)"},
    [FLD_MPTCP_KEY] = {"mptcp_key", REC_STR, "its key, 16 hex digits (absent when the option is short)"},
    [FLD_KEY_HAMMING] = {"key_hamming", REC_NUM, "Hamming weight of that key"},
    [FLD_VERDICT] = {"verdict", REC_STR, "mptcp, mirrored, version-mismatch, malformed, tcp or closed"},
    [FLD_REPEAT] = {"repeat", REC_BOOL, "1 for a duplicate reply (only written with --output-repeats)"},
    [FLD_COOLDOWN] = {"cooldown", REC_BOOL, "1 if it arrived after sending had finished"},
    [FLD_TIMESTAMP] = {"timestamp", REC_STR, "kernel receive time, UTC, microseconds"},
};
const struct rec_schema scan_record_schema = {"scan", record_fields, FLD_COUNT};

enum { DRY_DADDR, DRY_DPORT, DRY_SPORT, DRY_SEQ, DRY_IPID, DRY_MPTCP_OPTION, DRY_FRAME, DRY_SADDR, DRY_COUNT };

static const struct rec_field dryrun_fields[DRY_COUNT] = {
    [DRY_DADDR] = {"daddr", REC_STR, "target address"},
    [DRY_DPORT] = {"dport", REC_NUM, "target port"},
    [DRY_SPORT] = {"sport", REC_NUM, "source port (from the cookie)"},
    [DRY_SEQ] = {"seq", REC_NUM, "sequence number (from the cookie)"},
    [DRY_IPID] = {"ipid", REC_NUM, "IP identification (from the cookie)"},
    [DRY_MPTCP_OPTION] = {"mptcp_option", REC_STR, "hex of the MP_CAPABLE option sent (empty for tcp_syn)"},
    [DRY_FRAME] = {"frame", REC_STR, "hex of the whole Ethernet frame"},
    [DRY_SADDR] = {"saddr", REC_STR, "our source address: the one of -S that probes this target (0.0.0.0 / :: without -S)"},
};
const struct rec_schema scan_dryrun_schema = {"scan-dryrun", dryrun_fields, DRY_COUNT};

const char *output_all_fields(void)
{
    static char all[512];
    if (!all[0])
        rec_list_fields(&scan_record_schema, all, sizeof all);
    return all;
}

bool output_fields_valid(bool dryrun, const char *fields, char *err, size_t errlen)
{
    return rec_fields_valid(dryrun ? &scan_dryrun_schema : &scan_record_schema, fields, err, errlen);
}

static int open_schema(struct scan_output *o, const struct rec_schema *schema, const char *path,
                       enum output_format fmt, const char *fields, char *err, size_t errlen)
{
    memset(o, 0, sizeof(*o));
    struct rec_opts ro = {.path = path, .format = fmt == OUTPUT_JSON ? REC_JSONL : REC_CSV, .fields = fields};
    o->w = rec_open(schema, &ro, err, errlen);
    return o->w ? 0 : -1;
}

int output_open(struct scan_output *o, const char *path, enum output_format fmt, const char *fields, char *err,
                size_t errlen)
{
    return open_schema(o, &scan_record_schema, path, fmt, fields, err, errlen);
}

int output_open_dryrun(struct scan_output *o, const char *path, enum output_format fmt, const char *fields,
                       char *err, size_t errlen)
{
    return open_schema(o, &scan_dryrun_schema, path, fmt, fields, err, errlen);
}

/* "YYYY-MM-DDTHH:MM:SS." of the last second formatted (per thread: records of
 * one second share it, so gmtime/strftime run once a second) */
static _Thread_local time_t cached_sec = -1;
static _Thread_local char cached_text[32];
static _Thread_local size_t cached_len;

static void set_timestamp(struct rec_writer *w, uint64_t ts_nsec)
{
    time_t secs = (time_t)(ts_nsec / 1000000000ull);
    if (secs != cached_sec) {
        struct tm tm;
        gmtime_r(&secs, &tm);
        cached_len = strftime(cached_text, sizeof(cached_text) - 8, "%Y-%m-%dT%H:%M:%S.", &tm);
        cached_sec = secs;
    }
    char text[40];
    memcpy(text, cached_text, cached_len);
    unsigned usec = (unsigned)(ts_nsec % 1000000000ull / 1000);
    for (int i = 5; i >= 0; i--) {
        text[cached_len + (size_t)i] = (char)('0' + usec % 10);
        usec /= 10;
    }
    text[cached_len + 6] = 'Z';
    rec_set_strn(w, FLD_TIMESTAMP, text, cached_len + 7);
}

/* Formatting is on the receive path (~1 M records/s): no printf, and fields
 * left out by -f cost one test each. */
static void fill_record(struct rec_writer *w, const struct scan_record *r)
{
    char tmp[IP_ADDR_STRLEN];
    if (rec_selected(w, FLD_SADDR))
        rec_set_str(w, FLD_SADDR, ip_addr_format(&r->saddr, tmp, sizeof(tmp)));
    rec_set_u64(w, FLD_SPORT, r->sport);
    if (rec_selected(w, FLD_DADDR))
        rec_set_str(w, FLD_DADDR, ip_addr_format(&r->daddr, tmp, sizeof(tmp)));
    rec_set_u64(w, FLD_DPORT, r->dport);
    rec_set_u64(w, FLD_TTL, r->ttl);
    rec_set_u64(w, FLD_IPID, r->ipid);
    rec_set_u64(w, FLD_WINDOW, r->window);
    if (rec_selected(w, FLD_TCP_FLAGS))
        rec_set_str(w, FLD_TCP_FLAGS, tcp_flags_format(r->tcp_flags, tmp));
    rec_set_str(w, FLD_CLASSIFICATION, r->synack ? "synack" : "rst");
    if (r->probe_version >= 0)
        rec_set_u64(w, FLD_PROBE_VERSION, (uint64_t)r->probe_version);
    if (r->has_mpc) {
        rec_set_hex(w, FLD_MPTCP_OPTION, r->mpc_raw, r->mpc_len);
        rec_set_u64(w, FLD_MPTCP_VERSION, (uint64_t)r->mptcp_version);
        if (r->mpc_len > MPTCP_HEADER_LEN) {
            char flags[4] = {'0', 'x'};
            hex_encode(flags + 2, &r->mptcp_flags, 1);
            rec_set_strn(w, FLD_MPTCP_FLAGS, flags, 4);
        }
    }
    if (r->has_key) {
        uint8_t k[8];
        store_be64(k, r->mptcp_key);
        rec_set_hex(w, FLD_MPTCP_KEY, k, sizeof k);
        rec_set_u64(w, FLD_KEY_HAMMING, key_hamming(r->mptcp_key));
    }
    rec_set_str(w, FLD_VERDICT, scan_verdict_name(r->verdict));
    rec_set_bool(w, FLD_REPEAT, r->repeat);
    rec_set_bool(w, FLD_COOLDOWN, r->cooldown);
    if (rec_selected(w, FLD_TIMESTAMP))
        set_timestamp(w, r->ts_nsec);
}

static int emit(struct scan_output *o)
{
    if (rec_emit(o->w) < 0) {
        if (!o->error[0])
            snprintf(o->error, sizeof o->error, "%s", rec_error(o->w));
        return -1;
    }
    o->records++;
    return 0;
}

int output_write(struct scan_output *o, const struct scan_record *r)
{
    fill_record(o->w, r);
    return emit(o);
}

size_t output_format_record(const struct scan_output *o, const struct scan_record *r, char *buf, size_t cap)
{
    fill_record(o->w, r);
    return rec_format_row(o->w, buf, cap);
}

int output_write_probe(struct scan_output *o, const struct probe_cfg *cfg, const struct probe_target *t,
                       const struct probe_sig *sig, const uint8_t *frame, size_t len)
{
    char addr[IP_ADDR_STRLEN];
    struct rec_writer *w = o->w;
    rec_set_str(w, DRY_DADDR, ip_addr_format(&t->dst, addr, sizeof(addr)));
    rec_set_u64(w, DRY_DPORT, t->dport);
    rec_set_u64(w, DRY_SPORT, probe_sport(cfg, t->cookie));
    rec_set_u64(w, DRY_SEQ, t->cookie[0]);
    rec_set_u64(w, DRY_IPID, t->cookie[1] >> 16);
    if (sig->opt_len)
        rec_set_hex(w, DRY_MPTCP_OPTION, sig->opt, sig->opt_len);
    rec_set_hex(w, DRY_FRAME, frame, len);
    rec_set_str(w, DRY_SADDR, ip_addr_format(&t->src, addr, sizeof(addr)));
    return emit(o);
}

int output_flush(struct scan_output *o)
{
    if (!o->w)
        return 0;
    if (rec_flush(o->w) < 0) {
        if (!o->error[0])
            snprintf(o->error, sizeof o->error, "%s", rec_error(o->w));
        return -1;
    }
    return 0;
}

bool output_failed(const struct scan_output *o) { return o->error[0] != '\0' || (o->w && rec_failed(o->w)); }

int output_close(struct scan_output *o)
{
    if (!o->w)
        return o->error[0] ? -1 : 0;
    char err[640];
    int rc = rec_close(o->w, err, sizeof err);
    o->w = NULL;
    if (rc < 0 && !o->error[0])
        snprintf(o->error, sizeof o->error, "%s", err);
    return rc;
}
