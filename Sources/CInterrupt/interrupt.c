#include "cinterrupt.h"

#include <pthread.h>
#include <signal.h>
#include <string.h>

static volatile sig_atomic_t interrupted = 0;

static void handle_sigint(int signal_number) {
    (void)signal_number;
    interrupted = 1;
}

int mlw_install_sigint(void) {
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = handle_sigint;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: Ctrl-C must interrupt the terminal read
    if (sigaction(SIGINT, &action, NULL) != 0) return -1;
    // A parent may have started us with SIGINT blocked; Ctrl-C must still work.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    return pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

int mlw_take_interrupt(void) {
    int was = interrupted;
    interrupted = 0;
    return was;
}

int mlw_peek_interrupt(void) {
    return interrupted;
}
