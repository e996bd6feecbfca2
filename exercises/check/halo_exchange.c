/* halo_exchange: the checker of the halo_exchange exercise (exercises/halo_exchange/): the
 * learner's halo_sendrecv, and halo_start/halo_finish, run on this run's ranks over two process
 * grids (MPI_Dims_create's and strips of rows) of a 13 x 11 field: every cell of every block set
 * to a tag of its global (i, j), the ghosts poisoned, one exchange, every cell checked (a ghost
 * says whose cell it holds, or that nothing arrived); then 4 steps of the heat equation, with the
 * interior computed between halo_start and halo_finish, against the closed form (--check exact).
 * Then timed, one step a run, beside one MPI_Neighbor_alltoallw on the Cartesian communicator
 * (neighbor, the yardstick). A call that does not return within --timeout seconds on some rank
 * is reported by that rank in a HANG line; an MPI error in one line.
 * Built with the learner's file, or the solution's, by exercises/check.sh (make check
 * EX=halo_exchange); not a file to edit.
 * Rate: MLUP/s = n * n / median_s / 1e6: points updated a second, a step a run.
 *
 *   usage: mpirun -np P halo_exchange [-n N] [-r R] [-w W] [-V sendrecv,overlap,neighbor]
 *          [--timeout S] [--csv]
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "exit_codes.h"
#include "halo.h"
#include "heat.h"
#include "heat_dist.h"
#include "lesson.h"
#include "mpi_checker.h"
#include "mpi_heat.h"
#include "mpi_support.h"
#include "watchdog.h"

#define CHECK_ROWS 13
#define CHECK_COLS 11
#define CHECK_STEPS 4
#define TAG_BASE 65536 /* a cell's tag: i * TAG_BASE + j, exact in a double */

typedef enum way { WAY_SENDRECV, WAY_OVERLAP, WAY_NEIGHBOR, WAYS } way;
static const char *const variants[] = {
    [WAY_SENDRECV] = "sendrecv",
    [WAY_OVERLAP] = "overlap",
    [WAY_NEIGHBOR] = "neighbor",
    NULL,
};
static const char *const calls[] = {
    [WAY_SENDRECV] = "halo_sendrecv",
    [WAY_OVERLAP] = "halo_start/halo_finish",
    [WAY_NEIGHBOR] = "MPI_Neighbor_alltoallw",
};

typedef struct job {
    heat_problem p;
    heat_dist d;
    way w;
    int64_t step;
    char misuse[PLB_DETAIL_LEN]; /* how the overlap's two halves broke their promise, if they did */
    char detail[PLB_DETAIL_LEN];
} job;

/* The overlap's halves, keeping their promises: halo_start returns without waiting (no blocking
 * call inside), halo_finish leaves every request done (MPI_REQUEST_NULL). What broke one goes to
 * j->misuse. */
static void start_and_finish(job *j, void (*between)(job *j))
{
    MPI_Request req[8];
    for (int k = 0; k < 8; k++)
        req[k] = MPI_REQUEST_NULL;
    checker_calls before = checker_calls_so_far();
    halo_start(&j->d, req);
    checker_calls after = checker_calls_so_far();
    if (between)
        between(j);
    halo_finish(req);
    int open = 0;
    for (int k = 0; k < 8; k++)
        open += req[k] != MPI_REQUEST_NULL;
    long blocking = (after.send - before.send) + (after.ssend - before.ssend) +
                    (after.recv - before.recv) + (after.sendrecv - before.sendrecv) +
                    (after.wait - before.wait) + (after.waitall - before.waitall);
    if (blocking && !j->misuse[0])
        snprintf(j->misuse, sizeof j->misuse,
                 "rank %d: halo_start made %ld blocking call%s "
                 "(MPI_Send, MPI_Recv, MPI_Sendrecv, MPI_Wait...): it must return at once",
                 j->d.rank, blocking, blocking > 1 ? "s" : "");
    else if (open && !j->misuse[0])
        snprintf(j->misuse, sizeof j->misuse,
                 "rank %d: halo_finish left %d of the 8 requests "
                 "unfinished: wait for all of them",
                 j->d.rank, open);
    for (int k = 0; k < 8; k++) /* never leave one behind, right or wrong */
        if (req[k] != MPI_REQUEST_NULL)
            MPI_Wait(&req[k], MPI_STATUS_IGNORE);
}

