/* version.h — the one version string of mpcensus (--version, man pages, scan metadata). */
#ifndef CLI_VERSION_H
#define CLI_VERSION_H

#define MPCENSUS_VERSION "0.1.0"

#endif
