/* app_ports.h — names a TCP port after the IANA services table and Apple's published service-port list. */
#ifndef PCAP_APP_PORTS_H
#define PCAP_APP_PORTS_H

#include <stdint.h>

struct app_ports;

/* Loads services_path (NULL: /etc/services) and apple_path (NULL: search
 * $MPCENSUS_DATA, then data/ beside or above the executable, then ./data).
 * A missing file leaves its names empty; never fails except out of memory. */
struct app_ports *app_ports_load(const char *services_path, const char *apple_path);
void app_ports_free(struct app_ports *a);
/* IANA name of the TCP port, or NULL. */
const char *app_ports_iana(const struct app_ports *a, uint16_t port);
/* Apple's name of the TCP port, or NULL. */
const char *app_ports_apple(const struct app_ports *a, uint16_t port);
/* Where the Apple list came from ("" if none was found). */
const char *app_ports_apple_source(const struct app_ports *a);

/* Parses one line of a services(5) file: "name port/proto aliases...".
 * Returns 1 and fills name/port for a TCP entry, 0 otherwise. */
int services_parse_line(const char *line, char *name, unsigned name_len, uint16_t *port);
/* Parses one line of the Apple TSV: "port[-last]<TAB>proto<TAB>name...".
 * Returns 1 for a TCP (or TCP/UDP) entry. */
int apple_parse_line(const char *line, char *name, unsigned name_len, uint16_t *first, uint16_t *last);

#endif
