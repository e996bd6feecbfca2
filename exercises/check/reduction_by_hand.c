/* reduction_by_hand: the checker of the reduction_by_hand exercise (exercises/reduction_by_hand/):
 * the learner's two sums (sum_private, sum_partials) run on -t threads at 1, 1000 and 2^22
 * values of 1 to 1000 (that one 8 times), each checked exactly, the additions a race lost
 * counted; then timed beside the clause they replace, `reduction(+ : total)`, and one thread
 * alone.
 * Built with the learner's file, or the solution's, by exercises/check.sh (make check
 * EX=reduction_by_hand); not a file to edit.
 * Rate: GB/s = 8 * n / median_s / 1e9, the values read once.
 *
 *   usage: reduction_by_hand [-n N] [-r R] [-w W] [-t T] [-V private,partials,clause,seq] [--csv]
 */
#include <inttypes.h>
#include <omp.h>
#include <stdio.h>

#include "arrays.h"
#include "exit_codes.h"
#include "lesson.h"
#include "memory.h"
#include "sum.h"

#define LARGEST_CHECK (INT64_C(4) << 20)
/* Runs at the largest size, as in race_histogram.c: so a race shows where threads share a core. */
#define RACE_TRIES 8

typedef enum way { WAY_PRIVATE, WAY_PARTIALS, WAY_CLAUSE, WAY_SEQ, WAYS } way;
static const char *const variants[] = {
    [WAY_PRIVATE] = "private",
    [WAY_PARTIALS] = "partials",
    [WAY_CLAUSE] = "clause",
    [WAY_SEQ] = "seq",
    NULL,
};
static const char *const calls[] = {
    [WAY_PRIVATE] = "sum_private",
    [WAY_PARTIALS] = "sum_partials",
    [WAY_CLAUSE] = "reduction",
    [WAY_SEQ] = "seq",
};

typedef struct job {
    way w;
    int threads;
    int64_t n;
    const uint64_t *values;
    uint64_t sum, want;
    char *detail;
} job;

/* The yardsticks: the clause the exercise writes by hand, and one thread alone. */
static uint64_t sum_clause(const uint64_t *values, int64_t n)
{
    uint64_t total = 0;
#pragma omp parallel for reduction(+ : total)
    for (int64_t i = 0; i < n; i++)
        total += values[i];
    return total;
}

static uint64_t sum_alone(const uint64_t *values, int64_t n)
{
    uint64_t total = 0;
    for (int64_t i = 0; i < n; i++)
        total += values[i];
    return total;
}

static uint64_t (*const sum[WAYS])(const uint64_t *, int64_t) = {
    [WAY_PRIVATE] = sum_private,
    [WAY_PARTIALS] = sum_partials,
    [WAY_CLAUSE] = sum_clause,
    [WAY_SEQ] = sum_alone,
};

/* n values from 1 to 1000 (xorshift64, the same every run), and their sum. */
static uint64_t fill(uint64_t *values, int64_t n)
{
    uint64_t x = UINT64_C(0x2545f4914f6cdd1d), total = 0;
    for (int64_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        values[i] = 1 + (x >> 32) % 1000;
        total += values[i];
    }
    return total;
}

static void prepare(void *arg)
{
    ((job *)arg)->sum = 0; /* what no sum of values from 1 up is */
}

static void run_variant(void *arg)
{
    job *j = arg;
    omp_set_num_threads(j->threads);
    j->sum = sum[j->w](j->values, j->n);
}

static int verify(void *arg, long runs)
{
    (void)runs;
    job *j = arg;
    if (j->sum == j->want)
        return 0;
    int len = snprintf(j->detail, PLB_DETAIL_LEN,
                       "%s, %" PRId64 " value%s: %" PRIu64 ", expected %" PRIu64, calls[j->w], j->n,
                       j->n > 1 ? "s" : "", j->sum, j->want);
    if (len > 0 && len < PLB_DETAIL_LEN && j->sum < j->want)
        snprintf(j->detail + len, (size_t)(PLB_DETAIL_LEN - len),
                 ": %" PRIu64 " short, "
                 "additions lost",
                 j->want - j->sum);
    return 1;
}

