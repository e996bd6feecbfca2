/* omp_increment: a[i] += 1 over an int64 array, sequential and with an OpenMP parallel for.
 *
 * The tutorial's shared multiprocessing.Array, done with threads that share memory for real: one
 * array, each thread a contiguous block (static schedule), no locks because no element is shared.
 * It is memory-bound: the rate counts 16 bytes per element (one 8-byte load, one 8-byte store;
 * the write-allocate read that most CPUs add is not counted, as STREAM does not count it), so
 *   GB/s = 16 * n / median_s / 1e9.
 * Verified after every batch: a[i] == i + runs for every i.
 *
 *   usage: omp_increment [-n N] [-r R] [-w W] [-t T] [-V seq,parallel] [--csv]
 */
#include <inttypes.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#include "exit_codes.h"
#include "increment.h"
#include "lesson.h"

typedef struct job {
    int64_t *a;
    int64_t n;
    int threads;
    char detail[128];
} job;

static void prepare(void *arg)
{
    job *j = arg;
    increment_fill(j->a, j->n, j->threads);
}

static void run_seq(void *arg)
{
    job *j = arg;
    increment_seq(j->a, j->n);
}

static void run_parallel(void *arg)
{
    job *j = arg;
    increment_parallel(j->a, j->n, j->threads);
}

static int verify(void *arg, long runs)
{
    job *j = arg;
    int64_t bad = increment_check(j->a, j->n, 0, runs);
    if (bad >= 0)
        snprintf(j->detail, sizeof j->detail, "a[%" PRId64 "] = %" PRId64 ", expected %" PRId64,
                 bad, j->a[bad], bad + runs);
    return bad >= 0;
}

static const char *const variants[] = {"seq", "parallel", NULL};
static const plb_program program = {
    "omp_increment", "a[i] += 1 over an int64 array: sequential vs OpenMP parallel for",
    variants, NULL};

int main(int argc, char **argv)
{
    plb_options opt = {.n = 8 << 20, .repeats = 10, .warmup = 1};
    int status = plb_parse_cli(&program, argc, argv, &opt);
    if (status >= 0)
        return status;
    int threads = opt.threads ? opt.threads : omp_get_max_threads();

    job j = {malloc((size_t)opt.n * sizeof(int64_t)), opt.n, threads, ""};
    if (!j.a) {
        fprintf(stderr, "omp_increment: cannot allocate %" PRId64 " elements\n", opt.n);
        return PLB_EXIT_FAILED;
    }
    /* No thread can update more than 1e11 elements a second: faster means deleted work. */
    double floor_s = (double)opt.n / 1e11;
    plb_variant v[] = {
        {"seq", 1, {prepare, run_seq, verify, &j}, 16.0 * (double)opt.n, 1e9, "GB/s", floor_s,
         j.detail},
        {"parallel", threads, {prepare, run_parallel, verify, &j}, 16.0 * (double)opt.n, 1e9,
         "GB/s", floor_s / threads, j.detail},
    };
    plb_context ctx = {program.name, 1, threads, NULL};
    plb_report_header(stdout, &ctx, &opt);
    const char *failure = plb_run_variants(&program, &ctx, &opt, v, 2, NULL, stdout, NULL);
    free(j.a);
    return plb_report_verdict(&opt, failure);
}
