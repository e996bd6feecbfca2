/* omp_deadlock: two threads take two locks in opposite order, the classic deadlock, next to the
 * fix: one global lock order.
 *
 * The lesson (lock_pair below): thread 0 holds A and waits for B while thread 1 holds B and waits
 * for A: neither can go on, forever. The fixed variant, both threads taking A before B, cannot
 * make such a cycle. A watchdog ends a run that makes no progress for --timeout seconds with the
 * verdict DEADLOCK and exit code 3 and says which thread holds which lock, so the caller never
 * hangs; a slow run that keeps completing rounds is never called deadlocked.
 *
 * Measurement (not the lesson): the kernel makes the deadlocking interleaving certain by letting
 * each thread wait for the other to hold its first lock; the fixed variant gets through the same
 * interleaving. Variants run in the order fixed, deadlock. Rate: lock rounds per second,
 * krounds/s = n / median_s / 1e3; the times include the forced meeting in the first round (up to
 * 5 ms). Verified after every batch: the counter both threads add to under both locks is exactly
 * 2n.
 *
 *   usage: omp_deadlock [-n ROUNDS] [-r R] [-w W] [-V fixed,deadlock] [--timeout S] [-v] [--csv]
 */
#include <inttypes.h>
#include <omp.h>
#include <stdio.h>
#include <unistd.h>

#include "exit_codes.h"
#include "lesson.h"
#include "omp_deadlock.h"
#include "watchdog.h"

int64_t lock_pair(int64_t rounds, lock_order order, double meet_s)
{
    omp_lock_t a, b;
    omp_init_lock(&a);
    omp_init_lock(&b);
    int64_t counter = 0;
    int holding = 0; /* threads holding their first lock, in the first round */
#pragma omp parallel num_threads(2)
    {
        int me = omp_get_thread_num();
        omp_lock_t *first = order == LOCKS_OPPOSITE && me == 1 ? &b : &a;
        omp_lock_t *second = first == &a ? &b : &a;
        for (int64_t r = 0; r < rounds; r++) {
            omp_set_lock(first);
            if (r == 0) {
#pragma omp atomic
                holding++;
                double give_up = omp_get_wtime() + meet_s;
                int seen;
                do {
#pragma omp atomic read
                    seen = holding;
                } while (seen < omp_get_num_threads() && omp_get_wtime() < give_up);
            }
            omp_set_lock(second); /* LOCKS_OPPOSITE: each waits here for the other's first lock */
            counter++;
            omp_unset_lock(second);
            omp_unset_lock(first);
            plb_watchdog_progress(); /* a round done: what the watchdog watches */
        }
    }
    omp_destroy_lock(&a);
    omp_destroy_lock(&b);
    return counter;
}

/* The program: the runner times the lesson above and verifies every result. */
#define MEET_S 0.005

typedef enum { FIXED, DEADLOCK, VARIANT_COUNT } variant;
static const char *const variants[] = {[FIXED] = "fixed", [DEADLOCK] = "deadlock", NULL};
static const lock_order order_of[] = {[FIXED] = LOCKS_GLOBAL, [DEADLOCK] = LOCKS_OPPOSITE};

typedef struct job {
    int64_t rounds, counter;
    variant variant;
    char *detail;
} job;

static void prepare(void *arg)
{
    job *j = arg;
    j->counter = -1;
    plb_watchdog_watch(true);
}

static void run_variant(void *arg)
{
    job *j = arg;
    j->counter = lock_pair(j->rounds, order_of[j->variant], MEET_S);
}

static int verify(void *arg, long runs)
{
    (void)runs;
    job *j = arg;
    plb_watchdog_watch(false);
    if (j->counter != 2 * j->rounds)
        snprintf(j->detail, PLB_DETAIL_LEN, "counter %" PRId64 ", expected %" PRId64, j->counter,
                 2 * j->rounds);
    return j->counter != 2 * j->rounds;
}

static double timeout_s = 2.0;
/* clang-format off */
static const plb_opt extra[] = {
    {.long_name = "timeout", .kind = PLB_OPT_REAL, .target = &timeout_s, .min = 0.01, .max = 3600,
     .arg_name = "S", .help = "watchdog: a run without progress this long is a deadlock"},
    PLB_OPT_END,
};
/* clang-format on */
/* The fastest believable run: the two threads' 2n rounds hold the same locks one after the
 * other, each round at least one clock cycle. */
static double fastest_run_s(const plb_options *opt)
{
    return 2.0 * (double)opt->n / PLB_MAX_CLOCK_HZ;
}

static const plb_program program = {
    .name = "omp_deadlock",
    .summary = "two threads, two locks: opposite order deadlocks, one global order does not",
    .variants = variants,
    .extra = extra,
    .fastest_run_s = fastest_run_s,
};

static int run_lesson(const plb_options *opt)
{
    if (opt->threads != 0 && opt->threads != 2)
        return plb_refuse(program.name, PLB_EXIT_USAGE,
                          "this lesson needs exactly 2 threads, not %d", opt->threads);
    char line[256];
    snprintf(line, sizeof line,
             "DEADLOCK: no progress for %g s: thread 0 holds lock A and waits for B, thread 1 "
             "holds B and waits for A\n",
             timeout_s);
    if (plb_watchdog_install(line, opt->csv ? STDERR_FILENO : STDOUT_FILENO, timeout_s, 0.0, NULL))
        return plb_refuse(program.name, PLB_EXIT_FAILED, "cannot start the watchdog thread");

    char detail[PLB_DETAIL_LEN] = "";
    job jobs[VARIANT_COUNT];
    plb_variant v[VARIANT_COUNT];
    for (variant k = 0; k < VARIANT_COUNT; k++) {
        jobs[k] = (job){.rounds = opt->n, .variant = k, .detail = detail};
        v[k] = (plb_variant){
            .name = variants[k],
            .threads = 2,
            .kernel = {.prepare = prepare, .run = run_variant, .verify = verify, .arg = &jobs[k]},
            .amount = (double)opt->n,
            .unit = 1e3,
            .rate_unit = "krounds/s",
            .detail = detail};
    }
    plb_context ctx = {.program = program.name, .ranks = 1, .threads = 2};
    plb_report_header(stdout, &ctx, opt);
    plb_report_param(stdout, "timeout", "%g s", timeout_s);
    plb_report_param(stdout, "meeting", "up to %g ms in the first round, included in the times",
                     MEET_S * 1e3);
    const char *failure =
        plb_run_variants(&program, &ctx, opt, v, VARIANT_COUNT, NULL, stdout, NULL);
    return plb_report_verdict(opt, failure);
}

int main(int argc, char **argv)
{
    plb_options opt = {.n = 100000, .repeats = 10, .warmup = 1};
    int status = plb_parse_cli(&program, argc, argv, &opt);
    if (status >= 0)
        return status;
    return run_lesson(&opt);
}
