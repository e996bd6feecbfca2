/* collective_tree: the checker of the collective_tree exercise (exercises/collective_tree/): the
 * learner's gather_tree() is run on this run's ranks at 1, 3 and 1000 elements a block, checked
 * element for element on rank 0, then timed beside MPI_Gather, the yardstick. A gather_tree that
 * does not return within --timeout seconds on some rank is reported by that rank in a HANG line,
 * which ends the run (exit 3 from that rank; the launcher's code is its own); an MPI error in it,
 * in one line, with exit 1. The watchdog's switch costs the learner's calls an atomic or two each,
 * which MPI_Gather's do not pay.
 * Built with the learner's file, or the solution's, by exercises/check.sh (make check
 * EX=collective_tree); not a file to edit.
 * Rate: MB/s = P * m / t / 1e6: the bytes that reach rank 0 (m each rank's block), over the
 * median time of one call.
 *
 *   usage: mpirun -np P collective_tree [-n BYTES] [-r R] [-w W] [-V exercise,mpi] [--timeout S]
 *          [--csv]
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "exit_codes.h"
#include "gather_tree.h"
#include "lesson.h"
#include "mpi_checker.h"
#include "mpi_support.h"
#include "watchdog.h"

#define POISON UINT64_C(0xdeadbeefdeadbeef)

typedef enum way { WAY_EXERCISE, WAY_MPI, WAYS } way;
static const char *const variants[] = {[WAY_EXERCISE] = "exercise", [WAY_MPI] = "mpi", NULL};

typedef struct job {
    int rank, size;
    way w;
    unsigned stamp; /* changes every batch, so a stale result cannot pass */
    coll_buffers b;
    char detail[PLB_DETAIL_LEN];
} job;

/* Element i of rank r's block: the stamp, r + 1 and i in bits 48-63, 24-47 and 0-23 (blocks of at
 * most 2^24 elements), so a misplaced element tells whose it is. */
static uint64_t element(const job *j, int r, int i)
{
    return ((uint64_t)j->stamp << 48) ^ ((uint64_t)(r + 1) << 24) ^ (uint64_t)i;
}

static void prepare(void *arg)
{
    job *j = arg;
    j->stamp++;
    for (int i = 0; i < j->b.count; i++)
        j->b.in[i] = element(j, j->rank, i);
    for (int64_t k = 0; k < (int64_t)j->b.count * j->size; k++)
        j->b.out[k] = POISON;
}

static void run_variant(void *arg)
{
    job *j = arg;
    MPI_Barrier(j->b.comm);
    if (j->w == WAY_MPI) {
        MPI_Gather(j->b.in, j->b.count, MPI_UINT64_T, j->b.out, j->b.count, MPI_UINT64_T, 0,
                   j->b.comm);
        return;
    }
    plb_watchdog_watch(true);
    gather_tree(&j->b);
    plb_watchdog_watch(false);
}

/* Rank 0's blocks against every rank's, in the learner's words; 0 when all are right. */
static int verify(void *arg, long runs)
{
    (void)runs;
    job *j = arg;
    int count = j->b.count;
    for (int64_t k = 0; j->rank == 0 && k < (int64_t)count * j->size; k++) {
        int r = (int)(k / count), i = (int)(k % count);
        uint64_t got = j->b.out[k], want = element(j, r, i);
        if (got == want)
            continue;
        int from = (int)((got >> 24 & 0xffffff) - 1), at = (int)(got & 0xffffff);
        if (got == POISON)
            snprintf(j->detail, sizeof j->detail,
                     "rank %d's block (element %d) never reached "
                     "rank 0",
                     r, i);
        else if (got >> 48 != (uint64_t)(j->stamp & 0xffff) && from >= 0 && from < j->size)
            snprintf(j->detail, sizeof j->detail,
                     "where rank %d's element %d belongs, rank 0 "
                     "has rank %d's element %d of an earlier call",
                     r, i, from, at);
        else if (from >= 0 && from < j->size && at < count && got == element(j, from, at))
            snprintf(j->detail, sizeof j->detail,
                     "where rank %d's element %d belongs, rank 0 "
                     "has rank %d's element %d",
                     r, i, from, at);
        else
            snprintf(j->detail, sizeof j->detail,
                     "where rank %d's element %d belongs, rank 0 "
                     "has %016" PRIx64 ", no rank's",
                     r, i, got);
        return 1;
    }
    return 0;
}

/* Rank 0's detail, on every rank. Collective. */
static void share_detail(job *j)
{
    MPI_Bcast(j->detail, PLB_DETAIL_LEN, MPI_CHAR, 0, j->b.comm);
}

/* gather_tree at 1, 3 and 1000 elements a block: NULL, or what went wrong, on every rank. */
static const char *check_sizes(job *j)
{
    static char why[PLB_DETAIL_LEN + 64];
    const int counts[] = {1, 3, 1000};
    for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
        j->b.count = counts[c];
        j->detail[0] = '\0';
        prepare(j);
        run_variant(j);
        if (plb_mpi_agree(verify(j, 1), j->b.comm)) {
            share_detail(j);
            snprintf(why, sizeof why, "%d element%s a block: %s", counts[c],
                     counts[c] > 1 ? "s" : "", j->detail);
            return why;
        }
    }
    return NULL;
}

