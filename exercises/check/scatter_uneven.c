/* scatter_uneven: the checker of the scatter_uneven exercise (exercises/scatter_uneven/): the
 * learner's deal_blocks is checked at 1, 10, 1000 and 999983 elements on this run's ranks (every
 * element dealt once, in rank order, as evenly as can be); then mpi_map_square's lesson (b[i] =
 * a[i]^2 over the ranks) runs with the learner's scatter_by_hand and gather_by_hand as its p2p
 * steps and the learner's blocks, verified by the lesson's own checks on every rank. Timed by the
 * lesson's runner beside MPI_Scatterv/MPI_Gatherv (collective), the root alone (seq) and the
 * copies alone (bare).
 * Built with the learner's file, or the solution's, by exercises/check.sh (make check
 * EX=scatter_uneven); not a file to edit.
 * Rate: GB/s = 16 * n / median_s / 1e9, as mpi_map_square counts it.
 *
 *   usage: mpirun -np P scatter_uneven [-n N] [-r R] [-w W] [-V seq,collective,p2p,bare]
 *          [--timeout S] [--csv]
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "blocks.h"
#include "exit_codes.h"
#include "mpi_checker.h"
#include "mpi_map_square.h"
#include "mpi_support.h"
#include "scatter_gather.h"
#include "watchdog.h"

#define LARGEST_CHECK 999983

static sg_kernel kernel; /* the lesson's, with the learner's steps as its p2p */

/* The learner's scatter and gather, watched for a hang. */
static void watched_scatter(sg_job *j)
{
    plb_watchdog_watch(true);
    scatter_by_hand(j);
    plb_watchdog_watch(false);
}

static void watched_gather(sg_job *j)
{
    plb_watchdog_watch(true);
    gather_by_hand(j);
    plb_watchdog_watch(false);
}

/* What is wrong with deal_blocks' counts and displs of n on `ranks` ranks, or NULL. */
static const char *deal_wrong(int64_t n, int ranks, const int counts[], const int displs[])
{
    static char why[160];
    int64_t sum = 0, least = INT64_MAX, most = -1;
    for (int r = 0; r < ranks; r++) {
        if (displs[r] != sum) {
            snprintf(why, sizeof why,
                     "rank %d's block starts at %d, where rank %d's ends at %" PRId64, r, displs[r],
                     r - 1, sum);
            return r ? why
                     : (snprintf(why, sizeof why, "rank 0's block starts at %d, not 0", displs[0]),
                        why);
        }
        if (counts[r] < 0) {
            snprintf(why, sizeof why, "rank %d gets %d elements", r, counts[r]);
            return why;
        }
        sum += counts[r];
        least = counts[r] < least ? counts[r] : least;
        most = counts[r] > most ? counts[r] : most;
    }
    if (sum != n)
        snprintf(why, sizeof why,
                 "the blocks hold %" PRId64 " elements, not %" PRId64 ": %" PRId64 " %s", sum, n,
                 sum < n ? n - sum : sum - n, sum < n ? "dealt to no rank" : "too many");
    else if (most - least > 1)
        snprintf(why, sizeof why,
                 "blocks of %" PRId64 " to %" PRId64 " elements: not as even as "
                 "can be",
                 least, most);
    else
        return NULL;
    return why;
}

/* The learner's deal of n elements over j's ranks, in j's counts and displs: what is wrong with
 * it on this rank, or NULL, and then this rank's block is the one dealt (as even as
 * plb_block_count's: the blocks have room). */
static const char *deal_learners_blocks(sg_job *j, int64_t n)
{
    deal_blocks(n, j->size, j->counts, j->displs);
    const char *dealt = deal_wrong(n, j->size, j->counts, j->displs);
    if (!dealt) {
        j->count = j->counts[j->rank];
        j->displ = j->displs[j->rank];
    }
    return dealt;
}

/* One run of the lesson at n with the learner's blocks and steps: 0, or 1 with what went wrong in
 * why (on every rank). Collective. */
static int run_with_learners_blocks(int64_t n, MPI_Comm comm, char *why, size_t len)
{
    sg_job *j = sg_create(&kernel, n, 1, comm);
    if (!j) {
        snprintf(why, len, "out of memory at n = %" PRId64, n);
        return 1;
    }
    const char *dealt = deal_learners_blocks(j, n);
    /* every rank judges its own deal: a deal that differs between ranks must stop them all */
    if (dealt)
        snprintf(why, len, "deal_blocks, %" PRId64 " element%s on %d rank%s: %s", n,
                 n > 1 ? "s" : "", j->size, j->size > 1 ? "s" : "", dealt);
    if (plb_mpi_share_detail(dealt != NULL, why, (int)len, comm)) {
        sg_destroy(j);
        return 1;
    }
    int wrong = sg_run_once(j, SG_P2P);
    if (wrong) {
        plb_mpi_share_detail(j->detail[0] != '\0', j->detail, sizeof j->detail, comm);
        snprintf(why, len, "scatter_by_hand and gather_by_hand, %" PRId64 " element%s: %s", n,
                 n > 1 ? "s" : "", j->detail);
    }
    sg_destroy(j);
    return wrong;
}

