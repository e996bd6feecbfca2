/* omp_heat: the 2D heat equation on threads, parlab's first scientific kernel.
 *
 * Each step computes every interior point of the field from its four neighbours (omp/heat.h):
 * a 5-point stencil over two arrays, the one read, the other written, then swapped. The lesson is
 * heat_steps_parallel below: one `#pragma omp parallel for schedule(static)` over the rows, each
 * thread a band of rows, the same band every step, so it streams the memory it first touched.
 * Every row is updated by heat_row, so `parallel` equals `seq` bit for bit at any thread count.
 *
 * Measurement (not the lesson): MLUP/s, million lattice updates a second = rows * cols * steps /
 * median_s / 1e6. A step reads u and writes next: 16 bytes per update as STREAM counts a copy (24
 * with the write-allocate read of next), so the memory ceiling is STREAM copy bandwidth / 16
 * bytes, measured in the same run on the field's own arrays and printed beside the rates
 * ("# ceiling").
 * Verified after every batch: --check seq (the default) against a sequential reference, every
 * point bit for bit; --check exact and --check mode against closed forms (heat.h).
 *
 * --checkpoint F and --restart F make a production run, as mpi_heat's, with the same files
 * written by one process (heat_record.h): a checkpoint from either program restarts in either.
 *
 *   usage: omp_heat [-n N|RxC] [--steps K] [--r R] [--check seq|exact|mode] [-t T]
 *          [-V seq,parallel,target] [--save F] [--load F] [--png F]
 *          [--checkpoint F [--every K]] [--restart F] [-v]
 */
#include <inttypes.h>
#include <stdbool.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "exit_codes.h"
#include "heat.h"
#include "heat_cli.h"
#include "heat_record.h"
#include "lesson.h"
#include "clock.h"
#include "memory.h"
#include "npy.h"
#include "offload.h"

typedef enum { SEQ, PARALLEL, TARGET, VARIANT_COUNT } variant;

typedef struct job {
    heat_problem p;
    heat_block b;
    heat_reference *ref; /* the seq check's reference; NULL for the closed-form checks */
    int64_t steps, step; /* steps per run; the step the field holds */
    int threads;
    variant variant; /* which steps below a run takes */
    bool on_device;  /* where target's last run ran */
    char *detail;
} job;

/* The sequential step: row after row, on one thread. */
static void heat_steps_seq(job *j)
{
    for (int64_t k = 0; k < j->steps; k++, j->step++) {
        heat_set_boundary(&j->p, &j->b, j->step);
        heat_sweep(&j->b, j->p.r, 1, j->b.rows + 1, 1, j->b.cols + 1);
        heat_block_swap(&j->b);
    }
}

/* The lesson: the rows of each step shared among the threads, a static band each. */
static void heat_steps_parallel(job *j)
{
    heat_block *b = &j->b;
    for (int64_t k = 0; k < j->steps; k++, j->step++) {
        heat_set_boundary(&j->p, b, j->step);
        const double *u = b->u;
        double *next = b->next;
        int64_t s = b->stride;
#pragma omp parallel for schedule(static) num_threads(j->threads)
        for (int64_t a = 1; a <= b->rows; a++)
            heat_row(u + (a - 1) * s, u + a * s, u + (a + 1) * s, next + a * s, 1, b->cols + 1,
                     j->p.r);
        heat_block_swap(b);
    }
}

/* The exact check's moving boundary, set where the field is: on the device. */
static void set_boundary_on_device(const heat_problem *p, double *u, int64_t step)
{
    heat_problem q = *p;
    int64_t s = q.cols + 2, last_row = q.rows + 1, last_col = q.cols + 1;
#pragma omp target teams distribute parallel for map(to : q)
    for (int64_t i = 0; i <= last_row; i++) {
        u[i * s] = heat_value(&q, i, 0, step);
        u[i * s + last_col] = heat_value(&q, i, last_col, step);
    }
#pragma omp target teams distribute parallel for map(to : q)
    for (int64_t c = 0; c <= last_col; c++) {
        u[c] = heat_value(&q, 0, c, step);
        u[last_row * s + c] = heat_value(&q, last_row, c, step);
    }
}

/* The steps on the device, the field already there: each step one kernel, the rows dealt out to
 * teams (a team: a block of GPU threads), each row's columns to the team's threads and their
 * SIMD lanes (parallel for simd: with GCC on NVIDIA, an OpenMP thread is a warp of 32 lanes, and
 * without simd only one lane of each works). The device pointers trade places as the host's do. */
