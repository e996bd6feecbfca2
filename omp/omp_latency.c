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

#include "clock.h"
#include "exit_codes.h"
#include "lesson.h"
#include "memory.h"
#include "omp_countdown.h"
#include "omp_latency.h"

static void one_task(int64_t i, latency_work w, int64_t *done)
{
    plb_sleep(w.wait_s); /* the thread sleeps: its core is free for another thread meanwhile */
    done[i] += i + 1 + countdown(w.spin); /* countdown returns 0 after w.spin decrements */
}

void latency_seq(int64_t tasks, latency_work w, int64_t *done)
{
    for (int64_t i = 0; i < tasks; i++)
        one_task(i, w, done);
}

void latency_parallel(int64_t tasks, latency_work w, int64_t *done, int threads)
{
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (int64_t i = 0; i < tasks; i++)
        one_task(i, w, done);
}

void latency_tasks(int64_t tasks, latency_work w, int64_t *done, int threads)
{
#pragma omp parallel num_threads(threads)
#pragma omp single
    for (int64_t i = 0; i < tasks; i++) {
#pragma omp task firstprivate(i)
        one_task(i, w, done);
    }
}

int64_t latency_check(const int64_t *done, int64_t tasks)
{
    for (int64_t i = 0; i < tasks; i++)
        if (done[i] != i + 1)
            return i;
    return -1;
}

/* The program: the runner times the lesson above and verifies every result. */
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
            snprintf(j->detail, PLB_DETAIL_LEN, "task %" PRId64 " left %" PRId64 ", expected %" PRId64, bad,
                     j->done[bad], bad + 1);
        return bad >= 0;
    }
    /* After several runs without a reset, every task must have run once per run. */
    for (int64_t i = 0; i < j->tasks; i++)
        if (j->done[i] != runs * (i + 1)) {
            snprintf(j->detail, PLB_DETAIL_LEN, "task %" PRId64 " ran %" PRId64 " times in %ld runs", i,
                     j->done[i] / (i + 1), runs);
            return 1;
        }
    return 0;
}

static double wait_ms = 1.0;
static int64_t spin = 0;
static const plb_opt extra[] = {
    {.long_name = "wait-ms", .kind = PLB_OPT_REAL, .target = &wait_ms, .max = 60000, .arg_name = "MS", .help = "latency each task waits"},
    {.long_name = "spin", .kind = PLB_OPT_COUNT, .target = &spin, .arg_name = "N", .help = "CPU decrements each task does after waiting"},
    PLB_OPT_END,
};
static const char *const variants[] = {"seq", "parallel", "tasks", NULL};
static const plb_program program = {
    .name = "omp_latency",
    .summary = "latency-bound tasks: more threads than cores pays, for waiting only",
    .variants = variants,
    .extra = extra,
};

int main(int argc, char **argv)
{
    plb_options opt = {.n = 64, .repeats = 5, .warmup = 1};
    int status = plb_parse_cli(&program, argc, argv, &opt);
    if (status >= 0)
        return status;
    int cores = omp_get_num_procs();
    int threads = opt.threads ? opt.threads : 4 * cores;

    if (!plb_memory_check(program.name, 8.0 * (double)opt.n))
        return PLB_EXIT_USAGE;
    int64_t *done = malloc((size_t)opt.n * sizeof *done);
    if (!done) {
        fprintf(stderr, "omp_latency: cannot allocate %" PRId64 " tasks\n", opt.n);
        return PLB_EXIT_FAILED;
    }
    char detail[PLB_DETAIL_LEN] = "";
    latency_work work = {wait_ms / 1e3, spin};
    job jobs[3] = {{done, opt.n, work, 1, SEQ, detail},
                   {done, opt.n, work, threads, PARALLEL, detail},
                   {done, opt.n, work, threads, TASKS, detail}};
    plb_variant v[3];
    for (int i = 0; i < 3; i++) {
        int t = jobs[i].threads;
        double rounds = (double)((opt.n + t - 1) / t); /* tasks the busiest thread waits for */
        v[i] = (plb_variant){.name = variants[i], .threads = t,
                             .kernel = {prepare, run, verify, &jobs[i]}, .amount = (double)opt.n,
                             .unit = 1.0, .rate_unit = "tasks/s",
                             .plausible_s = rounds * work.wait_s, .detail = detail};
    }
    plb_context ctx = {.program = program.name, .ranks = 1, .threads = threads};
    plb_report_header(stdout, &ctx, &opt);
    plb_report_param(stdout, "wait", "%g ms per task", wait_ms);
    plb_report_param(stdout, "spin", "%" PRId64 " decrements per task", spin);
    plb_report_param(stdout, "cores", "%d (CPU-bound work stops speeding up here)", cores);
    const char *failure = plb_run_variants(&program, &ctx, &opt, v, 3, NULL, stdout, NULL);
    free(done);
    return plb_report_verdict(&opt, failure);
}
