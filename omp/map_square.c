/* map_square.c: the map-square kernels (see map_square.h). */
#include "map_square.h"

void map_square_fill(int64_t *a, int64_t *b, int64_t n, int64_t offset, int threads)
{
#pragma omp parallel for schedule(static) num_threads(threads)
    for (int64_t i = 0; i < n; i++) {
        a[i] = map_square_input(i + offset);
        b[i] = MAP_SQUARE_POISON;
    }
}

void map_square_seq(const int64_t *a, int64_t *b, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        b[i] = a[i] * a[i];
}

void map_square_parallel(const int64_t *a, int64_t *b, int64_t n, int threads,
                         map_schedule schedule, int chunk)
{
    /* The same loop under each schedule, written out so the clause is visible where it acts:
     * static hands out one equal block per thread up front; dynamic hands out chunks on demand (balance at a
     * cost per chunk); guided hands out shrinking chunks. */
    switch (schedule) {
    case MAP_STATIC:
#pragma omp parallel for schedule(static) num_threads(threads)
        for (int64_t i = 0; i < n; i++)
            b[i] = a[i] * a[i];
        break;
    case MAP_DYNAMIC:
#pragma omp parallel for schedule(dynamic, chunk) num_threads(threads)
        for (int64_t i = 0; i < n; i++)
            b[i] = a[i] * a[i];
        break;
    case MAP_GUIDED:
#pragma omp parallel for schedule(guided, chunk) num_threads(threads)
        for (int64_t i = 0; i < n; i++)
            b[i] = a[i] * a[i];
        break;
    }
}

void map_square_inputs(int64_t *in, int64_t count, int64_t offset)
{
    for (int64_t i = 0; i < count; i++)
        in[i] = map_square_input(i + offset);
}

int64_t map_square_expected(int64_t i)
{
    return map_square_input(i) * map_square_input(i);
}

int64_t map_square_check(const int64_t *b, int64_t n, int64_t offset)
{
    for (int64_t i = 0; i < n; i++)
        if (b[i] != map_square_expected(i + offset))
            return i;
    return -1;
}