static void steps_on_device(job *j, double **field, double **spare)
{
    double *u = *field, *next = *spare;
    int64_t rows = j->b.rows, cols = j->b.cols, s = j->b.stride;
    double r = j->p.r;
    for (int64_t k = 0; k < j->steps; k++, j->step++) {
        if (j->p.check == HEAT_CHECK_EXACT)
            set_boundary_on_device(&j->p, u, j->step);
#pragma omp target teams distribute
        for (int64_t a = 1; a <= rows; a++) {
            const double *up = u + (a - 1) * s, *mid = u + a * s, *down = u + (a + 1) * s;
            double *out = next + a * s;
#pragma omp parallel for simd
            for (int64_t c = 1; c <= cols; c++)
                out[c] = heat_point(up[c], down[c], mid[c - 1], mid[c + 1], mid[c], r);
        }
        double *t = u;
        u = next;
        next = t;
    }
    *field = u;
    *spare = next;
}

/* The GPU lesson: the field goes to the device once (target data), every step runs there, and
 * only the result comes back. */
static void heat_steps_target(job *j)
{
    double *u = j->b.u, *next = j->b.next;
    int64_t n = (j->b.rows + 2) * j->b.stride;
    int initial = 1;
#pragma omp target data map(to : u[:n], next[:n])
    {
#pragma omp target map(from : initial)
        initial = omp_is_initial_device();
        steps_on_device(j, &u, &next);
#pragma omp target update from(u[:n])
    }
    j->b.u = u;
    j->b.next = next;
    j->on_device = !initial;
}

/* The program: the runner times the lesson above and verifies every point. */
static const char *const variants[] = {
    [SEQ] = "seq", [PARALLEL] = "parallel", [TARGET] = "target", NULL};

static void prepare(void *arg)
{
    job *j = arg;
    heat_block_reset(&j->b, &j->p);
    j->step = 0;
}

static void run_variant(void *arg)
{
    job *j = arg;
    switch (j->variant) {
    case SEQ: heat_steps_seq(j); break;
    case PARALLEL: heat_steps_parallel(j); break;
    case TARGET: heat_steps_target(j); break;
    case VARIANT_COUNT: break; /* not a variant */
    }
}

static int verify(void *arg, long runs)
{
    (void)runs; /* the job counts its steps */
    job *j = arg;
    return heat_verify(&j->p, &j->b, j->ref, j->step, j->detail, PLB_DETAIL_LEN);
}

static const plb_opt extra[] = {HEAT_OPTIONS, PLB_OPT_END};
static const plb_program program = {
    .name = "omp_heat",
    .summary = "the 2D heat equation (5-point stencil) on threads: sequential vs parallel for",
    .variants = variants,
    .extra = extra,
    .grid = true,
    .fastest_run_s = heat_fastest_run_s,
};

/* One more run of --steps steps (parallel: it equals seq), verified: its checksum, the same
 * as mpi_heat's at any rank count, and --save and --png. */
static const char *final_run(job *j, char *err, size_t len)
{
    prepare(j);
    heat_steps_parallel(j);
    if (verify(j, 1)) {
        snprintf(err, len, "the final field: %s", j->detail);
        return err;
    }
    plb_report_param(stdout, "checksum", "%016" PRIx64 " after %" PRId64 " step%s",
                     heat_checksum(&j->b), j->steps, j->steps == 1 ? "" : "s");
    heat_set_boundary(&j->p, &j->b, j->step); /* the ring at the last step too (exact check) */
    return heat_write_field(&j->p, &j->b, err, len);
}

/* Where target's time went: one run taken apart (to the device, the steps, back), and the steps
 * held against the device's own copy bandwidth, measured on the same arrays there. */
