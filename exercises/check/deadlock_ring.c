/* deadlock_ring: the checker of the deadlock_ring exercise (exercises/deadlock_ring/): the
 * learner's ring_shift and ring_shift_ordered run on this run's ranks at 1, 1000 and 2^19
 * elements (8 bytes to 4 MiB: past every MPI's eager limit), every rank's received block checked
 * element for element; a call that does not return within --timeout seconds is reported by every
 * stuck rank in a HANG line that names the MPI call it waits in, so the lines show the cycle.
 * Then timed beside a memcpy of the same bytes on each rank (copy: what moving them costs
 * without MPI).
 * Built with the learner's file, or the solution's, by exercises/check.sh (make check
 * EX=deadlock_ring); not a file to edit.
 * Rate: MB/s = 8 * count / median_s / 1e6: the bytes each rank sends, over one call's time.
 *
 *   usage: mpirun -np P deadlock_ring [-n BYTES] [-r R] [-w W] [-V sendrecv,ordered,copy]
 *          [--timeout S] [--csv]
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "arrays.h"
#include "exit_codes.h"
#include "lesson.h"
#include "mpi_checker.h"
#include "mpi_support.h"
#include "ring.h"
#include "watchdog.h"

#define POISON INT64_C(-1)
#define LARGEST_CHECK (1 << 19)

typedef enum way { WAY_SENDRECV, WAY_ORDERED, WAY_COPY, WAYS } way;
static const char *const variants[] = {
    [WAY_SENDRECV] = "sendrecv",
    [WAY_ORDERED] = "ordered",
    [WAY_COPY] = "copy",
    NULL,
};
static const char *const calls[] = {
    [WAY_SENDRECV] = "ring_shift",
    [WAY_ORDERED] = "ring_shift_ordered",
    [WAY_COPY] = "memcpy",
};

typedef struct job {
    int rank, size, count;
    way w;
    int64_t stamp; /* changes every batch, so a stale block cannot pass */
    int64_t *out, *in;
    MPI_Comm comm;
    const char *other_call; /* a call ring_shift_ordered must do without, if it made one */
    char detail[PLB_DETAIL_LEN];
} job;

/* Element i of rank r's block: the stamp, r and i in bits 48-62, 24-47 and 0-23. */
static int64_t element(const job *j, int r, int i)
{
    return (j->stamp & 0x7fff) << 48 | (int64_t)r << 24 | i;
}

static void prepare(void *arg)
{
    job *j = arg;
    j->stamp++;
    for (int i = 0; i < j->count; i++) {
        j->out[i] = element(j, j->rank, i);
        j->in[i] = POISON;
    }
}

static void run_variant(void *arg)
{
    job *j = arg;
    if (j->w == WAY_COPY) {
        memcpy(j->in, j->out, (size_t)j->count * sizeof *j->in);
        return;
    }
    MPI_Barrier(j->comm);
    checker_calls before = checker_calls_so_far();
    plb_watchdog_watch(true);
    if (j->w == WAY_SENDRECV)
        ring_shift(j->out, j->in, j->count, j->comm);
    else
        ring_shift_ordered(j->out, j->in, j->count, j->comm);
    plb_watchdog_watch(false);
    checker_calls after = checker_calls_so_far();
    j->other_call = NULL; /* the ordered shift's point is MPI_Send and MPI_Recv alone */
    if (j->w == WAY_ORDERED && after.sendrecv > before.sendrecv)
        j->other_call = "MPI_Sendrecv";
    else if (j->w == WAY_ORDERED && (after.wait > before.wait || after.waitall > before.waitall))
        j->other_call = "a nonblocking call and its wait";
}

/* This rank's received block against its left neighbour's; 0 when right. */
static int wrong_here(job *j)
{
    if (j->other_call) {
        snprintf(j->detail, sizeof j->detail,
                 "rank %d: ring_shift_ordered used %s: MPI_Send and "
                 "MPI_Recv alone, in an order that cannot deadlock",
                 j->rank, j->other_call);
        return 1;
    }
    int left = j->w == WAY_COPY ? j->rank : (j->rank - 1 + j->size) % j->size;
    for (int i = 0; i < j->count; i++) {
        int64_t got = j->in[i], want = element(j, left, i);
        if (got == want)
            continue;
        int from = (int)(got >> 24 & 0xffffff), at = (int)(got & 0xffffff);
        if (got == POISON)
            snprintf(j->detail, sizeof j->detail,
                     "rank %d: element %d of rank %d's block never "
                     "arrived",
                     j->rank, i, left);
        else if (from < j->size && at < j->count && got == element(j, from, at))
            snprintf(j->detail, sizeof j->detail,
                     "rank %d: where rank %d's element %d belongs, "
                     "it has rank %d's element %d",
                     j->rank, left, i, from, at);
        else
            snprintf(j->detail, sizeof j->detail,
                     "rank %d: where rank %d's element %d belongs, "
                     "it has %" PRIx64 ", no rank's",
                     j->rank, left, i, (uint64_t)got);
        return 1;
    }
    return 0;
}

/* Every rank's block: 0 on every rank when all are right, else 1, with the lowest wrong rank's
 * detail on every rank. Collective. */
static int verify(void *arg, long runs)
{
    (void)runs;
    job *j = arg;
    return plb_mpi_share_detail(wrong_here(j), j->detail, sizeof j->detail, j->comm);
}

