/* decode_format.c — JSON (io/json builder) and text rendering of decoded MPTCP options for `mpcensus decode`. */
#include "decode/decode_format.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "net/bytes.h"

/* 64-bit keys and HMACs as 16 hex digits: they are bit strings, not counts. */
static void hex64(struct json *j, const char *name, uint64_t v)
{
    uint8_t b[8];
    store_be64(b, v);
    json_key(j, name);
    json_hex(j, b, sizeof b);
}

static void addr(struct json *j, const char *name, int af, const uint8_t *bytes)
{
    char text[INET6_ADDRSTRLEN];
    if (!inet_ntop(af, bytes, text, sizeof text))
        text[0] = '\0';
    json_kv_str(j, name, text);
}

/* The token and IDSN of the sender's key: MP_CAPABLE of a known version. */
static bool has_derived(const struct mptcp_opt *o)
{
    return o->subtype == MPTCP_SUB_CAPABLE && o->has_sendkey && (o->version == 0 || o->version == 1);
}

void mptcp_opt_json(struct json *j, const struct mptcp_opt *o)
{
    json_obj_begin(j, JSON_COMPACT);
    json_kv_u64(j, "subtype", o->subtype);
    if (o->subtype == MPTCP_SUB_CAPABLE && o->version >= 0)
        json_kv_u64(j, "version", (uint64_t)o->version);
    else if (o->version >= 0)
        json_kv_u64(j, "inferred_version", (uint64_t)o->version); /* not a wire field: tshark has no such key */
    if (o->has_flags)
        json_kv_u64(j, "flags", o->flags);
    if (o->has_reserved)
        json_kv_u64(j, "reserved", o->reserved);
    if (o->has_sendkey)
        hex64(j, "sendkey", o->sendkey);
    if (o->has_recvkey)
        hex64(j, "recvkey", o->recvkey);
    if (has_derived(o)) {
        /* derived from sendkey, named like tshark's mptcp.expected_* */
        json_kv_u64(j, "expected_token", mptcp_token(o->version, o->sendkey));
        json_kv_u64(j, "expected_idsn", mptcp_idsn(o->version, o->sendkey));
    }
    if (o->has_ipver)
        json_kv_u64(j, "ipver", o->ipver);
    if (o->has_echo)
        json_kv_u64(j, "echo", o->echo);
    if (o->subtype == MPTCP_SUB_REMOVE_ADDR) {
        json_key(j, "addrid");
        json_arr_begin(j, JSON_COMPACT);
        for (unsigned i = 0; i < o->n_remove_ids; i++)
            json_u64(j, o->remove_ids[i]);
        json_arr_end(j);
    } else if (o->has_addrid) {
        json_kv_u64(j, "addrid", o->addrid);
    }
    if (o->has_recvtok)
        json_kv_u64(j, "recvtok", o->recvtok);
    if (o->has_sendtrunchmac)
        hex64(j, o->subtype == MPTCP_SUB_ADD_ADDR ? "addaddrtrunchmac" : "sendtrunchmac", o->sendtrunchmac);
    if (o->has_sendrand)
        json_kv_u64(j, "sendrand", o->sendrand);
    if (o->has_sendhmac) {
        json_key(j, "sendhmac");
        json_hex(j, o->sendhmac, sizeof o->sendhmac);
    }
    if (o->has_dataack)
        json_kv_u64(j, "rawdataack", o->rawdataack);
    if (o->has_dsn)
        json_kv_u64(j, "rawdataseqno", o->rawdataseqno);
    if (o->has_subflowseqno)
        json_kv_u64(j, "subflowseqno", o->subflowseqno);
    if (o->has_datalvllen)
        json_kv_u64(j, "datalvllen", o->datalvllen);
    if (o->has_checksum)
        json_kv_u64(j, "checksum", o->checksum);
    if (o->has_ipv4)
        addr(j, "ipv4", AF_INET, o->ipv4);
    if (o->has_ipv6)
        addr(j, "ipv6", AF_INET6, o->ipv6);
    if (o->has_port)
        json_kv_u64(j, "port", o->port);
    if (o->has_reason)
        json_kv_u64(j, "rst_reason", o->reason);
    if (o->truncated)
        json_kv_bool(j, "truncated", true);
    json_obj_end(j);
}

