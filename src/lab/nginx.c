/* nginx.c — writes the lab's nginx configuration, certificate and pages, and starts nginx (under mptcpize for MPTCP ports) in a host namespace. */
#include "lab/nginx.h"

#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab/lab.h"
#include "lab/sys.h"

#define NGINX_BIN "/usr/sbin/nginx"
#define MPTCPIZE_BIN "/usr/bin/mptcpize"

bool lab_nginx_wanted(const struct lab_spec *s)
{
    for (unsigned i = 0; i < s->n_profiles; i++)
        if (profile_has_nginx(&s->profiles[i]))
            return true;
    return false;
}

void lab_nginx_dir(const char *name, char *buf, size_t len)
{
    snprintf(buf, len, LAB_STATE_DIR "/lab-%s.nginx", name);
}

static int failf(char *err, size_t errlen, const char *fmt, const char *a, const char *b)
{
    snprintf(err, errlen, fmt, a, b);
    return -1;
}

/* A page of `size` bytes of deterministic, incompressible-looking text. */
static int write_page(const char *path, size_t size, char *err, size_t errlen)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return failf(err, errlen, "%s: %s", path, strerror(errno));
    uint64_t x = 0x9e3779b97f4a7c15ull ^ size;
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/";
    for (size_t i = 0; i < size; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        fputc(i % 64 == 63 ? '\n' : alphabet[x & 63], f);
    }
    if (fclose(f) != 0)
        return failf(err, errlen, "%s: %s", path, strerror(errno));
    return 0;
}

