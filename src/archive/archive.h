/* archive.h — entry point of `mpcensus archive` (import, attribute, query, info). */
#ifndef ARCHIVE_ARCHIVE_H
#define ARCHIVE_ARCHIVE_H

int cmd_archive(int argc, char **argv);

#endif
