/* mpi_shared_array: the tutorial's shared Value and Array, across processes, with MPI-3
 * shared-memory windows (MPI_Comm_split_type + MPI_Win_allocate_shared): the ranks of a node read
 * and write one array in the first rank's memory with plain loads and stores, no messages.
 *
 * Variants: slices (each rank adds 1 to its slice of the n-element array, in place; rate
 * GB/s = 16 * n / median_s / 1e9), and a counter that the ranks add 1 to --updates times in all:
 * fetch_and_op (MPI_Fetch_and_op, atomic), accumulate (MPI_Accumulate, atomic), racy (a plain
 * load and store through the shared pointer: processes lose each other's updates exactly as
 * threads do; its row verifies when the count is possible, its note says what was lost).
 * Counter rate: Mupd/s = updates / median_s / 1e6.
 * Verified after every batch, on each node's first rank: a[i] == i + runs; the counter is exactly
 * runs x updates (racy: at most that).
 *
 *   usage: mpirun -np P mpi_shared_array [-n N] [-r R] [-w W]
 *                  [-V slices,fetch_and_op,accumulate,racy] [--updates U] [--csv]
 */
#include <inttypes.h>
#include <stdio.h>

#include "countdown.h"
#include "exit_codes.h"
#include "increment.h"
#include "lesson.h"
#include "mpi_support.h"
#include "shared_window.h"

typedef struct job {
    shared_window *s;
    int slices;
    counter_kind kind;
    int64_t updates;      /* this rank's share */
    int64_t node_updates; /* all of this node's ranks' shares */
    int64_t counted, possible;
    char *detail;
} job;

static void prepare(void *arg)
{
    shared_reset(((job *)arg)->s);
}

static void run(void *arg)
{
    job *j = arg;
    if (j->slices)
        shared_increment_slices(j->s);
    else
        shared_count(j->s, j->updates, j->kind);
}

static int verify(void *arg, long runs)
{
    job *j = arg;
    if (j->s->node_rank != 0)
        return 0;
    if (j->slices) {
        int64_t bad = increment_check(j->s->a, j->s->n, 0, runs);
        if (bad >= 0)
            snprintf(j->detail, 128, "a[%" PRId64 "] = %" PRId64 ", expected %" PRId64, bad,
                     j->s->a[bad], bad + runs);
        return bad >= 0;
    }
    j->counted = *j->s->counter;
    j->possible = runs * j->node_updates;
    int ok = j->kind == COUNTER_RACY ? j->counted >= (j->possible > 0) && j->counted <= j->possible
                                     : j->counted == j->possible;
    if (!ok)
        snprintf(j->detail, 128, "counter %" PRId64 ", expected %" PRId64, j->counted,
                 j->possible);
    return !ok;
}

static int64_t updates = 100000;
static const plb_opt extra[] = {
    {"updates", 0, PLB_OPT_COUNT, &updates, 1, 0, "U", "counter updates, all ranks together"},
    {NULL, 0, 0, NULL, 0, 0, NULL, NULL},
};
static const char *const variants[] = {"slices", "fetch_and_op", "accumulate", "racy", NULL};
static const plb_program program = {
    "mpi_shared_array", "an array and a counter in MPI-3 shared memory: slices, atomics, a race",
    variants, extra};

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    plb_options opt = {.n = 1 << 20, .repeats = 10, .warmup = 1, .threads = 1};
    int status = plb_mpi_parse_cli(&program, argc, argv, &opt, MPI_COMM_WORLD);
    if (status < 0 && opt.n > INT32_MAX) {
        if (rank == 0)
            fprintf(stderr, "mpi_shared_array: n is over %d\n", INT32_MAX);
        status = PLB_EXIT_USAGE;
    }
    if (status >= 0) {
        MPI_Finalize();
        return status;
    }
    shared_window s;
    if (shared_window_create(&s, opt.n, MPI_COMM_WORLD)) {
        if (rank == 0)
            fprintf(stderr, "mpi_shared_array: cannot allocate the shared window\n");
        MPI_Finalize();
        return PLB_EXIT_FAILED;
    }
    int64_t mine = countdown_share(updates, size, rank), node_updates;
    MPI_Allreduce(&mine, &node_updates, 1, MPI_INT64_T, MPI_SUM, s.node);

    plb_context ctx;
    FILE *out = plb_mpi_report_start(&ctx, program.name, 1, &opt, MPI_COMM_WORLD);
    if (out) {
        plb_report_param(out, "updates", "%" PRId64 " counter updates per run, all ranks",
                         updates);
        plb_report_param(out, "node", "%d ranks share rank 0's window", s.node_size);
    }
    char detail[128] = "";
    job jobs[4];
    plb_variant v[4];
    for (int k = 0; k < 4; k++) {
        jobs[k] = (job){&s, k == 0, (counter_kind)(k - 1), mine, node_updates, 0, 0, detail};
        v[k] = k == 0 ? (plb_variant){variants[k], 1, {prepare, run, verify, &jobs[k]},
                                      16.0 * (double)opt.n, 1e9, "GB/s", 0.0, detail}
                      : (plb_variant){variants[k], 1, {prepare, run, verify, &jobs[k]},
                                      (double)updates, 1e6, "Mupd/s", 0.0, detail};
    }
    MPI_Comm comm = MPI_COMM_WORLD;
    plb_sync sync = plb_mpi_sync(&comm);
    const char *failure = plb_run_variants(&program, &ctx, &opt, v, 4, &sync, out, NULL);
    const job *racy = &jobs[3];
    if (out && plb_variant_selected(&program, &opt, "racy") && racy->possible > 0)
        printf("# racy        : race %s: the last batch counted %" PRId64 " of %" PRId64
               " (%" PRId64 " lost)\n", racy->counted < racy->possible ? "observed" : "not observed",
               racy->counted, racy->possible, racy->possible - racy->counted);
    shared_window_free(&s);
    status = plb_mpi_verdict(&opt, failure, MPI_COMM_WORLD);
    MPI_Finalize();
    return status;
}
