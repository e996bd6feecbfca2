/* omp_stream: the machine's streaming memory bandwidth, STREAM-style: the yardstick the
 * memory-bound lessons (increment, map-square) are held against.
 *
 * The lesson: a loop that does one or two operations per element it loads runs at the speed the
 * memory delivers data, not the speed the cores compute. copy (b[i] = a[i], 16 bytes an element)
 * and triad (a[i] = b[i] + 3 * c[i], 24 bytes) are STREAM's kernels (stream_fill_copy and
 * stream_fill_triad below, `#pragma omp parallel for simd schedule(static)`): triad takes about
 * 1.5 times copy's time whatever its arithmetic, and more threads help only until the memory is
 * saturated. Run it at n much larger than the last-level cache.
 *
 * Measurement (not the lesson): bytes counted as STREAM counts them (the write-allocate read of
 * the output is not counted), over doubles, static schedule, each array first touched by the
 * thread that streams it. Rate: GB/s = bytes / median_s / 1e9. Verified after every batch: every
 * output element equals its closed form (small whole numbers, exact in double); the output is
 * poisoned before each batch.
 *
 *   usage: omp_stream [-n N] [-r R] [-w W] [-t T] [-V copy,triad] [-v] [--csv]
 */
#include <inttypes.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#include "arrays.h"
#include "exit_codes.h"
#include "lesson.h"
#include "memory.h"
#include "omp_stream.h"
#include "simd.h"

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

/* simd: each thread's block in the widest vector instructions the CPU has (simd.h). */
PLB_CPU_CLONES void stream_copy(const double *a, double *b, int64_t n, int threads)
{
#pragma omp parallel for simd schedule(static) num_threads(threads)
    for (int64_t i = 0; i < n; i++)
        b[i] = a[i];
}

PLB_CPU_CLONES void stream_triad(double *a, const double *b, const double *c, int64_t n, int threads)
{
#pragma omp parallel for simd schedule(static) num_threads(threads)
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

/* The program: the runner times the lesson above and verifies every result. */
typedef struct job {
    double *a, *b, *c;
    int64_t n;
    int threads;
    char *detail;
} job;

static void prepare_copy(void *arg)
{
    job *j = arg;
    stream_fill_copy(j->a, j->b, j->n, j->threads);
}

static void prepare_triad(void *arg)
{
    job *j = arg;
    stream_fill_triad(j->a, j->b, j->c, j->n, j->threads);
}

static void run_copy(void *arg)
{
    job *j = arg;
    stream_copy(j->a, j->b, j->n, j->threads);
}

static void run_triad(void *arg)
{
    job *j = arg;
    stream_triad(j->a, j->b, j->c, j->n, j->threads);
}

static int report_bad(job *j, const char *array, int64_t bad, const double *out)
{
    if (bad >= 0)
        snprintf(j->detail, PLB_DETAIL_LEN, "%s[%" PRId64 "] = %g", array, bad, out[bad]);
    return bad >= 0;
}

static int verify_copy(void *arg, long runs)
{
    (void)runs;
    job *j = arg;
    return report_bad(j, "b", stream_check_copy(j->b, j->n), j->b);
}

static int verify_triad(void *arg, long runs)
{
    (void)runs;
    job *j = arg;
    return report_bad(j, "a", stream_check_triad(j->a, j->n), j->a);
}

static const char *const variants[] = {"copy", "triad", NULL};
static const plb_program program = {
    .name = "omp_stream",
    .summary = "STREAM-style copy and triad: the machine's streaming memory bandwidth",
    .variants = variants,
};

int main(int argc, char **argv)
{
    plb_options opt = {.n = 8 << 20, .repeats = 10, .warmup = 1};
    int status = plb_parse_cli(&program, argc, argv, &opt);
    if (status >= 0)
        return status;
    int threads = opt.threads ? opt.threads : omp_get_max_threads();

    if (!plb_memory_check(program.name, 24.0 * (double)opt.n))
        return PLB_EXIT_USAGE;
    size_t bytes = (size_t)opt.n * sizeof(double);
    char detail[PLB_DETAIL_LEN] = "";
    job j = {plb_array_alloc(bytes, threads), plb_array_alloc(bytes, threads),
             plb_array_alloc(bytes, threads), opt.n, threads, detail};
    if (!j.a || !j.b || !j.c) {
        fprintf(stderr, "omp_stream: cannot allocate 3 x %" PRId64 " doubles\n", opt.n);
        plb_array_free(j.a);
        plb_array_free(j.b);
        plb_array_free(j.c);
        return PLB_EXIT_FAILED;
    }
    double n = (double)opt.n, floor_s = n / 1e11 / threads;
    plb_variant v[] = {
        {.name = "copy", .threads = threads, .kernel = {prepare_copy, run_copy, verify_copy, &j},
         .amount = 16.0 * n, .unit = 1e9, .rate_unit = "GB/s", .plausible_s = floor_s,
         .detail = detail},
        {.name = "triad", .threads = threads,
         .kernel = {prepare_triad, run_triad, verify_triad, &j}, .amount = 24.0 * n, .unit = 1e9,
         .rate_unit = "GB/s", .plausible_s = floor_s, .detail = detail},
    };
    plb_context ctx = {.program = program.name, .ranks = 1, .threads = threads};
    plb_report_header(stdout, &ctx, &opt);
    plb_measurement measured[2];
    const char *failure = plb_run_variants(&program, &ctx, &opt, v, 2, NULL, stdout, measured);
    for (int i = 1; i >= 0; i--) /* triad's rate, as STREAM reports it; else copy's */
        if (measured[i].status == PLB_MEASURE_OK && !measured[i].disturbed) {
            plb_report_param(stdout, "finding", "%s moved %.3g GB/s on %d threads: the ceiling "
                             "of every array lesson here", v[i].name,
                             plb_rate(v[i].amount, measured[i].stats.median, v[i].unit), threads);
            break;
        }
    plb_array_free(j.a);
    plb_array_free(j.b);
    plb_array_free(j.c);
    return plb_report_verdict(&opt, failure);
}
