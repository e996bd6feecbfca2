/* schedule_uneven: the checker of the schedule_uneven exercise (exercises/schedule_uneven/): the
 * learner's loop (do_items) runs on -t threads over 1, 7 and 1000 items, every item's result
 * checked; then, on two threads or more, once more with the first item any thread starts held up
 * (HOLD_S at most, until every other item is done). A loop that hands its items out while it
 * runs leaves the rest to the other threads: only the held thread's own chunk waits. A loop that
 * dealt them out before it ran leaves the held thread's whole share waiting. That tells the
 * schedule without a clock, the same on a busy machine. Then it is timed beside schedule(static),
 * schedule(dynamic, 1) and one thread alone.
 * Built with the learner's file, or the solution's, by exercises/check.sh (make check
 * EX=schedule_uneven); not a file to edit.
 * Rate: items/s = n / median_s; an item of cost c (1 to 100) is c x UNIT_STEPS dependent steps.
 *
 *   usage: schedule_uneven [-n N] [-r R] [-w W] [-t T] [-V yours,static,dynamic,seq] [--csv]
 */
#include <inttypes.h>
#include <omp.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "arrays.h"
#include "clock.h"
#include "exit_codes.h"
#include "items.h"
#include "lesson.h"
#include "memory.h"

#define PROBE_ITEMS 1000
/* Items that may wait for the held thread: the rest of its chunk (dynamic, chunks up to 63). */
#define MAY_WAIT (PROBE_ITEMS / 16)
#define HOLD_S 2.0
/* Dependent steps per unit of cost: an item of cost 1 takes about 0.1 us. */
#define UNIT_STEPS 100

/* The probe: while it runs, the first item started holds its thread up. */
static atomic_bool probing;
static atomic_long started, finished;
static atomic_uint_least64_t threads_seen; /* a bit per thread number under 64 that did an item */
static int64_t held_item;
static long left_behind; /* items not done when the held thread went on */

/* The cost of item i of n: 1 + 99 (i / n)^2 units, the last items 100 times the first. */
static int64_t cost(int64_t i, int64_t n)
{
    double x = (double)i / (double)n;
    return 1 + (int64_t)(99.0 * x * x);
}

/* Item i's result: a chain of dependent steps seeded with i; never 0, what no item leaves. The
 * empty asm "may change x" at each step: clang otherwise folds the chain into a few instructions
 * (its measured time fell under a cycle a step), and the items would cost nothing. */
static uint64_t chain(int64_t i, int64_t steps)
{
    uint64_t x = (uint64_t)i * UINT64_C(0x9e3779b97f4a7c15) + 1;
    for (int64_t s = 0; s < steps; s++) {
        x = x * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
        __asm__ volatile("" : "+r"(x));
    }
    return x | 1;
}

uint64_t item_work(int64_t i, int64_t n)
{
    if (!atomic_load(&probing))
        return chain(i, cost(i, n) * UNIT_STEPS);
    int t = omp_get_thread_num();
    if (t < 64)
        atomic_fetch_or(&threads_seen, UINT64_C(1) << t);
    if (atomic_fetch_add(&started, 1) == 0) {
        held_item = i;
        double until = plb_now() + HOLD_S;
        while (atomic_load(&finished) < n - 1 && plb_now() < until)
            plb_sleep(1e-3);
        left_behind = (long)(n - 1 - atomic_load(&finished));
    }
    uint64_t result = chain(i, cost(i, n) * UNIT_STEPS);
    atomic_fetch_add(&finished, 1);
    return result;
}

/* The yardsticks: the schedules the exercise chooses between, and one thread alone. */
static void items_static(int64_t n, uint64_t *out)
{
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++)
        out[i] = item_work(i, n);
}

static void items_dynamic(int64_t n, uint64_t *out)
{
#pragma omp parallel for schedule(dynamic, 1)
    for (int64_t i = 0; i < n; i++)
        out[i] = item_work(i, n);
}

static void items_alone(int64_t n, uint64_t *out)
{
    for (int64_t i = 0; i < n; i++)
        out[i] = item_work(i, n);
}

typedef enum way { WAY_YOURS, WAY_STATIC, WAY_DYNAMIC, WAY_SEQ, WAYS } way;
static const char *const variants[] = {
    [WAY_YOURS] = "yours",
    [WAY_STATIC] = "static",
    [WAY_DYNAMIC] = "dynamic",
    [WAY_SEQ] = "seq",
    NULL,
};
static void (*const loop[WAYS])(int64_t, uint64_t *) = {
    [WAY_YOURS] = do_items,
    [WAY_STATIC] = items_static,
    [WAY_DYNAMIC] = items_dynamic,
    [WAY_SEQ] = items_alone,
};

typedef struct job {
    way w;
    int threads;
    int64_t n;
    uint64_t *out;
    const uint64_t *want;
    char *detail;
} job;

/* Every item's result for n items, into want; returns their cost in steps. */
static double expect(int64_t n, uint64_t *want)
{
    double steps = 0.0;
    for (int64_t i = 0; i < n; i++) {
        want[i] = chain(i, cost(i, n) * UNIT_STEPS);
        steps += (double)(cost(i, n) * UNIT_STEPS);
    }
    return steps;
}

static void prepare(void *arg)
{
    job *j = arg;
    memset(j->out, 0, (size_t)j->n * sizeof *j->out);
}

static void run_variant(void *arg)
{
    job *j = arg;
    omp_set_num_threads(j->threads);
    loop[j->w](j->n, j->out);
}

