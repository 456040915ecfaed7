/* tls_warmup.c — an in-memory TLS handshake at start, so the first timed handshake does not pay OpenSSL's one-time setup. */
#include "http/tls_warmup.h"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

/* A throwaway self-signed certificate for the in-memory server. */
static X509 *self_signed(EVP_PKEY *key)
{
    X509 *c = X509_new();
    if (!c)
        return NULL;
    X509_NAME *n = X509_get_subject_name(c);
    if (X509_set_version(c, 2) != 1 || ASN1_INTEGER_set(X509_get_serialNumber(c), 1) != 1 ||
        !X509_gmtime_adj(X509_getm_notBefore(c), 0) || !X509_gmtime_adj(X509_getm_notAfter(c), 3600) ||
        X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"warmup.invalid", -1, -1, 0) != 1 ||
        X509_set_issuer_name(c, n) != 1 || X509_set_pubkey(c, key) != 1 || X509_sign(c, key, EVP_sha256()) <= 0) {
        X509_free(c);
        return NULL;
    }
    return c;
}

/* Moves what one side wrote into the other side's input. */
static void pump(BIO *from, BIO *to)
{
    char buf[4096];
    int n;
    while ((n = BIO_read(from, buf, sizeof buf)) > 0)
        BIO_write(to, buf, n);
}

static int accept_all(int preverify_ok, X509_STORE_CTX *ctx)
{
    (void)preverify_ok;
    (void)ctx;
    return 1;
}

int tls_warmup(X509_STORE *store)
{
    int rc = -1;
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *cert = key ? self_signed(key) : NULL;
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
    SSL *cl = NULL, *sv = NULL;
    if (!cert || !cctx || !sctx || SSL_CTX_use_certificate(sctx, cert) != 1 || SSL_CTX_use_PrivateKey(sctx, key) != 1)
        goto out;
    if (store) {   /* the chain check of the timed transfers, against the same store */
        SSL_CTX_set1_cert_store(cctx, store);
        SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, accept_all);
    }
    cl = SSL_new(cctx);
    sv = SSL_new(sctx);
    BIO *c_in = BIO_new(BIO_s_mem()), *c_out = BIO_new(BIO_s_mem());
    BIO *s_in = BIO_new(BIO_s_mem()), *s_out = BIO_new(BIO_s_mem());
    if (!cl || !sv || !c_in || !c_out || !s_in || !s_out) {
        BIO_free(c_in), BIO_free(c_out), BIO_free(s_in), BIO_free(s_out);
        goto out;
    }
    SSL_set_bio(cl, c_in, c_out);   /* the SSLs own the BIOs from here */
    SSL_set_bio(sv, s_in, s_out);
    SSL_set_connect_state(cl);
    SSL_set_accept_state(sv);
    for (int round = 0; round < 8; round++) {
        int c = SSL_do_handshake(cl);
        pump(c_out, s_in);
        int s = SSL_do_handshake(sv);
        pump(s_out, c_in);
        if (c == 1 && s == 1) {
            rc = 0;
            break;
        }
    }
out:
    SSL_free(cl);
    SSL_free(sv);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    X509_free(cert);
    EVP_PKEY_free(key);
    return rc;
}
