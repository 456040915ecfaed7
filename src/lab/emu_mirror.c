/* emu_mirror.c — the mirror middlebox's flow table: each SYN's MP_CAPABLE option kept until its SYN-ACK (and retransmissions) pass back, in 4-way sets. */
#include "lab/emu_mirror.h"

#include <string.h>

/* A direct-mapped table lost about one flow per 100,000-probe scan: a second
 * SYN hashing to the same slot while the first SYN-ACK was still on its way
 * overwrote it, and that SYN-ACK went back without the echo (verdict tcp
 * instead of mirrored). In a set of four the oldest entry goes first. */

/* One clock for every bridge: the daemon serves them all from one thread, and
 * only the order of stamps within a set matters. */
static uint32_t mirror_clock;

static struct mirror_slot *set_of(const struct bridge *b, uint64_t tag)
{
    return &b->mirror[(tag % (MIRROR_SLOTS / MIRROR_WAYS)) * MIRROR_WAYS];
}

void mirror_remember(struct bridge *b, uint64_t tag, const uint8_t *opt, size_t len)
{
    struct mirror_slot *set = set_of(b, tag), *victim = NULL;
    for (unsigned i = 0; i < MIRROR_WAYS && !victim; i++)   /* the same flow again (a retransmitted SYN) */
        if (set[i].tag == tag)
            victim = &set[i];
    for (unsigned i = 0; i < MIRROR_WAYS && !victim; i++)
        if (set[i].tag == 0)
            victim = &set[i];
    if (!victim) {
        victim = &set[0];
        for (unsigned i = 1; i < MIRROR_WAYS; i++)
            if ((int32_t)(set[i].stamp - victim->stamp) < 0)
                victim = &set[i];
    }
    victim->tag = tag;
    victim->stamp = ++mirror_clock;
    victim->len = (uint8_t)(len > sizeof victim->opt ? sizeof victim->opt : len);
    memcpy(victim->opt, opt, victim->len);
}

const struct mirror_slot *mirror_find(const struct bridge *b, uint64_t tag)
{
    const struct mirror_slot *set = set_of(b, tag);
    for (unsigned i = 0; i < MIRROR_WAYS; i++)
        if (set[i].tag == tag)
            return &set[i];
    return NULL;
}
