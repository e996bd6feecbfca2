/* mpi_shared_array: the tutorials' shared Value and Array, across processes, with MPI-3
 * shared-memory windows: the ranks of a node read and write one array with plain loads and
 * stores, no messages.
 *
 * The lesson: shared_window_create below (MPI_Comm_split_type, then MPI_Win_allocate_shared: the
 * node's first rank allocates, the others map it). slices: each rank adds 1 to its own slice, no
 * conflict. A counter every rank adds to (shared_count): fetch_and_op (MPI_Fetch_and_op) and
 * accumulate (MPI_Accumulate) are atomic; racy, a plain load and store through the shared pointer,
 * loses updates between processes exactly as threads do (its "# racy" note counts them), as
 * multiprocessing.Value does without its lock.
 *
 * Measurement (not the lesson): the counter takes --updates additions in all (by default 100000,
 * or as many as take a quarter second where one atomic is slow: MPICH 4.0 waits for the window
 * owner's progress, 2 ms each when ranks outnumber cores). Rates: slices GB/s = 16 * n /
 * median_s / 1e9; counter Mupd/s = updates / median_s / 1e6. Verified after every batch, on each
 * node's first rank: a[i] == i + runs; the counter is exactly runs x updates (racy: at most that,
 * its row verified when the count is possible, and saying "lost updates" for people once a batch
 * lost one).
 *
 *   usage: mpirun -np P mpi_shared_array [-n N] [-r R] [-w W]
 *                  [-V slices,fetch_and_op,accumulate,racy] [--updates U] [-v] [--csv]
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>

#include "exit_codes.h"
#include "lesson.h"
#include "mpi_shared_array.h"
#include "mpi_support.h"
#include "omp_increment.h"
#include "partition.h"

int shared_window_create(shared_window *s, int64_t n, MPI_Comm world)
{
    MPI_Comm_split_type(world, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &s->node);
    MPI_Comm_rank(s->node, &s->node_rank);
    MPI_Comm_size(s->node, &s->node_size);
    s->n = n;
    MPI_Aint bytes = s->node_rank == 0 ? (MPI_Aint)((n + 1) * (int64_t)sizeof(int64_t)) : 0;
    int64_t *mine;
    int failed = MPI_Win_allocate_shared(bytes, sizeof(int64_t), MPI_INFO_NULL, s->node, &mine,
                                         &s->win) != MPI_SUCCESS;
    MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_MAX, world);
    if (failed) {
        MPI_Comm_free(&s->node);
        return 1;
    }
    MPI_Aint size;
    int unit;
    MPI_Win_shared_query(s->win, 0, &size, &unit, &s->a);
    s->counter = s->a + n;
    MPI_Win_lock_all(MPI_MODE_NOCHECK, s->win);
    return 0;
}

void shared_window_free(shared_window *s)
{
    MPI_Win_unlock_all(s->win);
    MPI_Win_free(&s->win);
    MPI_Comm_free(&s->node);
}

/* Makes this rank's stores visible to the node, and the others' to this rank. */
static void publish(shared_window *s)
{
    MPI_Win_sync(s->win);
    MPI_Barrier(s->node);
    MPI_Win_sync(s->win);
}

/* This rank's slice of the array: its block of the node's n elements. */
static int64_t slice_start(const shared_window *s, int64_t *count)
{
    *count = plb_block_count(s->n, s->node_size, s->node_rank);
    return plb_block_start(s->n, s->node_size, s->node_rank);
}

/* Each rank writes its own slice: the window's pages are first touched by the rank that updates
 * them, so on a two-socket node each slice lies in its own rank's memory (the window is one
 * mapping, but its pages land where they are first written). */
void shared_reset(shared_window *s)
{
    int64_t count, start = slice_start(s, &count);
    for (int64_t i = start; i < start + count; i++)
        s->a[i] = i;
    if (s->node_rank == 0)
        *s->counter = 0;
    publish(s);
}

void shared_increment_slices(shared_window *s)
{
    int64_t count;
    int64_t *slice = s->a + slice_start(s, &count); /* straight into the shared window: no
                                                        message */
    for (int64_t i = 0; i < count; i++)
        slice[i] += 1;
    publish(s);
}

void shared_count(shared_window *s, int64_t updates, counter_kind kind)
{
    const int64_t one = 1;
    int64_t old;
    volatile int64_t *plain = s->counter;
    MPI_Aint at = (MPI_Aint)s->n; /* the counter's displacement, in elements */
    for (int64_t u = 0; u < updates; u++) {
        switch (kind) {
        case COUNTER_FETCH_AND_OP:
            MPI_Fetch_and_op(&one, &old, MPI_INT64_T, 0, at, MPI_SUM, s->win);
            MPI_Win_flush(0, s->win); /* old is valid, the add is done */
            break;
        case COUNTER_ACCUMULATE:
            MPI_Accumulate(&one, 1, MPI_INT64_T, 0, at, 1, MPI_INT64_T, MPI_SUM, s->win);
            break;
        case COUNTER_RACY:
            *plain = *plain + 1; /* read, add, write: another process's write in between is lost */
            break;
        }
    }
    if (kind == COUNTER_ACCUMULATE)
        MPI_Win_flush(0, s->win);
    publish(s);
}

