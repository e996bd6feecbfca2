/* Exercise offload_loop, solved: the square's loop on the device with x mapped to it and y from
 * it; the steps inside one `target data` region, so the field crosses once each way however many
 * steps there are, the last copy into u made on the device too. */
#include "device_loops.h"

void square_on_device(const double *x, double *y, int64_t n)
{
#pragma omp target teams distribute parallel for map(to : x[:n]) map(from : y[:n])
    for (int64_t i = 0; i < n; i++)
        y[i] = x[i] * x[i];
}

void diffuse_on_device(double *u, double *scratch, int64_t n, int steps)
{
    double *now = u, *next = scratch;
    /* Inside the region now and next are already on the device: a target region that names them
     * uses the device's copies, and swapping the host's pointers swaps which copy each names. */
#pragma omp target data map(tofrom : u[:n]) map(to : scratch[:n])
    {
        for (int s = 0; s < steps; s++) {
#pragma omp target teams distribute parallel for
            for (int64_t i = 1; i < n - 1; i++)
                next[i] = diffused(now[i - 1], now[i], now[i + 1]);
            double *swap = now;
            now = next;
            next = swap;
        }
        if (now != u) {
#pragma omp target teams distribute parallel for
            for (int64_t i = 0; i < n; i++)
                u[i] = now[i];
        }
    }
}
