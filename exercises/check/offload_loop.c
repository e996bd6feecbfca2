/* offload_loop: the checker of the offload_loop exercise (exercises/offload_loop/): the learner's
 * square_on_device and diffuse_on_device run on the offload device, every element checked against
 * the host's result, and what crossed between host and device counted (LLVM's libomptarget
 * reports each copy it makes; shared/copy_tap.c counts them). A loop that ran on the host moved
 * nothing; a field mapped every step moves it every step; an output mapped `to` never comes back. exercises/check.sh builds it for LLVM's CPU device (clang's
 * -fopenmp-targets=<this machine>): memory of its own, copied to and from as a GPU's, so a map
 * left out shows here without a GPU.
 * Then it is timed beside the device's own copy loop (the data resident there), the same steps
 * with the field mapped every step, and the steps on the host's threads.
 * Built with the learner's file, or the solution's, by exercises/check.sh (make check
 * EX=offload_loop); not a file to edit.
 * Rate: GB/s as STREAM counts: 16 bytes an element (square: x read, y written; the copy) or an
 * update (diffuse: n - 2 points a step), the transfers inside the time.
 *
 *   usage: offload_loop [-n N] [-r R] [-w W] [-t T] [-V square,diffuse,copy,per_step,host] [--csv]
 */
#include <inttypes.h>
#include <omp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "arrays.h"
#include "copy_tap.h"
#include "device_loops.h"
#include "exit_codes.h"
#include "lesson.h"
#include "memory.h"
#include "offload.h"

#define STEPS 20 /* steps of a timed diffuse */
/* Bytes a call may move beyond its arrays: a scalar mapped explicitly (n, a flag). */
#define SLACK 64
#define POISON -1.0         /* y before the square: no square is negative */
#define CHECKED_ROOM 100003 /* the largest square checked */

/* The checker's own ways, the yardsticks. One step on the device, the field mapped there and
 * back for the step alone: what `target data` saves. */
static void step_mapped(const double *now, double *next, int64_t n)
{
#pragma omp target teams distribute parallel for map(to : now[:n]) map(tofrom : next[:n])
    for (int64_t i = 1; i < n - 1; i++)
        next[i] = diffused(now[i - 1], now[i], now[i + 1]);
}

/* One step on the host's threads (one thread: the reference every result is checked against). */
static void step_on_host(const double *now, double *next, int64_t n)
{
#pragma omp parallel for
    for (int64_t i = 1; i < n - 1; i++)
        next[i] = diffused(now[i - 1], now[i], now[i + 1]);
}

/* `steps` steps of step, the last field into u. */
static void diffuse_by(void (*step)(const double *, double *, int64_t), double *u, double *scratch,
                       int64_t n, int steps)
{
    double *now = u, *next = scratch;
    for (int s = 0; s < steps; s++) {
        step(now, next, n);
        double *swap = now;
        now = next;
        next = swap;
    }
    if (now != u)
        memcpy(u, now, (size_t)n * sizeof *u);
}

/* The device's copy loop, a and b resident there: its STREAM copy. */
static void copy_resident(const double *a, double *b, int64_t n)
{
#pragma omp target teams distribute parallel for
    for (int64_t i = 0; i < n; i++)
        b[i] = a[i];
}

typedef enum way { WAY_SQUARE, WAY_DIFFUSE, WAY_COPY, WAY_PER_STEP, WAY_HOST, WAYS } way;
static const char *const variants[] = {
    [WAY_SQUARE] = "square",     [WAY_DIFFUSE] = "diffuse", [WAY_COPY] = "copy",
    [WAY_PER_STEP] = "per_step", [WAY_HOST] = "host",       NULL,
};

typedef struct job {
    way w;
    int threads;
    int64_t n;
    int steps;
    double *x, *y;       /* the square's input and output; the copy's */
    double *u, *scratch; /* the field and the room for the next one */
    double *start;       /* the field before the steps */
    const double *want;  /* the field after `steps` steps, the host's */
    char *detail;
} job;

/* The square's input: whole numbers from -1000 to 1000, every square exact. */
static double input(int64_t i)
{
    return (double)(i % 2001) - 1000.0;
}

/* The field before the steps: a rough profile, every point moved by the first step. */
static double field(int64_t i)
{
    return (double)((i * 7919) % 1000) / 8.0;
}

/* u and scratch as the steps find them: the field, and a copy of it. */
static void reset_field(job *j)
{
    memcpy(j->u, j->start, (size_t)j->n * sizeof *j->u);
    memcpy(j->scratch, j->start, (size_t)j->n * sizeof *j->u);
}

