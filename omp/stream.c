/* stream.c: the streaming-bandwidth kernels (see stream.h). */
#include "stream.h"

void stream_fill_copy(double *a, double *b, int64_t n, int threads)
{
#pragma omp parallel for schedule(static) num_threads(threads)
    for (int64_t i = 0; i < n; i++) {
        a[i] = stream_a(i);
        b[i] = STREAM_POISON;
    }
}

void stream_fill_triad(double *a, double *b, double *c, int64_t n, int threads)
{
#pragma omp parallel for schedule(static) num_threads(threads)
    for (int64_t i = 0; i < n; i++) {
        a[i] = STREAM_POISON;
        b[i] = stream_b(i);
        c[i] = stream_c(i);
    }
}

void stream_copy(const double *a, double *b, int64_t n, int threads)
{
#pragma omp parallel for schedule(static) num_threads(threads)
    for (int64_t i = 0; i < n; i++)
        b[i] = a[i];
}

void stream_triad(double *a, const double *b, const double *c, int64_t n, int threads)
{
#pragma omp parallel for schedule(static) num_threads(threads)
    for (int64_t i = 0; i < n; i++)
        a[i] = b[i] + STREAM_SCALAR * c[i];
}

int64_t stream_check_copy(const double *b, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        if (b[i] != stream_a(i))
            return i;
    return -1;
}

int64_t stream_check_triad(const double *a, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        if (a[i] != stream_b(i) + STREAM_SCALAR * stream_c(i))
            return i;
    return -1;
}
