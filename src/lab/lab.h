/* lab.h — bringing a lab up and down, and the background daemon (listeners + emulators) serving it. */
#ifndef LAB_LAB_H
#define LAB_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "lab/spec.h"

#define LAB_STATE_DIR "/run/mpcensus"
#define LAB_MAX_NS (3 + SPEC_MAX_ROUTERS + 3 * SPEC_MAX_PROFILES)
#define LAB_NS_NAME_LEN 48

/* Interface names inside the namespaces (namespaces keep them apart). */
#define IF_VANTAGE "eth0"
#define IF_UP "up0"
#define IF_DOWN "dn0"
#define IF_HOST "eth0"

/* Entry point of `mpcensus lab up|down|truth|attribution|probe`; returns the exit status
 * (0 success, 1 runtime failure, 2 usage error). */
int cmd_lab(int argc, char **argv);
/* The option tables of `lab` (NULL: the overview), "up", "down", "truth", "attribution" and
 * "probe": --help and the man pages are rendered from them (cli/args). */
struct arg_cmd;
const struct arg_cmd *lab_arg_cmd(const char *sub);

struct lab_up_opts {
    const char *spec_path;
    const char *name;        /* namespace prefix */
    int month;
};

/* Builds the lab; on success writes LAB_STATE_DIR/lab-NAME.env and copies
 * its text into state (malloc'ed). On failure, or when SIGINT/SIGTERM/
 * SIGHUP/SIGQUIT arrives while it builds, removes what it built and returns
 * -1 (lab_up_signal() then names the signal). */
int lab_up(const struct lab_spec *spec, const struct lab_up_opts *o, char **state, char *err, size_t errlen);
/* The signal that interrupted the last lab_up, 0 if none. */
int lab_up_signal(void);

/* Removes the namespaces the lab's state file lists (never other labs'
 * whose names start with NAME-), every process inside them, the daemon,
 * the state files. Idempotent: returns 0 also when nothing was there. */
int lab_down(const char *name, char *err, size_t errlen);

/* ---------------------------------------------------------- the daemon */

/* What the daemon serves in one namespace. */
enum duty_kind {
    DUTY_LISTEN,      /* kernel listeners: port -> MPTCP or plain TCP */
    DUTY_RESPOND,     /* emulated host on IF_HOST */
    DUTY_BRIDGE,      /* transparent middlebox between IF_UP and IF_DOWN */
    DUTY_QUOTE8,      /* router answering TTL-expired packets on IF_UP with 8-byte quotes */
};

struct duty {
    enum duty_kind kind;
    char ns[LAB_NS_NAME_LEN];
    const struct profile *profile;   /* LISTEN, RESPOND */
    unsigned mbox;                   /* BRIDGE */
    unsigned delay_us;               /* BRIDGE with MBOX_DELAY */
    struct ip_addr router4, router6; /* QUOTE8: the router's own addresses (ICMP source) */
};

/* Opens every socket (entering each namespace), then serves forever. The
 * ready_fd receives "ok\n" or an error line once the sockets are open. */
int lab_daemon_run(const struct duty *duties, size_t n, uint64_t seed, const char *home_ns, int ready_fd);

#endif
