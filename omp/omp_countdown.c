/* omp_countdown: the tutorials' countdown (`while n > 0: n -= 1`, n = 50,000,000), sequential and
 * split over OpenMP threads: threads against the GIL.
 *
 * The lesson: in CPython, threads cannot speed this up: the GIL lets one thread run bytecode at a
 * time. In C every OpenMP thread counts its own share on its own core at the same time
 * (countdown_parallel below: `#pragma omp parallel`, each thread its share), so the speedup is
 * near the thread count, up to the number of cores. --demo shows named workers counting 5..1
 * together (the interleaving real threads produce), then one after the other.
 *
 * Measurement (not the lesson): each decrement is one dependent instruction, so a run can never
 * take under one clock cycle per decrement; the program fails loudly if one does (assumed clock at
 * most 6 GHz), because then the compiler deleted the loop (see countdown() for how it is kept).
 * Rate: decrements per second, Gdec/s = n / median_s / 1e9 (-v adds ns per decrement per thread).
 * Verified after every batch: every thread's share counted down to 0, the shares adding to n.
 *
 *   usage: omp_countdown [-n N] [-r R] [-w W] [-t T] [-V seq,parallel] [--demo] [-v] [--csv]
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <omp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "clock.h"
#include "exit_codes.h"
#include "lesson.h"
#include "omp_countdown.h"
#include "partition.h"

/* Aligned to a cache line and never inlined: a loop of one dependent decrement runs at one or two
 * cycles an iteration depending on where it falls against the front end's fetch windows, and so on
 * where the linker put the function. Aligned, every program that counts (omp_countdown,
 * mpi_countdown, the bench's copies) runs the same code at the same offset: measured under the
 * sanitizers, where it landed at 0 mod 64 in one and 39 in the other, 13 ms against 7 ms for 20M.
 * Inlined into seq below, gcc -O2 put the loop across a 64-byte line: on an AMD EPYC seq took
 * 12.7 ms for 20M and the same thread's share in parallel (-t 1) 6.1 ms, a false 2x. */
__attribute__((aligned(64), noinline)) int64_t countdown(int64_t n)
{
    while (n > 0) {
        n--;
        /* An empty asm statement that "may change n": the compiler can no longer see what the
         * loop computes, so it cannot replace it with n = 0 (which gcc -O2 otherwise does), and
         * every decrement really happens. It emits no instruction. */
        __asm__ volatile("" : "+r"(n));
    }
    return n;
}

int countdown_parallel(int64_t n, int threads, int64_t *shares, int64_t *left)
{
    int team = 0;
#pragma omp parallel num_threads(threads)
    {
        int t = omp_get_thread_num();
        int size = omp_get_num_threads();
        shares[t] = plb_block_count(n, size, t);
        left[t] = countdown(shares[t]);
#pragma omp single nowait
        team = size;
    }
    return team;
}

/* The program: the runner times the lesson above and verifies every result. */
typedef enum { SEQ, PARALLEL, VARIANT_COUNT } variant;
static const char *const variants[] = {[SEQ] = "seq", [PARALLEL] = "parallel", NULL};

typedef struct job {
    int64_t n;
    int threads, team;
    int64_t *shares, *left; /* threads entries each */
    variant variant;
    char *detail;
} job;

static void prepare(void *arg)
{
    job *j = arg;
    for (int t = 0; t < j->threads; t++)
        j->shares[t] = j->left[t] = -1; /* what no countdown leaves */
    j->team = 0;
}

static void run_variant(void *arg)
{
    job *j = arg;
    switch (j->variant) {
    case SEQ:
        j->shares[0] = j->n;
        j->left[0] = countdown(j->n);
        j->team = 1;
        break;
    case PARALLEL: j->team = countdown_parallel(j->n, j->threads, j->shares, j->left); break;
    case VARIANT_COUNT: break; /* not a variant */
    }
}

static int verify(void *arg, long runs)
{
    (void)runs;
    job *j = arg;
    int64_t total = 0;
    for (int t = 0; t < j->team; t++) {
        if (j->left[t] != 0) {
            snprintf(j->detail, PLB_DETAIL_LEN, "thread %d left %" PRId64 " of %" PRId64, t,
                     j->left[t], j->shares[t]);
            return 1;
        }
        total += j->shares[t];
    }
    if (total != j->n)
        snprintf(j->detail, PLB_DETAIL_LEN, "%d threads counted %" PRId64 " of %" PRId64, j->team,
                 total, j->n);
    return total != j->n;
}

static void worker_name(int t, char *name, size_t len)
{
    static const char *const names[] = {"Alice", "Bob",   "Carol", "Dave",
                                        "Eve",   "Frank", "Grace", "Heidi"};
    if (t < 8)
        snprintf(name, len, "%s", names[t]);
    else
        snprintf(name, len, "worker%d", t);
}

/* Each worker counts 5..1 with a 10 ms pause per step (the tutorial's time.sleep): first all at
 * once in a parallel region, then one after the other. Returns whether every worker said its
 * numbers in order, both times. */