/* Flag letters as the RFCs name them, so text readers need no bit table. */
static void write_flag_letters(struct outfile *out, const struct mptcp_opt *o)
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
        outfile_printf(out, "%s%s", sep, name);
        sep = ",";
    }
    if (*sep == ',')
        outfile_puts(out, ")");
}

/* Text mode mirrors the JSON content with short readable labels. */
int mptcp_opt_write_text(struct outfile *out, const struct mptcp_opt *o)
{
    char text[INET6_ADDRSTRLEN];
    const char *name = mptcp_subtype_name(o->subtype);
    if (!strcmp(name, "unknown"))
        outfile_printf(out, "subtype-%u", o->subtype);
    else
        outfile_puts(out, name);
    if (o->version >= 0)
        outfile_printf(out, " v%d", o->version);
    if (o->has_flags) {
        outfile_printf(out, " flags=0x%02x", o->flags);
        write_flag_letters(out, o);
    }
    if (o->has_reserved && o->reserved)
        outfile_printf(out, " reserved=0x%03x", o->reserved);
    if (o->has_sendkey)
        outfile_printf(out, " sendkey=%016" PRIx64, o->sendkey);
    if (o->has_recvkey)
        outfile_printf(out, " recvkey=%016" PRIx64, o->recvkey);
    if (has_derived(o))
        outfile_printf(out, " (token=0x%08" PRIx32 ")", mptcp_token(o->version, o->sendkey));
    if (o->has_ipver)
        outfile_printf(out, " ipver=%u", o->ipver);
    if (o->has_echo)
        outfile_printf(out, " echo=%u", o->echo);
    if (o->subtype == MPTCP_SUB_REMOVE_ADDR) {
        outfile_puts(out, " ids=");
        for (unsigned i = 0; i < o->n_remove_ids; i++)
            outfile_printf(out, "%s%u", i ? "," : "", o->remove_ids[i]);
    } else if (o->has_addrid) {
        outfile_printf(out, " addrid=%u", o->addrid);
    }
    if (o->has_recvtok)
        outfile_printf(out, " recvtok=0x%08" PRIx32, o->recvtok);
    if (o->has_sendtrunchmac)
        outfile_printf(out, " trunchmac=%016" PRIx64, o->sendtrunchmac);
    if (o->has_sendrand)
        outfile_printf(out, " sendrand=0x%08" PRIx32, o->sendrand);
    if (o->has_sendhmac) {
        char hex[2 * sizeof o->sendhmac];
        hex_encode(hex, o->sendhmac, sizeof o->sendhmac);
        outfile_puts(out, " hmac=");
        outfile_write(out, hex, sizeof hex);
    }
    if (o->has_dataack)
        outfile_printf(out, " ack=%" PRIu64, o->rawdataack);
    if (o->has_dsn)
        outfile_printf(out, " dsn=%" PRIu64, o->rawdataseqno);
    if (o->has_subflowseqno)
        outfile_printf(out, " ssn=%" PRIu32, o->subflowseqno);
    if (o->has_datalvllen)
        outfile_printf(out, " len=%u", o->datalvllen);
    if (o->has_checksum)
        outfile_printf(out, " csum=0x%04x", o->checksum);
    if (o->has_ipv4 && inet_ntop(AF_INET, o->ipv4, text, sizeof text))
        outfile_printf(out, " addr=%s", text);
    if (o->has_ipv6 && inet_ntop(AF_INET6, o->ipv6, text, sizeof text))
        outfile_printf(out, " addr=%s", text);
    if (o->has_port)
        outfile_printf(out, " port=%u", o->port);
    if (o->has_reason)
        outfile_printf(out, " reason=%u", o->reason);
    if (o->truncated)
        outfile_puts(out, " TRUNCATED");
    return outfile_failed(out) ? -1 : 0;
}
