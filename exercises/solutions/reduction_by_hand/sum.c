/* Exercise reduction_by_hand, solved: what `reduction(+ : total)` does, by hand, two ways (see
 * exercises/reduction_by_hand/README.md). */
#include <omp.h>
#include <stdlib.h>

#include "sum.h"

uint64_t sum_private(const uint64_t *values, int64_t n)
{
    uint64_t total = 0;
#pragma omp parallel
    {
        uint64_t mine = 0; /* declared in the region: each thread has its own */
#pragma omp for nowait
        for (int64_t i = 0; i < n; i++)
            mine += values[i];
#pragma omp atomic
        total += mine; /* once a thread, not once an element */
    }
    return total;
}

/* Partial sums a cache line apart: threads writing neighbouring elements of one line would take
 * the line from each other at every write (false sharing). */
#define LINE_WORDS 8

uint64_t sum_partials(const uint64_t *values, int64_t n)
{
    int threads = omp_get_max_threads();
    uint64_t *partial = calloc((size_t)threads * LINE_WORDS, sizeof *partial);
    if (!partial) { /* no 64 bytes a thread: the same sum, on one thread */
        uint64_t total = 0;
        for (int64_t i = 0; i < n; i++)
            total += values[i];
        return total;
    }
    int team = threads;
#pragma omp parallel num_threads(threads)
    {
        uint64_t *mine = &partial[omp_get_thread_num() * LINE_WORDS];
#pragma omp single
        team = omp_get_num_threads(); /* the runtime may give fewer threads than asked */
#pragma omp for
        for (int64_t i = 0; i < n; i++)
            *mine += values[i];
    }
    uint64_t total = 0;
    for (int t = 0; t < team; t++)
        total += partial[t * LINE_WORDS];
    free(partial);
    return total;
}
