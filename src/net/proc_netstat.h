/* proc_netstat.h — reads one counter out of /proc/net/netstat (or /proc/net/snmp) text: "Group: name name..." followed by "Group: value value...". */
#ifndef NET_PROC_NETSTAT_H
#define NET_PROC_NETSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Finds counter `name` of `group` ("MPTcpExt", "TcpExt") in text[0..len).
 * false when the group or name is absent or the lines do not pair up. */
bool netstat_counter(const char *text, size_t len, const char *group, const char *name, uint64_t *value);

#endif