static bool demo(int threads)
{
    int *said = calloc((size_t)threads, sizeof *said), wrong = 0;
    if (!said)
        return false;
    printf("# demo        : %d workers counting down at once (OpenMP threads)\n", threads);
#pragma omp parallel num_threads(threads) reduction(+ : wrong)
    {
        int t = omp_get_thread_num();
        char name[24];
        worker_name(t, name, sizeof name);
        for (int k = 5; k >= 1; k--) {
            /* Python's `with print_lock: print(...)`: one worker at a time prints and counts, so
             * lines never mix and each worker's numbers come out in its order. */
#pragma omp critical
            {
                printf("%s: %d\n", name, k);
                wrong += said[t]++ != 5 - k;
            }
            plb_sleep(0.01);
        }
    }
    printf("# demo        : the same workers one after the other (sequential)\n");
    for (int t = 0; t < threads; t++) {
        char name[24];
        worker_name(t, name, sizeof name);
        for (int k = 5; k >= 1; k--) {
            printf("%s: %d\n", name, k);
            plb_sleep(0.01);
        }
    }
    free(said);
    return wrong == 0;
}

static bool show_demo;
/* clang-format off */
static const plb_opt extra[] = {
    {.long_name = "demo", .kind = PLB_OPT_FLAG, .target = &show_demo,
     .help = "named workers count 5..1, no timing"},
    PLB_OPT_END,
};
/* clang-format on */
/* The fastest believable run: every thread one decrement per clock cycle. */
static double fastest_run_s(const plb_options *opt)
{
    int threads = opt->threads ? opt->threads : omp_get_max_threads();
    return (double)opt->n / threads / PLB_MAX_CLOCK_HZ;
}

static const plb_program program = {
    .name = "omp_countdown",
    .summary = "count n down to 0: sequential vs split over OpenMP threads",
    .variants = variants,
    .extra = extra,
    .fastest_run_s = fastest_run_s,
};

/* The variants, counting into shares and left (threads entries each); the finding, -v's ns per
 * decrement; returns the verdict's exit code. */
static int measure(const plb_options *opt, const plb_context *ctx, int64_t *shares, int64_t *left)
{
    int threads = ctx->threads;
    /* The decrements of the busiest thread: the lower bound of a run, one per clock cycle. */
    double busiest[] = {
        [SEQ] = (double)opt->n, [PARALLEL] = (double)plb_block_count(opt->n, threads, 0)};
    char detail[PLB_DETAIL_LEN] = "";
    job jobs[VARIANT_COUNT];
    plb_variant v[VARIANT_COUNT];
    for (variant k = 0; k < VARIANT_COUNT; k++) {
        jobs[k] = (job){.n = opt->n,
                        .threads = threads,
                        .shares = shares,
                        .left = left,
                        .variant = k,
                        .detail = detail};
        v[k] = (plb_variant){
            .name = variants[k],
            .threads = k == SEQ ? 1 : threads,
            .kernel = {.prepare = prepare, .run = run_variant, .verify = verify, .arg = &jobs[k]},
            .amount = (double)opt->n,
            .unit = 1e9,
            .rate_unit = "Gdec/s",
            .plausible_s = busiest[k] / PLB_MAX_CLOCK_HZ,
            .detail = detail};
    }
    plb_measurement measured[VARIANT_COUNT];
    const char *failure =
        plb_run_variants(&program, ctx, opt, v, VARIANT_COUNT, NULL, stdout, measured);
    char how[48];
    if (plb_compared(&measured[PARALLEL], &measured[SEQ], how, sizeof how))
        plb_report_param(stdout, "finding",
                         "parallel ran %s seq: %d threads counting their shares "
                         "at once",
                         how, threads);
    for (variant k = 0; opt->verbose && k < VARIANT_COUNT; k++)
        if (measured[k].status == PLB_MEASURE_OK)
            printf("# ns/decrement: %s %.3f per thread\n", v[k].name,
                   measured[k].stats.median * 1e9 / busiest[k]);
    return plb_report_verdict(opt, failure);
}

static int run_lesson(const plb_options *opt)
{
    int threads = opt->threads ? opt->threads : omp_get_max_threads();
    plb_context ctx = {.program = program.name, .ranks = 1, .threads = threads};
    plb_report_header(stdout, &ctx, opt);
    if (show_demo)
        return plb_report_verdict(opt, demo(threads) ? NULL : "demo: a worker lost count");
    int64_t *shares = calloc((size_t)threads, sizeof *shares);
    int64_t *left = calloc((size_t)threads, sizeof *left);
    int status = shares && left ? measure(opt, &ctx, shares, left)
                                : plb_refuse(program.name, PLB_EXIT_FAILED, "out of memory");
    free(shares);
    free(left);
    return status;
}

int main(int argc, char **argv)
{
    plb_options opt = {.n = 50000000, .repeats = 10, .warmup = 1};
    int status = plb_parse_cli(&program, argc, argv, &opt);
    if (status >= 0)
        return status;
    return run_lesson(&opt);
}
