/* omp_increment.h: a[i] += 1 over an int64 array, the tutorial's shared Array. */
#ifndef PARLAB_OMP_INCREMENT_H
#define PARLAB_OMP_INCREMENT_H

#include <stdint.h>

/* a[i] = i, each page first touched by the thread that will work on it (static schedule). */
void increment_fill(int64_t *a, int64_t n, int threads);
void increment_seq(int64_t *a, int64_t n);
void increment_parallel(int64_t *a, int64_t n, int threads);
/* The first i where a[i] != offset + i + runs, or -1: what `runs` increments leave in a block
 * whose element i started as offset + i (offset 0: a fresh increment_fill). */
int64_t increment_check(const int64_t *a, int64_t n, int64_t offset, int64_t runs);

#endif
