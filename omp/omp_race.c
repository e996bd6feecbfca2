/* omp_race: one shared counter, many threads: the race and its fixes (the tutorials' race quiz).
 *
 * The lesson: T threads add 1 to one counter, n updates in all. unsync's `counter = counter + 1`
 * is a read, an add and a write; a write from another thread in between is lost, and the note
 * counts the lost updates. The fixes are exact, at very different prices (race_count's variants
 * below): `#pragma omp atomic` (one hardware read-modify-write), `#pragma omp critical` (a
 * runtime-wide mutex), an omp_lock_t, and `reduction(+ : counter)` (a private counter per thread,
 * one sum at the end: no sharing at all). `volatile` does not fix a race: it only makes every
 * read and write go to memory, so unsync, whose counter is volatile, still loses updates.
 *
 * Measurement (not the lesson): seq is one thread alone. Rate: updates per second, Mupd/s =
 * n / median_s / 1e6 (-v adds ns per update). Verified after every batch: the last run's count is
 * exactly n (unsync: at most n; its row says "lost updates" once a run lost one).
 *
 *   usage: omp_race [-n N] [-r R] [-w W] [-t T]
 *                   [-V seq,unsync,atomic,critical,lock,reduction] [-v] [--csv]
 */
#include <inttypes.h>
#include <omp.h>
#include <stdio.h>

#include "lesson.h"
#include "omp_race.h"

/* Tells the compiler that x may have changed: it must keep every update. No instruction. */
#define KEEP(x) __asm__ volatile("" : "+r"(x))

static int64_t unsync(int64_t n, int threads)
{
    volatile int64_t counter = 0; /* volatile: every update goes to memory, and still races */
#pragma omp parallel for schedule(static) num_threads(threads)
    for (int64_t i = 0; i < n; i++)
        counter = counter + 1; /* read, add, write: another thread's write in between is lost */
    return counter;
}

static int64_t atomic(int64_t n, int threads)
{
    int64_t counter = 0;
#pragma omp parallel for schedule(static) num_threads(threads)
    for (int64_t i = 0; i < n; i++) {
#pragma omp atomic
        counter++;
    }
    return counter;
}

static int64_t critical(int64_t n, int threads)
{
    int64_t counter = 0;
#pragma omp parallel for schedule(static) num_threads(threads)
    for (int64_t i = 0; i < n; i++) {
#pragma omp critical
        counter++;
    }
    return counter;
}

static int64_t lock(int64_t n, int threads)
{
    int64_t counter = 0;
    omp_lock_t guard;
    omp_init_lock(&guard);
#pragma omp parallel for schedule(static) num_threads(threads)
    for (int64_t i = 0; i < n; i++) {
        omp_set_lock(&guard);
        counter++;
        omp_unset_lock(&guard);
    }
    omp_destroy_lock(&guard);
    return counter;
}

static int64_t reduction(int64_t n, int threads)
{
    int64_t counter = 0;
#pragma omp parallel for schedule(static) num_threads(threads) reduction(+ : counter)
    for (int64_t i = 0; i < n; i++) {
        counter++; /* this thread's private copy: nothing shared until the final sum */
        KEEP(counter);
    }
    return counter;
}

int64_t race_count(int64_t n, int threads, race_kind kind)
{
    switch (kind) {
    case RACE_SEQ: return reduction(n, 1); /* the same loop and code, on one thread */
    case RACE_UNSYNC: return unsync(n, threads);
    case RACE_ATOMIC: return atomic(n, threads);
    case RACE_CRITICAL: return critical(n, threads);
    case RACE_LOCK: return lock(n, threads);
    case RACE_REDUCTION: return reduction(n, threads);
    }
    return -1;
}

/* The program: the runner times the lesson above and verifies every result. */
typedef race_kind variant; /* the variants: race_count's kinds, in their order */
#define VARIANT_COUNT (RACE_REDUCTION + 1)
static const char *const variants[] = {[RACE_SEQ] = "seq",
                                       [RACE_UNSYNC] = "unsync",
                                       [RACE_ATOMIC] = "atomic",
                                       [RACE_CRITICAL] = "critical",
                                       [RACE_LOCK] = "lock",
                                       [RACE_REDUCTION] = "reduction",
                                       NULL};

