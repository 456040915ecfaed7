/* info.h — `archive info`: schema version, files per month and kind, table sizes, attribution sources. */
#ifndef ARCHIVE_INFO_H
#define ARCHIVE_INFO_H

#include <stddef.h>
#include <stdio.h>

#include "archive/db.h"

int archive_info(struct archive *a, FILE *out, char *err, size_t errlen);

#endif
