/* datadir.h — where mpcensus finds its data files: $MPCENSUS_DATA, the installed share/mpcensus (beside the binary or compiled in), the build tree. */
#ifndef IO_DATADIR_H
#define IO_DATADIR_H

#include <stdbool.h>
#include <stddef.h>

/* $(PREFIX)/share/mpcensus, set by the Makefile (make PREFIX=...). */
#ifndef MPCENSUS_DATADIR
#define MPCENSUS_DATADIR "/usr/local/share/mpcensus"
#endif

/* Finds the data file `name` ("apple-ports.tsv", "lab/demo.spec"): the first
 * readable one of
 *   $MPCENSUS_DATA/name                     (an explicit override)
 *   EXE_DIR/../share/mpcensus/name          (an installed tree, wherever it was moved)
 *   EXE_DIR/../data/name, EXE_DIR/../../data/name   (build/ and build/san/ of the source tree,
 *                                           which keeps "lab/..." names in lab/ instead)
 *   MPCENSUS_DATADIR/name                   (the compiled-in installation)
 * where EXE_DIR is the directory of /proc/self/exe. Writes its path into buf
 * and returns true; false (buf empty) when none is readable. */
bool datadir_find(const char *name, char *buf, size_t len);

#endif