static void report_target(job *j, const plb_measurement *m, int repeats)
{
    prepare(j);
    double *u = j->b.u, *next = j->b.next;
    int64_t n = (j->b.rows + 2) * j->b.stride;
    double t0 = plb_now();
#pragma omp target enter data map(to : u[:n], next[:n])
    double t1 = plb_now();
    steps_on_device(j, &u, &next);
    double t2 = plb_now();
#pragma omp target update from(u[:n])
    double t3 = plb_now();
    double copy = plb_device_copy_seconds(u, next, n, repeats);
#pragma omp target exit data map(delete : u[:n], next[:n])
    j->b.u = u;
    j->b.next = next;
    double to = t1 - t0, steps = t2 - t1, back = t3 - t2;
    printf("# target      : ran on %s; one run taken apart: to the device %.3g s + %" PRId64
           " steps %.3g s + back %.3g s = %.3g s (the timed runs' median %.3g s): %.0f%% of it "
           "data motion\n",
           j->on_device ? "the device" : "the host (no device: host fallback)", to, j->steps, steps,
           back, to + steps + back, m->stats.median, 100.0 * (to + back) / (to + steps + back));
    if (copy > 0.0) {
        double rate = (double)j->b.rows * (double)j->b.cols * (double)j->steps / steps / 1e6;
        printf("# target      : the steps alone %.4g MLUP/s = %.0f%% of the %s's copy (%.4g GB/s: "
               "%.4g MLUP/s at 16 B/update)\n",
               rate, 100.0 * rate / ((double)n / copy / 1e6), j->on_device ? "device" : "host",
               16.0 * (double)n / copy / 1e9, (double)n / copy / 1e6);
    }
}

/* The checkpoint of the field at its step: FILE.tmp written and synced, then the commit. */
static const char *write_checkpoint(job *j, char *err, size_t len)
{
    heat_record_names n;
    const char *path = heat_cli.checkpoint;
    heat_set_boundary(&j->p, &j->b, j->step); /* the ring of this step (exact check) */
    bool ok =
        heat_record_names_of(path, &n, err, len) == 0 &&
        plb_npy_write(n.field_tmp, j->b.u, j->b.rows + 2, j->b.cols + 2, j->b.stride, err, len) &&
        heat_record_commit(path, &n, &j->p, j->step, heat_checksum(&j->b), err, len) == 0;
    return ok ? NULL : err;
}

/* --restart: the field and its step from the checkpoint; 0, or 1 with the reason. */
static int read_checkpoint(job *j, int64_t *step, char *err, size_t len)
{
    heat_record_names n;
    const char *path = heat_cli.restart;
    int pending;
    if (heat_record_names_of(path, &n, err, len) ||
        !plb_npy_read(path, j->b.u, j->b.rows + 2, j->b.cols + 2, j->b.stride, err, len))
        return 1;
    memcpy(j->b.next, j->b.u, (size_t)(j->b.rows + 2) * (size_t)j->b.stride * sizeof *j->b.u);
    if (heat_record_check(&n, path, heat_checksum(&j->b), &j->p, heat_cli.steps, step, &pending,
                          err, len))
        return 1;
    if (pending)
        heat_record_finish(path, &n);
    return 0;
}

/* What a production run did. */
typedef struct production_log {
    int64_t first;  /* the step it started from */
    int written;    /* checkpoints */
    int stopped;    /* the stop signal caught, or 0 */
    double writing; /* seconds spent writing checkpoints */
    double elapsed; /* seconds of the whole run */
} production_log;

/* A production run's steps, from j->step to --steps, a checkpoint every --every steps, at the
 * end and at a stop signal: NULL, or why a checkpoint could not be written (in err). */
static const char *production_steps(job *j, production_log *log, char *err, size_t len)
{
    int64_t total = heat_cli.steps, each = heat_cli.every ? heat_cli.every : (total + 9) / 10;
    const char *failure = NULL;
    double start = plb_now();
    while (j->step < total && !failure && !log->stopped) {
        j->steps = 1;
        run_variant(j);
        log->stopped = heat_stop_signal(); /* read once: a stop always writes its checkpoint */
        if (heat_cli.checkpoint && (j->step % each == 0 || j->step == total || log->stopped)) {
            double began = plb_now();
            failure = write_checkpoint(j, err, len);
            if (!failure) { /* what written checkpoints cost */
                log->writing += plb_now() - began;
                log->written++;
            }
        }
    }
    log->elapsed = plb_now() - start;
    return failure;
}