static const plb_program program = {
    .name = "reduction_by_hand",
    .summary = "the reduction_by_hand exercise: your two sums, checked and timed",
    .variants = variants,
};

/* The learner's selected sums at 1, 1000 and 2^22 values (that one RACE_TRIES times): NULL, or
 * what went wrong. */
static const char *check_sizes(job *jobs, const plb_options *opt, uint64_t *values)
{
    const int64_t sizes[] = {1, 1000, LARGEST_CHECK};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        uint64_t want = fill(values, sizes[s]);
        for (way w = WAY_PRIVATE; w <= WAY_PARTIALS; w++) {
            job *j = &jobs[w];
            if (!plb_variant_selected(&program, opt, variants[w]))
                continue;
            j->n = sizes[s];
            j->want = want;
            int tries = sizes[s] == LARGEST_CHECK && j->threads > 1 ? RACE_TRIES : 1;
            for (int t = 0; t < tries; t++) {
                prepare(j);
                run_variant(j);
                if (verify(j, 1))
                    return j->detail;
            }
        }
    }
    return NULL;
}

/* The header, the checks, the timed sums and the verdict, with room for the values of every
 * check and of -n in values: the exit code. */
static int check_and_time(uint64_t *values, const plb_options *opt, int threads)
{
    char detail[PLB_DETAIL_LEN] = "";
    job jobs[WAYS];
    for (way w = WAY_PRIVATE; w < WAYS; w++)
        jobs[w] = (job){
            .w = w, .threads = w == WAY_SEQ ? 1 : threads, .values = values, .detail = detail};
    plb_context ctx = {.program = program.name, .ranks = 1, .threads = threads};
    plb_report_header(stdout, &ctx, opt);
    const char *failure = check_sizes(jobs, opt, values);
    if (failure)
        return plb_report_verdict(opt, failure);
    plb_report_param(stdout, "checked", "1, 1000 and 4194304 values: both sums exact");
    uint64_t want = fill(values, opt->n);
    plb_variant v[WAYS];
    for (way w = WAY_PRIVATE; w < WAYS; w++) {
        jobs[w].n = opt->n;
        jobs[w].want = want;
        v[w] = (plb_variant){
            .name = variants[w],
            .threads = jobs[w].threads,
            .kernel = {.prepare = prepare, .run = run_variant, .verify = verify, .arg = &jobs[w]},
            .amount = 8.0 * (double)opt->n,
            .unit = 1e9,
            .rate_unit = "GB/s",
            .plausible_s = (double)opt->n / jobs[w].threads / PLB_MAX_CLOCK_HZ,
            .detail = detail};
    }
    failure = plb_run_variants(&program, &ctx, opt, v, WAYS, NULL, stdout, NULL);
    return plb_report_verdict(opt, failure);
}

/* Allocates, checks and times the learner's sums: the exit code. */
static int run_lesson(const plb_options *opt)
{
    int threads = opt->threads ? opt->threads : omp_get_max_threads();
    int64_t room = opt->n > LARGEST_CHECK ? opt->n : LARGEST_CHECK;
    if (!plb_memory_check(program.name, 8.0 * (double)room))
        return PLB_EXIT_USAGE;
    uint64_t *values = plb_array_alloc((size_t)room * sizeof *values, threads);
    if (!values)
        return plb_refuse(program.name, PLB_EXIT_FAILED, "cannot allocate %" PRId64 " values",
                          room);
    int status = check_and_time(values, opt, threads);
    plb_array_free(values);
    return status;
}

int main(int argc, char **argv)
{
    plb_options opt = {.n = 16 << 20, .repeats = 5, .warmup = 1};
    int status = plb_parse_cli(&program, argc, argv, &opt);
    if (status >= 0)
        return status;
    return run_lesson(&opt);
}
