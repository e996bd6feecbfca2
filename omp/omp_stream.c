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
#include <stdbool.h>
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

PLB_CPU_CLONES void stream_triad(double *a, const double *b, const double *c, int64_t n,
                                 int threads)
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
typedef enum { COPY, TRIAD, VARIANT_COUNT } variant;
static const char *const variants[] = {[COPY] = "copy", [TRIAD] = "triad", NULL};

typedef struct job {
    double *a, *b, *c;
    int64_t n;
    int threads;
    variant variant;
    char *detail;
} job;

static void prepare(void *arg)
{
    job *j = arg;
    switch (j->variant) {
    case COPY: stream_fill_copy(j->a, j->b, j->n, j->threads); break;
    case TRIAD: stream_fill_triad(j->a, j->b, j->c, j->n, j->threads); break;
    case VARIANT_COUNT: break; /* not a variant */
    }
}

static void run_variant(void *arg)
{
    job *j = arg;
    switch (j->variant) {
    case COPY: stream_copy(j->a, j->b, j->n, j->threads); break;
    case TRIAD: stream_triad(j->a, j->b, j->c, j->n, j->threads); break;
    case VARIANT_COUNT: break; /* not a variant */
    }
}

static int verify(void *arg, long runs)
{
    (void)runs;
    job *j = arg;
    bool copy = j->variant == COPY;
    const double *out = copy ? j->b : j->a; /* copy writes b, triad a */
    int64_t bad = copy ? stream_check_copy(out, j->n) : stream_check_triad(out, j->n);
    if (bad >= 0)
        snprintf(j->detail, PLB_DETAIL_LEN, "%s[%" PRId64 "] = %g", copy ? "b" : "a", bad,
                 out[bad]);
    return bad >= 0;
}

static const plb_program program = {
    .name = "omp_stream",
    .summary = "STREAM-style copy and triad: the machine's streaming memory bandwidth",
    .variants = variants,
};

/* triad's rate, as STREAM reports it; else copy's. */
static void report_finding(const plb_variant *v, const plb_measurement *measured, int threads)
{
    static const variant preferred[] = {TRIAD, COPY};
    for (int i = 0; i < VARIANT_COUNT; i++) {
        variant k = preferred[i];
        if (measured[k].status == PLB_MEASURE_OK && !measured[k].disturbed) {
            plb_report_param(stdout, "finding",
                             "%s moved %.3g GB/s on %d threads: the ceiling "
                             "of every array lesson here",
                             v[k].name, plb_rate(v[k].amount, measured[k].stats.median, v[k].unit),
                             threads);
            return;
        }
    }
}

/* The variants on the arrays a, b, c; returns the verdict's exit code. */
static int measure(const plb_options *opt, int threads, double *a, double *b, double *c)
{
    static const double bytes[] = {[COPY] = 16.0, [TRIAD] = 24.0}; /* per element, as STREAM */
    double n = (double)opt->n, floor_s = n / 1e11 / threads;
    char detail[PLB_DETAIL_LEN] = "";
    job jobs[VARIANT_COUNT];
    plb_variant v[VARIANT_COUNT];
    for (variant k = 0; k < VARIANT_COUNT; k++) {
        jobs[k] = (job){.a = a,
                        .b = b,
                        .c = c,
                        .n = opt->n,
                        .threads = threads,
                        .variant = k,
                        .detail = detail};
        v[k] = (plb_variant){
            .name = variants[k],
            .threads = threads,
            .kernel = {.prepare = prepare, .run = run_variant, .verify = verify, .arg = &jobs[k]},
            .amount = bytes[k] * n,
            .unit = 1e9,
            .rate_unit = "GB/s",
            .plausible_s = floor_s,
            .detail = detail};
    }
    plb_context ctx = {.program = program.name, .ranks = 1, .threads = threads};
    plb_report_header(stdout, &ctx, opt);
    plb_measurement measured[VARIANT_COUNT];
    const char *failure =
        plb_run_variants(&program, &ctx, opt, v, VARIANT_COUNT, NULL, stdout, measured);
    report_finding(v, measured, threads);
    return plb_report_verdict(opt, failure);
}

static int run_lesson(const plb_options *opt)
{
    int threads = opt->threads ? opt->threads : omp_get_max_threads();
    if (!plb_memory_check(program.name, 24.0 * (double)opt->n))
        return PLB_EXIT_USAGE;
    size_t bytes = (size_t)opt->n * sizeof(double);
    double *a = plb_array_alloc(bytes, threads), *b = plb_array_alloc(bytes, threads),
           *c = plb_array_alloc(bytes, threads);
    int status = a && b && c ? measure(opt, threads, a, b, c)
                             : plb_refuse(program.name, PLB_EXIT_FAILED,
                                          "cannot allocate 3 x %" PRId64 " doubles", opt->n);
    plb_array_free(a);
    plb_array_free(b);
    plb_array_free(c);
    return status;
}

int main(int argc, char **argv)
{
    plb_options opt = {.n = 8 << 20, .repeats = 10, .warmup = 1};
    int status = plb_parse_cli(&program, argc, argv, &opt);
    if (status >= 0)
        return status;
    return run_lesson(&opt);
}
