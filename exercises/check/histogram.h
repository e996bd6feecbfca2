/* histogram.h: what the race_histogram exercise writes (exercises/race_histogram/). */
#ifndef PARLAB_HISTOGRAM_H
#define PARLAB_HISTOGRAM_H

#include <stdint.h>

/* Each adds, for every i < n, one to counts[values[i] % bins], with all the threads of an
 * `omp parallel for` (as many as omp_get_max_threads() says), and loses no update: the first
 * with `omp critical`, the second with `omp atomic`, the third with a reduction over the array.
 * The caller sets counts[0..bins) to zero first. */
void histogram_critical(const uint32_t *values, int64_t n, int64_t *counts, int bins);
void histogram_atomic(const uint32_t *values, int64_t n, int64_t *counts, int bins);
void histogram_reduction(const uint32_t *values, int64_t n, int64_t *counts, int bins);

#endif
