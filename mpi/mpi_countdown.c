/* mpi_countdown: the tutorials' countdown (n = 50,000,000) split over MPI ranks, processes that
 * share nothing: the multiprocessing version of the lesson, without the GIL or the pickling.
 *
 * The lesson: each rank counts its share of n down on its own (run_variant below), and nothing but
 * one MPI_Allreduce of the shares crosses between ranks at the end, so the speedup over one rank is
 * near the rank count, up to the cores: ranks beyond the cores only take turns. The notes give
 * each rank's own time in the last run; --demo shows named ranks counting 5..1 at once, then one
 * by one (the order at once changes from run to run).
 *
 * Measurement (not the lesson): seq is the root counting all of n alone, with countdown() of
 * omp/omp_countdown.c, which keeps the loop from being deleted. Rate: decrements per second,
 * Gdec/s = n / median_s / 1e9. No run may take under one clock cycle (6 GHz assumed) per decrement
 * of the busiest rank: faster means deleted work. Verified after every batch: every rank's share
 * reached 0, and the shares add up to n.
 *
 *   usage: mpirun -np P mpi_countdown [-n N] [-r R] [-w W] [-V seq,parallel] [--demo] [-v]
 *                  [--csv]
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "clock.h"
#include "lesson.h"
#include "mpi_support.h"
#include "omp_countdown.h"
#include "partition.h"

typedef enum { SEQ, PARALLEL, VARIANT_COUNT } variant;
static const char *const variants[] = {[SEQ] = "seq", [PARALLEL] = "parallel", NULL};

typedef struct job {
    int64_t n, share, left;
    int rank, size;
    variant variant;
    MPI_Comm comm;
    double local_s; /* this rank's own time in the last run */
    char detail[PLB_DETAIL_LEN];
} job;

static void prepare(void *arg)
{
    job *j = arg;
    j->left = -1;
}

/* seq: the root counts all of n; parallel: every rank its share. */
static void run_variant(void *arg)
{
    job *j = arg;
    double start = plb_now();
    if (j->variant == PARALLEL)
        j->share = plb_block_count(j->n, j->size, j->rank);
    else
        j->share = j->rank == 0 ? j->n : 0;
    j->left = countdown(j->share);
    j->local_s = plb_now() - start;
}

static int verify(void *arg, long runs)
{
    (void)runs;
    job *j = arg;
    int64_t total;
    MPI_Allreduce(&j->share, &total, 1, MPI_INT64_T, MPI_SUM, j->comm);
    if (j->left != 0)
        snprintf(j->detail, sizeof j->detail, "rank %d left %" PRId64, j->rank, j->left);
    else if (total != j->n)
        snprintf(j->detail, sizeof j->detail, "the shares add to %" PRId64, total);
    return j->left != 0 || total != j->n;
}

/* Every rank counts 5..1 with a 10 ms pause per step, printing as it goes (mpirun forwards the
 * lines in the order they reach it), then the ranks take turns. */
static void demo(int rank, int size)
{
    static const char *const names[] = {"Alice", "Bob",   "Carol", "Dave",
                                        "Eve",   "Frank", "Grace", "Heidi"};
    char name[32];
    snprintf(name, sizeof name, "rank %d (%s)", rank, names[rank % 8]);
    if (rank == 0)
        printf("# demo        : %d ranks counting down at once (processes)\n", size);
    fflush(stdout);
    MPI_Barrier(MPI_COMM_WORLD);
    for (int k = 5; k >= 1; k--) {
        printf("%s: %d\n", name, k);
        fflush(stdout);
        plb_sleep(0.01);
    }
    plb_sleep(0.05); /* let mpirun forward the last lines before the next part */
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0)
        printf("# demo        : the same ranks one after the other\n");
    for (int r = 0; r < size; r++) {
        for (int k = 5; k >= 1 && r == rank; k--) {
            printf("%s: %d\n", name, k);
            fflush(stdout);
            plb_sleep(0.01);
        }
        plb_sleep(0.02);
        MPI_Barrier(MPI_COMM_WORLD);
    }
}

static bool show_demo;
/* clang-format off */
static const plb_opt extra[] = {
    {.long_name = "demo", .kind = PLB_OPT_FLAG, .target = &show_demo,
     .help = "named ranks count 5..1, no timing"},
    PLB_OPT_END,
};
/* clang-format on */
/* The fastest believable run: every rank one decrement per clock cycle. */
static double fastest_run_s(const plb_options *opt)
{
    int size;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    return (double)opt->n / size / PLB_MAX_CLOCK_HZ;
}

static const plb_program program = {
    .name = "mpi_countdown",
    .summary = "count n down to 0: one rank vs split over MPI ranks",
    .variants = variants,
    .extra = extra,
    .fastest_run_s = fastest_run_s,
};

/* The variants, then each rank's own time in parallel's last run. Returns the failure, or NULL. */
static const char *count_down(const plb_options *opt, const plb_context *ctx, FILE *out,
                              MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    plb_sync sync = plb_mpi_sync(&comm);
    /* No run may beat one decrement per cycle: of all of n (seq), of the busiest rank's share. */
    double n = (double)opt->n, busiest = (double)plb_block_count(opt->n, size, 0);
    job jobs[VARIANT_COUNT];
    plb_variant v[VARIANT_COUNT];
    for (variant k = 0; k < VARIANT_COUNT; k++) {
        jobs[k] = (job){.n = opt->n, .rank = rank, .size = size, .variant = k, .comm = comm};
        v[k] = (plb_variant){
            .name = variants[k],
            .threads = 1,
            .kernel = {.prepare = prepare, .run = run_variant, .verify = verify, .arg = &jobs[k]},
            .amount = n,
            .unit = 1e9,
            .rate_unit = "Gdec/s",
            .plausible_s = (k == SEQ ? n : busiest) / PLB_MAX_CLOCK_HZ,
            .detail = jobs[k].detail};
    }
    const char *failure = plb_run_variants(&program, ctx, opt, v, VARIANT_COUNT, &sync, out, NULL);

    double *times = rank == 0 ? malloc((size_t)size * sizeof *times) : NULL;
    MPI_Gather(&jobs[PARALLEL].local_s, 1, MPI_DOUBLE, times, 1, MPI_DOUBLE, 0, comm);
    if (times && plb_variant_selected(&program, opt, variants[PARALLEL]) && !failure)
        for (int r = 0; r < size; r++)
            printf("# rank %-7d: %" PRId64 " decrements in %.4e s (last run)\n", r,
                   plb_block_count(opt->n, size, r), times[r]);
    free(times);
    return failure;
}

static int run_lesson(int argc, char **argv, MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    plb_options opt = {.n = 50000000, .repeats = 10, .warmup = 1, .threads = 1};
    int status = plb_mpi_parse_cli(&program, argc, argv, &opt, comm);
    if (status >= 0)
        return status;
    plb_context ctx;
    FILE *out = plb_mpi_report_start(&ctx, program.name, 1, &opt, comm);
    const char *failure = NULL;
    if (show_demo)
        demo(rank, size);
    else
        failure = count_down(&opt, &ctx, out, comm);
    return plb_mpi_verdict(&opt, failure, comm);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int status = run_lesson(argc, argv, MPI_COMM_WORLD);
    MPI_Finalize();
    return status;
}
