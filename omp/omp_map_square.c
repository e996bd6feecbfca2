/* omp_map_square: b[i] = a[i] * a[i], the tutorials' Pool.map(square, data), under each OpenMP
 * schedule.
 *
 * The lesson: Pool.map ships every item to a worker process and the result back; OpenMP threads
 * read a and write b in place. The schedule clause decides who does which i (map_square_fill
 * below): static (one block per thread, decided up front, no bookkeeping), dynamic and guided
 * (chunks handed out at run time: balance for uneven work, at a cost per chunk that -c 1 makes
 * visible: hundreds of times slower than one thread on a loop this cheap).
 *
 * Measurement (not the lesson): inputs are 2 + (i mod 2^31), so every square is exact.
 * Memory-bound: 16 bytes per element (8 read from a, 8 written to b; write-allocate not counted),
 * GB/s = 16 * n / median_s / 1e9. target is the GPU lesson's (docs/gpu.md). Verified after every
 * batch: every b[i] equals its closed form; b is poisoned before each batch.
 *
 *   usage: omp_map_square [-n N] [-r R] [-w W] [-t T] [-V seq,static,dynamic,guided,target]
 *                         [-c C] [-v] [--csv]
 */
#include <inttypes.h>
#include <stdbool.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arrays.h"
#include "clock.h"
#include "exit_codes.h"
#include "lesson.h"
#include "memory.h"
#include "offload.h"
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
     * static hands out one equal block per thread up front; dynamic hands out chunks on demand
     * (balance at a cost per chunk); guided hands out shrinking chunks. */
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

/* The GPU: the same loop offloaded. The data travel to the device and back on every call
 * (map to a, map from b): for a kernel this cheap, the lesson is what that costs. *on_device:
 * where the loop ran (asked inside the region). */
