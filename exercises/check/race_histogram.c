/* race_histogram: the checker of the race_histogram exercise (exercises/race_histogram/): the
 * learner's three histograms (critical, atomic, reduction) are run on -t threads at 1, 1000 and
 * 2^22 values (that one 8 times), each bin checked exactly, lost updates counted; then timed
 * beside one thread alone with no sharing at all (seq, the yardstick).
 * Built with the learner's file, or the solution's, by exercises/check.sh (make check
 * EX=race_histogram); not a file to edit.
 * Rate: Mupd/s = n / median_s / 1e6, one update a value.
 *
 *   usage: race_histogram [-n N] [-r R] [-w W] [-t T] [-V critical,atomic,reduction,seq] [--csv]
 */
#include <inttypes.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "arrays.h"
#include "exit_codes.h"
#include "histogram.h"
#include "lesson.h"
#include "memory.h"

#define BINS 16
#define LARGEST_CHECK (INT64_C(4) << 20)
/* Runs at the largest size: where the threads take turns on a core (a loaded machine), the -O0
 * build loses updates only when a thread is stopped between its load and its store, a few times
 * a run; eight runs make a race all but certain to show. */
#define RACE_TRIES 8

typedef enum way { WAY_CRITICAL, WAY_ATOMIC, WAY_REDUCTION, WAY_SEQ, WAYS } way;
static const char *const variants[] = {
    [WAY_CRITICAL] = "critical",
    [WAY_ATOMIC] = "atomic",
    [WAY_REDUCTION] = "reduction",
    [WAY_SEQ] = "seq",
    NULL,
};

typedef struct job {
    way w;
    int threads;
    int64_t n;
    const uint32_t *values;
    int64_t counts[BINS], want[BINS];
    char *detail;
} job;

/* The yardstick: one thread, its own counters, nothing shared. */
static void histogram_alone(const uint32_t *values, int64_t n, int64_t *counts, int bins)
{
    for (int64_t i = 0; i < n; i++)
        counts[values[i] % (uint32_t)bins]++;
}

static void (*const histogram[WAYS])(const uint32_t *, int64_t, int64_t *, int) = {
    [WAY_CRITICAL] = histogram_critical,
    [WAY_ATOMIC] = histogram_atomic,
    [WAY_REDUCTION] = histogram_reduction,
    [WAY_SEQ] = histogram_alone,
};

/* n values from xorshift64, the same every run, and what their histogram must be. */
static void fill(uint32_t *values, int64_t n, int64_t want[BINS])
{
    uint64_t x = UINT64_C(0x9e3779b97f4a7c15);
    memset(want, 0, BINS * sizeof *want);
    for (int64_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        values[i] = (uint32_t)(x >> 32);
        want[values[i] % BINS]++;
    }
}

/* One histogram from zero (the zeroing, 128 bytes, is timed too: the same for every way). */
static void run_variant(void *arg)
{
    job *j = arg;
    memset(j->counts, 0, sizeof j->counts);
    omp_set_num_threads(j->threads);
    histogram[j->w](j->values, j->n, j->counts, BINS);
}

/* Every bin against its count, in the learner's words; 0 when all are right. */
static int verify(void *arg, long runs)
{
    (void)runs;
    job *j = arg;
    int64_t total = 0;
    int first = -1;
    for (int b = 0; b < BINS; b++) {
        total += j->counts[b];
        if (first < 0 && j->counts[b] != j->want[b])
            first = b;
    }
    if (first < 0)
        return 0;
    int n = snprintf(j->detail, PLB_DETAIL_LEN,
                     "%s, %" PRId64 " value%s: bin %d counted %" PRId64 ", expected %" PRId64,
                     variants[j->w], j->n, j->n > 1 ? "s" : "", first, j->counts[first],
                     j->want[first]);
    if (n > 0 && n < PLB_DETAIL_LEN && total < j->n)
        snprintf(j->detail + n, (size_t)(PLB_DETAIL_LEN - n), "; %" PRId64 " updates lost",
                 j->n - total);
    else if (n > 0 && n < PLB_DETAIL_LEN && total > j->n)
        snprintf(j->detail + n, (size_t)(PLB_DETAIL_LEN - n), "; %" PRId64 " updates too many",
                 total - j->n);
    return 1;
}