/* A production run's row, notes and verdict: STOPPED (exit 4) after a stop signal. */
static int production_report(job *j, const production_log *log, const char *failure,
                             const plb_options *opt, char *err, size_t len)
{
    bool parallel = j->variant == PARALLEL;
    int checked = !log->stopped || j->p.check != HEAT_CHECK_SEQ; /* stopped: no replay (mpi_heat) */
    if (!failure && checked && verify(j, 1))
        failure = j->detail;
    double elapsed = log->elapsed;
    plb_result r = {
        .program = program.name,
        .variant = variants[j->variant],
        .n = plb_grid_points(opt),
        .ranks = 1,
        .threads = parallel ? j->threads : 1,
        .repeats = 1,
        .batch = 1,
        .time = {.count = 1, .min = elapsed, .median = elapsed, .mean = elapsed, .max = elapsed},
        .rate = (double)j->p.rows * (double)j->p.cols * (double)(j->step - log->first) /
                (elapsed > 0.0 ? elapsed : 1.0) / 1e6,
        .rate_unit = "MLUP/s",
        .verified = !failure && checked};
    plb_report_columns(stdout, opt);
    plb_report_row(stdout, opt, &r);
    if (log->written)
        printf("# checkpoint  : %d written to %s, %.3g s in all, %.0f%% of the run\n", log->written,
               heat_cli.checkpoint, log->writing, 100.0 * log->writing / elapsed);
    plb_report_param(stdout, "checksum", "%016" PRIx64 " after %" PRId64 " step%s",
                     heat_checksum(&j->b), j->step, j->step == 1 ? "" : "s");
    if (!failure && log->stopped) {
        fprintf(opt->csv ? stderr : stdout,
                "STOPPED: %s at step %" PRId64 " of %" PRId64
                ": %s holds it; the same command with --restart %s goes on\n",
                heat_signal_name(log->stopped), j->step, heat_cli.steps, heat_cli.checkpoint,
                heat_cli.checkpoint);
        return PLB_EXIT_STOPPED;
    }
    if (!failure) {
        heat_set_boundary(&j->p, &j->b, j->step);
        failure = heat_write_field(&j->p, &j->b, err, len);
    }
    return plb_report_verdict(opt, failure);
}

/* A production run (--checkpoint, --restart): one run of seq or parallel from step 0, or from the
 * checkpoint's, to --steps, a checkpoint every --every steps and at the end; SIGTERM or SIGUSR1
 * stops it after the step under way, with a checkpoint (exit 4). */
static int production(job *jobs, const plb_options *opt, const plb_context *ctx)
{
    char err[PLB_DETAIL_LEN + 320];
    job *j = &jobs[plb_variant_selected(&program, opt, "parallel") ? PARALLEL : SEQ];
    production_log log = {.first = 0};
    if (heat_cli.checkpoint)
        heat_catch_stop_signals(); /* a scheduler's warning: stop after the step under way */
    prepare(j);
    if (heat_cli.restart && read_checkpoint(j, &log.first, err, sizeof err))
        return plb_refuse(program.name, PLB_EXIT_USAGE, "%s", err);
    j->step = log.first;
    plb_report_header(stdout, ctx, opt);
    heat_report_problem(stdout, &j->p);
    plb_report_param(stdout, "production", "one run of %s, steps %" PRId64 " to %" PRId64 "%s%s",
                     variants[j->variant], log.first, heat_cli.steps,
                     heat_cli.restart ? ", restarted from " : "",
                     heat_cli.restart ? heat_cli.restart : "");
    const char *failure = production_steps(j, &log, err, sizeof err);
    return production_report(j, &log, failure, opt, err, sizeof err);
}

/* The variants timed on the field (its arrays), the ceiling and target's notes, and the final
 * run; returns the verdict's exit code. */
static int measure(job *jobs, plb_variant *v, const plb_options *opt, const plb_context *ctx,
                   heat_block *field)
{
    const heat_problem *p = &jobs[SEQ].p;
    plb_report_header(stdout, ctx, opt);
    heat_report_problem(stdout, p);
    bool target = plb_variant_selected(&program, opt, "target");
    if (target)
        plb_report_device(stdout);
    plb_measurement measured[VARIANT_COUNT];
    const char *failure =
        plb_run_variants(&program, ctx, opt, v, VARIANT_COUNT, NULL, stdout, measured);
    char err[256];
    if (!failure) {
        double elements = (double)(p->rows + 2) * (double)(p->cols + 2);
        /* seq's and parallel's: target's is report_target's */
        heat_report_ceiling(stdout, field, v, measured, PARALLEL + 1, opt->repeats, 0, elements,
                            NULL);
        if (target)
            report_target(&jobs[TARGET], &measured[TARGET], opt->repeats);
        failure = final_run(&jobs[PARALLEL], err, sizeof err);
    }
    return plb_report_verdict(opt, failure);
}

/* --checkpoint and --restart: one of seq and parallel, and --every only with --checkpoint. */
static const char *production_refusal(const plb_options *opt)
{
    int chosen = plb_variant_selected(&program, opt, "seq") +
                 plb_variant_selected(&program, opt, "parallel");
    if (heat_cli.every && !heat_cli.checkpoint)
        return "option '--every' needs --checkpoint";
    if ((heat_cli.checkpoint || heat_cli.restart) &&
        (chosen != 1 || plb_variant_selected(&program, opt, "target")))
        return "--checkpoint and --restart make one production run: name one variant, -V seq or "
               "-V parallel";
    return NULL;
}