int lab_nginx_prepare(const char *name, char *err, size_t errlen)
{
    if (access(NGINX_BIN, X_OK) != 0)
        return failf(err, errlen, "nginx-* ports need %s (apt-get install nginx-light)%s", NGINX_BIN, "");
    char dir[256], path[320], cert[320], key[320];
    lab_nginx_dir(name, dir, sizeof dir);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return failf(err, errlen, "%s: %s", dir, strerror(errno));
    snprintf(path, sizeof path, "%s/www", dir);
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        return failf(err, errlen, "%s: %s", path, strerror(errno));
    snprintf(path, sizeof path, "%s/tmp", dir);
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        return failf(err, errlen, "%s: %s", path, strerror(errno));

    snprintf(path, sizeof path, "%s/www/index.html", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return failf(err, errlen, "%s: %s", path, strerror(errno));
    fprintf(f, "<!DOCTYPE html>\n<html><head><title>mpcensus lab</title></head>"
               "<body><p>mpcensus lab %s</p></body></html>\n", name);
    if (fclose(f) != 0)
        return failf(err, errlen, "%s: %s", path, strerror(errno));
    snprintf(path, sizeof path, "%s/www/100k.bin", dir);
    if (write_page(path, 100 * 1024, err, errlen) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/www/1m.bin", dir);
    if (write_page(path, 1024 * 1024, err, errlen) != 0)
        return -1;

    snprintf(cert, sizeof cert, "%s/cert.pem", dir);
    snprintf(key, sizeof key, "%s/key.pem", dir);
    char *argv[] = {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "30", "-subj", "/CN=" LAB_NGINX_HOSTNAME,
                    "-addext", "subjectAltName=DNS:" LAB_NGINX_HOSTNAME ",DNS:*." LAB_NGINX_HOSTNAME,
                    "-keyout", key, "-out", cert, NULL};
    char errbuf[512];
    int rc = sys_run(argv, NULL, errbuf, sizeof errbuf);
    if (rc != 0)
        return failf(err, errlen, "openssl req (self-signed certificate) failed: %s%s", errbuf, "");
    return 0;
}

/* Writes the configuration of one instance (mptcp or plain) of profile i; false when it has no port. */
static int write_conf(const char *dir, const struct profile *p, unsigned i, bool mptcp, char *conf, size_t conflen,
                      char *errlog, size_t loglen, char *err, size_t errlen)
{
    const char *kind = mptcp ? "mptcp" : "tcp";
    bool any = false;
    for (unsigned k = 0; k < p->n_ports; k++)
        any |= behaviour_nginx(p->ports[k].beh) && behaviour_nginx_mptcp(p->ports[k].beh) == mptcp;
    if (!any)
        return 0;
    snprintf(conf, conflen, "%s/nginx-h%u-%s.conf", dir, i, kind);
    snprintf(errlog, loglen, "%s/nginx-h%u-%s.error.log", dir, i, kind);
    FILE *f = fopen(conf, "w");
    if (!f)
        return failf(err, errlen, "%s: %s", conf, strerror(errno));
    fprintf(f, "# mpcensus lab: profile %s, %s instance\n", p->name, mptcp ? "MPTCP (mptcpize)" : "plain TCP");
    /* at most our hard limit: nginx cannot raise it (it logs a setrlimit alert and keeps the soft one) */
    struct rlimit nofile = {.rlim_cur = 65536, .rlim_max = 65536};
    if (getrlimit(RLIMIT_NOFILE, &nofile) != 0 || nofile.rlim_max > 65536)
        nofile.rlim_max = 65536;
    fprintf(f, "worker_processes 1;\nworker_rlimit_nofile %llu;\n", (unsigned long long)nofile.rlim_max);
    fprintf(f, "pid %s/nginx-h%u-%s.pid;\nerror_log %s warn;\n", dir, i, kind, errlog);
    unsigned long long conns = nofile.rlim_max < 16384 ? nofile.rlim_max : 16384;
    fprintf(f, "events { worker_connections %llu; multi_accept on; }\n", conns);
    fprintf(f, "http {\n    access_log off;\n    server_tokens off;\n    sendfile on;\n    tcp_nodelay on;\n"
               "    keepalive_timeout 10s;\n    default_type application/octet-stream;\n"
               "    types { text/html html; }\n");
    static const char *const temps[] = {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"};
    for (unsigned t = 0; t < sizeof temps / sizeof temps[0]; t++)
        fprintf(f, "    %s_temp_path %s/tmp/h%u-%s-%s;\n", temps[t], dir, i, kind, temps[t]);
    /* nginx 1.22 offers TLS 1.3 only when asked (the default changed in 1.23.4) */
    fprintf(f, "    ssl_protocols TLSv1.2 TLSv1.3;\n");
    fprintf(f, "    ssl_certificate %s/cert.pem;\n    ssl_certificate_key %s/key.pem;\n", dir, dir);
    fprintf(f, "    server {\n        server_name " LAB_NGINX_HOSTNAME " _;\n        root %s/www;\n", dir);
    for (unsigned k = 0; k < p->n_ports; k++) {
        enum behaviour b = p->ports[k].beh;
        if (!behaviour_nginx(b) || behaviour_nginx_mptcp(b) != mptcp)
            continue;
        const char *ssl = b == BEH_NGINX_MPTCP_TLS || b == BEH_NGINX_TCP_TLS ? " ssl" : "";
        fprintf(f, "        listen %u%s backlog=65535;\n        listen [::]:%u%s ipv6only=on backlog=65535;\n",
                p->ports[k].port, ssl, p->ports[k].port, ssl);
    }
    fprintf(f, "    }\n}\n");
    if (fclose(f) != 0)
        return failf(err, errlen, "%s: %s", conf, strerror(errno));
    return 1;
}

int lab_nginx_start(const char *name, const struct profile *p, unsigned i, char *err, size_t errlen)
{
    char dir[256];
    lab_nginx_dir(name, dir, sizeof dir);
    for (int m = 1; m >= 0; m--) {
        bool mptcp = m == 1;
        char conf[320], errlog[320];
        int have = write_conf(dir, p, i, mptcp, conf, sizeof conf, errlog, sizeof errlog, err, errlen);
        if (have < 0)
            return -1;
        if (have == 0)
            continue;
        if (mptcp && access(MPTCPIZE_BIN, X_OK) != 0)
            return failf(err, errlen, "nginx-mptcp ports need %s (apt-get install mptcpize)%s", MPTCPIZE_BIN, "");
        /* -e: nginx opens its default error log before reading the configuration */
        char *plain[] = {NGINX_BIN, "-c", conf, "-e", errlog, "-p", dir, NULL};
        char *wrapped[] = {MPTCPIZE_BIN, "run", NGINX_BIN, "-c", conf, "-e", errlog, "-p", dir, NULL};
        char errbuf[512];
        int rc = sys_run(mptcp ? wrapped : plain, NULL, errbuf, sizeof errbuf);
        if (rc != 0) {
            snprintf(err, errlen, "profile %s: %snginx -c %s failed (%d): %s", p->name, mptcp ? "mptcpize run " : "",
                     conf, rc, errbuf);
            return -1;
        }
    }
    return 0;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    return flag == FTW_DP ? rmdir(path) : unlink(path);
}

void lab_nginx_remove(const char *name)
{
    char dir[256];
    lab_nginx_dir(name, dir, sizeof dir);
    struct stat st;
    if (lstat(dir, &st) == 0 && S_ISDIR(st.st_mode))
        nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}
