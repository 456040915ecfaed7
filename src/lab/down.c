/* down.c — removes a lab: the namespaces its state file lists, every process inside them, its daemon, its files. */
#include "lab/lab.h"

#include "lab/teardown.h"

int lab_down(const char *name, char *err, size_t errlen)
{
    static struct lab_members m; /* large: namespace names */
    lab_members_of(name, &m);
    return lab_teardown(name, &m, err, errlen);
}
