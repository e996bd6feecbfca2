/* sum.h: what the reduction_by_hand exercise writes (exercises/reduction_by_hand/). */
#ifndef PARLAB_SUM_H
#define PARLAB_SUM_H

#include <stdint.h>

/* Each returns the sum of values[0..n), mod 2^64 (unsigned wrap-around, so any order gives the
 * same bits), with all the threads of an `omp parallel` region and no reduction clause:
 *   sum_private   each thread adds its share into a private sum, then adds that to the total
 *                 once, safely;
 *   sum_partials  each thread writes its sum into its own element of an array of partial sums,
 *                 which one thread adds up after the region. */
uint64_t sum_private(const uint64_t *values, int64_t n);
uint64_t sum_partials(const uint64_t *values, int64_t n);

#endif
