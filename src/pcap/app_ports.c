/* app_ports.c — loads /etc/services and apple-ports.tsv (from the data directory) into a port-indexed name table. */
#include "pcap/app_ports.h"

#include "cli/args.h"
#include "io/datadir.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct app_ports {
    char *iana[65536];
    char *apple[65536];
    char apple_source[PATH_MAX];
};

int services_parse_line(const char *line, char *name, unsigned name_len, uint16_t *port)
{
    char n[128], pp[64];
    if (line[0] == '#' || sscanf(line, "%127s %63s", n, pp) != 2)
        return 0;
    char *slash = strchr(pp, '/');
    if (!slash || strcmp(slash + 1, "tcp") != 0)
        return 0;
    *slash = '\0';
    uint64_t p;
    char why[64];
    if (!args_parse_u64(pp, 0, 65535, &p, why, sizeof why))
        return 0;
    snprintf(name, name_len, "%s", n);
    *port = (uint16_t)p;
    return 1;
}

int apple_parse_line(const char *line, char *name, unsigned name_len, uint16_t *first, uint16_t *last)
{
    if (line[0] == '#' || line[0] == '\n' || line[0] == '\0')
        return 0;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", line);
    buf[strcspn(buf, "\r\n")] = '\0';
    char *save = NULL;
    char *ports = strtok_r(buf, "\t", &save);
    char *proto = strtok_r(NULL, "\t", &save);
    char *svc = strtok_r(NULL, "\t", &save);
    if (!ports || !proto || !svc || !strstr(proto, "TCP"))
        return 0;
    uint64_t a, b;
    char why[64];
    char *dash = strchr(ports, '-');
    if (dash)
        *dash = '\0';
    if (!args_parse_u64(ports, 0, 65535, &a, why, sizeof why))
        return 0;
    b = a;
    if (dash && !args_parse_u64(dash + 1, a, 65535, &b, why, sizeof why))
        return 0;
    snprintf(name, name_len, "%s", svc);
    *first = (uint16_t)a;
    *last = (uint16_t)b;
    return 1;
}

static void load_services(struct app_ports *a, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[512], name[128];
    uint16_t port;
    while (fgets(line, sizeof line, f))
        if (services_parse_line(line, name, sizeof name, &port) && !a->iana[port])
            a->iana[port] = strdup(name);
    fclose(f);
}

static int load_apple(struct app_ports *a, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char line[512], name[256];
    uint16_t first, last;
    while (fgets(line, sizeof line, f))
        if (apple_parse_line(line, name, sizeof name, &first, &last))
            for (unsigned p = first; p <= last; p++)
                if (!a->apple[p])
                    a->apple[p] = strdup(name);
    fclose(f);
    snprintf(a->apple_source, sizeof a->apple_source, "%s", path);
    return 1;
}

/* apple-ports.tsv from the data directories (io/datadir: $MPCENSUS_DATA, the
 * installed share/mpcensus, the build tree); none found: no Apple names. */
static void find_apple(struct app_ports *a)
{
    char path[PATH_MAX];
    if (datadir_find("apple-ports.tsv", path, sizeof path))
        load_apple(a, path);
}

struct app_ports *app_ports_load(const char *services_path, const char *apple_path)
{
    struct app_ports *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    load_services(a, services_path ? services_path : "/etc/services");
    if (apple_path)
        load_apple(a, apple_path);
    else
        find_apple(a);
    return a;
}

void app_ports_free(struct app_ports *a)
{
    if (!a)
        return;
    for (size_t p = 0; p < 65536; p++) {
        free(a->iana[p]);
        free(a->apple[p]);
    }
    free(a);
}

const char *app_ports_iana(const struct app_ports *a, uint16_t port) { return a ? a->iana[port] : NULL; }
const char *app_ports_apple(const struct app_ports *a, uint16_t port) { return a ? a->apple[port] : NULL; }
const char *app_ports_apple_source(const struct app_ports *a) { return a ? a->apple_source : ""; }
