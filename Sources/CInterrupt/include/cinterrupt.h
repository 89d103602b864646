// The SIGINT flag shared by the prompt (to cancel a line) and long commands (to stop).
// Defined once in interrupt.c: a static variable in an imported header is copied per
// use and proved unreliable under optimisation.
#ifndef MLW_CINTERRUPT_H
#define MLW_CINTERRUPT_H

/// Installs the SIGINT handler with sigaction and no SA_RESTART, so a blocking read
/// returns with EINTR, and unblocks SIGINT in the calling thread. Returns 0 on success.
int mlw_install_sigint(void);

/// Returns 1 and clears the flag if Ctrl-C was pressed since the last call, else 0.
int mlw_take_interrupt(void);

/// Returns 1 if Ctrl-C was pressed since the flag was last cleared, without clearing it.
int mlw_peek_interrupt(void);

#endif
