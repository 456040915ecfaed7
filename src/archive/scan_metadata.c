/* scan_metadata.c — reads mpcensus scan's or ZMap's -m JSON (jansson) into the parameters archive import keeps with the results. */
#include "archive/scan_metadata.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/args.h"

static const char *str_of(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool int_of(json_t *o, const char *key, long long *out)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        return false;
    *out = json_integer_value(v);
    return true;
}

int scan_metadata_read(const char *path, struct scan_metadata *m, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root) {
        snprintf(err, errlen, "%s:%d: %s", path, je.line, je.text);
        return -1;
    }
    int rc = -1;
    if (!json_is_object(root)) {
        snprintf(err, errlen, "%s: not a JSON object", path);
        goto out;
    }
    /* ours names itself; ZMap's has its probe module and a target_port (or ports) */
    const char *tool = str_of(root, "tool"), *module = str_of(root, "probe_module");
    bool ours = tool && !strcmp(tool, "mpcensus scan");
    if (!ours && !module) {
        snprintf(err, errlen, "%s: neither mpcensus scan's nor ZMap's metadata (no tool, no probe_module)", path);
        goto out;
    }
    snprintf(m->tool, sizeof m->tool, "%s", ours ? "mpcensus scan" : "zmap");
    long long v, n;
    if (ours && int_of(root, "mptcp_version", &v) && (v == 0 || v == 1)) {
        m->has_probe_version = true;
        m->probe_version = (int)v;
    } else if (module && (!strcmp(module, "tcp_syn") || !strcmp(module, "tcp_synscan"))) {
        m->has_probe_version = true;
        m->probe_version = -1;
    }
    const char *key = str_of(root, "key");
    char why[128];
    if (ours && key && args_parse_key64(key, &m->key, why, sizeof why))
        m->has_key = true;
    if ((int_of(root, "shard", &v) && int_of(root, "shards", &n)) ||
        (int_of(root, "shard_num", &v) && int_of(root, "total_shards", &n)))
        if (n > 1 && n <= 65535 && v >= 0 && v < n)
            snprintf(m->shard, sizeof m->shard, "%u/%u", (unsigned)v, (unsigned)n);
    const char *start = str_of(root, "start_time");     /* ZMap: send_start_time, "2026-12-01T14:45:14+0000" */
    if (!start)
        start = str_of(root, "send_start_time");
    if (start && strlen(start) >= 10 && start[4] == '-' && start[7] == '-')
        snprintf(m->date, sizeof m->date, "%.10s", start);
    json_t *ports = json_object_get(root, "target_ports");
    if (json_is_array(ports) && json_array_size(ports) == 1 && json_is_integer(json_array_get(ports, 0)))
        m->port = (int)json_integer_value(json_array_get(ports, 0));
    else if (int_of(root, "target_port", &v) && v > 0 && v < 65536)
        m->port = (int)v;
    rc = 0;
out:
    json_decref(root);
    return rc;
}
