/* omp_deadlock.h: two threads, two locks: the classic deadlock and its fix. */
#ifndef PARLAB_OMP_DEADLOCK_H
#define PARLAB_OMP_DEADLOCK_H

#include <stdint.h>

typedef enum lock_order {
    LOCKS_OPPOSITE, /* thread 0 takes A then B, thread 1 takes B then A: deadlocks */
    LOCKS_GLOBAL    /* both take A then B, one global order: cannot deadlock */
} lock_order;

/* Two OpenMP threads each take both locks `rounds` times and add 1 to a shared counter while
 * holding them; returns the counter (2 * rounds when both threads ran). In the first round each
 * thread, once it holds its first lock, waits up to meet_s for the other to hold one too, so the
 * interleaving that deadlocks LOCKS_OPPOSITE happens every time, not by chance; LOCKS_GLOBAL gets
 * through it. With LOCKS_OPPOSITE this never returns: the caller needs a watchdog, which each
 * completed round tells of progress (plb_watchdog_progress). */
int64_t lock_pair(int64_t rounds, lock_order order, double meet_s);

#endif
