/* datadir.c — looks a data file up in $MPCENSUS_DATA, beside the binary (installed or build tree), then in the compiled-in share/mpcensus. */
#include "io/datadir.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The directory of the running binary, "" when /proc is not mounted. */
static void exe_dir(char *buf, size_t len)
{
    buf[0] = '\0';
    if (len < 2)
        return;
    ssize_t n = readlink("/proc/self/exe", buf, len - 1);
    if (n <= 0) {
        buf[0] = '\0';
        return;
    }
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    if (slash)
        *slash = '\0';
    else
        buf[0] = '\0';
}

#define DATADIR_CANDIDATES 5

/* Fills cand with the paths of `name` in the order datadir.h gives; returns
 * how many. An unset override or an unknown binary path yields none. */
static unsigned datadir_candidates(const char *name, char cand[DATADIR_CANDIDATES][PATH_MAX + 64])
{
    unsigned n = 0;
    const char *env = getenv("MPCENSUS_DATA");
    if (env && *env)
        snprintf(cand[n++], sizeof cand[0], "%s/%s", env, name);
    char exe[PATH_MAX];
    exe_dir(exe, sizeof exe);
    if (exe[0]) {
        snprintf(cand[n++], sizeof cand[0], "%s/../share/mpcensus/%s", exe, name);
        /* the source tree keeps the lab's specs in lab/ and the rest in data/ */
        const char *sub = strncmp(name, "lab/", 4) ? "data/" : "";
        snprintf(cand[n++], sizeof cand[0], "%s/../%s%s", exe, sub, name);      /* build/mpcensus */
        snprintf(cand[n++], sizeof cand[0], "%s/../../%s%s", exe, sub, name);   /* build/san/mpcensus */
    }
    snprintf(cand[n++], sizeof cand[0], "%s/%s", MPCENSUS_DATADIR, name);
    return n;
}

bool datadir_find(const char *name, char *buf, size_t len)
{
    char cand[DATADIR_CANDIDATES][PATH_MAX + 64];
    unsigned n = datadir_candidates(name, cand);
    for (unsigned i = 0; i < n; i++) {
        /* a candidate too long for buf ends the search */
        int w = snprintf(buf, len, "%s", cand[i]);
        if (w <= 0 || (size_t)w >= len)
            break;
        if (access(buf, R_OK) == 0) {
            /* a readable path, shown without the ../ detours */
            char real[PATH_MAX];
            if (realpath(buf, real) && strlen(real) < len)
                strcpy(buf, real);
            return true;
        }
    }
    if (len)
        buf[0] = '\0';
    return false;
}
