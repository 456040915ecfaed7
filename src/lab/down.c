/* down.c — removes a lab: every process inside its namespaces, the namespaces (and so their veths), its files. */
#include "lab/lab.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lab/nginx.h"
#include "lab/sys.h"

#define MAX_DOWN_NS 512

static size_t lab_namespaces(const char *name, char names[][LAB_NS_NAME_LEN + 16], unsigned long *inodes, size_t max)
{
    DIR *d = opendir("/run/netns");
    if (!d)
        return 0;
    size_t plen = strlen(name), n = 0;
    struct dirent *de;
    while ((de = readdir(d)) && n < max) {
        if (strncmp(de->d_name, name, plen) != 0 || de->d_name[plen] != '-')
            continue;
        if (strlen(de->d_name) >= LAB_NS_NAME_LEN + 16)
            continue;
        strcpy(names[n], de->d_name);
        inodes[n] = sys_netns_inode(de->d_name);
        n++;
    }
    closedir(d);
    return n;
}

/* Pids whose network namespace is one of inodes. */
static size_t pids_in(const unsigned long *inodes, size_t n_inodes, pid_t *pids, size_t max)
{
    DIR *d = opendir("/proc");
    if (!d)
        return 0;
    size_t n = 0;
    pid_t self = getpid();
    struct dirent *de;
    while ((de = readdir(d)) && n < max) {
        char *end;
        long pid = strtol(de->d_name, &end, 10);
        if (*end || pid <= 0 || pid == self)
            continue;
        char path[64];
        struct stat st;
        snprintf(path, sizeof path, "/proc/%ld/ns/net", pid);
        if (stat(path, &st) != 0)
            continue;
        for (size_t i = 0; i < n_inodes; i++)
            if ((unsigned long)st.st_ino == inodes[i]) {
                pids[n++] = (pid_t)pid;
                break;
            }
    }
    closedir(d);
    return n;
}

/* True while pid exists and is not a zombie. A process that is exiting can
 * have left its namespaces already (do_exit drops them early) while it still
 * tears down sockets in state D: waiting for the namespaces alone returns
 * before the process is gone. */
static bool alive(pid_t pid)
{
    char path[64], line[128];
    snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    bool live = true;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "State:", 6)) {
            live = !strchr(line, 'Z');
            break;
        }
    fclose(f);
    return live;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int lab_down(const char *name, char *err, size_t errlen)
{
    static char names[MAX_DOWN_NS][LAB_NS_NAME_LEN + 16];
    unsigned long inodes[MAX_DOWN_NS];
    err[0] = 0;
    size_t n = lab_namespaces(name, names, inodes, MAX_DOWN_NS);

    /* processes first: a namespace lives on while a process holds it */
    static pid_t pids[4096], first[4096];
    size_t np = pids_in(inodes, n, pids, 4096);
    size_t n_first = np;
    memcpy(first, pids, np * sizeof *pids);
    for (size_t i = 0; i < np; i++)
        kill(pids[i], SIGTERM);
    for (int tries = 0; tries < 20 && np > 0; tries++) {
        sleep_ms(50);
        np = pids_in(inodes, n, pids, 4096);
    }
    for (size_t i = 0; i < np; i++)
        kill(pids[i], SIGKILL);
    for (int tries = 0; tries < 40 && np > 0; tries++) {
        sleep_ms(25);
        np = pids_in(inodes, n, pids, 4096);
    }

    /* and until every process found is really gone (see alive()) */
    for (int tries = 0; tries < 200; tries++) {
        size_t live = 0;
        for (size_t i = 0; i < n_first; i++)
            live += alive(first[i]);
        if (!live)
            break;
        sleep_ms(10);
    }

    int failures = 0;
    for (size_t i = 0; i < n; i++) {
        char errbuf[256];
        char *argv[] = {"ip", "netns", "del", names[i], NULL};
        if (sys_run(argv, NULL, errbuf, sizeof errbuf) != 0 && sys_netns_inode(names[i]) != 0) {
            failures++;
            snprintf(err, errlen, "ip netns del %s: %s", names[i], errbuf);
        }
    }
    lab_nginx_remove(name);   /* the lab's nginx processes died with the namespaces' processes above */
    static const char *const suffixes[] = {"env", "blocklist", "hitlist6", "log"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, LAB_STATE_DIR "/lab-%s.%s", name, suffixes[i]);
        if (unlink(path) != 0 && errno != ENOENT) {
            failures++;
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
        }
    }
    if (np > 0 && !failures) {
        snprintf(err, errlen, "%zu process(es) in the lab's namespaces would not die", np);
        failures++;
    }
    return failures ? -1 : 0;
}
