/* Exercise race_histogram: one race, fixed three ways. What to do, hints and what done looks
 * like: README.md beside this file. Check it: make check EX=race_histogram
 *
 * Every thread of the loops below adds to the same 16 counters. `counts[b]++` is a read, an add
 * and a write; when two threads update one bin at once, one of the two writes is lost. Make each
 * function count every value, each its own way:
 *   histogram_critical   one thread at a time in the update (omp critical);
 *   histogram_atomic     the update as one indivisible read-modify-write (omp atomic);
 *   histogram_reduction  a private histogram per thread, summed at the end (reduction over the
 *                        array section counts[:bins]). */
#include <omp.h>

#include "histogram.h"

void histogram_critical(const uint32_t *values, int64_t n, int64_t *counts, int bins)
{
#pragma omp parallel for
    for (int64_t i = 0; i < n; i++)
        counts[values[i] % (uint32_t)bins]++; /* TODO: the race; fix it with omp critical */
}

void histogram_atomic(const uint32_t *values, int64_t n, int64_t *counts, int bins)
{
#pragma omp parallel for
    for (int64_t i = 0; i < n; i++)
        counts[values[i] % (uint32_t)bins]++; /* TODO: the race; fix it with omp atomic */
}

void histogram_reduction(const uint32_t *values, int64_t n, int64_t *counts, int bins)
{
#pragma omp parallel for /* TODO: the race; fix it with a reduction clause here */
    for (int64_t i = 0; i < n; i++)
        counts[values[i] % (uint32_t)bins]++;
}
