/* emu_mirror.h — the mirror middlebox's flow table: a SYN's MP_CAPABLE option kept until its SYN-ACK passes back. */
#ifndef LAB_EMU_MIRROR_H
#define LAB_EMU_MIRROR_H

#include <stddef.h>
#include <stdint.h>

#include "lab/emu.h"

/* Remembers opt (at most 40 bytes) for the flow tag in b->mirror. */
void mirror_remember(struct bridge *b, uint64_t tag, const uint8_t *opt, size_t len);
/* The remembered option of the flow, or NULL. */
const struct mirror_slot *mirror_find(const struct bridge *b, uint64_t tag);

#endif