/* The field after `steps` steps, the host's on one thread, into want (scratch: room). */
static void expect_field(job *j, double *want, int steps)
{
    memcpy(want, j->start, (size_t)j->n * sizeof *want);
    memcpy(j->scratch, j->start, (size_t)j->n * sizeof *want);
    omp_set_num_threads(1);
    diffuse_by(step_on_host, want, j->scratch, j->n, steps);
}

static void prepare(void *arg)
{
    job *j = arg;
    if (j->w == WAY_SQUARE)
        for (int64_t i = 0; i < j->n; i++)
            j->y[i] = POISON;
}

/* One run; the steps start from the field each time (two copies on the host, in every way's
 * time), so that every run's result is the one verify knows. */
static void run_variant(void *arg)
{
    job *j = arg;
    switch (j->w) {
    case WAY_SQUARE: square_on_device(j->x, j->y, j->n); return;
    case WAY_COPY: copy_resident(j->x, j->y, j->n); return;
    case WAY_DIFFUSE:
        reset_field(j);
        diffuse_on_device(j->u, j->scratch, j->n, j->steps);
        return;
    case WAY_PER_STEP:
        reset_field(j);
        diffuse_by(step_mapped, j->u, j->scratch, j->n, j->steps);
        return;
    case WAY_HOST:
        reset_field(j);
        omp_set_num_threads(j->threads);
        diffuse_by(step_on_host, j->u, j->scratch, j->n, j->steps);
        return;
    case WAYS: return;
    }
}

/* The first element of got that is not want's: its index, or -1. */
static int64_t first_wrong(const double *got, const double *want, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        if (memcmp(&got[i], &want[i], sizeof got[i]) != 0)
            return i;
    return -1;
}

static int verify(void *arg, long runs)
{
    (void)runs;
    job *j = arg;
    const char *name = j->w == WAY_SQUARE     ? "square_on_device"
                       : j->w == WAY_COPY     ? "the device's copy"
                       : j->w == WAY_HOST     ? "the host's steps"
                       : j->w == WAY_PER_STEP ? "the steps mapped every step"
                                              : "diffuse_on_device";
    if (j->w == WAY_SQUARE || j->w == WAY_COPY) {
        if (j->w == WAY_COPY) {
            double *b = j->y;
            int64_t n = j->n;
#pragma omp target update from(b[:n])
        }
        for (int64_t i = 0; i < j->n; i++) {
            double want = j->w == WAY_SQUARE ? j->x[i] * j->x[i] : j->x[i];
            if (j->y[i] == want)
                continue;
            snprintf(j->detail, PLB_DETAIL_LEN, "%s, n = %" PRId64 ": y[%" PRId64 "] is %g, not %g",
                     name, j->n, i, j->y[i], want);
            return 1;
        }
        return 0;
    }
    int64_t i = first_wrong(j->u, j->want, j->n);
    if (i < 0)
        return 0;
    snprintf(j->detail, PLB_DETAIL_LEN,
             "%s, n = %" PRId64 ", %d steps: u[%" PRId64 "] is %.17g, not %.17g", name, j->n,
             j->steps, i, j->u[i], j->want[i]);
    return 1;
}

/* The square on n elements, checked and its copies counted: NULL, or what is wrong (in why). */
static const char *check_square(job *j, int64_t n, bool counted, char *why, size_t len)
{
    j->n = n;
    for (int64_t i = 0; i < n; i++)
        j->x[i] = input(i);
    prepare(j);
    copies before = copy_tap_total();
    square_on_device(j->x, j->y, n);
    copies after = copy_tap_total();
    long long to = after.to - before.to, from = after.from - before.from, bytes = 8 * n;
    int64_t i = 0;
    while (i < n && j->y[i] == POISON)
        i++;
    if (i == n)
        snprintf(why, len,
                 "square_on_device, n = %" PRId64 ": y is as it was before the call: nothing "
                 "came back from the device into y (map it `from`)",
                 n);
    else if (verify(j, 1))
        return j->detail;
    else if (!counted)
        return NULL;
    else if (to == 0 && from == 0)
        snprintf(why, len,
                 "square_on_device, n = %" PRId64 ": nothing crossed to the device: the loop "
                 "ran on the host (`omp target teams distribute parallel for` on it), or with no "
                 "map of its arrays",
                 n);
    else if (to > bytes + SLACK)
        snprintf(why, len,
                 "square_on_device, n = %" PRId64 ": %lld bytes went to the device, x is %lld: "
                 "y need not go there (map it `from`, not `tofrom`)",
                 n, to, bytes);
    else if (from > bytes + SLACK)
        snprintf(why, len,
                 "square_on_device, n = %" PRId64 ": %lld bytes came back, y is %lld: x need "
                 "not come back (map it `to`)",
                 n, from, bytes);
    else
        return NULL;
    return why;
}

