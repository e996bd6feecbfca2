/* omp_increment: a[i] += 1 over an int64 array, sequential and with an OpenMP parallel for.
 *
 * The lesson: the tutorials' shared multiprocessing.Array, done with threads that share memory for
 * real (increment_fill below: `#pragma omp parallel for schedule(static)`): one array, each thread
 * a contiguous block, no locks because no element is shared. One addition per 16 bytes moved: the
 * memory's bandwidth sets the pace, so threads help only until the memory is saturated, often at
 * a few cores (omp_stream measures that ceiling).
 *
 * Measurement (not the lesson): the rate counts 16 bytes per element (one 8-byte load, one 8-byte
 * store; the write-allocate read that most CPUs add is not counted, as STREAM does not count it),
 * so GB/s = 16 * n / median_s / 1e9. Verified after every batch: a[i] == i + runs for every i.
 *
 *   usage: omp_increment [-n N] [-r R] [-w W] [-t T] [-V seq,parallel] [-v] [--csv]
 */
#include <inttypes.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#include "arrays.h"
#include "exit_codes.h"
#include "lesson.h"
#include "memory.h"
#include "omp_increment.h"
#include "simd.h"

void increment_fill(int64_t *a, int64_t n, int threads)
{
#pragma omp parallel for schedule(static) num_threads(threads)
    for (int64_t i = 0; i < n; i++)
        a[i] = i;
}

/* simd: vector instructions, the widest this CPU has (simd.h), in both variants. */
PLB_CPU_CLONES void increment_seq(int64_t *a, int64_t n)
{
#pragma omp simd
    for (int64_t i = 0; i < n; i++)
        a[i] += 1;
}

PLB_CPU_CLONES void increment_parallel(int64_t *a, int64_t n, int threads)
{
    /* Each thread gets one contiguous block: no two threads ever touch the same element, so no
     * synchronisation is needed, and the block is the one it first touched in increment_fill. */
#pragma omp parallel for simd schedule(static) num_threads(threads)
    for (int64_t i = 0; i < n; i++)
        a[i] += 1;
}

int64_t increment_check(const int64_t *a, int64_t n, int64_t offset, int64_t runs)
{
    for (int64_t i = 0; i < n; i++)
        if (a[i] != offset + i + runs)
            return i;
    return -1;
}

/* The program: the runner times the lesson above and verifies every result. */
typedef enum { SEQ, PARALLEL, VARIANT_COUNT } variant;
static const char *const variants[] = {[SEQ] = "seq", [PARALLEL] = "parallel", NULL};

typedef struct job {
    int64_t *a;
    int64_t n;
    int threads;
    variant variant;
    char *detail;
} job;

static void prepare(void *arg)
{
    job *j = arg;
    increment_fill(j->a, j->n, j->threads);
}

static void run_variant(void *arg)
{
    job *j = arg;
    switch (j->variant) {
    case SEQ: increment_seq(j->a, j->n); break;
    case PARALLEL: increment_parallel(j->a, j->n, j->threads); break;
    case VARIANT_COUNT: break; /* not a variant */
    }
}

static int verify(void *arg, long runs)
{
    job *j = arg;
    int64_t bad = increment_check(j->a, j->n, 0, runs);
    if (bad >= 0)
        snprintf(j->detail, PLB_DETAIL_LEN, "a[%" PRId64 "] = %" PRId64 ", expected %" PRId64, bad,
                 j->a[bad], bad + runs);
    return bad >= 0;
}

static const plb_program program = {
    .name = "omp_increment",
    .summary = "a[i] += 1 over an int64 array: sequential vs OpenMP parallel for",
    .variants = variants,
};

/* The variants on the array a; returns the verdict's exit code. */
static int measure(const plb_options *opt, int threads, int64_t *a)
{
    /* No thread can update more than 1e11 elements a second: faster means deleted work. */
    double floor_s = (double)opt->n / 1e11;
    char detail[PLB_DETAIL_LEN] = "";
    job jobs[VARIANT_COUNT];
    plb_variant v[VARIANT_COUNT];
    for (variant k = 0; k < VARIANT_COUNT; k++) {
        int t = k == SEQ ? 1 : threads;
        /* prepare fills a on every thread, the parallel variant's first touch */
        jobs[k] = (job){.a = a, .n = opt->n, .threads = threads, .variant = k, .detail = detail};
        v[k] = (plb_variant){
            .name = variants[k],
            .threads = t,
            .kernel = {.prepare = prepare, .run = run_variant, .verify = verify, .arg = &jobs[k]},
            .amount = 16.0 * (double)opt->n,
            .unit = 1e9,
            .rate_unit = "GB/s",
            .plausible_s = floor_s / t,
            .detail = detail};
    }
    plb_context ctx = {.program = program.name, .ranks = 1, .threads = threads};
    plb_report_header(stdout, &ctx, opt);
    plb_measurement measured[VARIANT_COUNT];
    const char *failure =
        plb_run_variants(&program, &ctx, opt, v, VARIANT_COUNT, NULL, stdout, measured);
    char how[48];
    if (plb_compared(&measured[PARALLEL], &measured[SEQ], how, sizeof how))
        plb_report_param(
            stdout, "finding", "parallel ran %s seq on %d threads, moving %.3g GB/s", how, threads,
            plb_rate(v[PARALLEL].amount, measured[PARALLEL].stats.median, v[PARALLEL].unit));
    return plb_report_verdict(opt, failure);
}

static int run_lesson(const plb_options *opt)
{
    int threads = opt->threads ? opt->threads : omp_get_max_threads();
    if (!plb_memory_check(program.name, 8.0 * (double)opt->n))
        return PLB_EXIT_USAGE;
    int64_t *a = plb_array_alloc((size_t)opt->n * sizeof *a, threads);
    if (!a)
        return plb_refuse(program.name, PLB_EXIT_FAILED, "cannot allocate %" PRId64 " elements",
                          opt->n);
    int status = measure(opt, threads, a);
    plb_array_free(a);
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
