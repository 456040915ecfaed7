/* interrupt.h — the stop request of long-running reads and writes: SIGINT/SIGTERM raise a flag the work loop polls; a second signal ends the process. */
#ifndef IO_INTERRUPT_H
#define IO_INTERRUPT_H

#include <stdbool.h>

/* Installs the handlers for SIGINT and SIGTERM. The first signal only sets
 * the flag, so the command can stop reading, write complete output for what
 * it read and exit non-zero; the handler then resets itself, so a second
 * signal has its default effect (a user who insists is obeyed at once). */
void interrupt_install(void);
/* True once a signal came (async-signal-safe read of a sig_atomic_t). */
bool interrupt_requested(void);
/* The signal that came (SIGINT, SIGTERM), 0 if none. */
int interrupt_signal(void);
/* Restores the default handlers and clears the flag. */
void interrupt_restore(void);

#endif
