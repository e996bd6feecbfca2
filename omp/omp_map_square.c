/* omp_map_square: b[i] = a[i] * a[i], the tutorial's Pool.map(square, data), under each OpenMP
 * schedule.
 *
 * Pool.map ships every item to a worker process and the result back; OpenMP threads read a and
 * write b in place. The schedule decides who does which i: static (one block per thread, no
 * bookkeeping), dynamic and guided (chunks handed out at run time: balance for uneven work, at a
 * cost per chunk that -c 1 makes visible). Inputs are 2 + (i mod 2^31): every square is exact.
 * Memory-bound: 16 bytes per element (8 read from a, 8 written to b; write-allocate not counted),
 *   GB/s = 16 * n / median_s / 1e9.
 * Verified after every batch: every b[i] equals its closed form; b is poisoned before each batch.
 *
 *   usage: omp_map_square [-n N] [-r R] [-w W] [-t T] [-V seq,static,dynamic,guided] [-c C] [--csv]
 */
#include <inttypes.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#include "arrays.h"
#include "exit_codes.h"
#include "lesson.h"
#include "memory.h"
#include "omp_map_square.h"
#include "simd.h"

void map_square_fill(int64_t *a, int64_t *b, int64_t n, int64_t offset, int threads)
{
#pragma omp parallel for schedule(static) num_threads(threads)
    for (int64_t i = 0; i < n; i++) {
        a[i] = map_square_input(i + offset);
        b[i] = MAP_SQUARE_POISON;
    }
}

/* simd: vector instructions, the widest this CPU has (simd.h), in every variant. */
PLB_CPU_CLONES void map_square_seq(const int64_t *a, int64_t *b, int64_t n)
{
#pragma omp simd
    for (int64_t i = 0; i < n; i++)
        b[i] = a[i] * a[i];
}

PLB_CPU_CLONES void map_square_parallel(const int64_t *a, int64_t *b, int64_t n, int threads,
                         map_schedule schedule, int chunk)
{
    /* The same loop under each schedule, written out so the clause is visible where it acts:
     * static hands out one equal block per thread up front; dynamic hands out chunks on demand (balance at a
     * cost per chunk); guided hands out shrinking chunks. */
    switch (schedule) {
    case MAP_STATIC:
#pragma omp parallel for simd schedule(static) num_threads(threads)
        for (int64_t i = 0; i < n; i++)
            b[i] = a[i] * a[i];
        break;
    case MAP_DYNAMIC:
#pragma omp parallel for simd schedule(dynamic, chunk) num_threads(threads)
        for (int64_t i = 0; i < n; i++)
            b[i] = a[i] * a[i];
        break;
    case MAP_GUIDED:
#pragma omp parallel for simd schedule(guided, chunk) num_threads(threads)
        for (int64_t i = 0; i < n; i++)
            b[i] = a[i] * a[i];
        break;
    }
}

void map_square_inputs(int64_t *in, int64_t count, int64_t offset)
{
    for (int64_t i = 0; i < count; i++)
        in[i] = map_square_input(i + offset);
}

int64_t map_square_expected(int64_t i)
{
    return map_square_input(i) * map_square_input(i);
}

int64_t map_square_check(const int64_t *b, int64_t n, int64_t offset)
{
    for (int64_t i = 0; i < n; i++)
        if (b[i] != map_square_expected(i + offset))
            return i;
    return -1;
}

/* The program: the runner times the lesson above and verifies every result. */
typedef struct job {
    int64_t *a, *b;
    int64_t n;
    int threads, chunk;
    map_schedule schedule;
    char *detail;
} job;

static void prepare(void *arg)
{
    job *j = arg;
    map_square_fill(j->a, j->b, j->n, 0, j->threads);
}

static void run_seq(void *arg)
{
    job *j = arg;
    map_square_seq(j->a, j->b, j->n);
}

static void run_parallel(void *arg)
{
    job *j = arg;
    map_square_parallel(j->a, j->b, j->n, j->threads, j->schedule, j->chunk);
}

static int verify(void *arg, long runs)
{
    (void)runs; /* squaring again gives the same b */
    job *j = arg;
    int64_t bad = map_square_check(j->b, j->n, 0);
    if (bad >= 0) {
        snprintf(j->detail, PLB_DETAIL_LEN, "b[%" PRId64 "] = %" PRId64 ", expected %" PRId64, bad,
                 j->b[bad], map_square_expected(bad));
    }
    return bad >= 0;
}

static int chunk = 1024;
static const plb_opt extra[] = {
    {.long_name = "chunk", .short_name = 'c', .kind = PLB_OPT_INT, .target = &chunk, .min = 1, .arg_name = "C", .help = "chunk size of dynamic and guided"},
    PLB_OPT_END,
};
static const char *const variants[] = {"seq", "static", "dynamic", "guided", NULL};
static const plb_program program = {
    .name = "omp_map_square",
    .summary = "b[i] = a[i]^2 (Pool.map(square)): sequential vs OpenMP schedules",
    .variants = variants,
    .extra = extra,
};

int main(int argc, char **argv)
{
    plb_options opt = {.n = 8 << 20, .repeats = 10, .warmup = 1};
    int status = plb_parse_cli(&program, argc, argv, &opt);
    if (status >= 0)
        return status;
    int threads = opt.threads ? opt.threads : omp_get_max_threads();

    if (!plb_memory_check(program.name, 16.0 * (double)opt.n))
        return PLB_EXIT_USAGE;
    size_t bytes = (size_t)opt.n * sizeof(int64_t);
    int64_t *a = plb_array_alloc(bytes, threads), *b = plb_array_alloc(bytes, threads);
    if (!a || !b) {
        fprintf(stderr, "omp_map_square: cannot allocate 2 x %" PRId64 " elements\n", opt.n);
        plb_array_free(a);
        plb_array_free(b);
        return PLB_EXIT_FAILED;
    }
    char detail[PLB_DETAIL_LEN] = "";
    job jobs[4] = {
        {a, b, opt.n, threads, chunk, MAP_STATIC, detail},
        {a, b, opt.n, threads, chunk, MAP_STATIC, detail},
        {a, b, opt.n, threads, chunk, MAP_DYNAMIC, detail},
        {a, b, opt.n, threads, chunk, MAP_GUIDED, detail},
    };
    double moved = 16.0 * (double)opt.n;
    double floor_s = (double)opt.n / 1e11; /* 1e11 elements/s per thread: deleted work */
    plb_variant v[4];
    for (int i = 0; i < 4; i++)
        v[i] = (plb_variant){.name = variants[i], .threads = i ? threads : 1,
                             .kernel = {prepare, i ? run_parallel : run_seq, verify, &jobs[i]},
                             .amount = moved, .unit = 1e9, .rate_unit = "GB/s",
                             .plausible_s = i ? floor_s / threads : floor_s, .detail = detail};
    plb_context ctx = {.program = program.name, .ranks = 1, .threads = threads};
    plb_report_header(stdout, &ctx, &opt);
    plb_report_param(stdout, "chunk", "%d (dynamic, guided)", chunk);
    const char *failure = plb_run_variants(&program, &ctx, &opt, v, 4, NULL, stdout, NULL);
    plb_array_free(a);
    plb_array_free(b);
    return plb_report_verdict(&opt, failure);
}
