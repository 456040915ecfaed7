/* an_migration.c — an organisation's v0/v1 hosts month over month: added the other version, migrated, dropped one (Figs. 15-16). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive/analysis.h"
#include "cli/args.h"
#include "cli/args_time.h"

static const struct rec_field migration_fields[] = {
    {"month", REC_STR, "YYYY-MM"},
    {"asns", REC_STR, "the ASes asked for (--asn)"},
    {"v0_only", REC_NUM, "hosts of those ASes with verdict mptcp to v0 only (any port)"},
    {"v1_only", REC_NUM, "hosts with verdict mptcp to v1 only"},
    {"both", REC_NUM, "hosts with verdict mptcp to both versions"},
    {"added", REC_NUM, "hosts with one version the month before and both now (added the other version)"},
    {"migrated", REC_NUM, "hosts with v0 only the month before and v1 only now"},
    {"migrated_back", REC_NUM, "hosts with v1 only the month before and v0 only now"},
    {"dropped", REC_NUM, "hosts with both versions the month before and one now (dropped one)"},
    {"appeared", REC_NUM, "hosts with neither version the month before and one or both now"},
    {"vanished", REC_NUM, "hosts with one or both the month before and neither now"},
};
static const struct rec_schema migration_schema = {"archive-migration", migration_fields,
                                                   sizeof migration_fields / sizeof migration_fields[0]};

enum { S_NONE = 0, S_V0 = 1, S_V1 = 2, S_BOTH = 3 };

static size_t addr_hash(const uint8_t *b, int len)
{
    uint64_t h = 1469598103934665603ull;
    for (int i = 0; i < len; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return (size_t)(h ^ (h >> 32));
}

struct counts {
    int64_t v0, v1, both, added, migrated, back, dropped, appeared, vanished;
};

static int run_migration(struct archive *a, const struct query_params *p, query_row_fn fn, void *user, char *err,
                         size_t errlen)
{
    if (!p->asn || !*p->asn) {
        snprintf(err, errlen, "migration needs --asn ASN[,ASN...] (e.g. 6185,714)");
        return -1;
    }
    /* the AS list as a JSON array for json_each, each number checked */
    char json[1024], buf[512];
    size_t len = 1;
    json[0] = '[';
    snprintf(buf, sizeof buf, "%s", p->asn);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        uint64_t asn;
        char why[64];
        if (!args_parse_u64(tok, 0, UINT32_MAX, &asn, why, sizeof why)) {
            snprintf(err, errlen, "bad --asn '%s': %s", tok, why);
            return -1;
        }
        len += (size_t)snprintf(json + len, sizeof json - len, "%s%llu", len > 1 ? "," : "", (unsigned long long)asn);
        if (len >= sizeof json - 2) {
            snprintf(err, errlen, "--asn: too many ASes");
            return -1;
        }
    }
    snprintf(json + len, sizeof json - len, "]");

    int from, to;
    query_month_range(a, p, false, &from, &to);
    /* months with both a v0 and a v1 scan: only there can a host be v0-only, v1-only or both */
    sqlite3_stmt *ms = db_prepare(a,
                                  "SELECT month FROM month_summary WHERE version IN (0, 1) GROUP BY month"
                                  " HAVING count(DISTINCT version) = 2 ORDER BY month",
                                  err, errlen);
    if (!ms)
        return -1;
    int lo = -1, hi = -1;
    size_t nm = 0, capm = 64;
    int *months = malloc(capm * sizeof *months);
    while (months && sqlite3_step(ms) == SQLITE_ROW) {
        if (nm == capm) {
            capm *= 2;
            int *nmn = realloc(months, capm * sizeof *nmn);
            if (!nmn)
                break;
            months = nmn;
        }
        months[nm++] = sqlite3_column_int(ms, 0);
    }
    sqlite3_finalize(ms);
    if (!months || !nm) {
        free(months);
        return 0;
    }
    lo = months[0];
    hi = months[nm - 1];
    size_t span = (size_t)(hi - lo + 1);
    bool *scanned = calloc(span, 1);
    struct counts *cnt = calloc(span, sizeof *cnt);
    if (!scanned || !cnt) {
        free(months), free(scanned), free(cnt);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < nm; i++)
        scanned[months[i] - lo] = true;

    /* the organisation's hosts in a hash (address -> slot), then one pass over pot_rows in key order */
    sqlite3_stmt *hs = db_prepare(a,
                                  "SELECT DISTINCT addr FROM host_asn WHERE asn IN (SELECT value FROM json_each(?1))",
                                  err, errlen);
    int rc = hs ? 0 : -1;
    struct hslot {
        uint8_t addr[16];
        uint8_t len;
        uint32_t idx;
    } *tab = NULL;
    size_t cap = 1024, nh = 0;
    uint8_t *st8 = NULL;   /* state[host * span + month - lo] */
    if (hs) {
        sqlite3_bind_text(hs, 1, json, -1, SQLITE_STATIC);
        size_t nrows = 0;
        while (sqlite3_step(hs) == SQLITE_ROW)
            nrows++;
        sqlite3_reset(hs);
        while (cap < 2 * nrows + 2)
            cap *= 2;
        tab = calloc(cap, sizeof *tab);
        st8 = calloc(nrows ? nrows * span : 1, 1);
        if (!tab || !st8) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
        }
        while (rc == 0 && sqlite3_step(hs) == SQLITE_ROW) {
            int alen = sqlite3_column_bytes(hs, 0);
            if (alen != 4 && alen != 16)
                continue;
            const uint8_t *b = sqlite3_column_blob(hs, 0);
            size_t j = addr_hash(b, alen) & (cap - 1);
            while (tab[j].len)
                j = (j + 1) & (cap - 1);
            memcpy(tab[j].addr, b, (size_t)alen);
            tab[j].len = (uint8_t)alen;
            tab[j].idx = (uint32_t)nh++;
        }
        sqlite3_finalize(hs);
    }
    sqlite3_stmt *st = rc == 0 ? db_prepare(a,
                                             "SELECT month, version, addr FROM pot_rows WHERE verdict = 0"
                                             " AND version IN (0, 1) AND month BETWEEN ?1 AND ?2",
                                             err, errlen)
                               : NULL;
    if (rc == 0 && !st)
        rc = -1;
    if (st) {
        sqlite3_bind_int(st, 1, lo);
        sqlite3_bind_int(st, 2, hi);
        int s2;
        while (nh && (s2 = sqlite3_step(st)) == SQLITE_ROW) {
            int alen = sqlite3_column_bytes(st, 2);
            const uint8_t *b = sqlite3_column_blob(st, 2);
            for (size_t j = addr_hash(b, alen) & (cap - 1); tab[j].len; j = (j + 1) & (cap - 1))
                if (tab[j].len == alen && !memcmp(tab[j].addr, b, (size_t)alen)) {
                    int m = sqlite3_column_int(st, 0);
                    st8[(size_t)tab[j].idx * span + (size_t)(m - lo)] |= sqlite3_column_int(st, 1) ? S_V1 : S_V0;
                    break;
                }
        }
        if (nh && s2 != SQLITE_DONE) {
            snprintf(err, errlen, "%s", sqlite3_errmsg(a->db));
            rc = -1;
        }
        sqlite3_finalize(st);
    }
    for (size_t h = 0; rc == 0 && h < nh; h++) {
        const uint8_t *state = st8 + h * span;
        for (size_t k = 0; k < span; k++) {
            if (!scanned[k])
                continue;
            uint8_t c = state[k];
            struct counts *o = &cnt[k];
            o->v0 += c == S_V0;
            o->v1 += c == S_V1;
            o->both += c == S_BOTH;
            if (k == 0 || !scanned[k - 1])
                continue;
            uint8_t pr = state[k - 1];
            o->added += (pr == S_V0 || pr == S_V1) && c == S_BOTH;
            o->migrated += pr == S_V0 && c == S_V1;
            o->back += pr == S_V1 && c == S_V0;
            o->dropped += pr == S_BOTH && (c == S_V0 || c == S_V1);
            o->appeared += pr == S_NONE && c != S_NONE;
            o->vanished += pr != S_NONE && c == S_NONE;
        }
    }
    free(tab);
    free(st8);
    for (size_t k = 0; rc == 0 && k < span; k++) {
        int m = lo + (int)k;
        if (!scanned[k] || m < from || m > to)
            continue;
        char mt[16];
        args_month_format(m, mt, sizeof mt);
        bool prev = k > 0 && scanned[k - 1];
        const struct counts *o = &cnt[k];
        struct qval row[11] = {qv_text(mt), qv_text(p->asn), qv_int(o->v0), qv_int(o->v1), qv_int(o->both),
                               prev ? qv_int(o->added) : qv_null(), prev ? qv_int(o->migrated) : qv_null(),
                               prev ? qv_int(o->back) : qv_null(), prev ? qv_int(o->dropped) : qv_null(),
                               prev ? qv_int(o->appeared) : qv_null(), prev ? qv_int(o->vanished) : qv_null()};
        rc = fn(user, row, 11);
    }
    free(months), free(scanned), free(cnt);
    return rc;
}

const struct query_def query_migration = {
    "migration", "an organisation's v0/v1 hosts and month-over-month migration (Figs. 15-16; --asn)",
    "Hosts (addresses) whose origin AS (host_asn) is one of --asn. Each month a host is v0 (verdict mptcp to the "
    "v0 probe on any port), v1, both or neither. Against the month before (when that month has a scan): added = "
    "one version -> both, migrated = v0 -> v1, migrated_back = v1 -> v0, dropped = both -> one, appeared = "
    "neither -> any, vanished = any -> neither. Only months with both a v0 and a v1 scan are listed; transition "
    "columns are empty for a month whose previous month is not such a month.",
    &migration_schema, run_migration};