/* The problem the options describe, and the refusals before anything is allocated: 0, or the
 * refusal's exit code. */
static int check_input(plb_options *opt, heat_problem *p)
{
    char err[256];
    bool target = plb_variant_selected(&program, opt, "target");
    if (target && !plb_offload_usable(err, sizeof err))
        return plb_refuse(program.name, PLB_EXIT_USAGE, "%s", err);
    if (heat_cli_problem(opt, p, err, sizeof err))
        return plb_refuse(program.name, PLB_EXIT_USAGE, "%s", err);
    const char *refusal = production_refusal(opt);
    if (refusal)
        return plb_refuse(program.name, PLB_EXIT_USAGE, "%s", refusal);
    if (heat_cli.checkpoint && heat_record_folder_writable(heat_cli.checkpoint, err, sizeof err))
        return plb_refuse(program.name, PLB_EXIT_USAGE, "%s", err);
    /* Two arrays, two more for the reference when the check needs one, and with --load a third
     * for each, step 0 as read. */
    double field = 8.0 * (double)(p->rows + 2) * (double)(p->cols + 2);
    double arrays = (p->check == HEAT_CHECK_SEQ ? 4.0 : 2.0) * (p->load ? 1.5 : 1.0);
    if (!plb_memory_check(program.name, arrays * field))
        return PLB_EXIT_USAGE;
    if (target && !plb_offload_fits(2.0 * field, err, sizeof err))
        return plb_refuse(program.name, PLB_EXIT_USAGE, "%s", err);
    return 0;
}

/* The variants' jobs, all on the field's two arrays (each run's prepare writes both), and their
 * table. */
static void make_variants(const heat_problem *p, const heat_block *field, heat_reference *ref,
                          int threads, char *detail, job *jobs, plb_variant *v)
{
    double updates = (double)p->rows * (double)p->cols * (double)heat_cli.steps;
    double floor_s = updates / 1e11; /* 1e11 updates/s per thread: deleted work */
    for (variant k = 0; k < VARIANT_COUNT; k++) {
        int t = k == SEQ ? 1 : threads;
        jobs[k] = (job){.p = *p,
                        .b = *field,
                        .ref = ref,
                        .steps = heat_cli.steps,
                        .threads = threads,
                        .variant = k,
                        .detail = detail};
        v[k] = (plb_variant){
            .name = variants[k],
            .threads = t,
            .kernel = {.prepare = prepare, .run = run_variant, .verify = verify, .arg = &jobs[k]},
            .amount = updates,
            .unit = 1e6,
            .rate_unit = "MLUP/s",
            .plausible_s = k == TARGET ? floor_s / 1e3 : floor_s / t,
            .detail = detail,
            /* target: on a device, the host waits; without, one team */
            .idles = k == TARGET};
    }
}

static int run_lesson(plb_options *opt)
{
    heat_problem p;
    int status = check_input(opt, &p);
    if (status != 0)
        return status;
    int threads = opt->threads ? opt->threads : omp_get_max_threads();
    heat_block field = {.u = NULL};
    heat_reference ref = {.step = 0}, *check = p.check == HEAT_CHECK_SEQ ? &ref : NULL;
    if (heat_block_create(&field, &p, p.rows, p.cols, 0, 0, threads) != 0 ||
        (check && heat_reference_create(check, &p, threads) != 0)) {
        status = plb_refuse(program.name, PLB_EXIT_FAILED,
                            "cannot allocate the %" PRId64 " x %" PRId64 " field", p.rows, p.cols);
    } else {
        char detail[PLB_DETAIL_LEN] = "";
        job jobs[VARIANT_COUNT];
        plb_variant v[VARIANT_COUNT];
        make_variants(&p, &field, check, threads, detail, jobs, v);
        plb_context ctx = {.program = program.name, .ranks = 1, .threads = threads};
        status = heat_cli.checkpoint || heat_cli.restart ? production(jobs, opt, &ctx)
                                                         : measure(jobs, v, opt, &ctx, &field);
    }
    heat_block_free(&field);
    heat_reference_free(&ref);
    return status;
}

int main(int argc, char **argv)
{
    plb_options opt = {.n = 4096, .cols = 4096, .repeats = 5, .warmup = 1};
    int status = plb_parse_cli(&program, argc, argv, &opt);
    if (status >= 0)
        return status;
    return run_lesson(&opt);
}
