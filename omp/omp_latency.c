/* omp_latency: the tutorials' threaded "ping test" without a network: n tasks each wait
 * --wait-ms (a stand-in for I/O latency), then do --spin decrements of CPU work.
 *
 * The lesson: a waiting thread leaves its core free, so latency-bound work keeps speeding up with
 * more threads than cores (the default is 4 threads per core); CPU-bound work (--wait-ms 0
 * --spin 10M) stops at the core count, whatever -t says. That is why Python's threads do help for
 * I/O: the GIL is released while a thread waits. Variants below: latency_parallel (`#pragma omp
 * parallel for schedule(dynamic, 1)`), latency_tasks (`#pragma omp task` per item), and
 * latency_eventloop, Python's asyncio: one thread that keeps T waits in flight as timers in an
 * epoll set. It matches T threads while the work waits (concurrency without parallelism) and
 * gains nothing once the work is CPU: one thread computes alone.
 *
 * Measurement (not the lesson): -v's "# cpu" notes show that waiting costs no CPU time. Rate:
 * tasks per second = n / median_s; no run can beat ceil(n / T) * wait, the floor. Verified after
 * every batch: every task ran exactly once (done[i] == i + 1).
 *
 *   usage: omp_latency [-n TASKS] [-r R] [-w W] [-t T] [-V seq,parallel,tasks,eventloop]
 *                      [--wait-ms MS] [--spin N] [-v] [--csv]
 */
#define _GNU_SOURCE /* timerfd and epoll */
#include <errno.h>
#include <inttypes.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "clock.h"
#include "arrays.h"
#include "exit_codes.h"
#include "lesson.h"
#include "memory.h"
#include "omp_countdown.h"
#include "omp_latency.h"

/* What a task does once its wait is over: CPU work, then its mark. */
static void task_work(int64_t i, latency_work w, int64_t *done)
{
    done[i] += i + 1 + countdown(w.spin); /* countdown returns 0 after w.spin decrements */
}

