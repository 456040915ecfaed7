/* teardown.h — a lab's own namespace list (state file), removing exactly those, and catching signals while `lab up` builds. */
#ifndef LAB_TEARDOWN_H
#define LAB_TEARDOWN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "lab/lab.h"

#define LAB_TEARDOWN_MAX_NS 512
#define LAB_TEARDOWN_MAX_PIDS 16
/* every namespace of the largest lab must be listed, or a teardown would miss some */
_Static_assert(LAB_TEARDOWN_MAX_NS >= LAB_MAX_NS, "lab namespaces beyond the teardown list");

struct lab_members {
    char ns[LAB_TEARDOWN_MAX_NS][LAB_NS_NAME_LEN];
    size_t n_ns;
    pid_t pids[LAB_TEARDOWN_MAX_PIDS];  /* the lab's daemon(s) */
    size_t n_pids;
};

/* What belongs to lab NAME: the NAMESPACES and PIDS of its state file
 * (written by `lab up` before it creates anything). Without a state file,
 * the namespaces named exactly NAME-TOKEN with TOKEN free of '-' (what
 * `lab up` names them): never a prefix, so a lab named NAME-x is not
 * NAME's. Returns true when a state file was read. */
bool lab_members_of(const char *name, struct lab_members *m);

/* Kills every process inside m's namespaces and m's daemons, waits until
 * they are gone, deletes the namespaces and LAB_STATE_DIR/lab-NAME.*.
 * 0, or -1 with the last failure in err. */
int lab_teardown(const char *name, const struct lab_members *m, char *err, size_t errlen);

/* Claims NAME: writes its state file with the namespace list before any is
 * created (LAB_STATUS=building), so that a `lab up` killed at any point
 * (even by SIGKILL) leaves a lab `lab down` can remove. Fails (-1, err) when
 * the lab exists already. lab_state_building() rewrites it with the daemon's pid. */
int lab_state_claim(const char *name, const struct lab_members *m, char *err, size_t errlen);
int lab_state_building(const char *name, const struct lab_members *m, char *err, size_t errlen);

/* SIGINT, SIGTERM, SIGHUP and SIGQUIT only set a flag while `lab up` builds
 * (no SA_RESTART: waits return early); lab_up_signal() (lab.h) says which came
 * (0: none); restore puts the previous handlers back. Children must call
 * lab_signals_default() after fork. */
void lab_signals_catch(void);
void lab_signals_restore(void);
void lab_signals_default(void);

#endif
