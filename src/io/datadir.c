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

bool datadir_candidate(const char *name, unsigned i, char *buf, size_t len)
{
    /* the directories, in order; an unset override or an unknown binary path yields none */
    static const char *const beside_exe[] = {"/../share/mpcensus", "/../data", "/../../data"};
    const char *dirs[5];
    char exe[PATH_MAX];
    unsigned n = 0;
    const char *env = getenv("MPCENSUS_DATA");
    if (env && *env)
        dirs[n++] = env;
    exe_dir(exe, sizeof exe);
    char rel[3][PATH_MAX + 24];
    for (unsigned k = 0; k < 3 && exe[0]; k++) {
        snprintf(rel[k], sizeof rel[k], "%s%s", exe, beside_exe[k]);
        dirs[n++] = rel[k];
    }
    dirs[n++] = MPCENSUS_DATADIR;
    if (i >= n)
        return false;
    int w = snprintf(buf, len, "%s/%s", dirs[i], name);
    return w > 0 && (size_t)w < len;
}

bool datadir_find(const char *name, char *buf, size_t len)
{
    for (unsigned i = 0; datadir_candidate(name, i, buf, len); i++)
        if (access(buf, R_OK) == 0) {
            /* a readable path, shown without the ../ detours */
            char real[PATH_MAX];
            if (realpath(buf, real) && strlen(real) < len)
                strcpy(buf, real);
            return true;
        }
    if (len)
        buf[0] = '\0';
    return false;
}