/* diffuse_on_device on n points, steps steps, checked (want: room for the expected field); its
 * copies into *moved: NULL, or what is wrong (in why). */
static const char *check_diffuse(job *j, int64_t n, int steps, double *want, copies *moved,
                                 char *why, size_t len)
{
    j->n = n;
    j->steps = steps;
    j->want = want;
    for (int64_t i = 0; i < n; i++)
        j->start[i] = field(i);
    reset_field(j);
    copies before = copy_tap_total();
    diffuse_on_device(j->u, j->scratch, n, steps);
    copies after = copy_tap_total();
    *moved = (copies){after.to - before.to, after.from - before.from};
    expect_field(j, want, steps);
    if (!verify(j, 1))
        return NULL;
    if (first_wrong(j->u, j->start, n) < 0) {
        snprintf(why, len,
                 "diffuse_on_device, n = %" PRId64 ", %d steps: u is as it was before the steps "
                 "(did they run on the host, and u come back from the device over them?)",
                 n, steps);
        return why;
    }
    expect_field(j, want, steps - 1);
    if (steps % 2 && first_wrong(j->u, want, n) < 0) {
        snprintf(why, len,
                 "diffuse_on_device, n = %" PRId64 ", %d steps: u holds the field after %d "
                 "steps, not %d: after an odd number of steps the last field is in scratch",
                 n, steps, steps - 1, steps);
        return why;
    }
    return j->detail;
}

/* The copies of the steps, once the results are right: NULL, or what is wrong (in why). */
static const char *judge_copies(int64_t n, copies few, int few_steps, copies many, int many_steps,
                                char *why, size_t len)
{
    long long bytes = 8 * n;
    if (many.to == 0 && many.from == 0)
        snprintf(why, len,
                 "diffuse_on_device, n = %" PRId64 ": nothing crossed to the device: the steps "
                 "ran on the host, or with no map of the field (a `target data` around them)",
                 n);
    else if (many.to != few.to || many.from != few.from)
        snprintf(why, len,
                 "diffuse_on_device, n = %" PRId64 ": the field crossed to the device again in "
                 "the steps (%lld bytes to it in %d steps, %lld in %d): keep it there, "
                 "`omp target data` around the step loop",
                 n, many.to, many_steps, few.to, few_steps);
    else if (many.from > bytes + SLACK)
        snprintf(why, len,
                 "diffuse_on_device, n = %" PRId64 ": %lld bytes came back, u is %lld: scratch "
                 "need not come back (map it `to`, or `alloc` and set its ends there)",
                 n, many.from, bytes);
    else if (many.to > 2 * bytes + SLACK)
        snprintf(why, len,
                 "diffuse_on_device, n = %" PRId64 ": %lld bytes went to the device, u and "
                 "scratch are %lld",
                 n, many.to, 2 * bytes);
    else
        return NULL;
    return why;
}

static const plb_program program = {
    .name = "offload_loop",
    .summary = "the offload_loop exercise: your offloaded loops, checked, their copies counted, "
               "timed",
    .variants = variants,
};

/* Every check of the learner's two functions (their jobs' arrays hold CHECKED_ROOM elements or
 * more; want is room for an expected field): NULL, or what is wrong. */
static const char *check_all(job *square, job *diffuse, double *want, bool counted, char *why,
                             size_t len)
{
    const int64_t sizes[] = {1, 1000, CHECKED_ROOM};
    const char *failure = NULL;
    for (size_t s = 0; !failure && s < sizeof sizes / sizeof sizes[0]; s++)
        failure = check_square(square, sizes[s], counted, why, len);
    copies few = {0, 0}, many = {0, 0}, ignored;
    if (!failure)
        failure = check_diffuse(diffuse, 1000, 2, want, &few, why, len);
    if (!failure)
        failure = check_diffuse(diffuse, 1000, 7, want, &many, why, len);
    if (!failure)
        failure = check_diffuse(diffuse, 3, 1, want, &ignored, why, len);
    if (!failure && counted)
        failure = judge_copies(1000, few, 2, many, 7, why, len);
    return failure;
}

