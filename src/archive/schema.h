/* schema.h — creates and migrates the archive's schema (PRAGMA user_version). */
#ifndef ARCHIVE_SCHEMA_H
#define ARCHIVE_SCHEMA_H

#include <stddef.h>
#include <sqlite3.h>

#define ARCHIVE_SCHEMA_VERSION_MAX 1

/* Brings the schema to ARCHIVE_SCHEMA_VERSION_MAX inside one write transaction. */
int schema_migrate(sqlite3 *db, char *err, size_t errlen);

#endif
