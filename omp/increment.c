/* increment.c: the increment kernels (see increment.h). */
#include "increment.h"

void increment_fill(int64_t *a, int64_t n, int threads)
{
#pragma omp parallel for schedule(static) num_threads(threads)
    for (int64_t i = 0; i < n; i++)
        a[i] = i;
}

void increment_seq(int64_t *a, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        a[i] += 1;
}

void increment_parallel(int64_t *a, int64_t n, int threads)
{
    /* Each thread gets one contiguous block: no two threads ever touch the same element, so no
     * synchronisation is needed, and the block is the one it first touched in increment_fill. */
#pragma omp parallel for schedule(static) num_threads(threads)
    for (int64_t i = 0; i < n; i++)
        a[i] += 1;
}

int64_t increment_check(const int64_t *a, int64_t n, int64_t offset, int64_t runs)
{
    for (int64_t i = 0; i < n; i++)
        if (a[i] != offset + i + runs)
            return i;
    return -1;
}
