/* teardown.c — state-file membership of a lab, its exact teardown, and the signal flag of `lab up`. */
#include "lab/teardown.h"
#include "lab/lab.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lab/nginx.h"
#include "lab/sys.h"

/* ------------------------------------------------------------ membership */

/* NAME-TOKEN, TOKEN of [A-Za-z0-9_] only: the namespaces lab NAME makes. */
static bool own_ns_name(const char *lab, const char *ns)
{
    size_t n = strlen(lab);
    if (strncmp(ns, lab, n) != 0 || ns[n] != '-' || !ns[n + 1] || strlen(ns) >= LAB_NS_NAME_LEN)
        return false;
    for (const char *c = ns + n + 1; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_'))
            return false;
    return true;
}

static void add_ns(struct lab_members *m, const char *ns)
{
    for (size_t i = 0; i < m->n_ns; i++)
        if (!strcmp(m->ns[i], ns))
            return;
    if (m->n_ns < LAB_TEARDOWN_MAX_NS)
        snprintf(m->ns[m->n_ns++], LAB_NS_NAME_LEN, "%s", ns);
}

/* The words of KEY="a b c" in line, or NULL when line is another key. */
static char *value_of(char *line, const char *key)
{
    size_t k = strlen(key);
    if (strncmp(line, key, k) || line[k] != '=')
        return NULL;
    char *v = line + k + 1;
    v[strcspn(v, "\n")] = 0;
    if (*v == '"') {
        v++;
        char *q = strchr(v, '"');
        if (q)
            *q = 0;
    }
    return v;
}

bool lab_members_of(const char *name, struct lab_members *m)
{
    memset(m, 0, sizeof *m);
    char path[256];
    snprintf(path, sizeof path, LAB_STATE_DIR "/lab-%s.env", name);
    FILE *f = fopen(path, "r");
    if (f) {
        char line[65536];
        while (fgets(line, sizeof line, f)) {
            char *v;
            if ((v = value_of(line, "NAMESPACES"))) {
                for (char *save = NULL, *t = strtok_r(v, " ", &save); t; t = strtok_r(NULL, " ", &save))
                    if (own_ns_name(name, t)) /* a damaged state file cannot name another lab's */
                        add_ns(m, t);
            } else if ((v = value_of(line, "PIDS"))) {
                for (char *save = NULL, *t = strtok_r(v, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
                    long pid = strtol(t, NULL, 10);
                    if (pid > 1 && m->n_pids < LAB_TEARDOWN_MAX_PIDS)
                        m->pids[m->n_pids++] = (pid_t)pid;
                }
            }
        }
        fclose(f);
        return true;
    }
    /* no state: a lab whose state file was lost; its namespaces by their exact form */
    DIR *d = opendir("/run/netns");
    if (!d)
        return false;
    struct dirent *de;
    while ((de = readdir(d)))
        if (own_ns_name(name, de->d_name))
            add_ns(m, de->d_name);
    closedir(d);
    return false;
}

/* ------------------------------------------------------------- teardown */

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

/* A recorded daemon pid is ours only while it still is a lab daemon (pids are reused). */
static bool is_lab_daemon(pid_t pid)
{
    char path[64], comm[32] = "";
    snprintf(path, sizeof path, "/proc/%ld/comm", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    bool yes = fgets(comm, sizeof comm, f) && !strncmp(comm, "mpc-lab-daemon", 14);
    fclose(f);
    return yes && alive(pid);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

int lab_teardown(const char *name, const struct lab_members *m, char *err, size_t errlen)
{
    static unsigned long inodes[LAB_TEARDOWN_MAX_NS];
    static pid_t pids[4096], first[4096 + LAB_TEARDOWN_MAX_PIDS];
    err[0] = 0;
    size_t n = 0;
    for (size_t i = 0; i < m->n_ns; i++) {
        unsigned long ino = sys_netns_inode(m->ns[i]);
        if (ino)
            inodes[n++] = ino;
    }
    /* processes first: a namespace lives on while a process holds it */
    size_t np = pids_in(inodes, n, pids, 4096);
    size_t n_first = np, daemons_from = np; /* first[]: the namespaces' processes, then the daemons */
    memcpy(first, pids, np * sizeof *pids);
    for (size_t i = 0; i < m->n_pids; i++)
        if (is_lab_daemon(m->pids[i])) { /* also one still outside the lab, setting up */
            kill(m->pids[i], SIGTERM);
            first[n_first++] = m->pids[i];
        }
    for (size_t i = 0; i < np; i++)
        kill(pids[i], SIGTERM);
    for (int tries = 0; tries < 20 && np > 0; tries++) {
        sleep_ms(50);
        np = pids_in(inodes, n, pids, 4096);
    }
    for (size_t i = 0; i < np; i++)
        kill(pids[i], SIGKILL);
    for (size_t i = daemons_from; i < n_first; i++)
        if (is_lab_daemon(first[i])) /* (it checks alive() as well) */
            kill(first[i], SIGKILL);
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
        if (tries == 100)
            for (size_t i = 0; i < n_first; i++)
                if (alive(first[i]))
                    kill(first[i], SIGKILL);
        sleep_ms(10);
    }

    int failures = 0;
    for (size_t i = 0; i < m->n_ns; i++) {
        if (!sys_netns_inode(m->ns[i]))
            continue;
        char errbuf[256];
        char *argv[] = {"ip", "netns", "del", (char *)m->ns[i], NULL};
        if (sys_run(argv, NULL, errbuf, sizeof errbuf) != 0 && sys_netns_inode(m->ns[i]) != 0) {
            failures++;
            snprintf(err, errlen, "ip netns del %s: %s", m->ns[i], errbuf);
        }
    }
    if (!failures)
        lab_nginx_remove(name); /* the lab's nginx processes died with the namespaces' processes above */
    static const char *const suffixes[] = {"blocklist", "hitlist6", "log", "blocklist.part", "hitlist6.part",
                                           "env.part", "env"}; /* env last: the list (.part: up.c's write_file) */
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, LAB_STATE_DIR "/lab-%s.%s", name, suffixes[i]);
        if (!strcmp(suffixes[i], "env") && failures)
            break; /* keep the list for the next `lab down` */
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

/* ------------------------------------------------------------ state file */

static int write_state(const char *name, const struct lab_members *m, bool exclusive, char *err, size_t errlen)
{
    char path[256];
    snprintf(path, sizeof path, LAB_STATE_DIR "/lab-%s.env", name);
    mkdir(LAB_STATE_DIR, 0755);
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC), 0644);
    if (fd < 0) {
        if (errno == EEXIST)
            snprintf(err, errlen, "lab %s exists already (%s; lab down --name %s?)", name, path, name);
        else
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    fprintf(f, "LAB_NAME=%s\nLAB_STATUS=building\nPIDS=\"", name);
    for (size_t i = 0; i < m->n_pids; i++)
        fprintf(f, "%s%ld", i ? " " : "", (long)m->pids[i]);
    fputs("\"\nNAMESPACES=\"", f);
    for (size_t i = 0; i < m->n_ns; i++)
        fprintf(f, "%s%s", i ? " " : "", m->ns[i]);
    fputs("\"\n", f);
    if (fflush(f) != 0 || fsync(fd) != 0 || fclose(f) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

int lab_state_claim(const char *name, const struct lab_members *m, char *err, size_t errlen)
{
    return write_state(name, m, true, err, errlen);
}

int lab_state_building(const char *name, const struct lab_members *m, char *err, size_t errlen)
{
    return write_state(name, m, false, err, errlen);
}

/* --------------------------------------------------------------- signals */

static const int caught[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define N_CAUGHT (sizeof caught / sizeof caught[0])
static struct sigaction previous[N_CAUGHT];
static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
    if (!got_signal)
        got_signal = sig;
}

void lab_signals_catch(void)
{
    got_signal = 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: poll/read/nanosleep return, the builder looks at the flag */
    for (size_t i = 0; i < N_CAUGHT; i++)
        sigaction(caught[i], &sa, &previous[i]);
}

/* lab.h: the one accessor of the flag, for lab up and for its command */
int lab_up_signal(void) { return got_signal; }

void lab_signals_restore(void)
{
    for (size_t i = 0; i < N_CAUGHT; i++)
        sigaction(caught[i], &previous[i], NULL);
}

void lab_signals_default(void)
{
    for (size_t i = 0; i < N_CAUGHT; i++)
        signal(caught[i], SIG_DFL);
}
