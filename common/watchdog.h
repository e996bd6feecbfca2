/* watchdog.h: ends a process whose work stopped advancing (a deadlock lesson's bug) with one line
 * and exit code 3, so the caller never hangs.
 *
 * It detects lost progress, not elapsed time: the work calls plb_watchdog_progress() as it
 * advances, and a thread of the watchdog's own, waking every tenth of the timeout, fires only when
 * that count has not moved for the whole timeout while the watchdog is on. A correct run that is
 * slow (a loaded node, 100x the work) keeps counting and is never called deadlocked. Firing is a
 * write() of a line prepared in advance and _exit(3): nothing that a deadlocked process could
 * still be holding (stdio, MPI, locks) is touched.
 *
 * Under MPI, a rank's exit makes the launcher kill the other ranks at once (Open MPI and Hydra
 * both do), so the rank that prints must go first: the others wait `grace_s` longer. And a rank
 * that exits alone leaves the launcher's exit code to chance (Hydra reports a killed rank's
 * signal 9 in some runs); an `end` hook that ends every rank with the code (MPI_Abort, where the
 * library lets a second thread call MPI) makes it 3 every time. */
#ifndef PARLAB_WATCHDOG_H
#define PARLAB_WATCHDOG_H

#include <stdbool.h>

/* How long ranks that print nothing wait after the timeout, so that the printing rank's line is
 * out before any exit. */
#define PLB_WATCHDOG_GRACE_S 1.0

/* Starts the watchdog, off: once on, `timeout_s` without progress (plus grace_s) sends `line`
 * (copied now) to file descriptor fd, unless fd is negative, calls end(PLB_EXIT_DEADLOCK) when
 * end is not NULL, and exits with PLB_EXIT_DEADLOCK. Returns 0, or -1 when the thread could not
 * be started. Call it once. */
int plb_watchdog_install(const char *line, int fd, double timeout_s, double grace_s,
                         void (*end)(int code));

/* When it fires, the watchdog writes detail()'s text right after the line (NULL: nothing more):
 * what the stuck thread was doing, as the program keeps it. Called from the watchdog's thread, so
 * it may only read what it can without a lock (atomics, or a buffer checked with a sequence
 * count, as exercises/check/shared/mpi_checker.c does). */
void plb_watchdog_detail(const char *(*detail)(void));

/* Turns watching on (the timeout starts now) or off. Switching it on from off flushes stdout
 * first, since _exit would drop what stdio still holds; on while already on costs only atomics,
 * so a kernel may call it in its timed loop. */
void plb_watchdog_watch(bool on);

/* The work advanced. Cheap (one relaxed atomic add); a no-op in effect when no watchdog runs. */
void plb_watchdog_progress(void);

#endif
