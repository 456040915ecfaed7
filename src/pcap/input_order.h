/* input_order.h — orders the traces of a pcap run by first packet, reading pipes, FIFOs and standard input only once. */
#ifndef PCAP_INPUT_ORDER_H
#define PCAP_INPUT_ORDER_H

#include <stdbool.h>
#include <stddef.h>
#include "io/capture.h"

/*
 * Sorting a series by first packet means looking into every input before
 * analysing any. A regular file is opened, its first packet read, and closed
 * (it is opened again when its turn comes). An input that cannot be read
 * twice — standard input ("-"), a FIFO, a character device, a socket — is
 * opened once here and its first packet only peeked at (capture_peek); the
 * open capture waits, its reader thread blocked on a full ring (at most
 * 8 MiB each), until the analyser takes it with input_order_take().
 */
struct input_order;

/* Checks the inputs and, when sort is true, reorders files[0..n) in place by
 * first packet time (unreadable or empty ones last, in command-line order).
 * Returns 0; 2 (usage error: "-" given twice) or 1 (out of memory) with a
 * message in err. */
int input_order_open(struct input_order **out, const char **files, size_t n, bool sort, char *err, size_t errlen);
/* When path (the very pointer stored in files[]) was opened during ordering:
 * returns true and either hands over its capture (*cap, caller closes it) or,
 * if opening it failed then, sets *cap NULL and err to why. False: not
 * pre-opened, the caller opens path itself. Thread-safe; once per input. */
bool input_order_take(struct input_order *io, const char *path, struct capture **cap, char *err, size_t errlen);
/* Closes what was never taken. NULL is fine. */
void input_order_free(struct input_order *io);

/* True for inputs that cannot be read twice: "-", FIFOs, devices, sockets. */
bool input_is_stream(const char *path);

#endif
