/* scan_meta.c — builds the scan's metadata JSON (io/json, multi-line) from its configuration, network, counters and times, and writes it through io/outfile. */
#include "scan/scan_meta.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "cli/version.h"
#include "io/json.h"
#include "io/outfile.h"
#include "scan/scan_status.h"
#include "target/prefix_list.h"
#include "io/utc_time.h"

static void kv_time(struct json *j, const char *key, const struct timespec *ts)
{
    char text[40];
    json_kv_str(j, key, utc_timespec_format(ts, text, sizeof text));
}

static void kv_mac(struct json *j, const char *key, const uint8_t mac[6])
{
    char text[18];
    snprintf(text, sizeof text, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
    json_kv_str(j, key, text);
}

static void pool_ranges(struct json *j, const char *key, const struct source_pool *p)
{
    json_key(j, key);
    json_arr_begin(j, JSON_SPACED);
    for (size_t i = 0; i < p->n; i++) {
        char a[IP_ADDR_STRLEN], b[IP_ADDR_STRLEN], t[2 * IP_ADDR_STRLEN + 2];
        ip_addr_format(&p->r[i].lo, a, sizeof a);
        ip_addr_format(&p->r[i].hi, b, sizeof b);
        if (ip_addr_equal(&p->r[i].lo, &p->r[i].hi))
            json_str(j, a);
        else {
            snprintf(t, sizeof t, "%s-%s", a, b);
            json_str(j, t);
        }
    }
    json_arr_end(j);
}

/* A count that may pass 2^64 (a pool or a refusal of IPv6 space): a number when it fits, else its decimal text. */
static void kv_count(struct json *j, const char *key, unsigned __int128 n)
{
    if (n <= UINT64_MAX) {
        json_kv_u64(j, key, (uint64_t)n);
        return;
    }
    char text[48];
    json_kv_str(j, key, prefix_count_format(n, text, sizeof text));
}

static void parameters(struct json *j, const struct scan_run *run, const struct scan_meta_info *info)
{
    const struct scan_config *cfg = run->cfg;
    json_kv_str(j, "probe_module", cfg->probe->name);
    if (cfg->probe->mptcp_version >= 0)
        json_kv_i64(j, "mptcp_version", cfg->probe->mptcp_version);
    else
        json_kv_null(j, "mptcp_version");
    char hex[20];
    snprintf(hex, sizeof hex, "0x%02x", run->pcfg.mpc_flags);
    json_kv_str(j, "mptcp_flags", cfg->probe->mptcp_version >= 0 ? hex : NULL);
    if (cfg->probe->mptcp_version != 0)
        json_kv_null(j, "key");
    else if (cfg->probe_cfg.key_per_target)
        json_kv_str(j, "key", "per-target");
    else {
        snprintf(hex, sizeof hex, "%016" PRIx64, cfg->probe_cfg.key);
        json_kv_str(j, "key", hex);
    }
    json_key(j, "target_ports");
    json_arr_begin(j, JSON_SPACED);
    for (unsigned i = 0; i < cfg->n_ports; i++)
        json_u64(j, cfg->ports[i]);
    json_arr_end(j);
    json_key(j, "source_ports");
    json_obj_begin(j, JSON_SPACED);
    json_kv_u64(j, "first", cfg->probe_cfg.sport_lo);
    json_kv_u64(j, "last", cfg->probe_cfg.sport_hi);
    json_obj_end(j);
    json_kv_u64(j, "rate", info->rate);
    json_kv_u64(j, "bandwidth", cfg->bandwidth);
    json_kv_u64(j, "probes", cfg->probes);
    json_kv_u64(j, "sender_threads", cfg->send_threads);
    json_kv_u64(j, "cooldown_secs", cfg->cooldown_secs);
    json_kv_u64(j, "max_targets", cfg->max_targets);
    json_kv_u64(j, "max_runtime", cfg->max_runtime_secs);
    json_kv_u64(j, "seed", info->seed);
    json_kv_bool(j, "seed_provided", cfg->seed_given);
    json_kv_u64(j, "shard", cfg->shard);
    json_kv_u64(j, "shards", cfg->shards);
    json_kv_bool(j, "dryrun", cfg->dryrun);
}

static void network(struct json *j, const struct scan_run *run)
{
    const struct scan_net *n = &run->net;
    json_kv_str(j, "interface", n->iface[0] ? n->iface : NULL);
    json_kv_str(j, "interface_from", net_origin_name(n->iface_from));
    kv_mac(j, "source_mac", n->src_mac);
    kv_mac(j, "gateway_mac", n->gw_mac);
    json_kv_str(j, "gateway_mac_from", net_origin_name(n->gw_from));
    char t[IP_ADDR_STRLEN];
    json_kv_str(j, "gateway_ip", n->have_gw_ip ? ip_addr_format(&n->gw_ip, t, sizeof t) : NULL);
    json_key(j, "source_addresses");
    json_obj_begin(j, JSON_MULTILINE);
    pool_ranges(j, "ipv4", &n->src4);
    pool_ranges(j, "ipv6", &n->src6);
    kv_count(j, "count_ipv4", n->src4.size);
    kv_count(j, "count_ipv6", n->src6.size);
    json_kv_str(j, "ipv4_from", net_origin_name(n->src4_from));
    json_kv_str(j, "ipv6_from", net_origin_name(n->src6_from));
    json_obj_end(j);
}

static void targets(struct json *j, const struct scan_run *run, const struct scan_meta_info *info)
{
    const struct scan_config *cfg = run->cfg;
    json_key(j, "targets");
    json_obj_begin(j, JSON_MULTILINE);
    json_key(j, "arguments");
    json_arr_begin(j, JSON_SPACED);
    for (int i = 0; i < cfg->n_target_args; i++)
        json_str(j, cfg->target_args[i]);
    json_arr_end(j);
    json_kv_str(j, "allowlist_file", cfg->allowlist_file);
    json_kv_str(j, "ipv6_targets", cfg->ipv6_targets);
    json_kv_u64(j, "addresses", run->space.n_addrs);
    json_kv_u64(j, "targets", run->space.n);
    json_obj_end(j);
    json_key(j, "blocklist");
    json_obj_begin(j, JSON_MULTILINE);
    json_kv_str(j, "file", cfg->blocklist_file);
    json_kv_u64(j, "entries", info->blocklist_entries);
    json_kv_u64(j, "refused_ranges", info->refused_ranges);
    kv_count(j, "refused_addresses", info->refused_addresses);
    json_obj_end(j);
    json_key(j, "output");
    json_obj_begin(j, JSON_MULTILINE);
    json_kv_str(j, "file", cfg->output_file);
    json_kv_str(j, "format", cfg->output_format == OUTPUT_JSON ? "json" : "csv");
    json_kv_str(j, "fields", cfg->output_fields ? cfg->output_fields : "*");
    json_kv_str(j, "filter", cfg->output_filter_text);
    json_kv_bool(j, "repeats", cfg->output_repeats);
    json_obj_end(j);
}

static void results(struct json *j, struct scan_run *run, const struct scan_meta_info *info)
{
    uint64_t first = atomic_load(&run->t_first_send_ns), end = atomic_load(&run->t_send_end_ns);
    double send_secs = first && end > first ? (double)(end - first) / 1e9 : 0;
    uint64_t targets = scan_targets_sent(run), sent = scan_frames_sent(run);
    uint64_t uniq = atomic_load(&run->c.recv_unique);
    json_kv_u64(j, "targets_sent", targets);
    json_kv_u64(j, "packets_sent", sent);
    json_kv_u64(j, "send_errors", atomic_load(&run->c.send_errors));
    json_kv_double(j, "send_secs", send_secs, 3);
    json_kv_u64(j, "send_rate_pps", send_secs > 0 ? (uint64_t)((double)sent / send_secs + 0.5) : 0);
    json_key(j, "replies");
    json_obj_begin(j, JSON_MULTILINE);
    json_kv_u64(j, "unique", uniq);
    json_kv_u64(j, "repeats", atomic_load(&run->c.recv_repeats));
    json_kv_u64(j, "failed_validation", atomic_load(&run->c.recv_invalid));
    json_kv_u64(j, "other", atomic_load(&run->c.recv_other));
    json_obj_end(j);
    json_kv_u64(j, "kernel_drops", atomic_load(&run->c.kernel_drops));
    json_kv_double(j, "hit_rate", scan_hit_rate(uniq, targets), 4);
    json_key(j, "verdicts");
    json_obj_begin(j, JSON_MULTILINE);
    for (int v = 0; v < VERDICT_COUNT; v++)
        json_kv_u64(j, scan_verdict_name((enum scan_verdict)v), atomic_load(&run->c.verdicts[v]));
    json_obj_end(j);
    json_kv_u64(j, "records_written", run->out.records);
    json_kv_u64(j, "records_filtered", atomic_load(&run->c.records_filtered));
    json_kv_bool(j, "interrupted", info->interrupted);
}

int scan_meta_write(const char *path, struct scan_run *run, const struct scan_meta_info *info, char *err,
                    size_t errlen)
{
    const struct scan_config *cfg = run->cfg;
    struct json j;
    json_init(&j);
    json_obj_begin(&j, JSON_MULTILINE);
    json_kv_str(&j, "tool", "mpcensus scan");
    json_kv_str(&j, "version", MPCENSUS_VERSION);
    json_key(&j, "command_line");
    json_arr_begin(&j, JSON_SPACED);
    json_str(&j, "mpcensus");
    for (int i = 0; i < cfg->argc; i++)
        json_str(&j, cfg->argv[i]);
    json_arr_end(&j);
    parameters(&j, run, info);
    network(&j, run);
    targets(&j, run, info);
    kv_time(&j, "start_time", &info->start);
    kv_time(&j, "end_time", &info->end);
    double dur = (double)(info->end.tv_sec - info->start.tv_sec) + (double)(info->end.tv_nsec - info->start.tv_nsec) / 1e9;
    json_kv_double(&j, "duration_s", dur, 3);
    results(&j, run, info);
    json_obj_end(&j);
    int rc = -1;
    if (json_failed(&j)) {
        snprintf(err, errlen, "%s: out of memory", path);
    } else {
        struct outfile *f = outfile_open(path, err, errlen);
        if (f) {
            outfile_write(f, json_data(&j), json_len(&j));
            outfile_puts(f, "\n");
            rc = outfile_close(f, err, errlen);
        }
    }
    json_free(&j);
    return rc;
}
