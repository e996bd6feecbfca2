/* omp_countdown.h: the tutorial's countdown, `while n > 0: n -= 1`, done one decrement at a
 * time. */
#ifndef PARLAB_OMP_COUNTDOWN_H
#define PARLAB_OMP_COUNTDOWN_H

#include <stdint.h>

/* Counts n down to 0 by single decrements and returns what is left: 0 (n when n <= 0). */
int64_t countdown(int64_t n);

/* Splits n over `threads` OpenMP threads (plb_block_count), each counting its share down. Writes
 * each thread's share to shares[t] and what it left to left[t] (both arrays of `threads`
 * entries) and returns how many threads the runtime gave. */
int countdown_parallel(int64_t n, int threads, int64_t *shares, int64_t *left);

#endif