void map_square_target(const int64_t *a, int64_t *b, int64_t n, bool *on_device)
{
    int initial = 1;
    /* clang-format off */
#pragma omp target teams distribute parallel for simd map(to : a[:n]) map(from : b[:n]) \
    map(tofrom : initial)
    /* clang-format on */
    for (int64_t i = 0; i < n; i++) {
        if (i == 0)
            initial = omp_is_initial_device();
        b[i] = a[i] * a[i];
    }
    *on_device = !initial;
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
typedef enum { SEQ, STATIC, DYNAMIC, GUIDED, TARGET, VARIANT_COUNT } variant;
static const char *const variants[] = {
    [SEQ] = "seq",       [STATIC] = "static", [DYNAMIC] = "dynamic",
    [GUIDED] = "guided", [TARGET] = "target", NULL};
static const map_schedule schedule_of[] = {
    [STATIC] = MAP_STATIC, [DYNAMIC] = MAP_DYNAMIC, [GUIDED] = MAP_GUIDED};

typedef struct job {
    int64_t *a, *b;
    int64_t n;
    int threads, chunk;
    variant variant;
    bool on_device; /* where target's last run ran */
    char *detail;
} job;

static void prepare(void *arg)
{
    job *j = arg;
    map_square_fill(j->a, j->b, j->n, 0, j->threads);
}

static void run_variant(void *arg)
{
    job *j = arg;
    switch (j->variant) {
    case SEQ: map_square_seq(j->a, j->b, j->n); break;
    case STATIC:
    case DYNAMIC:
    case GUIDED:
        map_square_parallel(j->a, j->b, j->n, j->threads, schedule_of[j->variant], j->chunk);
        break;
    case TARGET: map_square_target(j->a, j->b, j->n, &j->on_device); break;
    case VARIANT_COUNT: break; /* not a variant */
    }
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
/* clang-format off */
static const plb_opt extra[] = {
    {.long_name = "chunk", .short_name = 'c', .kind = PLB_OPT_INT, .target = &chunk, .min = 1,
     .arg_name = "C", .help = "chunk size of dynamic and guided"},
    PLB_OPT_END,
};
/* clang-format on */
static const plb_program program = {
    .name = "omp_map_square",
    .summary = "b[i] = a[i]^2 (Pool.map(square)): sequential vs OpenMP schedules",
    .variants = variants,
    .extra = extra,
};

/* Where target's time went: one call taken apart (a to the device, the loop, b back), and the
 * loop held against the device's own copy bandwidth, measured on the same arrays there. */
static void report_target(job *j, const plb_measurement *m, int repeats)
{
    int64_t *a = j->a, *b = j->b, n = j->n;
    double t0 = plb_now();
#pragma omp target enter data map(to : a[:n]) map(alloc : b[:n])
    double t1 = plb_now();
#pragma omp target teams distribute parallel for simd
    for (int64_t i = 0; i < n; i++)
        b[i] = a[i] * a[i];
    double t2 = plb_now();
#pragma omp target exit data map(from : b[:n])
    double t3 = plb_now();
#pragma omp target enter data map(to : a[:n]) map(alloc : b[:n])
    double copy = plb_device_copy_seconds(a, b, n, repeats);
#pragma omp target exit data map(delete : a[:n], b[:n])
    double to = t1 - t0, loop = t2 - t1, back = t3 - t2;
    printf("# target      : ran on %s; one call taken apart: a to the device %.3g s + the loop "
           "%.3g s + b back %.3g s = %.3g s (the timed calls' median %.3g s): %.0f%% of it data "
           "motion\n",
           j->on_device ? "the device" : "the host (no device: host fallback)", to, loop, back,
           to + loop + back, m->stats.median, 100.0 * (to + back) / (to + loop + back));
    if (copy > 0.0)
        printf("# target      : the loop alone %.4g GB/s = %.0f%% of the %s's copy (%.4g GB/s)\n",
               16.0 * (double)n / loop / 1e9, 100.0 * copy / loop, j->on_device ? "device" : "host",
               16.0 * (double)n / copy / 1e9);
}

/* The variants on the arrays a and b; the finding, target's notes; returns the verdict's exit
 * code. */
static int measure(const plb_options *opt, int threads, int64_t *a, int64_t *b)
{
    double moved = 16.0 * (double)opt->n;
    double floor_s = (double)opt->n / 1e11; /* 1e11 elements/s per thread: deleted work */
    char detail[PLB_DETAIL_LEN] = "";
    job jobs[VARIANT_COUNT];
    plb_variant v[VARIANT_COUNT];
    for (variant k = 0; k < VARIANT_COUNT; k++) {
        int t = k == SEQ ? 1 : threads;
        jobs[k] = (job){.a = a,
                        .b = b,
                        .n = opt->n,
                        .threads = threads,
                        .chunk = chunk,
                        .variant = k,
                        .detail = detail};
        v[k] = (plb_variant){
            .name = variants[k],
            .threads = t,
            .kernel = {.prepare = prepare, .run = run_variant, .verify = verify, .arg = &jobs[k]},
            .amount = moved,
            .unit = 1e9,
            .rate_unit = "GB/s",
            .plausible_s = floor_s / t,
            .detail = detail,
            .idles = k == TARGET}; /* target: on a device, the host waits */
    }
    bool target = plb_variant_selected(&program, opt, "target");
    plb_context ctx = {.program = program.name, .ranks = 1, .threads = threads};
    plb_report_header(stdout, &ctx, opt);
    plb_report_param(stdout, "chunk", "%d (dynamic, guided)", chunk);
    if (target)
        plb_report_device(stdout);
    plb_measurement measured[VARIANT_COUNT];
    const char *failure =
        plb_run_variants(&program, &ctx, opt, v, VARIANT_COUNT, NULL, stdout, measured);
    char how[48];
    if (plb_compared(&measured[DYNAMIC], &measured[STATIC], how, sizeof how))
        plb_report_param(stdout, "finding",
                         "dynamic, chunks of %d handed out at run time, ran %s "
                         "static",
                         chunk, how);
    if (!failure && target)
        report_target(&jobs[TARGET], &measured[TARGET], opt->repeats);
    return plb_report_verdict(opt, failure);
}

static int run_lesson(const plb_options *opt)
{
    int threads = opt->threads ? opt->threads : omp_get_max_threads();
    bool target = plb_variant_selected(&program, opt, "target");
    char err[256];
    if (target && !plb_offload_usable(err, sizeof err))
        return plb_refuse(program.name, PLB_EXIT_USAGE, "%s", err);
    if (!plb_memory_check(program.name, 16.0 * (double)opt->n))
        return PLB_EXIT_USAGE;
    if (target && !plb_offload_fits(16.0 * (double)opt->n, err, sizeof err))
        return plb_refuse(program.name, PLB_EXIT_USAGE, "%s", err);
    size_t bytes = (size_t)opt->n * sizeof(int64_t);
    int64_t *a = plb_array_alloc(bytes, threads), *b = plb_array_alloc(bytes, threads);
    int status = a && b ? measure(opt, threads, a, b)
                        : plb_refuse(program.name, PLB_EXIT_FAILED,
                                     "cannot allocate 2 x %" PRId64 " elements", opt->n);
    plb_array_free(a);
    plb_array_free(b);
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
