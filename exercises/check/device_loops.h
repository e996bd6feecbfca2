/* device_loops.h: what the offload_loop exercise writes (exercises/offload_loop/), and the update
 * its steps make (the checker's too). */
#ifndef PARLAB_DEVICE_LOOPS_H
#define PARLAB_DEVICE_LOOPS_H

#include <stdint.h>

/* One point's next value in a step of the 1D heat equation, from its left neighbour, itself and
 * its right neighbour; r = 1/4, a power of two, so each product is exact and the device's result,
 * fused multiply-add or not, is the host's bit for bit. Compiled for the device too. */
#pragma omp declare target
static inline double diffused(double left, double mid, double right)
{
    return mid + 0.25 * (left - 2.0 * mid + right);
}
#pragma omp end declare target

/* Sets y[i] = x[i] * x[i] for every i < n, the loop run on the offload device: x goes there, y
 * comes back, and nothing else travels. */
void square_on_device(const double *x, double *y, int64_t n);

/* Makes `steps` steps of the 1D heat equation on u's n points (n >= 3; the ends u[0] and u[n-1]
 * stay as they are), every step on the offload device. u goes there once and comes back once,
 * holding the field after the last step, however many steps there are. scratch, n points that
 * arrive a copy of u (the same ends), is room for the next field; it need not come back. */
void diffuse_on_device(double *u, double *scratch, int64_t n, int steps);

#endif