double shared_atomic_seconds(shared_window *s, MPI_Comm world)
{
    int size;
    MPI_Comm_size(world, &size);
    double fastest = 0.0;
    for (int pass = 0; pass < 2; pass++) { /* the first pays for setting up: the faster counts */
        MPI_Barrier(world);
        double start = MPI_Wtime();
        shared_count(s, SHARED_PROBE_UPDATES, COUNTER_FETCH_AND_OP);
        double elapsed = MPI_Wtime() - start;
        MPI_Allreduce(MPI_IN_PLACE, &elapsed, 1, MPI_DOUBLE, MPI_MAX, world);
        fastest = pass == 0 || elapsed < fastest ? elapsed : fastest;
    }
    return fastest / ((double)SHARED_PROBE_UPDATES * size);
}

int64_t shared_default_updates(double seconds_each, int ranks)
{
    int64_t fewest = (int64_t)SHARED_PROBE_UPDATES * ranks;
    if (!(seconds_each * SHARED_UPDATES > SHARED_RUN_BUDGET_S)) /* NaN or 0: keep the default */
        return SHARED_UPDATES > fewest ? SHARED_UPDATES : fewest;
    int64_t fit = (int64_t)(SHARED_RUN_BUDGET_S / seconds_each);
    return fit > fewest ? fit : fewest;
}

/* The program: the runner times the lesson above and verifies every result. */
typedef enum { SLICES, FETCH_AND_OP, ACCUMULATE, RACY, VARIANT_COUNT } variant;
static const char *const variants[] = {[SLICES] = "slices",
                                       [FETCH_AND_OP] = "fetch_and_op",
                                       [ACCUMULATE] = "accumulate",
                                       [RACY] = "racy",
                                       NULL};
/* The counter each variant updates; slices updates none. */
static const counter_kind counters[] = {[FETCH_AND_OP] = COUNTER_FETCH_AND_OP,
                                        [ACCUMULATE] = COUNTER_ACCUMULATE,
                                        [RACY] = COUNTER_RACY};

typedef struct job {
    shared_window *s;
    variant variant;
    int64_t updates;      /* this rank's share */
    int64_t node_updates; /* all of this node's ranks' shares */
    int64_t counted, possible;
    char *detail;
    char outcome[16]; /* the row's word for people: "lost updates" once racy lost one */
} job;

static void prepare(void *arg)
{
    shared_reset(((job *)arg)->s);
}

static void run_variant(void *arg)
{
    job *j = arg;
    if (j->variant == SLICES)
        shared_increment_slices(j->s);
    else
        shared_count(j->s, j->updates, counters[j->variant]);
}

static int verify(void *arg, long runs)
{
    job *j = arg;
    if (j->s->node_rank != 0)
        return 0;
    if (j->variant == SLICES) {
        int64_t bad = increment_check(j->s->a, j->s->n, 0, runs);
        if (bad >= 0)
            snprintf(j->detail, PLB_DETAIL_LEN, "a[%" PRId64 "] = %" PRId64 ", expected %" PRId64,
                     bad, j->s->a[bad], bad + runs);
        return bad >= 0;
    }
    j->counted = *j->s->counter;
    j->possible = runs * j->node_updates;
    int ok = j->variant == RACY ? j->counted >= (j->possible > 0) && j->counted <= j->possible
                                : j->counted == j->possible;
    if (j->variant == RACY && j->counted < j->possible)
        snprintf(j->outcome, sizeof j->outcome, "lost updates");
    if (!ok)
        snprintf(j->detail, PLB_DETAIL_LEN, "counter %" PRId64 ", expected %" PRId64, j->counted,
                 j->possible);
    return !ok;
}

static int64_t updates = 0; /* 0: shared_default_updates chooses */
/* clang-format off */
static const plb_opt extra[] = {
    {.long_name = "updates", .kind = PLB_OPT_COUNT, .target = &updates, .min = 1,
     .arg_name = "U",
     .help = "counter updates per run, all ranks together; automatic: 100000, fewer where one "
             "atomic update is slow"},
    PLB_OPT_END,
};
/* clang-format on */
static const plb_program program = {
    .name = "mpi_shared_array",
    .summary = "an array and a counter in MPI-3 shared memory: slices, atomics, a race",
    .variants = variants,
    .extra = extra,
};

/* The counter updates of a run of each variant, all ranks together, into all (slices: 0). Unless
 * the user chose: the atomics make as many as fit their budget here (one update's time measured
 * into *seconds_each, else 0), and the racy counter, plain loads and stores, the default number.
 * Collective. */
