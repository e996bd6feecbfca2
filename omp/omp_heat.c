/* omp_heat: the 2D heat equation on threads, parlab's first scientific kernel.
 *
 * Each step computes every interior point of the field from its four neighbours (omp/heat.h):
 * a 5-point stencil over two arrays, the one read, the other written, then swapped. The lesson is
 * heat_steps_parallel below: one `#pragma omp parallel for schedule(static)` over the rows, each
 * thread a band of rows, the same band every step, so it streams the memory it first touched.
 * Every row is updated by heat_row, so `parallel` equals `seq` bit for bit at any thread count.
 *
 * Rate: MLUP/s, million lattice updates a second = rows * cols * steps / median_s / 1e6. A step
 * reads u and writes next: 16 bytes per update as STREAM counts a copy (24 with the write-allocate
 * read of next), so the memory ceiling is STREAM copy bandwidth / 16 bytes, measured in the same
 * run on the field's own arrays and printed beside the rates ("# ceiling").
 * Verified after every batch: --check seq (the default) against a sequential reference, every
 * point bit for bit; --check exact and --check mode against closed forms (heat.h).
 *
 *   usage: omp_heat [-n N|RxC] [--steps K] [--r R] [--check seq|exact|mode] [-t T] [-V seq,parallel]
 */
#include <inttypes.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "exit_codes.h"
#include "heat.h"
#include "heat_cli.h"
#include "lesson.h"
#include "memory.h"

typedef struct job {
    heat_problem p;
    heat_block b;
    heat_reference *ref; /* the seq check's reference; NULL for the closed-form checks */
    int64_t steps, step; /* steps per run; the step the field holds */
    int threads;
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

/* The program: the runner times the lesson above and verifies every point. */
static void prepare(void *arg)
{
    job *j = arg;
    heat_block_reset(&j->b, &j->p);
    j->step = 0;
}

static void run_seq(void *arg)
{
    heat_steps_seq(arg);
}

static void run_parallel(void *arg)
{
    heat_steps_parallel(arg);
}

static int verify(void *arg, long runs)
{
    (void)runs; /* the job counts its steps */
    job *j = arg;
    return heat_verify(&j->p, &j->b, j->ref, j->step, j->detail, PLB_DETAIL_LEN);
}

static const plb_opt extra[] = {HEAT_OPTIONS, PLB_OPT_END};
static const char *const variants[] = {"seq", "parallel", NULL};
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
    plb_report_param(stdout, "checksum", "%016" PRIx64 " after %" PRId64 " steps",
                     heat_checksum(&j->b), j->steps);
    return heat_write_field(&j->p, &j->b, err, len);
}

int main(int argc, char **argv)
{
    plb_options opt = {.n = 4096, .cols = 4096, .repeats = 5, .warmup = 1};
    int status = plb_parse_cli(&program, argc, argv, &opt);
    if (status >= 0)
        return status;
    int threads = opt.threads ? opt.threads : omp_get_max_threads();
    heat_problem p;
    char err[256];
    if (heat_cli_problem(&opt, &p, err, sizeof err)) {
        fprintf(stderr, "%s: %s\n", program.name, err);
        return PLB_EXIT_USAGE;
    }
    /* Two arrays, and two more for the reference when the check needs one. */
    double field = 8.0 * (double)(p.rows + 2) * (double)(p.cols + 2);
    if (!plb_memory_check(program.name, (p.check == HEAT_CHECK_SEQ ? 4.0 : 2.0) * field))
        return PLB_EXIT_USAGE;

    char detail[PLB_DETAIL_LEN] = "";
    heat_reference ref;
    job j = {.p = p, .steps = heat_cli.steps, .threads = threads, .detail = detail};
    int ok = heat_block_create(&j.b, &p, p.rows, p.cols, 0, 0, threads) == 0;
    if (ok && p.check == HEAT_CHECK_SEQ) {
        ok = heat_reference_create(&ref, &p, threads) == 0;
        j.ref = ok ? &ref : NULL;
    }
    if (!ok) {
        fprintf(stderr, "%s: cannot allocate the %" PRId64 " x %" PRId64 " field\n", program.name,
                p.rows, p.cols);
        heat_block_free(&j.b);
        return PLB_EXIT_FAILED;
    }

    double updates = (double)p.rows * (double)p.cols * (double)heat_cli.steps;
    double floor_s = updates / 1e11; /* 1e11 updates/s per thread: deleted work */
    plb_variant v[2] = {
        {.name = "seq", .threads = 1, .kernel = {prepare, run_seq, verify, &j},
         .amount = updates, .unit = 1e6, .rate_unit = "MLUP/s", .plausible_s = floor_s,
         .detail = detail},
        {.name = "parallel", .threads = threads, .kernel = {prepare, run_parallel, verify, &j},
         .amount = updates, .unit = 1e6, .rate_unit = "MLUP/s", .plausible_s = floor_s / threads,
         .detail = detail},
    };
    plb_context ctx = {.program = program.name, .ranks = 1, .threads = threads};
    plb_report_header(stdout, &ctx, &opt);
    heat_report_problem(stdout, &p);
    plb_measurement measured[2];
    const char *failure = plb_run_variants(&program, &ctx, &opt, v, 2, NULL, stdout, measured);
    if (!failure) {
        double elements = (double)(p.rows + 2) * (double)(p.cols + 2);
        heat_report_ceiling(stdout, &j.b, v, measured, 2, opt.repeats, 0, elements, NULL);
        failure = final_run(&j, err, sizeof err);
    }
    heat_block_free(&j.b);
    if (j.ref)
        heat_reference_free(j.ref);
    return plb_report_verdict(&opt, failure);
}
