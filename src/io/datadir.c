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
    /* the candidates, in order; an unset override or an unknown binary path yields none */
    char cand[5][PATH_MAX + 64];
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
    if (i >= n)
        return false;
    int w = snprintf(buf, len, "%s", cand[i]);
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