static double timeout_s = 10.0;
/* clang-format off */
static const plb_opt extra[] = {
    {.long_name = "timeout", .kind = PLB_OPT_REAL, .target = &timeout_s, .min = 0.1, .max = 3600,
     .arg_name = "S", .help = "a scatter or gather that has not returned after S seconds hangs"},
    PLB_OPT_END,
};
/* clang-format on */
static const plb_program program = {
    .name = "scatter_uneven",
    .summary = "the scatter_uneven exercise: your blocks, scatter and gather, checked and timed",
    .variants = sg_variant_names,
    .extra = extra,
};

/* -n: at most INT_MAX / 2 elements (the same on every rank), the arrays in memory: -1 to run,
 * or the exit code, on every rank. Collective. */
static int check_input(const plb_options *opt, MPI_Comm comm)
{
    if (opt->n > INT_MAX / 2)
        return plb_mpi_refuse(program.name, PLB_EXIT_USAGE, comm,
                              "-n %" PRId64 ": at most %d elements", opt->n, INT_MAX / 2);
    int64_t largest = opt->n > LARGEST_CHECK ? opt->n : LARGEST_CHECK;
    if (!plb_mpi_memory_check(program.name, 32.0 * (double)largest, comm))
        return PLB_EXIT_USAGE;
    return -1;
}

/* The learner's deal and steps at 1, 10, 1000 and LARGEST_CHECK elements: NULL, or what went
 * wrong (on every rank). Collective. */
static const char *check_sizes(MPI_Comm comm)
{
    static char why[320];
    const int64_t sizes[] = {1, 10, 1000, LARGEST_CHECK};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        if (run_with_learners_blocks(sizes[s], comm, why, sizeof why))
            return why;
    return NULL;
}

/* The lesson's runner at -n elements with the learner's blocks and steps, its rows printed:
 * NULL, or why not (on every rank). Collective. */
static const char *time_learners_blocks(const plb_options *opt, const plb_context *ctx, FILE *out,
                                        MPI_Comm comm)
{
    static char why[160];
    sg_job *j = sg_create(&kernel, opt->n, 1, comm);
    if (!j)
        return "out of memory for the timed run";
    const char *failure = why;
    if (plb_mpi_agree(deal_learners_blocks(j, opt->n) != NULL, comm)) /* a block past its room
                                                                          would overrun */
        snprintf(why, sizeof why,
                 "deal_blocks, %" PRId64 " elements: the blocks are not as "
                 "checked",
                 opt->n);
    else
        failure = sg_run(j, &program, ctx, opt, out);
    sg_destroy(j);
    return failure;
}

/* The header, the checks, the timed run and the verdict: the exit code, on every rank.
 * Collective. */
static int check_and_time(const plb_options *opt, MPI_Comm comm)
{
    checker_say_mpi_errors(comm);
    plb_context ctx;
    FILE *out = plb_mpi_report_start(&ctx, program.name, 1, opt, comm);
    const char *failure = check_sizes(comm);
    if (out && !failure)
        plb_report_param(out, "checked",
                         "1, 10, 1000 and 999983 elements: every block dealt, "
                         "scattered, squared and gathered");
    if (!failure)
        failure = time_learners_blocks(opt, &ctx, out, comm);
    return plb_mpi_verdict(opt, failure, comm);
}

/* Parses, checks, starts the watchdog, checks and times the learner's steps: the exit code, on
 * every rank. Collective. */
static int run_lesson(int argc, char **argv, MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    kernel = map_square_lesson;
    kernel.p2p = (sg_steps){.scatter = watched_scatter, .gather = watched_gather};
    plb_options opt = {.n = 1 << 20, .repeats = 5, .warmup = 1, .threads = 1};
    int status = plb_mpi_parse_cli(&program, argc, argv, &opt, comm);
    if (status < 0)
        status = check_input(&opt, comm);
    if (status >= 0)
        return status;
    if (plb_mpi_agree(checker_watch_hangs("your scatter or gather", rank, size, timeout_s) != 0,
                      comm))
        return plb_mpi_refuse(program.name, PLB_EXIT_FAILED, comm, "no watchdog thread");
    return check_and_time(&opt, comm);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int status = run_lesson(argc, argv, MPI_COMM_WORLD);
    MPI_Finalize();
    return status;
}
