/* sys.h — running ip/iptables/ethtool, entering network namespaces, writing sysctls. */
#ifndef LAB_SYS_H
#define LAB_SYS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Runs argv (NULL-terminated) in the current network namespace, feeding
 * `input` (may be NULL) on stdin; stdout is discarded, stderr goes to
 * `errbuf` (truncated). Returns the exit status, -1 if it could not run. */
int sys_run(char *const argv[], const char *input, char *errbuf, size_t errlen);

/* Enters the named namespace (/run/netns/NAME); sys_leave_netns returns to
 * the namespace the process started in. Both return 0 or -1 (errno). */
int sys_enter_netns(const char *name);
int sys_leave_netns(void);
/* Inode number of a named namespace (0 if it does not exist). */
unsigned long sys_netns_inode(const char *name);

/* Writes value to /proc/sys/<key with dots as slashes> in the current namespace. */
int sys_sysctl(const char *key, const char *value);

/* Growable text buffer for ip -batch scripts. */
struct textbuf {
    char *data;
    size_t len, cap;
    bool oom;
};
void tb_printf(struct textbuf *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tb_free(struct textbuf *t);

#endif