static double timeout_s = 10.0;
/* clang-format off */
static const plb_opt extra[] = {
    {.long_name = "timeout", .kind = PLB_OPT_REAL, .target = &timeout_s, .min = 0.1, .max = 3600,
     .arg_name = "S", .help = "a gather_tree that has not returned after S seconds hangs"},
    PLB_OPT_END,
};
/* clang-format on */
static const plb_program program = {
    .name = "collective_tree",
    .summary = "the collective_tree exercise: your gather_tree, checked and timed",
    .variants = variants,
    .extra = extra,
};

/* Elements a block has room for: -n's and the checks' (up to 1000). */
static int block_room(const plb_options *opt)
{
    return opt->n / 8 > 1000 ? (int)(opt->n / 8) : 1000;
}

/* -n: a block of 8 bytes to what MPI's int count and an element's 24 bits of index allow (the
 * same on every rank), the buffers in memory: -1 to run, or the exit code, on every rank.
 * Collective. */
static int check_input(const plb_options *opt, int size, MPI_Comm comm)
{
    int most = INT_MAX / size < 1 << 24 ? INT_MAX / size : 1 << 24; /* elements */
    if (opt->n < 8 || opt->n / 8 > most)
        return plb_mpi_refuse(program.name, PLB_EXIT_USAGE, comm,
                              "-n %" PRId64 ": a block is 8 "
                              "to %" PRId64 " bytes on %d ranks",
                              opt->n, 8 * (int64_t)most, size);
    if (!plb_mpi_memory_check(program.name, 8.0 * block_room(opt) * (1.0 + 2.0 * size), comm))
        return PLB_EXIT_USAGE;
    return -1;
}

/* Each selected way timed at -n bytes a block, its row printed: NULL, or why one failed (on
 * every rank). Collective. */
static const char *time_ways(job *j, const plb_options *opt, FILE *out)
{
    static char why[PLB_DETAIL_LEN + 64];
    j->b.count = (int)(opt->n / 8);
    for (j->w = WAY_EXERCISE; j->w < WAYS; j->w++) {
        if (!plb_variant_selected(&program, opt, variants[j->w]))
            continue;
        plb_kernel k = {.prepare = prepare, .run = run_variant, .verify = verify, .arg = j};
        j->detail[0] = '\0';
        int measured = checker_time_way(&program, opt, variants[j->w], &k, j->b.comm,
                                        8 * (int64_t)j->b.count, 8.0 * j->b.count * j->size, out);
        if (measured != PLB_MEASURE_OK) {
            share_detail(j);
            snprintf(why, sizeof why, "%s, timed: %s%s%s", variants[j->w],
                     plb_measure_error(measured), j->detail[0] ? ": " : "", j->detail);
            return why;
        }
    }
    return NULL;
}

/* The header, the checks, the timed ways and the verdict: the exit code, on every rank.
 * Collective. */
static int check_and_time(job *j, const plb_options *opt)
{
    checker_say_mpi_errors(j->b.comm);
    plb_context ctx;
    FILE *out = plb_mpi_report_start(&ctx, program.name, 1, opt, j->b.comm);
    const char *failure = check_sizes(j);
    if (out && !failure) {
        plb_report_param(out, "checked",
                         "1, 3 and 1000 elements a block: every block in its "
                         "place on rank 0");
        plb_report_columns(out, opt);
    }
    if (!failure)
        failure = time_ways(j, opt, out);
    return plb_mpi_verdict(opt, failure, j->b.comm);
}

/* Parses, checks, allocates, checks and times gather_tree: the exit code, on every rank.
 * Collective. */
static int run_lesson(int argc, char **argv, MPI_Comm comm)
{
    job j = {.b.comm = comm};
    MPI_Comm_rank(comm, &j.rank);
    MPI_Comm_size(comm, &j.size);
    plb_options opt = {.n = 64 << 10, .repeats = 5, .warmup = 1, .threads = 1};
    int status = plb_mpi_parse_cli(&program, argc, argv, &opt, comm);
    if (status < 0)
        status = check_input(&opt, j.size, comm);
    if (status >= 0)
        return status;
    if (coll_buffers_alloc(&j.b, block_room(&opt), comm) != 0 ||
        plb_mpi_agree(checker_watch_hangs("gather_tree", j.rank, j.size, timeout_s) != 0, comm))
        status = plb_mpi_refuse(program.name, PLB_EXIT_FAILED, comm,
                                "out of memory, or no watchdog thread");
    else
        status = check_and_time(&j, &opt);
    coll_buffers_free(&j.b);
    return status;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int status = run_lesson(argc, argv, MPI_COMM_WORLD);
    MPI_Finalize();
    return status;
}
