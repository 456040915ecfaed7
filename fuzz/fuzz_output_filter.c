/* fuzz_output_filter.c — libFuzzer target: scan's --output-filter text (cli/filter) compiled and evaluated on records made from the same bytes; a compiled filter must evaluate the same way twice and a refused one must say why. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/filter.h"
#include "scan/output_filter.h"

#include "fuzz/fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1024)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char why[1200] = "";
    struct filter *f = scan_filter_compile(text, why, sizeof why);
    if (!f) {
        CHECK(why[0] != '\0');
        free(text);
        return 0;
    }
    /* records whose fields come from the input bytes */
    for (size_t k = 0; k < 4; k++) {
        struct scan_record r;
        memset(&r, 0, sizeof r);
        uint8_t b = size ? data[(k * 7) % size] : 0;
        r.saddr.family = 2;
        r.saddr.bytes[3] = b;
        r.daddr.family = 10;
        r.daddr.bytes[15] = (uint8_t)k;
        r.sport = (uint16_t)(b * 3);
        r.ttl = b;
        r.synack = b & 1;
        r.has_mpc = b & 2;
        r.mpc_len = b % (SCAN_OPT_MAX + 1);
        r.mptcp_version = b & 4 ? 1 : 0;
        r.has_key = b & 8;
        r.mptcp_key = (uint64_t)b * 0x0101010101010101ull;
        r.verdict = (enum scan_verdict)(b % VERDICT_COUNT);
        r.probe_version = (int)(b % 3) - 1;
        r.repeat = b & 16;
        bool m1 = scan_filter_match(f, &r), m2 = scan_filter_match(f, &r);
        CHECK(m1 == m2);
    }
    filter_free(f);
    free(text);
    return 0;
}
