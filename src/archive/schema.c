/* schema.c — the archive's tables, indexes and views, and the migrations between PRAGMA user_version levels. */
#include "archive/schema.h"

#include <stdio.h>

/*
 * Addresses are BLOBs of 4 (IPv4) or 16 (IPv6) bytes in network order, so
 * they sort and compare as numbers; months are integers year*12 + month-1
 * (month_text() formats them). Verdicts are the codes of table `verdicts`
 * (net/verdict.h order). The README's "Schema" section lists the same.
 */
static const char schema_v1[] =
    "CREATE TABLE files("
    " file_id INTEGER PRIMARY KEY,"
    " sha256 TEXT NOT NULL UNIQUE,"      /* of the decompressed content: a re-import counts once */
    " path TEXT NOT NULL, name TEXT, bytes INTEGER,"
    " kind TEXT NOT NULL,"               /* scan | trace | http | pcap */
    " format TEXT NOT NULL,"             /* mpcensus-scan, zmap, zmap-tcp_synopt, mpcensus-trace, mpcensus-http, mpcensus-pcap */
    " encoding TEXT,"                    /* csv | json; compression */
    " tool TEXT, month INTEGER NOT NULL, date TEXT, label TEXT,"
    " probe_version INTEGER, probe_key TEXT, ports TEXT, families TEXT, shard TEXT,"
    " row_lo INTEGER, row_hi INTEGER,"   /* scan files: their scan_rows rowids */
    " rows INTEGER NOT NULL DEFAULT 0, bad_rows INTEGER NOT NULL DEFAULT 0, duplicate_rows INTEGER NOT NULL DEFAULT 0,"
    " first_ts TEXT, last_ts TEXT,"
    " derived TEXT,"                     /* which verdicts came from where (zmap, tcp_synopt) */
    " imported_at TEXT NOT NULL);"
    "CREATE INDEX files_month ON files(kind, month);"
    "CREATE TABLE verdicts(code INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
    "INSERT INTO verdicts VALUES(0,'mptcp'),(1,'mirrored'),(2,'version-mismatch'),(3,'malformed'),(4,'tcp'),(5,'closed');"
    /* every scan reply, in file order (a file's rows are the rowid range files.row_lo..row_hi) */
    "CREATE TABLE scan_rows("
    " month INTEGER NOT NULL, version INTEGER NOT NULL, family INTEGER NOT NULL, port INTEGER NOT NULL,"
    " addr BLOB NOT NULL, file_id INTEGER NOT NULL,"
    " synack INTEGER NOT NULL, verdict INTEGER,"   /* NULL: not derivable (plain ZMap) */
    " mptcp_version INTEGER, mptcp_flags INTEGER, key INTEGER, key_hamming INTEGER, option BLOB,"
    " ttl INTEGER, window INTEGER, ts INTEGER);"
    /* the rows with an MP_CAPABLE answer (verdicts 0-3) again, clustered by partition and address */
    "CREATE TABLE pot_rows("
    " month INTEGER NOT NULL, version INTEGER NOT NULL, family INTEGER NOT NULL, port INTEGER NOT NULL,"
    " addr BLOB NOT NULL, file_id INTEGER NOT NULL, verdict INTEGER NOT NULL,"
    " PRIMARY KEY(month, version, family, port, addr, file_id)) WITHOUT ROWID;"
    /* filled at import: key Hamming weights per file and partition */
    "CREATE TABLE key_weights("
    " month INTEGER NOT NULL, version INTEGER NOT NULL, family INTEGER NOT NULL, port INTEGER NOT NULL,"
    " verdict INTEGER NOT NULL, weight INTEGER NOT NULL, file_id INTEGER NOT NULL, n INTEGER NOT NULL,"
    " PRIMARY KEY(month, version, family, port, verdict, weight, file_id)) WITHOUT ROWID;"
    /* refreshed at import for every partition a file touched (README "Analyses") */
    "CREATE TABLE month_summary("
    " month INTEGER NOT NULL, version INTEGER NOT NULL, family INTEGER NOT NULL, port INTEGER NOT NULL,"
    " responsive INTEGER, potential INTEGER, mirrored INTEGER, mptcp INTEGER, version_mismatch INTEGER,"
    " malformed INTEGER, tcp INTEGER, closed INTEGER, unknown INTEGER,"
    " consistent INTEGER, truly_mptcp INTEGER, truly_traced INTEGER,"
    " PRIMARY KEY(month, version, family, port)) WITHOUT ROWID;"
    "CREATE TABLE port_overlap("
    " month INTEGER NOT NULL, version INTEGER NOT NULL, family INTEGER NOT NULL,"
    " only80 INTEGER, only443 INTEGER, both INTEGER,"
    " PRIMARY KEY(month, version, family)) WITHOUT ROWID;"
    "CREATE TABLE version_overlap("
    " month INTEGER NOT NULL, family INTEGER NOT NULL, port INTEGER NOT NULL,"
    " only_v0 INTEGER, only_v1 INTEGER, both INTEGER,"
    " PRIMARY KEY(month, family, port)) WITHOUT ROWID;"
    "CREATE TABLE trace_rows("
    " addr BLOB NOT NULL, port INTEGER NOT NULL, version INTEGER NOT NULL, month INTEGER NOT NULL,"
    " file_id INTEGER NOT NULL, family INTEGER NOT NULL, class TEXT NOT NULL, hop INTEGER,"
    " changes TEXT, dest_hops INTEGER, hops TEXT,"
    " PRIMARY KEY(addr, port, version, month, file_id)) WITHOUT ROWID;"
    "CREATE INDEX trace_rows_month ON trace_rows(month, version, family, port);"
    "CREATE TABLE http_rows("
    " file_id INTEGER NOT NULL, month INTEGER NOT NULL, addr BLOB NOT NULL, family INTEGER NOT NULL,"
    " port INTEGER NOT NULL, scheme TEXT, run INTEGER, transport TEXT NOT NULL,"
    " mptcp_active INTEGER, fallback INTEGER, subflows INTEGER, add_addr INTEGER,"
    " connect_ms REAL, tls_ms REAL, ttfb_ms REAL, total_ms REAL, http_status INTEGER, bytes INTEGER, error TEXT);"
    "CREATE INDEX http_rows_target ON http_rows(addr, port, scheme);"
    "CREATE TABLE pcap_traces("
    " file_id INTEGER NOT NULL, month INTEGER NOT NULL, trace TEXT, first_ts REAL, last_ts REAL, duration_s REAL,"
    " packets INTEGER, tcp_packets INTEGER, tcp_flows INTEGER, tcp_bytes INTEGER,"
    " mptcp_flows INTEGER, mptcp_bytes INTEGER, mptcp_connections INTEGER, mptcp_v0 INTEGER, mptcp_v1 INTEGER,"
    " mptcp_subflows INTEGER, flow_share REAL, byte_share REAL, top1_share REAL, top5_share REAL,"
    " top50pct_share REAL, error TEXT);"
    /* attribution (README "Attribution") */
    "CREATE TABLE attr_sources("
    " source_id INTEGER PRIMARY KEY, kind TEXT NOT NULL, path TEXT NOT NULL, name TEXT, date TEXT,"
    " entries INTEGER, loaded_at TEXT NOT NULL);"
    "CREATE TABLE host_attr("
    " addr BLOB PRIMARY KEY, prefix TEXT, origin TEXT, country TEXT, country_source INTEGER,"
    " mm_asn INTEGER, mm_as_org TEXT, asn_source INTEGER) WITHOUT ROWID;"
    "CREATE TABLE host_asn("
    " asn INTEGER NOT NULL, addr BLOB NOT NULL, source TEXT NOT NULL,"
    " PRIMARY KEY(asn, addr)) WITHOUT ROWID;"
    "CREATE INDEX host_asn_addr ON host_asn(addr);"
    "CREATE TABLE as_info("
    " asn INTEGER PRIMARY KEY, as_name TEXT, org_id TEXT, org_name TEXT, country TEXT, rank INTEGER);"
    /* readable views for the sqlite3 shell */
    "CREATE VIEW scan_rows_text AS SELECT month_text(s.month) AS month, s.version, s.family, s.port,"
    " addr_text(s.addr) AS addr, s.file_id, s.synack, v.name AS verdict, s.mptcp_version, s.key_hamming, s.ttl"
    " FROM scan_rows s LEFT JOIN verdicts v ON v.code = s.verdict;"
    "CREATE VIEW hosts AS SELECT DISTINCT addr FROM pot_rows"
    " UNION SELECT addr FROM trace_rows UNION SELECT addr FROM http_rows;";