static void one_task(int64_t i, latency_work w, int64_t *done)
{
    plb_sleep(w.wait_s); /* the thread sleeps: its core is free for another thread meanwhile */
    task_work(i, w, done);
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

/* Task i's wait begins: its slot's timer will fire once, w.wait_s from now (at least 1 ns, since a
 * zero time would disarm the timer instead). */
static int start_wait(int timer, latency_work w)
{
    struct itimerspec when = {.it_value = plb_timespec(w.wait_s)};
    if (when.it_value.tv_sec == 0 && when.it_value.tv_nsec == 0)
        when.it_value.tv_nsec = 1;
    return timerfd_settime(timer, 0, &when, NULL);
}

int latency_eventloop(int64_t tasks, latency_work w, int64_t *done, int in_flight)
{
    int slots = (int)(tasks < in_flight ? tasks : in_flight);
    int loop = epoll_create1(EPOLL_CLOEXEC), failed = loop < 0;
    int *timer = calloc((size_t)slots + 1, sizeof *timer);
    int64_t *task_of = calloc((size_t)slots + 1, sizeof *task_of);
    int opened = 0;
    failed |= !timer || !task_of;
    /* Every slot: a timer in the epoll set, tagged with its slot, its first task's wait begun. */
    for (; !failed && opened < slots; opened++) {
        timer[opened] = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
        struct epoll_event e = {.events = EPOLLIN, .data.u32 = (uint32_t)opened};
        task_of[opened] = opened;
        failed = timer[opened] < 0 || epoll_ctl(loop, EPOLL_CTL_ADD, timer[opened], &e) != 0 ||
                 start_wait(timer[opened], w) != 0;
    }
    int64_t next = slots, finished = 0;
    while (!failed && finished < tasks) {
        struct epoll_event ready[64];
        int count = epoll_wait(loop, ready, 64, -1); /* the one thread sleeps until a wait ends */
        failed = count < 0 && errno != EINTR;
        for (int e = 0; e < count; e++) {
            int slot = (int)ready[e].data.u32;
            uint64_t expirations;
            failed |= read(timer[slot], &expirations, sizeof expirations) != sizeof expirations;
            task_work(task_of[slot], w, done); /* the loop runs it: nothing else moves meanwhile */
            finished++;
            if (next < tasks) {
                task_of[slot] = next++;
                failed |= start_wait(timer[slot], w) != 0;
            }
        }
    }
    for (int s = 0; s < opened; s++)
        if (timer[s] >= 0)
            close(timer[s]);
    if (loop >= 0)
        close(loop);
    free(timer);
    free(task_of);
    return failed ? -1 : 0;
}

int64_t latency_check(const int64_t *done, int64_t tasks)
{
    for (int64_t i = 0; i < tasks; i++)
        if (done[i] != i + 1)
            return i;
    return -1;
}

/* The program: the runner times the lesson above and verifies every result. */
#define FILES_KEPT 32 /* open files left for everything but the event loop's timers */
typedef enum { SEQ, PARALLEL, TASKS, EVENTLOOP, VARIANT_COUNT } variant;
static const char *const variants[] = {
    [SEQ] = "seq", [PARALLEL] = "parallel", [TASKS] = "tasks", [EVENTLOOP] = "eventloop", NULL};

typedef struct job {
    int64_t *done, tasks;
    latency_work work;
    int threads; /* for eventloop: the waits it keeps in flight on its one thread */
    variant variant;
    int failed; /* eventloop could not make its timers */
    char *detail;
} job;

static void prepare(void *arg)
{
    job *j = arg;
    memset(j->done, 0, (size_t)j->tasks * sizeof *j->done);
}

static void run_variant(void *arg)
{
    job *j = arg;
    switch (j->variant) {
    case SEQ: latency_seq(j->tasks, j->work, j->done); break;
    case PARALLEL: latency_parallel(j->tasks, j->work, j->done, j->threads); break;
    case TASKS: latency_tasks(j->tasks, j->work, j->done, j->threads); break;
    case EVENTLOOP:
        j->failed |= latency_eventloop(j->tasks, j->work, j->done, j->threads) != 0;
        break;
    case VARIANT_COUNT: break; /* not a variant */
    }
}

static int verify(void *arg, long runs)
{
    job *j = arg;
    if (j->failed) {
        snprintf(j->detail, PLB_DETAIL_LEN, "the event loop could not make its timers: %s",
                 strerror(errno));
        return 1;
    }
    if (runs == 1) {
        int64_t bad = latency_check(j->done, j->tasks);
        if (bad >= 0)
            snprintf(j->detail, PLB_DETAIL_LEN,
                     "task %" PRId64 " left %" PRId64 ", expected %" PRId64, bad, j->done[bad],
                     bad + 1);
        return bad >= 0;
    }
    /* After several runs without a reset, every task must have run once per run. */
    for (int64_t i = 0; i < j->tasks; i++)
        if (j->done[i] != runs * (i + 1)) {
            snprintf(j->detail, PLB_DETAIL_LEN,
                     "task %" PRId64 " ran %" PRId64 " times in %ld runs", i, j->done[i] / (i + 1),
                     runs);
            return 1;
        }
    return 0;
}

static double wait_ms = 1.0;
static int64_t spin = 0;
/* clang-format off */
static const plb_opt extra[] = {
    {.long_name = "wait-ms", .kind = PLB_OPT_REAL, .target = &wait_ms, .max = 60000,
     .arg_name = "MS", .help = "latency each task waits"},
    {.long_name = "spin", .kind = PLB_OPT_COUNT, .target = &spin, .arg_name = "N",
     .help = "CPU decrements each task does after waiting"},
    PLB_OPT_END,
};
/* clang-format on */
static const plb_program program = {
    .name = "omp_latency",
    .summary = "latency-bound tasks: more threads than cores pays, for waiting only",
    .variants = variants,
    .extra = extra,
};

/* The event loop keeps as many waits in flight as the others have threads, each an open timer:
 * as many as the open-file limit leaves room for. */
static int waits_in_flight(int threads)
{
    struct rlimit files;
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY &&
        files.rlim_cur < (rlim_t)threads + FILES_KEPT)
        return files.rlim_cur > FILES_KEPT ? (int)(files.rlim_cur - FILES_KEPT) : 1;
    return threads;
}

