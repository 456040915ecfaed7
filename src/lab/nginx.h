/* nginx.h — real web servers for the lab: Debian's nginx in host namespaces, HTTP and HTTPS with a certificate made at lab up, MPTCP through Debian's mptcpize. */
#ifndef LAB_NGINX_H
#define LAB_NGINX_H

/*
 * Every host namespace with nginx-* ports runs up to two nginx masters: one
 * started as `mptcpize run nginx ...` (its socket(…, IPPROTO_TCP) calls become
 * IPPROTO_MPTCP) for the nginx-mptcp[-tls] ports, one plain for the
 * nginx-tcp[-tls] ports. They listen on the wildcard address, so with the
 * host's AnyIP routes they answer on every address of the profile. Files live
 * in LAB_STATE_DIR/lab-NAME.nginx/: cert.pem and key.pem (EC P-256,
 * self-signed, CN and SAN LAB_NGINX_HOSTNAME), www/ (index.html, 100k.bin,
 * 1m.bin), one nginx-hI-KIND.conf per instance with its pid and error log.
 * The masters daemonise inside the lab's namespaces, so `lab down` (which
 * kills every process in them) stops them; it then removes the directory.
 */

#include <stdbool.h>
#include <stddef.h>

#include "lab/spec.h"

#define LAB_NGINX_HOSTNAME "lab.mpcensus.test"

bool lab_nginx_wanted(const struct lab_spec *s);
/* LAB_STATE_DIR/lab-NAME.nginx */
void lab_nginx_dir(const char *name, char *buf, size_t len);
/* Makes the directory, the certificate (openssl) and the document root. */
int lab_nginx_prepare(const char *name, char *err, size_t errlen);
/* Starts profile i's nginx instances in the current network namespace and
 * returns once they listen. */
int lab_nginx_start(const char *name, const struct profile *p, unsigned i, char *err, size_t errlen);
/* Removes the directory and everything in it (call when the processes are gone). */
void lab_nginx_remove(const char *name);

#endif
