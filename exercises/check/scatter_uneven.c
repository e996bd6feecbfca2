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
            snprintf(why, sizeof why, "rank %d's block starts at %d, where rank %d's ends at %"
                     PRId64, r, displs[r], r - 1, sum);
            return r ? why : (snprintf(why, sizeof why, "rank 0's block starts at %d, not 0",
                                       displs[0]), why);
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
        snprintf(why, sizeof why, "the blocks hold %" PRId64 " elements, not %" PRId64 ": %"
                 PRId64 " %s", sum, n, sum < n ? n - sum : sum - n,
                 sum < n ? "dealt to no rank" : "too many");
    else if (most - least > 1)
        snprintf(why, sizeof why, "blocks of %" PRId64 " to %" PRId64 " elements: not as even as "
                 "can be", least, most);
    else
        return NULL;
    return why;
}

/* One run of the lesson at n with the learner's blocks and steps: 0, or 1 with what went wrong in
 * why (on every rank). Collective. */
static int run_with_learners_blocks(int64_t n, MPI_Comm comm, char *why, size_t len)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    sg_job *j = sg_create(&kernel, n, 1, comm);
    if (!j) {
        snprintf(why, len, "out of memory at n = %" PRId64, n);
        return 1;
    }
    deal_blocks(n, size, j->counts, j->displs);
    const char *dealt = deal_wrong(n, size, j->counts, j->displs);
    /* every rank judges its own deal: a deal that differs between ranks must stop them all */
    if (dealt)
        snprintf(why, len, "deal_blocks, %" PRId64 " element%s on %d rank%s: %s", n,
                 n > 1 ? "s" : "", size, size > 1 ? "s" : "", dealt);
    if (plb_mpi_share_detail(dealt != NULL, why, (int)len, comm)) {
        sg_destroy(j);
        return 1;
    }
    j->count = j->counts[rank]; /* as even as plb_block_count's: the blocks have room */
    j->displ = j->displs[rank];
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
static const plb_opt extra[] = {
    {.long_name = "timeout", .kind = PLB_OPT_REAL, .target = &timeout_s, .min = 0.1, .max = 3600,
     .arg_name = "S", .help = "a scatter or gather that has not returned after S seconds hangs"},
    PLB_OPT_END,
};
static const plb_program program = {
    .name = "scatter_uneven",
    .summary = "the scatter_uneven exercise: your blocks, scatter and gather, checked and timed",
    .variants = sg_variant_names,
    .extra = extra,
};

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm comm = MPI_COMM_WORLD;
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    kernel = map_square_lesson;
    kernel.p2p = (sg_steps){watched_scatter, watched_gather};
    plb_options opt = {.n = 1 << 20, .repeats = 5, .warmup = 1, .threads = 1};
    int status = plb_mpi_parse_cli(&program, argc, argv, &opt, comm);
    if (status < 0 && opt.n > INT_MAX / 2) {
        if (rank == 0)
            fprintf(stderr, "%s: -n %" PRId64 ": at most %d elements\n", program.name, opt.n,
                    INT_MAX / 2);
        status = PLB_EXIT_USAGE;
    }
    const int64_t sizes[] = {1, 10, 1000, 999983};
    int64_t largest = opt.n > 999983 ? opt.n : 999983;
    if (status < 0 && !plb_mpi_memory_check(program.name, 32.0 * (double)largest, comm))
        status = PLB_EXIT_USAGE;
    if (status < 0 && plb_mpi_agree(checker_watch_hangs("your scatter or gather", rank, size,
                                                        timeout_s) != 0, comm)) {
        if (rank == 0)
            fprintf(stderr, "%s: no watchdog thread\n", program.name);
        status = PLB_EXIT_FAILED;
    }
    if (status < 0) {
        checker_say_mpi_errors(comm);
        plb_context ctx;
        FILE *out = plb_mpi_report_start(&ctx, program.name, 1, &opt, comm);
        static char why[320];
        const char *failure = NULL;
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0] && !failure; s++)
            if (run_with_learners_blocks(sizes[s], comm, why, sizeof why))
                failure = why;
        if (out && !failure)
            plb_report_param(out, "checked", "1, 10, 1000 and 999983 elements: every block "
                             "dealt, scattered, squared and gathered");
        sg_job *j = failure ? NULL : sg_create(&kernel, opt.n, 1, comm);
        if (!failure && !j)
            failure = "out of memory for the timed run";
        if (j) {
            deal_blocks(opt.n, size, j->counts, j->displs);
            const char *dealt = deal_wrong(opt.n, size, j->counts, j->displs);
            if (plb_mpi_agree(dealt != NULL, comm)) { /* a block past its room would overrun */
                snprintf(why, sizeof why, "deal_blocks, %" PRId64 " elements: the blocks are "
                         "not as checked", opt.n);
                failure = why;
            } else {
                j->count = j->counts[rank];
                j->displ = j->displs[rank];
                failure = sg_run(j, &program, &ctx, &opt, out);
            }
            sg_destroy(j);
        }
        status = plb_mpi_verdict(&opt, failure, comm);
    }
    MPI_Finalize();
    return status;
}
