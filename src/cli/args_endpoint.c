/* args_endpoint.c — "address[:port]" and "[v6]:port" target text, in the value-parser style of args.h. */
#include "cli/args_endpoint.h"

#include <stdio.h>
#include <string.h>

#include "cli/args.h"

bool args_parse_endpoint(const char *text, struct ip_addr *addr, uint16_t *port, char *why, size_t whylen)
{
    char host[IP_ADDR_STRLEN + 1];
    const char *port_text = NULL;
    *port = 0;
    if (!text || !*text) {
        snprintf(why, whylen, "empty target");
        return false;
    }
    if (text[0] == '[') {
        const char *close = strchr(text, ']');
        if (!close || (size_t)(close - text - 1) >= sizeof host) {
            snprintf(why, whylen, "'%s': unbalanced '[' or address too long", text);
            return false;
        }
        memcpy(host, text + 1, (size_t)(close - text - 1));
        host[close - text - 1] = 0;
        if (close[1] == ':')
            port_text = close + 2;
        else if (close[1]) {
            snprintf(why, whylen, "'%s': expected ':PORT' after ']'", text);
            return false;
        }
    } else {
        const char *colon = strchr(text, ':');
        bool v4_with_port = colon && !strchr(colon + 1, ':');
        size_t len = v4_with_port ? (size_t)(colon - text) : strlen(text);
        if (len >= sizeof host) {
            snprintf(why, whylen, "'%s' is not an IPv4 or IPv6 address", text);
            return false;
        }
        memcpy(host, text, len);
        host[len] = 0;
        if (v4_with_port)
            port_text = colon + 1;
    }
    if (!ip_addr_parse(host, addr)) {
        snprintf(why, whylen, "'%s' is not an IPv4 or IPv6 address", host);
        return false;
    }
    if (port_text) {
        uint64_t v;
        char pwhy[128];
        if (!args_parse_u64(port_text, 1, 65535, &v, pwhy, sizeof pwhy)) {
            snprintf(why, whylen, "port '%s': %s", port_text, pwhy);
            return false;
        }
        *port = (uint16_t)v;
    }
    return true;
}