/* One exchange the way w does it, watched for a hang. */
static void exchange(job *j)
{
    plb_watchdog_watch(true);
    if (j->w == WAY_SENDRECV) {
        halo_sendrecv(&j->d);
    } else if (j->w == WAY_OVERLAP) {
        start_and_finish(j, NULL);
    } else {
        heat_exchange(&j->d, HEAT_NEIGHBOR);
    }
    plb_watchdog_watch(false);
}

/* The points that need no ghost cell: computed while the halo travels. */
static void sweep_interior(job *j)
{
    heat_block *b = &j->d.b;
    heat_sweep(b, j->p.r, 2, b->rows, 2, b->cols);
}

/* One step: the ghosts poisoned, exchanged, the block computed. overlap computes the points that
 * need no ghost between halo_start and halo_finish, as mpi_heat's overlap does, then the rim. */
static void run_variant(void *arg)
{
    job *j = arg;
    heat_block *b = &j->d.b;
    heat_set_boundary(&j->p, b, j->step);
    heat_dist_poison_ghosts(&j->d);
    if (j->w == WAY_OVERLAP) {
        plb_watchdog_watch(true);
        start_and_finish(j, sweep_interior);
        plb_watchdog_watch(false);
        heat_sweep_rim(b, j->p.r);
    } else {
        exchange(j);
        heat_sweep(b, j->p.r, 1, b->rows + 1, 1, b->cols + 1);
    }
    heat_block_swap(b);
    j->step++;
}

static void prepare(void *arg)
{
    job *j = arg;
    heat_block_reset(&j->d.b, &j->p);
    j->step = 0;
}

/* Every rank's block against the closed form after the steps taken. Collective. */
static int verify(void *arg, long runs)
{
    (void)runs;
    job *j = arg;
    return heat_dist_verify(&j->d, &j->p, NULL, j->step, j->detail, sizeof j->detail);
}

/* Which ghost edge local (a, c) lies on, and the neighbour that fills it; "" for an own cell. */
static const char *edge(const heat_dist *d, int64_t a, int64_t c, int *from)
{
    const heat_block *b = &d->b;
    *from = -1;
    if (a == 0)
        return *from = d->up, "ghost row above";
    if (a == b->rows + 1)
        return *from = d->down, "ghost row below";
    if (c == 0)
        return *from = d->left, "left ghost column";
    if (c == b->cols + 1)
        return *from = d->right, "right ghost column";
    return "";
}

/* Every cell set to its tag, the ghosts that neighbours fill poisoned, one exchange, and every
 * cell but the corners (no 5-point stencil reads them) checked: 0, or 1 with what is wrong. */
static int ghosts_wrong(job *j)
{
    heat_dist *d = &j->d;
    heat_block *b = &d->b;
    int64_t s = b->stride, last_row = b->rows + 1, last_col = b->cols + 1;
    for (int64_t a = 0; a <= last_row; a++)
        for (int64_t c = 0; c <= last_col; c++)
            b->u[a * s + c] = (double)((b->i0 + a) * TAG_BASE + b->j0 + c);
    heat_dist_poison_ghosts(d);
    j->misuse[0] = '\0';
    exchange(j);
    if (j->misuse[0]) {
        snprintf(j->detail, sizeof j->detail, "%s", j->misuse);
        return 1;
    }
    for (int64_t a = 0; a <= last_row; a++)
        for (int64_t c = 0; c <= last_col; c++) {
            int64_t i = b->i0 + a, jj = b->j0 + c;
            double got = b->u[a * s + c];
            if (got == (double)(i * TAG_BASE + jj) ||
                ((a == 0 || a == last_row) && (c == 0 || c == last_col)))
                continue;
            int from;
            const char *where = edge(d, a, c, &from);
            char cell[48] = "a value of no cell";
            if (isfinite(got) && got >= 0 && got < (CHECK_ROWS + 2.0) * TAG_BASE &&
                got == floor(got)) { /* a tag: converting anything else to an integer is UB */
                int64_t gi = (int64_t)got / TAG_BASE, gj = (int64_t)got % TAG_BASE;
                if (gj <= CHECK_COLS + 1)
                    snprintf(cell, sizeof cell, "cell (%" PRId64 ", %" PRId64 ")'s value", gi, gj);
            }
            if (!*where)
                snprintf(j->detail, sizeof j->detail,
                         "rank %d's own cell (%" PRId64 ", %" PRId64 ") was overwritten with %s",
                         d->rank, i, jj, cell);
            else if (isnan(got))
                snprintf(j->detail, sizeof j->detail,
                         "rank %d's %s (from rank %d), cell (%" PRId64 ", %" PRId64
                         "): nothing arrived",
                         d->rank, where, from, i, jj);
            else
                snprintf(j->detail, sizeof j->detail,
                         "rank %d's %s (from rank %d), cell (%" PRId64 ", %" PRId64 "): holds %s",
                         d->rank, where, from, i, jj, cell);
            return 1;
        }
    return 0;
}

