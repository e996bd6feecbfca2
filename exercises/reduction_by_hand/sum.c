/* Exercise reduction_by_hand: what `reduction(+ : total)` does, written by hand, two ways. What
 * to do, hints and what done looks like: README.md beside this file. Check it:
 * make check EX=reduction_by_hand
 *
 * Both functions below add into one shared total from every thread at once: a race, like
 * omp_race's counter. Rewrite each so that the threads share nothing while they add. */
#include <omp.h>
#include <stdlib.h>

#include "sum.h"

uint64_t sum_private(const uint64_t *values, int64_t n)
{
    uint64_t total = 0;
#pragma omp parallel
    {
        /* TODO: a private sum per thread over its share of the loop (omp for), then one safe
         * addition of it to total (omp atomic). */
#pragma omp for
        for (int64_t i = 0; i < n; i++)
            total += values[i];
    }
    return total;
}

uint64_t sum_partials(const uint64_t *values, int64_t n)
{
    uint64_t total = 0;
    /* TODO: an array of one partial sum per thread (omp_get_max_threads() of them); in the
     * region, each thread adds its share into its own element (omp_get_thread_num()); after the
     * region, add the partials up here. */
#pragma omp parallel for
    for (int64_t i = 0; i < n; i++)
        total += values[i];
    return total;
}