static const struct migration {
    int to;
    const char *sql;
} migrations[] = {
    {1, schema_v1},
};

int schema_migrate(sqlite3 *db, char *err, size_t errlen)
{
    char *msg = NULL;
    /* BEGIN IMMEDIATE: two processes creating one archive at once migrate it once */
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK)
        goto fail;
    sqlite3_stmt *st;
    int have = 0;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            have = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    if (have > ARCHIVE_SCHEMA_VERSION_MAX) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        snprintf(err, errlen, "schema version %d is newer than this mpcensus knows (%d)", have,
                 ARCHIVE_SCHEMA_VERSION_MAX);
        return -1;
    }
    for (size_t i = 0; i < sizeof migrations / sizeof migrations[0]; i++) {
        if (migrations[i].to <= have)
            continue;
        if (sqlite3_exec(db, migrations[i].sql, NULL, NULL, &msg) != SQLITE_OK)
            goto fail_rb;
        char set[64];
        snprintf(set, sizeof set, "PRAGMA user_version = %d", migrations[i].to);
        if (sqlite3_exec(db, set, NULL, NULL, &msg) != SQLITE_OK)
            goto fail_rb;
    }
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK)
        goto fail_rb;
    return 0;
fail_rb:
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
fail:
    snprintf(err, errlen, "schema: %s", msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    return -1;
}
