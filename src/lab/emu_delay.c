/* emu_delay.c — fixed-delay FIFO of frames for the lab's delay middlebox, released by a CLOCK_REALTIME timerfd. */
#include "lab/emu_delay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

uint64_t delay_line_realtime_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int delay_line_init(struct delay_line *dl, uint64_t delay_ns, char *err, size_t errlen)
{
    memset(dl, 0, sizeof *dl);
    dl->delay_ns = delay_ns;
    dl->timer_fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
    dl->frame = malloc(sizeof *dl->frame * DELAY_SLOTS);
    dl->len = malloc(sizeof *dl->len * DELAY_SLOTS);
    dl->due_ns = malloc(sizeof *dl->due_ns * DELAY_SLOTS);
    if (dl->timer_fd < 0 || !dl->frame || !dl->len || !dl->due_ns) {
        snprintf(err, errlen, "delay line: %s", dl->timer_fd < 0 ? strerror(errno) : "out of memory");
        delay_line_free(dl);
        return -1;
    }
    return 0;
}

void delay_line_free(struct delay_line *dl)
{
    if (dl->timer_fd >= 0)
        close(dl->timer_fd);
    free(dl->frame);
    free(dl->len);
    free(dl->due_ns);
    memset(dl, 0, sizeof *dl);
    dl->timer_fd = -1;
}

static void arm(struct delay_line *dl, uint64_t at_ns)
{
    struct itimerspec its = {.it_value = {(time_t)(at_ns / 1000000000ull), (long)(at_ns % 1000000000ull)}};
    if (timerfd_settime(dl->timer_fd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
        dl->armed_ns = at_ns;
}

uint8_t *delay_line_slot(struct delay_line *dl)
{
    if (dl->count == DELAY_SLOTS)
        return NULL;
    return dl->frame[(dl->head + dl->count) % DELAY_SLOTS];
}

void delay_line_commit(struct delay_line *dl, size_t len, uint64_t rx_ns)
{
    if (dl->count == DELAY_SLOTS || len > PKTIO_FRAME) {
        dl->dropped++;
        return;
    }
    unsigned i = (dl->head + dl->count) % DELAY_SLOTS;
    dl->len[i] = (uint16_t)len;
    dl->due_ns[i] = (rx_ns ? rx_ns : delay_line_realtime_ns()) + dl->delay_ns;
    dl->count++;
    dl->delayed++;
    if (dl->count == 1 || !dl->armed_ns)
        arm(dl, dl->due_ns[i]);
}

void delay_line_release(struct delay_line *dl, struct pktio *out)
{
    uint64_t expirations;
    while (read(dl->timer_fd, &expirations, sizeof expirations) > 0)
        ;
    dl->armed_ns = 0;
    uint64_t now = delay_line_realtime_ns();
    while (dl->count && dl->due_ns[dl->head] <= now) {
        pktio_queue(out, dl->frame[dl->head], dl->len[dl->head]);
        dl->head = (dl->head + 1) % DELAY_SLOTS;
        dl->count--;
    }
    pktio_flush(out);
    if (dl->count)
        arm(dl, dl->due_ns[dl->head]);
}