static double timeout_s = 10.0;
/* clang-format off */
static const plb_opt extra[] = {
    {.long_name = "timeout", .kind = PLB_OPT_REAL, .target = &timeout_s, .min = 0.1, .max = 3600,
     .arg_name = "S", .help = "a ring shift that has not returned after S seconds hangs"},
    PLB_OPT_END,
};
/* clang-format on */
static const plb_program program = {
    .name = "deadlock_ring",
    .summary = "the deadlock_ring exercise: your two ring shifts, checked and timed",
    .variants = variants,
    .extra = extra,
};

/* The learner's selected shifts at 1, 1000 and 2^19 elements: NULL, or what went wrong, on every
 * rank. Collective. */
static const char *check_sizes(job *j, const plb_options *opt)
{
    static char why[PLB_DETAIL_LEN + 64];
    const int counts[] = {1, 1000, LARGEST_CHECK};
    for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++)
        for (j->w = WAY_SENDRECV; j->w <= WAY_ORDERED; j->w++) {
            if (!plb_variant_selected(&program, opt, variants[j->w]))
                continue;
            j->count = counts[c];
            prepare(j);
            run_variant(j);
            if (verify(j, 1)) {
                snprintf(why, sizeof why, "%s, %d element%s (%d bytes): %s", calls[j->w], counts[c],
                         counts[c] > 1 ? "s" : "", 8 * counts[c], j->detail);
                return why;
            }
        }
    return NULL;
}

/* Each selected way timed at -n bytes, its row printed: NULL, or why one failed. Collective. */
static const char *time_ways(job *j, const plb_options *opt, FILE *out)
{
    static char why[PLB_DETAIL_LEN + 64];
    j->count = (int)(opt->n / 8);
    for (j->w = WAY_SENDRECV; j->w < WAYS; j->w++) {
        if (!plb_variant_selected(&program, opt, variants[j->w]))
            continue;
        plb_kernel k = {.prepare = prepare, .run = run_variant, .verify = verify, .arg = j};
        int measured = checker_time_way(&program, opt, variants[j->w], &k, j->comm,
                                        8 * (int64_t)j->count, 8.0 * j->count, out);
        if (measured != PLB_MEASURE_OK) {
            snprintf(why, sizeof why, "%s, timed: %s", variants[j->w], plb_measure_error(measured));
            return why;
        }
    }
    return NULL;
}

/* Elements a block has room for: -n's and the checks' (up to 2^19). */
static int64_t block_room(const plb_options *opt)
{
    return opt->n / 8 > LARGEST_CHECK ? opt->n / 8 : LARGEST_CHECK;
}

/* -n: a block of 8 bytes to what an element's 24 bits of index allow (the same on every rank),
 * the blocks in memory: -1 to run, or the exit code, on every rank. Collective. */
static int check_input(const plb_options *opt, MPI_Comm comm)
{
    if (opt->n < 8 || opt->n / 8 > 1 << 24)
        return plb_mpi_refuse(program.name, PLB_EXIT_USAGE, comm,
                              "-n %" PRId64 ": a block is 8 to %d bytes", opt->n, 8 << 24);
    if (!plb_mpi_memory_check(program.name, 16.0 * (double)block_room(opt), comm))
        return PLB_EXIT_USAGE;
    return -1;
}

/* The header, the checks, the timed ways and the verdict: the exit code, on every rank.
 * Collective. */
static int check_and_time(job *j, const plb_options *opt)
{
    checker_say_mpi_errors(j->comm);
    plb_context ctx;
    FILE *out = plb_mpi_report_start(&ctx, program.name, 1, opt, j->comm);
    const char *failure = check_sizes(j, opt);
    if (out && !failure) {
        plb_report_param(out, "checked",
                         "1, 1000 and 524288 elements: every block from the "
                         "left neighbour");
        plb_report_columns(out, opt);
    }
    if (!failure)
        failure = time_ways(j, opt, out);
    return plb_mpi_verdict(opt, failure, j->comm);
}

/* Parses, checks, allocates, checks and times the two shifts: the exit code, on every rank.
 * Collective. */
static int run_lesson(int argc, char **argv, MPI_Comm comm)
{
    job j = {.comm = comm};
    MPI_Comm_rank(comm, &j.rank);
    MPI_Comm_size(comm, &j.size);
    plb_options opt = {.n = 1 << 20, .repeats = 5, .warmup = 1, .threads = 1};
    int status = plb_mpi_parse_cli(&program, argc, argv, &opt, comm);
    if (status < 0)
        status = check_input(&opt, comm);
    if (status >= 0)
        return status;
    j.out = plb_array_alloc((size_t)block_room(&opt) * sizeof *j.out, 1);
    j.in = plb_array_alloc((size_t)block_room(&opt) * sizeof *j.in, 1);
    int broken =
        !j.out || !j.in || checker_watch_hangs("the ring shift", j.rank, j.size, timeout_s) != 0;
    if (plb_mpi_agree(broken, comm))
        status = plb_mpi_refuse(program.name, PLB_EXIT_FAILED, comm,
                                "out of memory, or no watchdog thread");
    else
        status = check_and_time(&j, &opt);
    plb_array_free(j.out);
    plb_array_free(j.in);
    return status;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int status = run_lesson(argc, argv, MPI_COMM_WORLD);
    MPI_Finalize();
    return status;
}
