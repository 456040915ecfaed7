/* archive_gen.c — writes synthetic `mpcensus scan` CSV files (months x versions, ports 80 and 443) for bench/archive.sh. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Usage: archive_gen DIR MONTHS HOSTS
 * Writes DIR/scan-YYYY-MM-vV.csv for months 2024-01.. and versions 0, 1;
 * each host answers on ports 80 and 443 unless churned that month.
 * Profiles are fixed per host, so consistent hosts and overlaps exist. */

static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: archive_gen DIR MONTHS HOSTS\n");
        return 2;
    }
    const char *dir = argv[1];
    int months = atoi(argv[2]);
    long hosts = atol(argv[3]);
    const uint64_t ours = 0x0c0c0c0c0c0c0c0cull;
    static char buf[1 << 20];
    for (int m = 0; m < months; m++)
        for (int v = 0; v <= 1; v++) {
            char path[4096];
            int y = 2024 + m / 12, mo = m % 12 + 1;
            snprintf(path, sizeof path, "%s/scan-%04d-%02d-v%d.csv", dir, y, mo, v);
            FILE *f = fopen(path, "w");
            if (!f) {
                perror(path);
                return 1;
            }
            setvbuf(f, buf, _IOFBF, sizeof buf);
            fputs("saddr,sport,daddr,dport,ttl,ipid,window,tcp_flags,classification,probe_version,mptcp_option,"
                  "mptcp_version,mptcp_flags,mptcp_key,key_hamming,verdict,repeat,cooldown,timestamp\n", f);
            for (long h = 0; h < hosts; h++) {
                uint64_t hp = mix((uint64_t)h);
                /* churn: 8 % of the hosts are silent in a given month */
                if (mix(hp ^ (uint64_t)(m + 1) * 0x51ed27) % 100 < 8)
                    continue;
                char addr[64];
                if (h % 16 == 15)
                    snprintf(addr, sizeof addr, "2001:db8:%lx::%lx", (h >> 16) & 0xffff, h & 0xffff);
                else
                    snprintf(addr, sizeof addr, "10.%ld.%ld.%ld", (h >> 16) & 255, (h >> 8) & 255, h & 255);
                for (int pi = 0; pi < 2; pi++) {
                    int port = pi ? 443 : 80;
                    unsigned prof = (unsigned)(mix(hp ^ (uint64_t)port) % 100);
                    /* profiles: 0-34 closed, 35-69 tcp, 70-81 kernel v1, 82-86 v0, 87-91 v0+v1,
                     * 92-95 mirror, 96-97 malformed, 98-99 v0 answering v1 probes */
                    const char *verdict, *cls = "synack";
                    int mv = -1;
                    if (prof < 35) {
                        verdict = "closed", cls = "rst";
                    } else if (prof < 70) {
                        verdict = "tcp";
                    } else if (prof < 82) {
                        verdict = v ? "mptcp" : "tcp", mv = v ? 1 : -1;
                    } else if (prof < 87) {
                        verdict = v ? "tcp" : "mptcp", mv = v ? -1 : 0;
                    } else if (prof < 92) {
                        /* an organisation migrating: v0 only until month 5, both until 11, then v1 only */
                        int both = m >= 6 && m < 12, v1only = m >= 12;
                        if (v == 0)
                            verdict = v1only ? "tcp" : "mptcp", mv = v1only ? -1 : 0;
                        else
                            verdict = both || v1only ? "mptcp" : "tcp", mv = both || v1only ? 1 : -1;
                    } else if (prof < 96) {
                        verdict = "mirrored", mv = v;
                    } else if (prof < 98) {
                        verdict = "malformed", mv = v;
                    } else {
                        verdict = v ? "version-mismatch" : "mptcp", mv = 0;
                    }
                    uint64_t key = mix(hp ^ (uint64_t)(m * 4 + v * 2 + pi) * 0x2545f4914f6cdd1dull);
                    if (!strcmp(verdict, "mirrored") && v == 0)
                        key = ours;
                    char opt[64] = "", keyt[24] = "", ham[8] = "", mvt[4] = "", mft[8] = "";
                    if (mv >= 0) {
                        if (!strcmp(verdict, "mirrored") && v == 1) {
                            snprintf(opt, sizeof opt, "1e040101");
                        } else if (!strcmp(verdict, "malformed")) {
                            snprintf(opt, sizeof opt, "1e08%02x81%08" PRIx32, mv, (uint32_t)key);
                        } else {
                            snprintf(opt, sizeof opt, "1e0c%02x81%016" PRIx64, mv, key);
                            snprintf(keyt, sizeof keyt, "%016" PRIx64, key);
                            snprintf(ham, sizeof ham, "%d", __builtin_popcountll(key));
                        }
                        snprintf(mvt, sizeof mvt, "%d", mv);
                        snprintf(mft, sizeof mft, "0x81");
                    }
                    int sec = (int)(h % 86400);
                    fprintf(f, "%s,%d,198.19.255.1,%d,%d,0,%d,%s,%s,%d,%s,%s,%s,%s,%s,%s,0,0,"
                               "%04d-%02d-02T%02d:%02d:%02d.%06ldZ\n",
                            addr, port, 40000 + (int)(h % 20000), 50 + (int)(hp % 14),
                            cls[0] == 'r' ? 0 : 65160, cls[0] == 'r' ? "RA" : "SA", cls, v, opt, mvt, mft, keyt, ham,
                            verdict, y, mo, sec / 3600, sec / 60 % 60, sec % 60, h % 1000000);
                }
            }
            if (fclose(f) != 0) {
                perror(path);
                return 1;
            }
        }
    return 0;
}
