/* args_endpoint.h — parses one "address[:port]" target ("198.18.0.1", "198.18.0.1:8080", "2001:db8::1", "[2001:db8::1]:443"). */
#ifndef CLI_ARGS_ENDPOINT_H
#define CLI_ARGS_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/addr.h"

/* true with the address and *port (0 when the text names none); false with
 * the reason in why ("'x' is not an IPv4 or IPv6 address", "port 0"). A bare
 * IPv6 address has no port; with a port it must be bracketed. */
bool args_parse_endpoint(const char *text, struct ip_addr *addr, uint16_t *port, char *why, size_t whylen);

#endif