static int verify(void *arg, long runs)
{
    (void)runs;
    job *j = arg;
    for (int64_t i = 0; i < j->n; i++) {
        if (j->out[i] == j->want[i])
            continue;
        if (j->out[i] == 0)
            snprintf(j->detail, PLB_DETAIL_LEN,
                     "do_items, %" PRId64 " item%s: item %" PRId64 " was never done", j->n,
                     j->n > 1 ? "s" : "", i);
        else
            snprintf(j->detail, PLB_DETAIL_LEN,
                     "do_items, %" PRId64 " item%s: item %" PRId64 " holds %" PRIu64
                     ", not its result %" PRIu64,
                     j->n, j->n > 1 ? "s" : "", i, j->out[i], j->want[i]);
        return 1;
    }
    return 0;
}

/* The learner's loop on j->threads threads over PROBE_ITEMS items, the first item started held
 * up: NULL when the other threads did the rest, else why not (into why). */
static const char *probe(job *j, char *why, size_t len)
{
    atomic_store(&started, 0);
    atomic_store(&finished, 0);
    atomic_store(&threads_seen, 0);
    left_behind = 0;
    atomic_store(&probing, true);
    prepare(j);
    run_variant(j);
    atomic_store(&probing, false);
    if (verify(j, 1))
        return j->detail;
    int ran = 0;
    for (uint64_t seen = atomic_load(&threads_seen); seen; seen &= seen - 1)
        ran++;
    if (ran < 2)
        snprintf(why, len,
                 "do_items, %d threads: one thread did every item: is the loop an "
                 "omp parallel for, its chunks smaller than the loop?",
                 j->threads);
    else if (left_behind > MAY_WAIT)
        snprintf(why, len,
                 "do_items, %d threads: while item %" PRId64 " held its thread up, %ld "
                 "of the other items waited for that thread, though the others were free: they "
                 "were its share before it began: hand them out a few at a time (static deals "
                 "shares out before the loop runs; guided's first chunks and large dynamic ones "
                 "are shares too)",
                 j->threads, held_item, left_behind);
    else
        return NULL;
    return why;
}

static const plb_program program = {
    .name = "schedule_uneven",
    .summary = "the schedule_uneven exercise: your loop's schedule, checked and timed",
    .variants = variants,
};

/* The learner's loop over 1, 7 and PROBE_ITEMS items (their results in want, yours' own), then,
 * on two threads or more, the probe: NULL, or what went wrong (in why, or in the job's detail). */
static const char *check_sizes(job *yours, uint64_t *want, char *why, size_t len)
{
    const int64_t sizes[] = {1, 7, PROBE_ITEMS};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        yours->n = sizes[s];
        expect(yours->n, want);
        prepare(yours);
        run_variant(yours);
        if (verify(yours, 1))
            return yours->detail;
    }
    return yours->threads > 1 ? probe(yours, why, len) : NULL;
}

/* The header, the checks, the timed loops and the verdict, with room for the results of every
 * item in out and want: the exit code. */
static int check_and_time(uint64_t *out, uint64_t *want, const plb_options *opt, int threads)
{
    char detail[PLB_DETAIL_LEN] = "", why[384];
    plb_context ctx = {.program = program.name, .ranks = 1, .threads = threads};
    plb_report_header(stdout, &ctx, opt);
    job jobs[WAYS];
    for (way w = WAY_YOURS; w < WAYS; w++)
        jobs[w] = (job){.w = w,
                        .threads = w == WAY_SEQ ? 1 : threads,
                        .n = opt->n,
                        .out = out,
                        .want = want,
                        .detail = detail};
    const char *failure = check_sizes(&jobs[WAY_YOURS], want, why, sizeof why);
    if (!failure) {
        plb_report_param(stdout, "checked", "1, 7 and 1000 items, every result exact%s",
                         threads > 1 ? "; one thread held up, the others did the rest" : "");
        double steps = expect(opt->n, want);
        jobs[WAY_YOURS].n = opt->n;
        plb_variant v[WAYS];
        for (way w = WAY_YOURS; w < WAYS; w++)
            v[w] = (plb_variant){.name = variants[w],
                                 .threads = jobs[w].threads,
                                 .kernel = {.prepare = prepare,
                                            .run = run_variant,
                                            .verify = verify,
                                            .arg = &jobs[w]},
                                 .amount = (double)opt->n,
                                 .unit = 1.0,
                                 .rate_unit = "items/s",
                                 .plausible_s = steps / jobs[w].threads / PLB_MAX_CLOCK_HZ,
                                 .detail = detail};
        failure = plb_run_variants(&program, &ctx, opt, v, WAYS, NULL, stdout, NULL);
    }
    return plb_report_verdict(opt, failure);
}

/* Allocates, checks and times the learner's loop: the exit code. */
static int run_lesson(const plb_options *opt)
{
    int threads = opt->threads ? opt->threads : omp_get_max_threads();
    int64_t room = opt->n > PROBE_ITEMS ? opt->n : PROBE_ITEMS;
    if (!plb_memory_check(program.name, 16.0 * (double)room))
        return PLB_EXIT_USAGE;
    uint64_t *out = plb_array_alloc((size_t)room * sizeof *out, threads);
    uint64_t *want = plb_array_alloc((size_t)room * sizeof *want, 1);
    int status = out && want ? check_and_time(out, want, opt, threads)
                             : plb_refuse(program.name, PLB_EXIT_FAILED,
                                          "cannot allocate 2 x %" PRId64 " results", room);
    plb_array_free(out);
    plb_array_free(want);
    return status;
}

int main(int argc, char **argv)
{
    plb_options opt = {.n = 4000, .repeats = 5, .warmup = 1};
    int status = plb_parse_cli(&program, argc, argv, &opt);
    if (status >= 0)
        return status;
    return run_lesson(&opt);
}
