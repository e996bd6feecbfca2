/* watchdog.h: ends a process that stopped making progress (a deadlock lesson's bug) with one line
 * and exit code 3, so the caller never hangs. A timer signal does it: the handler only write()s
 * a line prepared in advance and calls _exit, the two things a signal handler may do. */
#ifndef PARLAB_WATCHDOG_H
#define PARLAB_WATCHDOG_H

/* Installs the watchdog: when it fires, `line` (copied now) goes to file descriptor fd, unless fd
 * is negative, and the process exits with PLB_EXIT_DEADLOCK. */
void plb_watchdog_install(const char *line, int fd);

/* Fires in `seconds` unless armed again or disarmed (0) before. Flushes stdout first: _exit
 * would drop what stdio still holds. */
void plb_watchdog_arm(double seconds);

#endif
