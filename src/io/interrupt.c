/* interrupt.c — SIGINT/SIGTERM to a polled flag (SA_RESETHAND: the second signal acts as usual). */
#include "io/interrupt.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t requested;

static void on_signal(int sig) { requested = sig; }

void interrupt_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    /* SA_RESTART: reader threads of io/capture never see EINTR; the work loop polls the flag */
    sa.sa_flags = (int)(SA_RESETHAND | SA_RESTART);
    sigemptyset(&sa.sa_mask);
    requested = 0;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

bool interrupt_requested(void) { return requested != 0; }

int interrupt_signal(void) { return (int)requested; }

void interrupt_restore(void)
{
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    requested = 0;
}