static double timeout_s = 10.0;
/* clang-format off */
static const plb_opt extra[] = {
    {.long_name = "timeout", .kind = PLB_OPT_REAL, .target = &timeout_s, .min = 0.1, .max = 3600,
     .arg_name = "S", .help = "an exchange that has not returned after S seconds hangs"},
    PLB_OPT_END,
};
/* clang-format on */
static const plb_program program = {
    .name = "halo_exchange",
    .summary = "the halo_exchange exercise: your halo exchanges, checked and timed",
    .variants = variants,
    .extra = extra,
};

/* The learner's two exchanges over both grids of the check field: NULL, or what went wrong (on
 * every rank). Collective. */
static const char *check_grids(const plb_options *opt, int ranks, MPI_Comm comm)
{
    static char why[PLB_DETAIL_LEN + 96];
    const char *const grids[] = {"auto", "1d"};
    job j = {.p = {.rows = CHECK_ROWS, .cols = CHECK_COLS, .r = 0.25, .check = HEAT_CHECK_EXACT}};
    for (size_t g = 0; g < sizeof grids / sizeof grids[0]; g++) {
        int dims[2];
        char err[160];
        if (heat_dist_dims(grids[g], ranks, j.p.rows, j.p.cols, dims, err, sizeof err) != 0)
            continue; /* more ranks than the field has rows: that grid is left out */
        if (heat_dist_create(&j.d, &j.p, dims, 1, comm) != 0) {
            snprintf(why, sizeof why, "out of memory for a %dx%d grid", dims[0], dims[1]);
            return why;
        }
        const char *failed = NULL;
        for (j.w = WAY_SENDRECV; j.w <= WAY_OVERLAP && !failed; j.w++) {
            if (!plb_variant_selected(&program, opt, variants[j.w]))
                continue;
            j.detail[0] = '\0';
            const char *what = "one exchange";
            int wrong = heat_dist_share_detail(&j.d, ghosts_wrong(&j), j.detail, sizeof j.detail);
            if (!wrong) {
                what = "4 steps of the heat equation";
                prepare(&j);
                for (int k = 0; k < CHECK_STEPS; k++)
                    run_variant(&j);
                wrong = verify(&j, CHECK_STEPS);
            }
            if (wrong) {
                MPI_Bcast(j.detail, sizeof j.detail, MPI_CHAR, 0, comm);
                snprintf(why, sizeof why, "%s, %dx%d ranks, %s: %s", calls[j.w], dims[0], dims[1],
                         what, j.detail);
                failed = why;
            }
        }
        heat_dist_free(&j.d);
        if (failed)
            return failed;
    }
    return NULL;
}

/* Each selected way timed, a step a run, on an n x n field over MPI_Dims_create's grid; its row
 * printed. NULL, or why a way failed. Collective. */