/* The variants over n elements, timed; the copy's arrays resident on the device meanwhile. */
static const char *time_ways(job *jobs, const plb_context *ctx, const plb_options *opt,
                             char *detail)
{
    plb_variant v[WAYS];
    double *a = jobs[WAY_COPY].x, *b = jobs[WAY_COPY].y;
    int64_t n = opt->n;
    for (int64_t i = 0; i < n; i++)
        a[i] = input(i);
#pragma omp target enter data map(to : a[:n]) map(alloc : b[:n])
    for (way w = WAY_SQUARE; w < WAYS; w++) {
        bool steps = w != WAY_SQUARE && w != WAY_COPY;
        v[w] = (plb_variant){
            .name = variants[w],
            .threads = jobs[w].threads,
            .kernel = {.prepare = prepare, .run = run_variant, .verify = verify, .arg = &jobs[w]},
            .amount = steps ? 16.0 * (double)(n - 2) * STEPS : 16.0 * (double)n,
            .unit = 1e9,
            .rate_unit = "GB/s",
            .detail = detail,
            .idles = w != WAY_HOST};
    }
    const char *failure = plb_run_variants(&program, ctx, opt, v, WAYS, NULL, stdout, NULL);
#pragma omp target exit data map(delete : a[:n], b[:n])
    return failure;
}

/* The header, the checks, the timed ways and the verdict, on arrays of room elements. */
static int check_and_time(double **arrays, int64_t room, const plb_options *opt, int threads)
{
    char detail[PLB_DETAIL_LEN] = "", why[512] = "";
    plb_context ctx = {.program = program.name, .ranks = 1, .threads = threads};
    plb_report_header(stdout, &ctx, opt);
    bool tapped = copy_tap_open();
    plb_report_device(stdout);
    bool counted = tapped && copy_tap_counts(arrays[0], room);
    job jobs[WAYS];
    for (way w = WAY_SQUARE; w < WAYS; w++)
        jobs[w] = (job){.w = w,
                        .threads = threads,
                        .n = opt->n,
                        .steps = STEPS,
                        .x = arrays[w == WAY_COPY ? 6 : 0],
                        .y = arrays[w == WAY_COPY ? 7 : 1],
                        .u = arrays[2],
                        .scratch = arrays[3],
                        .start = arrays[4],
                        .want = arrays[5],
                        .detail = detail};
    const char *failure = NULL;
    if (omp_get_num_devices() < 1)
        failure = "OpenMP sees no offload device here: the maps cannot be checked (make check "
                  "builds this exercise for LLVM's CPU device: make deps OFFLOAD=cpu)";
    else
        failure =
            check_all(&jobs[WAY_SQUARE], &jobs[WAY_DIFFUSE], arrays[5], counted, why, sizeof why);
    if (!failure) {
        plb_report_param(stdout, "checked",
                         "square: 1, 1000 and 100003 elements; diffuse: 1000 points 2 and 7 "
                         "steps, 3 points 1 step; every element exact%s",
                         counted ? "; the copies counted" : "");
        if (!counted)
            plb_report_param(stdout, "copies",
                             "not counted: this OpenMP runtime does not report "
                             "them (LLVM's does)");
        for (int64_t i = 0; i < opt->n; i++) {
            jobs[WAY_DIFFUSE].start[i] = field(i);
            jobs[WAY_SQUARE].x[i] = input(i);
        }
        jobs[WAY_SQUARE].n = jobs[WAY_DIFFUSE].n = opt->n;
        jobs[WAY_DIFFUSE].steps = STEPS;
        jobs[WAY_DIFFUSE].want = arrays[5];
        expect_field(&jobs[WAY_DIFFUSE], arrays[5], STEPS);
        failure = time_ways(jobs, &ctx, opt, detail);
    }
    if (tapped)
        copy_tap_close();
    return plb_report_verdict(opt, failure);
}

/* Allocates, checks and times the learner's loops: the exit code. */
static int run_lesson(const plb_options *opt)
{
    enum { ARRAYS = 8 };
    int threads = opt->threads ? opt->threads : omp_get_max_threads();
    int64_t room = opt->n > CHECKED_ROOM ? opt->n : CHECKED_ROOM;
    if (opt->n < 3)
        return plb_refuse(program.name, PLB_EXIT_USAGE,
                          "-n %" PRId64 ": the steps need 3 points "
                          "or more",
                          opt->n);
    if (!plb_memory_check(program.name, 8.0 * ARRAYS * (double)room))
        return PLB_EXIT_USAGE;
    double *arrays[ARRAYS];
    bool all = true;
    for (int a = 0; a < ARRAYS; a++)
        all &= (arrays[a] = plb_array_alloc((size_t)room * sizeof(double), threads)) != NULL;
    int status = all ? check_and_time(arrays, room, opt, threads)
                     : plb_refuse(program.name, PLB_EXIT_FAILED,
                                  "cannot allocate %d x %" PRId64 " doubles", ARRAYS, room);
    for (int a = 0; a < ARRAYS; a++)
        plb_array_free(arrays[a]);
    return status;
}

int main(int argc, char **argv)
{
    plb_options opt = {.n = 1 << 20, .repeats = 5, .warmup = 1};
    int status = plb_parse_cli(&program, argc, argv, &opt);
    if (status >= 0)
        return status;
    return run_lesson(&opt);
}