/* The learner's selected ways at 1, 1000 and 2^22 values: NULL, or what went wrong. */
static const char *check_sizes(job *jobs, const plb_options *opt, uint32_t *values)
{
    const int64_t sizes[] = {1, 1000, LARGEST_CHECK};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        int64_t want[BINS];
        fill(values, sizes[s], want);
        for (way w = WAY_CRITICAL; w < WAY_SEQ; w++) {
            job *j = &jobs[w];
            if (!(opt->variants & 1u << w))
                continue;
            j->n = sizes[s];
            memcpy(j->want, want, sizeof want);
            int tries = sizes[s] == LARGEST_CHECK && j->threads > 1 ? RACE_TRIES : 1;
            for (int t = 0; t < tries; t++) {
                run_variant(j);
                if (verify(j, 1))
                    return j->detail;
            }
        }
    }
    return NULL;
}

static const plb_program program = {
    .name = "race_histogram",
    .summary = "the race_histogram exercise: your three histograms, checked and timed",
    .variants = variants,
};

/* The header, the checks, the timed ways and the verdict, with room for the values of every check
 * and of -n in values: the exit code. */
static int check_and_time(uint32_t *values, const plb_options *opt, int threads)
{
    char detail[PLB_DETAIL_LEN] = "";
    job jobs[WAYS];
    for (way w = WAY_CRITICAL; w < WAYS; w++)
        jobs[w] = (job){
            .w = w, .threads = w == WAY_SEQ ? 1 : threads, .values = values, .detail = detail};
    plb_context ctx = {.program = program.name, .ranks = 1, .threads = threads};
    plb_report_header(stdout, &ctx, opt);
    const char *failure = check_sizes(jobs, opt, values);
    if (failure)
        return plb_report_verdict(opt, failure);
    plb_report_param(stdout, "checked", "1, 1000 and 4194304 values: every bin exact");
    int64_t want[BINS];
    fill(values, opt->n, want);
    plb_variant v[WAYS];
    for (way w = WAY_CRITICAL; w < WAYS; w++) {
        jobs[w].n = opt->n;
        memcpy(jobs[w].want, want, sizeof want);
        v[w] = (plb_variant){.name = variants[w],
                             .threads = jobs[w].threads,
                             .kernel = {.run = run_variant, .verify = verify, .arg = &jobs[w]},
                             .amount = (double)opt->n,
                             .unit = 1e6,
                             .rate_unit = "Mupd/s",
                             .plausible_s = (double)opt->n / jobs[w].threads / PLB_MAX_CLOCK_HZ,
                             .detail = detail};
    }
    failure = plb_run_variants(&program, &ctx, opt, v, WAYS, NULL, stdout, NULL);
    return plb_report_verdict(opt, failure);
}

/* Allocates, checks and times the learner's histograms: the exit code. */
static int run_lesson(const plb_options *opt)
{
    int threads = opt->threads ? opt->threads : omp_get_max_threads();
    int64_t room = opt->n > LARGEST_CHECK ? opt->n : LARGEST_CHECK;
    if (!plb_memory_check(program.name, 4.0 * (double)room))
        return PLB_EXIT_USAGE;
    uint32_t *values = plb_array_alloc((size_t)room * sizeof *values, threads);
    if (!values)
        return plb_refuse(program.name, PLB_EXIT_FAILED, "cannot allocate %" PRId64 " values",
                          room);
    int status = check_and_time(values, opt, threads);
    plb_array_free(values);
    return status;
}

int main(int argc, char **argv)
{
    plb_options opt = {.n = 2 << 20, .repeats = 5, .warmup = 1};
    int status = plb_parse_cli(&program, argc, argv, &opt);
    if (status >= 0)
        return status;
    return run_lesson(&opt);
}
