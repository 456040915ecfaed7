/* decode_format.c — JSON and text rendering of decoded MPTCP options for `mpcensus decode`. */
#include "decode/decode_format.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

/* Emits keys in a fixed order, one comma between them. */
struct json_obj {
    FILE *out;
    bool first;
};

static void key(struct json_obj *j, const char *name)
{
    fprintf(j->out, "%s\"%s\":", j->first ? "" : ",", name);
    j->first = false;
}

static void num(struct json_obj *j, const char *name, uint64_t v)
{
    key(j, name);
    fprintf(j->out, "%" PRIu64, v);
}

/* 64-bit keys and HMACs as 16 hex digits: they are bit strings, not counts. */
static void hex64(struct json_obj *j, const char *name, uint64_t v)
{
    key(j, name);
    fprintf(j->out, "\"%016" PRIx64 "\"", v);
}

static void hexbytes(struct json_obj *j, const char *name, const uint8_t *p, size_t n)
{
    key(j, name);
    fputc('"', j->out);
    for (size_t i = 0; i < n; i++)
        fprintf(j->out, "%02x", p[i]);
    fputc('"', j->out);
}

static void addr(struct json_obj *j, const char *name, int af, const uint8_t *bytes)
{
    char text[INET6_ADDRSTRLEN];
    if (!inet_ntop(af, bytes, text, sizeof text))
        text[0] = '\0';
    key(j, name);
    fprintf(j->out, "\"%s\"", text);
}

/* The token and IDSN of the sender's key: MP_CAPABLE of a known version. */
static bool has_derived(const struct mptcp_opt *o)
{
    return o->subtype == MPTCP_SUB_CAPABLE && o->has_sendkey && (o->version == 0 || o->version == 1);
}

int mptcp_opt_write_json(FILE *out, const struct mptcp_opt *o)
{
    struct json_obj j = {.out = out, .first = true};
    fputc('{', out);
    num(&j, "subtype", o->subtype);
    if (o->subtype == MPTCP_SUB_CAPABLE && o->version >= 0)
        num(&j, "version", (uint64_t)o->version);
    else if (o->version >= 0)
        num(&j, "inferred_version", (uint64_t)o->version); /* not a wire field: tshark has no such key */
    if (o->has_flags)
        num(&j, "flags", o->flags);
    if (o->has_reserved)
        num(&j, "reserved", o->reserved);
    if (o->has_sendkey)
        hex64(&j, "sendkey", o->sendkey);
    if (o->has_recvkey)
        hex64(&j, "recvkey", o->recvkey);
    if (has_derived(o)) {
        /* derived from sendkey, named like tshark's mptcp.expected_* */
        num(&j, "expected_token", mptcp_token(o->version, o->sendkey));
        num(&j, "expected_idsn", mptcp_idsn(o->version, o->sendkey));
    }
    if (o->has_ipver)
        num(&j, "ipver", o->ipver);
    if (o->has_echo)
        num(&j, "echo", o->echo);
    if (o->subtype == MPTCP_SUB_REMOVE_ADDR) {
        key(&j, "addrid");
        fputc('[', out);
        for (unsigned i = 0; i < o->n_remove_ids; i++)
            fprintf(out, "%s%u", i ? "," : "", o->remove_ids[i]);
        fputc(']', out);
    } else if (o->has_addrid) {
        num(&j, "addrid", o->addrid);
    }
    if (o->has_recvtok)
        num(&j, "recvtok", o->recvtok);
    if (o->has_sendtrunchmac)
        hex64(&j, o->subtype == MPTCP_SUB_ADD_ADDR ? "addaddrtrunchmac" : "sendtrunchmac", o->sendtrunchmac);
    if (o->has_sendrand)
        num(&j, "sendrand", o->sendrand);
    if (o->has_sendhmac)
        hexbytes(&j, "sendhmac", o->sendhmac, sizeof o->sendhmac);
    if (o->has_dataack)
        num(&j, "rawdataack", o->rawdataack);
    if (o->has_dsn)
        num(&j, "rawdataseqno", o->rawdataseqno);
    if (o->has_subflowseqno)
        num(&j, "subflowseqno", o->subflowseqno);
    if (o->has_datalvllen)
        num(&j, "datalvllen", o->datalvllen);
    if (o->has_checksum)
        num(&j, "checksum", o->checksum);
    if (o->has_ipv4)
        addr(&j, "ipv4", AF_INET, o->ipv4);
    if (o->has_ipv6)
        addr(&j, "ipv6", AF_INET6, o->ipv6);
    if (o->has_port)
        num(&j, "port", o->port);
    if (o->has_reason)
        num(&j, "rst_reason", o->reason);
    if (o->truncated) {
        key(&j, "truncated");
        fputs("true", out);
    }
    fputc('}', out);
    return ferror(out) ? -1 : 0;
}

