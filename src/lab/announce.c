/* announce.c — addresses and ip-mptcp endpoint lines of the hosts that announce a second address (ADD_ADDR). */
#include "lab/announce.h"

#include <sys/socket.h>

#include "lab/lab.h"

void lab_announce_addr(const struct lab_spec *s, int family, unsigned profile, struct ip_addr *out)
{
    cidr_nth(family == AF_INET ? &s->infra4 : &s->infra6, LAB_ANNOUNCE_OFFSET + profile, out);
}

void lab_announce_host_batch(const struct lab_spec *s, unsigned profile, struct textbuf *tb)
{
    for (int fam = 0; fam < 2; fam++) {
        struct ip_addr a;
        char t[IP_ADDR_STRLEN];
        lab_announce_addr(s, fam ? AF_INET6 : AF_INET, profile, &a);
        ip_addr_format(&a, t, sizeof t);
        tb_printf(tb, "addr add %s/%s dev %s%s\n", t, fam ? "128" : "32", IF_HOST, fam ? " nodad" : "");
        tb_printf(tb, "mptcp endpoint add %s signal\n", t);
    }
    /* the server side accepts joins up to `subflows` */
    tb_printf(tb, "mptcp limits set subflows 8 add_addr_accepted 8\n");
}