static void choose_updates(shared_window *s, const plb_options *opt, int64_t all[VARIANT_COUNT],
                           double *seconds_each, MPI_Comm comm)
{
    int size;
    MPI_Comm_size(comm, &size);
    int64_t racy = updates ? updates : SHARED_UPDATES, atomic = racy;
    *seconds_each = 0.0;
    if (!updates && (plb_variant_selected(&program, opt, variants[FETCH_AND_OP]) ||
                     plb_variant_selected(&program, opt, variants[ACCUMULATE]))) {
        *seconds_each = shared_atomic_seconds(s, comm);
        atomic = shared_default_updates(*seconds_each, size);
    }
    for (variant k = 0; k < VARIANT_COUNT; k++)
        all[k] = k == SLICES ? 0 : k == RACY ? racy : atomic;
}

static void report_updates(FILE *out, const shared_window *s, const int64_t all[VARIANT_COUNT],
                           double seconds_each)
{
    if (all[FETCH_AND_OP] < all[RACY])
        plb_report_param(out, "updates",
                         "%" PRId64 " counter updates per run, all ranks (racy: %" PRId64
                         "): one MPI_Fetch_and_op took %.3g ms here (ranks waiting for a "
                         "core?)",
                         all[FETCH_AND_OP], all[RACY], 1e3 * seconds_each);
    else
        plb_report_param(out, "updates", "%" PRId64 " counter updates per run, all ranks",
                         all[FETCH_AND_OP]);
    plb_report_param(out, "node", "%d ranks share rank 0's window", s->node_size);
}

/* The variants on the window, each rank making its share of all's updates; then what racy lost.
 * Returns the failure, or NULL. */
static const char *measure_window(shared_window *s, const plb_options *opt, const plb_context *ctx,
                                  FILE *out, const int64_t all[VARIANT_COUNT], MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    int64_t mine[VARIANT_COUNT], node_all[VARIANT_COUNT]; /* this rank's share, its node's */
    for (variant k = 0; k < VARIANT_COUNT; k++)
        mine[k] = plb_block_count(all[k], size, rank);
    MPI_Allreduce(mine, node_all, VARIANT_COUNT, MPI_INT64_T, MPI_SUM, s->node);
    char detail[PLB_DETAIL_LEN] = "";
    job jobs[VARIANT_COUNT];
    plb_variant v[VARIANT_COUNT];
    for (variant k = 0; k < VARIANT_COUNT; k++) {
        jobs[k] = (job){.s = s,
                        .variant = k,
                        .updates = mine[k],
                        .node_updates = node_all[k],
                        .detail = detail};
        bool slices = k == SLICES;
        v[k] = (plb_variant){
            .name = variants[k],
            .threads = 1,
            .kernel = {.prepare = prepare, .run = run_variant, .verify = verify, .arg = &jobs[k]},
            .amount = slices ? 16.0 * (double)opt->n : (double)all[k],
            .unit = slices ? 1e9 : 1e6,
            .rate_unit = slices ? "GB/s" : "Mupd/s",
            .detail = detail,
            .outcome = slices ? NULL : jobs[k].outcome};
    }
    plb_sync sync = plb_mpi_sync(&comm);
    const char *failure = plb_run_variants(&program, ctx, opt, v, VARIANT_COUNT, &sync, out, NULL);
    const job *racy = &jobs[RACY];
    if (out && plb_variant_selected(&program, opt, variants[RACY]) && racy->possible > 0)
        fprintf(out,
                "# racy        : race %s: the last batch counted %" PRId64 " of %" PRId64
                " (%" PRId64 " lost)\n",
                racy->counted < racy->possible ? "observed" : "not observed", racy->counted,
                racy->possible, racy->possible - racy->counted);
    return failure;
}

static int run_lesson(int argc, char **argv, MPI_Comm comm)
{
    plb_options opt = {.n = 1 << 20, .repeats = 10, .warmup = 1, .threads = 1};
    int status = plb_mpi_parse_cli(&program, argc, argv, &opt, comm);
    if (status >= 0)
        return status;
    if (opt.n > INT32_MAX)
        return plb_mpi_refuse(program.name, PLB_EXIT_USAGE, comm, "n is over %d", INT32_MAX);
    /* The window lives in each node's first rank; the node's ranks share that memory's room. */
    if (!plb_mpi_memory_check(program.name, 8.0 * (double)opt.n + 8.0, comm))
        return PLB_EXIT_USAGE;
    shared_window s;
    if (shared_window_create(&s, opt.n, comm))
        return plb_mpi_refuse(program.name, PLB_EXIT_FAILED, comm,
                              "cannot allocate the shared window");
    int64_t all[VARIANT_COUNT];
    double seconds_each;
    choose_updates(&s, &opt, all, &seconds_each, comm);
    plb_context ctx;
    FILE *out = plb_mpi_report_start(&ctx, program.name, 1, &opt, comm);
    if (out)
        report_updates(out, &s, all, seconds_each);
    const char *failure = measure_window(&s, &opt, &ctx, out, all, comm);
    shared_window_free(&s);
    return plb_mpi_verdict(&opt, failure, comm);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int status = run_lesson(argc, argv, MPI_COMM_WORLD);
    MPI_Finalize();
    return status;
}
