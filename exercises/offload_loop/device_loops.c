/* Exercise offload_loop: move two loops onto the offload device, and keep the data there across
 * many steps. What to do, hints and what done looks like: README.md beside this file. Check it:
 * make check EX=offload_loop
 *
 * Both functions below are right, and run on the host: no byte goes to the device. */
#include "device_loops.h"

void square_on_device(const double *x, double *y, int64_t n)
{
    /* TODO 1: run this loop on the device (`omp target teams distribute parallel for`), with
     * map clauses that send x there and bring y back, and nothing more. */
    for (int64_t i = 0; i < n; i++)
        y[i] = x[i] * x[i];
}

void diffuse_on_device(double *u, double *scratch, int64_t n, int steps)
{
    double *now = u, *next = scratch;
    /* TODO 2: put u and scratch on the device once, around all the steps (`omp target data`),
     * run each step's loop there, and bring back u alone, holding the last field. */
    for (int s = 0; s < steps; s++) {
        for (int64_t i = 1; i < n - 1; i++)
            next[i] = diffused(now[i - 1], now[i], now[i + 1]);
        double *swap = now;
        now = next;
        next = swap;
    }
    /* After an odd number of steps the last field is in scratch: copy it into u. */
    if (now != u)
        for (int64_t i = 0; i < n; i++)
            u[i] = now[i];
}
