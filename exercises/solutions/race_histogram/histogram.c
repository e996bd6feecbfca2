/* Exercise race_histogram, solved: one race, fixed three ways (see
 * exercises/race_histogram/README.md). */
#include <omp.h>

#include "histogram.h"

void histogram_critical(const uint32_t *values, int64_t n, int64_t *counts, int bins)
{
#pragma omp parallel for
    for (int64_t i = 0; i < n; i++) {
        uint32_t bin = values[i] % (uint32_t)bins; /* outside: only the update is serialized */
#pragma omp critical
        counts[bin]++;
    }
}

void histogram_atomic(const uint32_t *values, int64_t n, int64_t *counts, int bins)
{
#pragma omp parallel for
    for (int64_t i = 0; i < n; i++) {
#pragma omp atomic
        counts[values[i] % (uint32_t)bins]++;
    }
}

void histogram_reduction(const uint32_t *values, int64_t n, int64_t *counts, int bins)
{
#pragma omp parallel for reduction(+ : counts[:bins])
    for (int64_t i = 0; i < n; i++)
        counts[values[i] % (uint32_t)bins]++;
}