typedef struct job {
    int64_t n, count, lost, runs;
    int threads;
    variant variant;
    char *detail;
    char outcome[16]; /* the row's word for people: "lost updates" once unsync lost one */
} job;

static void prepare(void *arg)
{
    ((job *)arg)->count = -1; /* what no run returns */
}

static void run_variant(void *arg)
{
    job *j = arg;
    j->count = race_count(j->n, j->threads, j->variant);
    j->lost += j->n - j->count;
    j->runs++;
}

static int verify(void *arg, long runs)
{
    (void)runs;
    job *j = arg;
    int possible =
        j->variant == RACE_UNSYNC ? j->count >= (j->n > 0) && j->count <= j->n : j->count == j->n;
    if (!possible)
        snprintf(j->detail, PLB_DETAIL_LEN, "counted %" PRId64 ", expected %" PRId64, j->count,
                 j->n);
    snprintf(j->outcome, sizeof j->outcome, "%s", j->lost > 0 ? "lost updates" : "");
    return !possible;
}

/* The fastest believable run: every thread one update per clock cycle. */
static double fastest_run_s(const plb_options *opt)
{
    int threads = opt->threads ? opt->threads : omp_get_max_threads();
    return (double)opt->n / threads / PLB_MAX_CLOCK_HZ;
}

static const plb_program program = {
    .name = "omp_race",
    .summary = "one shared counter, many threads: the race and its fixes",
    .variants = variants,
    .fastest_run_s = fastest_run_s,
};

/* -v's ns per update, and what unsync lost. */
static void report_finding(const plb_options *opt, const job *jobs, const plb_measurement *m)
{
    for (variant k = 0; opt->verbose && k < VARIANT_COUNT; k++)
        if (m[k].status == PLB_MEASURE_OK)
            printf("# ns/update   : %-9s %.3f\n", variants[k], m[k].stats.median * 1e9 / opt->n);
    const job *u = &jobs[RACE_UNSYNC];
    if (m[RACE_UNSYNC].status == PLB_MEASURE_OK)
        printf("# unsync      : race %s: last run counted %" PRId64 " of %" PRId64 " (%" PRId64
               " lost)\n# unsync      : %" PRId64 " of %" PRId64 " updates lost over %" PRId64
               " runs\n",
               u->lost ? "observed" : "not observed", u->count, opt->n, opt->n - u->count, u->lost,
               u->runs * opt->n, u->runs);
}

static int run_lesson(const plb_options *opt)
{
    int threads = opt->threads ? opt->threads : omp_get_max_threads();
    char detail[PLB_DETAIL_LEN] = "";
    job jobs[VARIANT_COUNT];
    plb_variant v[VARIANT_COUNT];
    for (variant k = 0; k < VARIANT_COUNT; k++) {
        int t = k == RACE_SEQ ? 1 : threads;
        jobs[k] = (job){.n = opt->n, .threads = t, .variant = k, .detail = detail};
        v[k] = (plb_variant){
            .name = variants[k],
            .threads = t,
            .kernel = {.prepare = prepare, .run = run_variant, .verify = verify, .arg = &jobs[k]},
            .amount = (double)opt->n,
            .unit = 1e6,
            .rate_unit = "Mupd/s",
            .plausible_s = (double)opt->n / t / PLB_MAX_CLOCK_HZ,
            .detail = detail,
            .outcome = jobs[k].outcome,
            /* a thread waiting for the lock may sleep */
            .idles = k == RACE_CRITICAL || k == RACE_LOCK};
    }
    plb_context ctx = {.program = program.name, .ranks = 1, .threads = threads};
    plb_report_header(stdout, &ctx, opt);
    plb_measurement m[VARIANT_COUNT];
    const char *failure = plb_run_variants(&program, &ctx, opt, v, VARIANT_COUNT, NULL, stdout, m);
    report_finding(opt, jobs, m);
    return plb_report_verdict(opt, failure);
}

int main(int argc, char **argv)
{
    plb_options opt = {.n = 1000000, .repeats = 10, .warmup = 1};
    int status = plb_parse_cli(&program, argc, argv, &opt);
    if (status >= 0)
        return status;
    return run_lesson(&opt);
}
