/* omp_overhead: what an OpenMP parallel region and a barrier cost by themselves, EPCC-style.
 *
 * The lesson: `#pragma omp parallel` wakes a team of threads and ends with a barrier; both cost
 * microseconds, which is why a parallel loop over a few thousand elements is slower than a plain
 * one (see the crossover in make bench). reference (overhead_reference below) runs n small delays
 * (--delay decrements each) on one thread; parallel (overhead_regions) runs n parallel regions,
 * each thread doing one delay; barrier (overhead_barriers) runs one region in which every thread
 * does n rounds of a delay and a `#pragma omp barrier`. The "# overhead" notes give the cost of
 * one region or one barrier: (median of the variant - median of reference) / n.
 *
 * Measurement (not the lesson): rate: constructs per second, M/s = n / median_s / 1e6. Verified
 * after every batch: every thread entered every region, or passed every barrier.
 *
 *   usage: omp_overhead [-n N] [-r R] [-w W] [-t T] [-V reference,parallel,barrier]
 *                       [--delay D] [-v] [--csv]
 */
#include <inttypes.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit_codes.h"
#include "lesson.h"
#include "omp_countdown.h"
#include "omp_overhead.h"

void overhead_reference(int64_t count, int64_t delay)
{
    for (int64_t r = 0; r < count; r++)
        countdown(delay);
}

int overhead_regions(int64_t count, int threads, int64_t delay, int64_t *passed)
{
    int team = 0;
    for (int64_t r = 0; r < count; r++) {
#pragma omp parallel num_threads(threads)
        {
            countdown(delay);
            passed[omp_get_thread_num() * OVERHEAD_STRIDE]++;
            if (omp_get_thread_num() == 0)
                team = omp_get_num_threads();
        }
    }
    return team;
}

int overhead_barriers(int64_t count, int threads, int64_t delay, int64_t *passed)
{
    int team = 0;
#pragma omp parallel num_threads(threads)
    {
        int me = omp_get_thread_num();
        for (int64_t r = 0; r < count; r++) {
            countdown(delay);
#pragma omp barrier
            passed[me * OVERHEAD_STRIDE]++;
        }
        if (me == 0)
            team = omp_get_num_threads();
    }
    return team;
}

/* The program: the runner times the lesson above and verifies every result. */
typedef enum { REFERENCE, PARALLEL, BARRIER, VARIANT_COUNT } variant;
static const char *const variants[] = {
    [REFERENCE] = "reference", [PARALLEL] = "parallel", [BARRIER] = "barrier", NULL};

typedef struct job {
    int64_t n, delay, *passed;
    int threads, team;
    variant variant;
    char *detail;
} job;

static void prepare(void *arg)
{
    job *j = arg;
    memset(j->passed, 0, (size_t)j->threads * OVERHEAD_STRIDE * sizeof *j->passed);
    j->team = 0;
}

static void run_variant(void *arg)
{
    job *j = arg;
    switch (j->variant) {
    case REFERENCE:
        overhead_reference(j->n, j->delay);
        j->passed[0] += j->n;
        j->team = 1;
        break;
    case PARALLEL: j->team = overhead_regions(j->n, j->threads, j->delay, j->passed); break;
    case BARRIER: j->team = overhead_barriers(j->n, j->threads, j->delay, j->passed); break;
    case VARIANT_COUNT: break; /* not a variant */
    }
}

static int verify(void *arg, long runs)
{
    job *j = arg;
    for (int t = 0; t < j->team; t++)
        if (j->passed[t * OVERHEAD_STRIDE] != runs * j->n) {
            snprintf(j->detail, PLB_DETAIL_LEN, "thread %d passed %" PRId64 " of %" PRId64, t,
                     j->passed[t * OVERHEAD_STRIDE], runs * j->n);
            return 1;
        }
    if (j->team < 1)
        snprintf(j->detail, PLB_DETAIL_LEN, "no thread ran");
    return j->team < 1;
}

static int64_t delay = 100;
/* clang-format off */
static const plb_opt extra[] = {
    {.long_name = "delay", .kind = PLB_OPT_COUNT, .target = &delay, .arg_name = "D",
     .help = "decrements of work inside each construct"},
    PLB_OPT_END,
};
/* clang-format on */
/* The fastest believable run: n constructs, each at least its delay plus one clock cycle. */
static double fastest_run_s(const plb_options *opt)
{
    return (double)opt->n * ((double)delay + 1.0) / PLB_MAX_CLOCK_HZ;
}

static const plb_program program = {
    .name = "omp_overhead",
    .summary = "the cost of an OpenMP parallel region and of a barrier (EPCC-style)",
    .variants = variants,
    .extra = extra,
    .fastest_run_s = fastest_run_s,
};

/* The variants, counting in passed (threads * OVERHEAD_STRIDE entries); the "# overhead" notes;
 * returns the verdict's exit code. */
static int measure(const plb_options *opt, int threads, int64_t *passed)
{
    char detail[PLB_DETAIL_LEN] = "";
    job jobs[VARIANT_COUNT];
    plb_variant v[VARIANT_COUNT];
    for (variant k = 0; k < VARIANT_COUNT; k++) {
        int t = k == REFERENCE ? 1 : threads;
        jobs[k] = (job){.n = opt->n,
                        .delay = delay,
                        .passed = passed,
                        .threads = t,
                        .variant = k,
                        .detail = detail};
        v[k] = (plb_variant){
            .name = variants[k],
            .threads = t,
            .kernel = {.prepare = prepare, .run = run_variant, .verify = verify, .arg = &jobs[k]},
            .amount = (double)opt->n,
            .unit = 1e6,
            .rate_unit = "M/s",
            .detail = detail};
    }
    plb_context ctx = {.program = program.name, .ranks = 1, .threads = threads};
    plb_report_header(stdout, &ctx, opt);
    plb_report_param(stdout, "delay", "%" PRId64 " decrements per construct", delay);
    plb_measurement m[VARIANT_COUNT];
    const char *failure = plb_run_variants(&program, &ctx, opt, v, VARIANT_COUNT, NULL, stdout, m);
    for (variant k = PARALLEL; k < VARIANT_COUNT && m[REFERENCE].status == PLB_MEASURE_OK; k++)
        if (m[k].status == PLB_MEASURE_OK)
            printf("# overhead    : %-9s %.3f us each (reference subtracted)\n", variants[k],
                   (m[k].stats.median - m[REFERENCE].stats.median) / (double)opt->n * 1e6);
    return plb_report_verdict(opt, failure);
}

static int run_lesson(const plb_options *opt)
{
    int threads = opt->threads ? opt->threads : omp_get_max_threads();
    int64_t *passed = calloc((size_t)threads * OVERHEAD_STRIDE, sizeof *passed);
    if (!passed)
        return plb_refuse(program.name, PLB_EXIT_FAILED, "out of memory");
    int status = measure(opt, threads, passed);
    free(passed);
    return status;
}

int main(int argc, char **argv)
{
    plb_options opt = {.n = 1000, .repeats = 10, .warmup = 1};
    int status = plb_parse_cli(&program, argc, argv, &opt);
    if (status >= 0)
        return status;
    return run_lesson(&opt);
}