/* Flag letters as the RFCs name them, so text readers need no bit table. */
static void write_flag_letters(FILE *out, const struct mptcp_opt *o)
{
    static const char dss[] = "AaMmF";            /* bits 0..4 */
    static const char *const cap[8] = {"H", "", "", "", "", "C", "B", "A"};
    static const char rst[] = "TWVU";             /* bits 0..3 */
    const char *sep = "(";
    for (int bit = 7; bit >= 0; bit--) {
        if (!(o->flags & (1u << bit)))
            continue;
        const char *name = "";
        char one[2] = {0};
        if (o->subtype == MPTCP_SUB_DSS && bit < 5)
            one[0] = dss[bit];
        else if (o->subtype == MPTCP_SUB_CAPABLE)
            name = cap[bit];
        else if (o->subtype == MPTCP_SUB_TCPRST && bit < 4)
            one[0] = rst[bit];
        else if ((o->subtype == MPTCP_SUB_JOIN || o->subtype == MPTCP_SUB_PRIO) && bit == 0)
            one[0] = 'B';
        if (one[0])
            name = one;
        if (!*name)
            continue;
        fprintf(out, "%s%s", sep, name);
        sep = ",";
    }
    if (*sep == ',')
        fputc(')', out);
}

/* Text mode mirrors the JSON content with short readable labels. */
int mptcp_opt_write_text(FILE *out, const struct mptcp_opt *o)
{
    char text[INET6_ADDRSTRLEN];
    const char *name = mptcp_subtype_name(o->subtype);
    if (!strcmp(name, "unknown"))
        fprintf(out, "subtype-%u", o->subtype);
    else
        fputs(name, out);
    if (o->version >= 0)
        fprintf(out, " v%d", o->version);
    if (o->has_flags) {
        fprintf(out, " flags=0x%02x", o->flags);
        write_flag_letters(out, o);
    }
    if (o->has_reserved && o->reserved)
        fprintf(out, " reserved=0x%03x", o->reserved);
    if (o->has_sendkey)
        fprintf(out, " sendkey=%016" PRIx64, o->sendkey);
    if (o->has_recvkey)
        fprintf(out, " recvkey=%016" PRIx64, o->recvkey);
    if (has_derived(o))
        fprintf(out, " (token=0x%08" PRIx32 ")", mptcp_token(o->version, o->sendkey));
    if (o->has_ipver)
        fprintf(out, " ipver=%u", o->ipver);
    if (o->has_echo)
        fprintf(out, " echo=%u", o->echo);
    if (o->subtype == MPTCP_SUB_REMOVE_ADDR) {
        fputs(" ids=", out);
        for (unsigned i = 0; i < o->n_remove_ids; i++)
            fprintf(out, "%s%u", i ? "," : "", o->remove_ids[i]);
    } else if (o->has_addrid) {
        fprintf(out, " addrid=%u", o->addrid);
    }
    if (o->has_recvtok)
        fprintf(out, " recvtok=0x%08" PRIx32, o->recvtok);
    if (o->has_sendtrunchmac)
        fprintf(out, " trunchmac=%016" PRIx64, o->sendtrunchmac);
    if (o->has_sendrand)
        fprintf(out, " sendrand=0x%08" PRIx32, o->sendrand);
    if (o->has_sendhmac) {
        fputs(" hmac=", out);
        for (size_t i = 0; i < sizeof o->sendhmac; i++)
            fprintf(out, "%02x", o->sendhmac[i]);
    }
    if (o->has_dataack)
        fprintf(out, " ack=%" PRIu64, o->rawdataack);
    if (o->has_dsn)
        fprintf(out, " dsn=%" PRIu64, o->rawdataseqno);
    if (o->has_subflowseqno)
        fprintf(out, " ssn=%" PRIu32, o->subflowseqno);
    if (o->has_datalvllen)
        fprintf(out, " len=%u", o->datalvllen);
    if (o->has_checksum)
        fprintf(out, " csum=0x%04x", o->checksum);
    if (o->has_ipv4 && inet_ntop(AF_INET, o->ipv4, text, sizeof text))
        fprintf(out, " addr=%s", text);
    if (o->has_ipv6 && inet_ntop(AF_INET6, o->ipv6, text, sizeof text))
        fprintf(out, " addr=%s", text);
    if (o->has_port)
        fprintf(out, " port=%u", o->port);
    if (o->has_reason)
        fprintf(out, " reason=%u", o->reason);
    if (o->truncated)
        fputs(" TRUNCATED", out);
    return ferror(out) ? -1 : 0;
}