/* The variants' table: their jobs on done[], tasks waiting at once, floors. */
static void make_variants(const plb_options *opt, int threads, int64_t *done, char *detail,
                          job *jobs, plb_variant *v)
{
    latency_work work = {.wait_s = wait_ms / 1e3, .spin = spin};
    int in_flight = waits_in_flight(threads);
    for (variant k = 0; k < VARIANT_COUNT; k++) {
        int t = k == SEQ ? 1 : k == EVENTLOOP ? in_flight : threads; /* tasks waiting at once */
        jobs[k] = (job){.done = done,
                        .tasks = opt->n,
                        .work = work,
                        .threads = t,
                        .variant = k,
                        .detail = detail};
        double rounds = (double)((opt->n + t - 1) / t); /* tasks the busiest thread waits for */
        v[k] = (plb_variant){
            .name = variants[k],
            .threads = k == EVENTLOOP ? 1 : t,
            .kernel = {.prepare = prepare, .run = run_variant, .verify = verify, .arg = &jobs[k]},
            .amount = (double)opt->n,
            .unit = 1.0,
            .rate_unit = "tasks/s",
            .plausible_s = rounds * work.wait_s,
            .detail = detail,
            .idles = true}; /* waiting is the work */
    }
}

/* The variants on done[]; the findings; returns the verdict's exit code. */
static int measure(const plb_options *opt, int threads, int64_t *done)
{
    int cores = omp_get_num_procs();
    char detail[PLB_DETAIL_LEN] = "";
    job jobs[VARIANT_COUNT];
    plb_variant v[VARIANT_COUNT];
    make_variants(opt, threads, done, detail, jobs, v);
    plb_context ctx = {.program = program.name, .ranks = 1, .threads = threads};
    plb_report_header(stdout, &ctx, opt);
    plb_report_param(stdout, "wait", "%g ms per task", wait_ms);
    plb_report_param(stdout, "spin", "%" PRId64 " decrements per task", spin);
    plb_report_param(stdout, "cores", "%d (CPU-bound work stops speeding up here)", cores);
    plb_report_param(stdout, "eventloop", "1 thread, up to %d waits in flight",
                     jobs[EVENTLOOP].threads);
    plb_measurement measured[VARIANT_COUNT];
    const char *failure =
        plb_run_variants(&program, &ctx, opt, v, VARIANT_COUNT, NULL, stdout, measured);
    /* The reasons follow the tasks: waits (--wait-ms), computing (--spin), or both. */
    bool waits = wait_ms > 0.0, computes = spin > 0;
    const char *overlap = !waits     ? "no waits to overlap: the computing shares the cores"
                          : computes ? "the waits overlap; the computing shares the cores"
                                     : "the waits overlap";
    const char *one_thread = !waits     ? "no waits: the one thread computes every task"
                             : computes ? "a wait needs no core, the computing does"
                                        : "a wait needs no core";
    char how[48];
    if (plb_compared(&measured[PARALLEL], &measured[SEQ], how, sizeof how))
        plb_report_param(stdout, "finding", "parallel ran %s seq on %d threads, %d cores: %s", how,
                         threads, cores, overlap);
    if (plb_compared(&measured[EVENTLOOP], &measured[SEQ], how, sizeof how))
        plb_report_param(stdout, "finding", "eventloop ran %s seq on one thread: %s", how,
                         one_thread);
    return plb_report_verdict(opt, failure);
}

static int run_lesson(const plb_options *opt)
{
    int threads = opt->threads ? opt->threads : 4 * omp_get_num_procs();
    if (!plb_memory_check(program.name, 8.0 * (double)opt->n))
        return PLB_EXIT_USAGE;
    int64_t *done = plb_array_alloc((size_t)opt->n * sizeof *done, 1);
    if (!done)
        return plb_refuse(program.name, PLB_EXIT_FAILED, "cannot allocate %" PRId64 " tasks",
                          opt->n);
    int status = measure(opt, threads, done);
    plb_array_free(done);
    return status;
}

int main(int argc, char **argv)
{
    plb_options opt = {.n = 64, .repeats = 5, .warmup = 1};
    int status = plb_parse_cli(&program, argc, argv, &opt);
    if (status >= 0)
        return status;
    return run_lesson(&opt);
}
