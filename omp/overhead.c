/* overhead.c: the EPCC-style overhead kernels (see overhead.h). */
#include "overhead.h"

#include <omp.h>

#include "countdown.h"

void overhead_reference(int64_t count, int64_t delay)
{
    for (int64_t r = 0; r < count; r++)
        countdown(delay);
}

int overhead_regions(int64_t count, int threads, int64_t delay, int64_t *passed)
{
    int team = 0;
    for (int64_t r = 0; r < count; r++) {
#pragma omp parallel num_threads(threads)
        {
            countdown(delay);
            passed[omp_get_thread_num() * OVERHEAD_STRIDE]++;
            if (omp_get_thread_num() == 0)
                team = omp_get_num_threads();
        }
    }
    return team;
}

int overhead_barriers(int64_t count, int threads, int64_t delay, int64_t *passed)
{
    int team = 0;
#pragma omp parallel num_threads(threads)
    {
        int me = omp_get_thread_num();
        for (int64_t r = 0; r < count; r++) {
            countdown(delay);
#pragma omp barrier
            passed[me * OVERHEAD_STRIDE]++;
        }
        if (me == 0)
            team = omp_get_num_threads();
    }
    return team;
}
