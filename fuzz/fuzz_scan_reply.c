/* fuzz_scan_reply.c — libFuzzer target: the scanner's receive path (IP decode + reply classification) on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "net/packet.h"
#include "scan/classify.h"

#include "fuzz/fuzz_check.h"

/* Input: 1 byte selecting the probe (v0 / v1 / plain), then an IP packet as
 * the receive ring would hand it over. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    struct probe_sig sig = {.version = (data[0] % 3) - 1, .key = 0x0c0c0c0c0c0c0c0cull};
    static const uint8_t v0[12] = {30, 12, 0x00, 0x81, 12, 12, 12, 12, 12, 12, 12, 12};
    static const uint8_t v1[4] = {30, 4, 0x01, 0x01};
    if (sig.version == 0) {
        memcpy(sig.opt, v0, sizeof v0);
        sig.opt_len = sizeof v0;
    } else if (sig.version == 1) {
        memcpy(sig.opt, v1, sizeof v1);
        sig.opt_len = sizeof v1;
    }
    struct pkt_view pkt;
    if (pkt_decode_ip(data + 1, size - 1, &pkt) != NET_OK || pkt.proto != 6)
        return 0;
    struct scan_record rec;
    if (!scan_classify(&pkt, &sig, &rec))
        return 0;
    /* invariants every record must hold, whatever the bytes */
    CHECK(rec.verdict < VERDICT_COUNT);
    CHECK(rec.mpc_len <= SCAN_OPT_MAX);
    CHECK(rec.synack || rec.verdict == VERDICT_CLOSED);
    CHECK(!rec.has_mpc || rec.verdict != VERDICT_TCP);
    CHECK(rec.verdict != VERDICT_MIRRORED || rec.has_mpc);
    return 0;
}
