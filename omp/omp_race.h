/* omp_race.h: many threads adding 1 to one shared counter, without and with synchronisation. */
#ifndef PARLAB_OMP_RACE_H
#define PARLAB_OMP_RACE_H

#include <stdint.h>

typedef enum race_kind {
    RACE_SEQ,      /* one thread, nothing shared: the cost of an update alone */
    RACE_UNSYNC,   /* shared, unsynchronised: updates are lost (a data race) */
    RACE_ATOMIC,   /* #pragma omp atomic */
    RACE_CRITICAL, /* #pragma omp critical */
    RACE_LOCK,     /* omp_lock_t */
    RACE_REDUCTION /* a private counter per thread, summed at the end */
} race_kind;

/* n updates of one counter starting at 0, split over `threads` threads (RACE_SEQ: one thread).
 * Returns the final count: n for every kind but RACE_UNSYNC, which may return less. */
int64_t race_count(int64_t n, int threads, race_kind kind);

#endif
