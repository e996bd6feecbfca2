/* plain_stream.c: the yardstick omp_stream is held against (make bench-omp). STREAM's copy and
 * triad as anyone would write them in twenty lines: malloc, a parallel first touch, the plain
 * `omp parallel for` loops, omp_get_wtime around each; no parlab code. Built -O3 -march=native
 * (PLAIN_CFLAGS): the compiler's best for this very machine. Prints "copy,MEDIAN_S,GB/s" and
 * "triad,..." (bytes counted as STREAM counts them: 16 and 24 per element).
 *   usage: plain_stream N REPEATS THREADS */
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
    long n = argc > 3 ? atol(argv[1]) : 0, repeats = argc > 3 ? atol(argv[2]) : 0;
    int threads = argc > 3 ? atoi(argv[3]) : 0;
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *c = malloc(n * sizeof *c);
    double *copy_s = malloc(repeats * sizeof *copy_s), *triad_s = malloc(repeats * sizeof *triad_s);
    if (n < 1 || repeats < 1 || threads < 1 || !a || !b || !c || !copy_s || !triad_s) {
        fprintf(stderr,
                "usage: plain_stream N REPEATS THREADS (N, REPEATS, THREADS >= 1; memory)\n");
        return 2;
    }
    omp_set_num_threads(threads);
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) {
        a[i] = 1.0;
        b[i] = 0.0;
        c[i] = 0.0;
    }
    for (long r = 0; r <= repeats; r++) { /* r = 0: the warm-up */
        double t0 = omp_get_wtime();
#pragma omp parallel for schedule(static)
        for (long i = 0; i < n; i++)
            c[i] = a[i];
        double t1 = omp_get_wtime();
#pragma omp parallel for schedule(static)
        for (long i = 0; i < n; i++)
            b[i] = a[i] + 3.0 * c[i];
        double t2 = omp_get_wtime();
        if (r > 0) {
            copy_s[r - 1] = t1 - t0;
            triad_s[r - 1] = t2 - t1;
        }
    }
    for (long i = 0; i < n; i++)
        if (c[i] != 1.0 || b[i] != 4.0) {
            fprintf(stderr, "plain_stream: wrong result at %ld\n", i);
            return 1;
        }
    qsort(copy_s, repeats, sizeof *copy_s, by_value);
    qsort(triad_s, repeats, sizeof *triad_s, by_value);
    printf("copy,%.9f,%.4f\n", copy_s[repeats / 2], 16.0 * n / copy_s[repeats / 2] / 1e9);
    printf("triad,%.9f,%.4f\n", triad_s[repeats / 2], 24.0 * n / triad_s[repeats / 2] / 1e9);
    return 0;
}
