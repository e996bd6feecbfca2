/* omp_latency: the tutorial's threaded "ping test" without a network. n tasks each wait
 * --wait-ms (a stand-in for I/O latency), then do --spin decrements of CPU work.
 *
 * A waiting thread leaves its core free, so latency-bound work keeps speeding up with more threads
 * than cores: the default is 4 threads per core. CPU-bound work (--wait-ms 0 --spin 10M) stops
 * speeding up at the core count, whatever -t says. This is why Python's threads do help for I/O:
 * the GIL is released while a thread waits. Variants: seq, parallel (a for loop handing out one
 * task at a time), tasks (one OpenMP task per item).
 * Rate: tasks per second = n / median_s. No run can beat ceil(n / threads) * wait, the floor.
 * Verified after every batch: every task ran exactly once (done[i] == i + 1).
 *
 *   usage: omp_latency [-n TASKS] [-r R] [-w W] [-t T] [-V seq,parallel,tasks]
 *                      [--wait-ms MS] [--spin N] [--csv]
 */
#include <inttypes.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit_codes.h"
#include "latency.h"
#include "lesson.h"

typedef enum kind { SEQ, PARALLEL, TASKS } kind;

typedef struct job {
    int64_t *done, tasks;
    latency_work work;
    int threads;
    kind kind;
    char *detail;
} job;

static void prepare(void *arg)
{
    job *j = arg;
    memset(j->done, 0, (size_t)j->tasks * sizeof *j->done);
}

static void run(void *arg)
{
    job *j = arg;
    if (j->kind == SEQ)
        latency_seq(j->tasks, j->work, j->done);
    else if (j->kind == PARALLEL)
        latency_parallel(j->tasks, j->work, j->done, j->threads);
    else
        latency_tasks(j->tasks, j->work, j->done, j->threads);
}

static int verify(void *arg, long runs)
{
    job *j = arg;
    if (runs == 1) {
        int64_t bad = latency_check(j->done, j->tasks);
        if (bad >= 0)
            snprintf(j->detail, 128, "task %" PRId64 " left %" PRId64 ", expected %" PRId64, bad,
                     j->done[bad], bad + 1);
        return bad >= 0;
    }
    /* After several runs without a reset, every task must have run once per run. */
    for (int64_t i = 0; i < j->tasks; i++)
        if (j->done[i] != runs * (i + 1)) {
            snprintf(j->detail, 128, "task %" PRId64 " ran %" PRId64 " times in %ld runs", i,
                     j->done[i] / (i + 1), runs);
            return 1;
        }
    return 0;
}

static double wait_ms = 1.0;
static int64_t spin = 0;
static const plb_opt extra[] = {
    {"wait-ms", 0, PLB_OPT_REAL, &wait_ms, 0, 60000, "MS", "latency each task waits"},
    {"spin", 0, PLB_OPT_COUNT, &spin, 0, 0, "N", "CPU decrements each task does after waiting"},
    {NULL, 0, 0, NULL, 0, 0, NULL, NULL},
};
static const char *const variants[] = {"seq", "parallel", "tasks", NULL};
static const plb_program program = {
    "omp_latency", "latency-bound tasks: more threads than cores pays, for waiting only",
    variants, extra};

int main(int argc, char **argv)
{
    plb_options opt = {.n = 64, .repeats = 5, .warmup = 1};
    int status = plb_parse_cli(&program, argc, argv, &opt);
    if (status >= 0)
        return status;
    int cores = omp_get_num_procs();
    int threads = opt.threads ? opt.threads : 4 * cores;

    int64_t *done = malloc((size_t)opt.n * sizeof *done);
    if (!done) {
        fprintf(stderr, "omp_latency: cannot allocate %" PRId64 " tasks\n", opt.n);
        return PLB_EXIT_FAILED;
    }
    char detail[128] = "";
    latency_work work = {wait_ms / 1e3, spin};
    job jobs[3] = {{done, opt.n, work, 1, SEQ, detail},
                   {done, opt.n, work, threads, PARALLEL, detail},
                   {done, opt.n, work, threads, TASKS, detail}};
    plb_variant v[3];
    for (int i = 0; i < 3; i++) {
        int t = jobs[i].threads;
        double rounds = (double)((opt.n + t - 1) / t); /* tasks the busiest thread waits for */
        v[i] = (plb_variant){variants[i], t, {prepare, run, verify, &jobs[i]}, (double)opt.n,
                             1.0, "tasks/s", rounds * work.wait_s, detail};
    }
    plb_context ctx = {program.name, 1, threads, NULL};
    plb_report_header(stdout, &ctx, &opt);
    plb_report_param(stdout, "wait", "%g ms per task", wait_ms);
    plb_report_param(stdout, "spin", "%" PRId64 " decrements per task", spin);
    plb_report_param(stdout, "cores", "%d (CPU-bound work stops speeding up here)", cores);
    const char *failure = plb_run_variants(&program, &ctx, &opt, v, 3, NULL, stdout, NULL);
    free(done);
    return plb_report_verdict(&opt, failure);
}