static const char *time_ways(const plb_options *opt, int ranks, FILE *out, MPI_Comm comm)
{
    static char why[PLB_DETAIL_LEN + 64];
    job j = {.p = {.rows = opt->n, .cols = opt->n, .r = 0.25, .check = HEAT_CHECK_EXACT}};
    int dims[2];
    char err[160];
    if (heat_dist_dims("auto", ranks, j.p.rows, j.p.cols, dims, err, sizeof err) != 0 ||
        heat_dist_create(&j.d, &j.p, dims, 1, comm) != 0)
        return "no grid, or no memory, for the timed field";
    plb_sync sync = plb_mpi_sync(&j.d.cart);
    const char *failed = NULL;
    for (j.w = WAY_SENDRECV; j.w < WAYS && !failed; j.w++) {
        if (!plb_variant_selected(&program, opt, variants[j.w]))
            continue;
        j.detail[0] = '\0';
        plb_kernel k = {.prepare = prepare, .run = run_variant, .verify = verify, .arg = &j};
        plb_measure_cfg cfg = {.warmup = opt->warmup,
                               .warmup_s = PLB_WARMUP_S,
                               .repeats = opt->repeats,
                               .sync = &sync};
        plb_measurement m;
        int measured = plb_measure(&k, &cfg, &m);
        plb_result r = {.program = program.name,
                        .variant = variants[j.w],
                        .n = opt->n,
                        .ranks = ranks,
                        .threads = 1,
                        .repeats = opt->repeats,
                        .batch = m.batch,
                        .time = m.stats,
                        .rate = plb_rate((double)opt->n * (double)opt->n, m.stats.median, 1e6),
                        .rate_unit = "MLUP/s",
                        .verified = measured == PLB_MEASURE_OK};
        if (out)
            plb_report_row(out, opt, &r);
        if (measured != PLB_MEASURE_OK) {
            MPI_Bcast(j.detail, sizeof j.detail, MPI_CHAR, 0, comm);
            snprintf(why, sizeof why, "%s, timed: %s%s%s", variants[j.w],
                     plb_measure_error(measured), j.detail[0] ? ": " : "", j.detail);
            failed = why;
        }
    }
    heat_dist_free(&j.d);
    return failed;
}

/* -n: an N x N field, N from a row each rank to 32768 (the same on every rank), the blocks in
 * memory: -1 to run, or the exit code, on every rank. Collective. */
static int check_input(const plb_options *opt, int ranks, MPI_Comm comm)
{
    if (opt->n < ranks || opt->n > 1 << 15)
        return plb_mpi_refuse(program.name, PLB_EXIT_USAGE, comm,
                              "-n %" PRId64 ": the field is "
                              "N x N, N from %d (a row each rank) to 32768",
                              opt->n, ranks);
    if (!plb_mpi_memory_check(
            program.name, 16.0 * (double)(opt->n + 2) * (double)(opt->n + 2) / ranks + 1e6, comm))
        return PLB_EXIT_USAGE;
    return -1;
}

/* The header, the checks, the timed ways and the verdict: the exit code, on every rank.
 * Collective. */
static int check_and_time(const plb_options *opt, int ranks, MPI_Comm comm)
{
    checker_say_mpi_errors(comm);
    plb_context ctx;
    FILE *out = plb_mpi_report_start(&ctx, program.name, 1, opt, comm);
    const char *failure = check_grids(opt, ranks, comm);
    if (out && !failure) {
        plb_report_param(out, "checked",
                         "a 13 x 11 field on MPI_Dims_create's grid and in "
                         "strips: every ghost cell right, 4 steps exact");
        plb_report_columns(out, opt);
    }
    if (!failure)
        failure = time_ways(opt, ranks, out, comm);
    return plb_mpi_verdict(opt, failure, comm);
}

/* Parses, checks, starts the watchdog, checks and times the learner's exchanges: the exit code,
 * on every rank. Collective. */
static int run_lesson(int argc, char **argv, MPI_Comm comm)
{
    int rank, ranks;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &ranks);
    plb_options opt = {.n = 512, .repeats = 5, .warmup = 1, .threads = 1};
    int status = plb_mpi_parse_cli(&program, argc, argv, &opt, comm);
    if (status < 0)
        status = check_input(&opt, ranks, comm);
    if (status >= 0)
        return status;
    if (plb_mpi_agree(checker_watch_hangs("the exchange", rank, ranks, timeout_s) != 0, comm))
        return plb_mpi_refuse(program.name, PLB_EXIT_FAILED, comm, "no watchdog thread");
    return check_and_time(&opt, ranks, comm);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int status = run_lesson(argc, argv, MPI_COMM_WORLD);
    MPI_Finalize();
    return status;
}
