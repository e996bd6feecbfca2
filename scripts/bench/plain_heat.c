/* plain_heat.c: the yardstick omp_heat and mpi_heat are held against (make bench-heat). The
 * 5-point heat step as anyone would write it in OpenMP: malloc, a parallel first touch, one
 * `omp parallel for` over the rows of each step, omp_get_wtime around the steps; no parlab code.
 * Built -O3 -march=native (PLAIN_CFLAGS): the compiler's best for this very machine. The field is
 * i^2 + j^2 with its boundary following it, so every point gains exactly 4r = 1 a step and the
 * result is checked exactly. Prints "plain,MEDIAN_S,MLUP/s" for STEPS steps of ROWS x COLS.
 *   usage: plain_heat ROWS COLS STEPS REPEATS THREADS */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

static int by_value(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

int main(int argc, char **argv)
{
    long rows = argc > 5 ? atol(argv[1]) : 0, cols = argc > 5 ? atol(argv[2]) : 0;
    long steps = argc > 5 ? atol(argv[3]) : 0, repeats = argc > 5 ? atol(argv[4]) : 0;
    int threads = argc > 5 ? atoi(argv[5]) : 0;
    long s = cols + 2, n = (rows + 2) * s;
    double *u = malloc(n * sizeof *u), *v = malloc(n * sizeof *v);
    double *times = malloc((repeats > 0 ? repeats : 1) * sizeof *times);
    if (rows < 1 || cols < 1 || steps < 1 || repeats < 1 || threads < 1 || !u || !v || !times) {
        fprintf(stderr, "usage: plain_heat ROWS COLS STEPS REPEATS THREADS (all >= 1; memory)\n");
        return 2;
    }
    omp_set_num_threads(threads);
    long k = 0;                           /* steps taken since the field was set */
    for (long r = 0; r <= repeats; r++) { /* r = 0: the warm-up */
#pragma omp parallel for schedule(static)
        for (long i = 0; i < rows + 2; i++)
            for (long j = 0; j < s; j++)
                u[i * s + j] = v[i * s + j] = (double)(i * i + j * j);
        double t0 = omp_get_wtime();
        for (k = 0; k < steps; k++) {
            for (long j = 0; j < s; j++) { /* the boundary follows: + 1 a step */
                u[j] = (double)(j * j) + k;
                u[(rows + 1) * s + j] = (double)((rows + 1) * (rows + 1) + j * j) + k;
            }
            for (long i = 1; i <= rows; i++) {
                u[i * s] = (double)(i * i) + k;
                u[i * s + cols + 1] = (double)(i * i + (cols + 1) * (cols + 1)) + k;
            }
#pragma omp parallel for schedule(static)
            for (long i = 1; i <= rows; i++)
                for (long j = 1; j <= cols; j++)
                    v[i * s + j] = u[i * s + j] + 0.25 * (u[(i - 1) * s + j] + u[(i + 1) * s + j] +
                                                          u[i * s + j - 1] + u[i * s + j + 1] -
                                                          4.0 * u[i * s + j]);
            double *t = u;
            u = v;
            v = t;
        }
        if (r > 0)
            times[r - 1] = omp_get_wtime() - t0;
    }
    for (long i = 1; i <= rows; i++)
        for (long j = 1; j <= cols; j++)
            if (u[i * s + j] != (double)(i * i + j * j) + steps) {
                fprintf(stderr, "plain_heat: wrong result at (%ld, %ld)\n", i, j);
                return 1;
            }
    qsort(times, repeats, sizeof *times, by_value);
    double median = times[repeats / 2];
    printf("plain,%.9f,%.4f\n", median, (double)rows * cols * steps / median / 1e6);
    return 0;
}
