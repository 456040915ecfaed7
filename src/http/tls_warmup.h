/* tls_warmup.h — pays OpenSSL's one-time setup before the first timed handshake. */
#ifndef HTTP_TLS_WARMUP_H
#define HTTP_TLS_WARMUP_H

#include <openssl/x509_vfy.h>

/* Runs a TLS handshake between a client and a server in memory (no socket), so the lazily
 * fetched algorithms, groups and signature schemes are ready when the first HTTPS transfer
 * starts its clock; the client checks the server's chain against STORE (NULL: no check) as the
 * transfers do. Returns 0, or -1 when OpenSSL refused a step (the first transfer then pays). */
int tls_warmup(X509_STORE *store);

#endif
