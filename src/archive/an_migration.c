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
    uint8_t *state = calloc(span, 1);
    struct counts *cnt = calloc(span, sizeof *cnt);
    if (!scanned || !state || !cnt) {
        free(months), free(scanned), free(state), free(cnt);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < nm; i++)
        scanned[months[i] - lo] = true;

    sqlite3_stmt *st = db_prepare(a,
                                  "SELECT m.addr, m.month, max(m.version = 0 AND m.verdict = 0),"
                                  " max(m.version = 1 AND m.verdict = 0) FROM pot_rows m"
                                  " WHERE m.addr IN (SELECT addr FROM host_asn WHERE asn IN (SELECT value FROM json_each(?1)))"
                                  " GROUP BY m.addr, m.month ORDER BY m.addr, m.month",
                                  err, errlen);
    int rc = st ? 0 : -1;
    if (st)
        sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
    /* one address at a time: its state per month, then its transitions */
    const void *cur = NULL;
    int cur_len = 0;
    uint8_t cur_addr[16];
    for (bool more = st != NULL; more;) {
        int s = sqlite3_step(st);
        more = s == SQLITE_ROW;
        if (!more && s != SQLITE_DONE) {
            snprintf(err, errlen, "%s", sqlite3_errmsg(a->db));
            rc = -1;
            break;
        }
        const void *addr = more ? sqlite3_column_blob(st, 0) : NULL;
        int alen = more ? sqlite3_column_bytes(st, 0) : 0;
        bool same = cur && more && alen == cur_len && !memcmp(addr, cur_addr, (size_t)alen);
        if (cur && !same) {
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
            memset(state, 0, span);
            cur = NULL;
        }
        if (!more)
            break;
        if (!cur) {
            cur_len = alen < 16 ? alen : 16;
            memcpy(cur_addr, addr, (size_t)cur_len);
            cur = cur_addr;
        }
        int m = sqlite3_column_int(st, 1);
        if (m >= lo && m <= hi)
            state[m - lo] = (uint8_t)((sqlite3_column_int(st, 2) ? S_V0 : 0) | (sqlite3_column_int(st, 3) ? S_V1 : 0));
    }
    sqlite3_finalize(st);
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
    free(months), free(scanned), free(state), free(cnt);
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
