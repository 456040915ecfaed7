/* emu_delay.h — the lab's delay line (this kernel has no netem): frames held for a fixed time, released by an absolute timerfd. */
#ifndef LAB_EMU_DELAY_H
#define LAB_EMU_DELAY_H

/*
 * A FIFO of frames with their release times. The release time is the
 * kernel's receive timestamp (SO_TIMESTAMPNS, CLOCK_REALTIME) plus the
 * delay, so the time the daemon took to wake up and read the frame is not
 * added on top; a CLOCK_REALTIME timerfd armed at the head's release time
 * wakes the daemon, which then sends every frame that is due. With one
 * delay for all frames the FIFO is also ordered by release time.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lab/pktio.h"

#define DELAY_SLOTS 8192

struct delay_line {
    uint8_t (*frame)[PKTIO_FRAME];
    uint16_t *len;
    uint64_t *due_ns;       /* CLOCK_REALTIME */
    unsigned head, count;
    uint64_t delay_ns;
    int timer_fd;
    uint64_t armed_ns;      /* 0: not armed */
    uint64_t delayed, dropped;
};

int delay_line_init(struct delay_line *dl, uint64_t delay_ns, char *err, size_t errlen);
void delay_line_free(struct delay_line *dl);
/* A slot to build the next frame in, or NULL when the line is full (the frame is dropped, counted). */
uint8_t *delay_line_slot(struct delay_line *dl);
/* Queues the slot's frame, received at rx_ns (CLOCK_REALTIME; 0: now). */
void delay_line_commit(struct delay_line *dl, size_t len, uint64_t rx_ns);
/* Sends every due frame to out (after the timerfd fired) and re-arms. */
void delay_line_release(struct delay_line *dl, struct pktio *out);
uint64_t delay_line_realtime_ns(void);

#endif
