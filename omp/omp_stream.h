/* omp_stream.h: STREAM-style copy and triad over doubles, the machine's streaming memory
 * bandwidth. */
#ifndef PARLAB_OMP_STREAM_H
#define PARLAB_OMP_STREAM_H

#include <stdint.h>

/* Inputs are small whole numbers, so every result is exact in double and checked with ==. */
static inline double stream_a(int64_t i)
{
    return (double)(i & 1023);
}
static inline double stream_b(int64_t i)
{
    return (double)((i >> 10) & 1023);
}
static inline double stream_c(int64_t i)
{
    return (double)(i % 7);
}
#define STREAM_SCALAR 3.0
#define STREAM_POISON -1.0 /* no result is negative */

/* Sets the inputs and poisons the output of each kernel, first touch by the threads that use it. */
void stream_fill_copy(double *a, double *b, int64_t n, int threads);
void stream_fill_triad(double *a, double *b, double *c, int64_t n, int threads);
/* copy: b[i] = a[i] (16 bytes per element, as STREAM counts). */
void stream_copy(const double *a, double *b, int64_t n, int threads);
/* triad: a[i] = b[i] + 3 * c[i] (24 bytes per element, as STREAM counts). */
void stream_triad(double *a, const double *b, const double *c, int64_t n, int threads);
/* The first i where the kernel's output is wrong, or -1. */
int64_t stream_check_copy(const double *b, int64_t n);
int64_t stream_check_triad(const double *a, int64_t n);

#endif
