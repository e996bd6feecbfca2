/* mpi_heat: the 2D heat equation over MPI ranks: distribute the data, exchange only the edges.
 *
 * The field is cut into blocks over a Cartesian grid of ranks (heat_dist.h); each rank keeps its
 * block for the whole run and, before every step, swaps one row or column of ghost cells with
 * each neighbour: the halo exchange. A rank of an n x n block moves 4n values per step and
 * computes n^2 points, so the more points per rank, the less the exchange costs. Variants:
 *   seq       the root alone steps the whole field: the baseline and the reference;
 *   gather    the map-square way: every step the root sends each rank its block (ghosts
 *             included) and takes the results back: the data moves, not just its edges;
 *   chain     MPI_Send then MPI_Recv, towards one neighbour, then the other: correct, but past
 *             the eager limit each send waits for its receiver, so the ranks go one after another
 *             (see mpi_deadlock --sweep for where that limit lies);
 *   sendrecv  MPI_Sendrecv for each direction, columns described by an MPI_Type_vector;
 *   overlap   MPI_Irecv/MPI_Isend, the interior computed while the halo travels, MPI_Waitall,
 *             then the edges: the "# overlap" note says how much of the exchange it hid;
 *   neighbor  one MPI_Neighbor_alltoallw on the Cartesian communicator.
 * -t T runs each rank's sweep on T threads (MPI_THREAD_FUNNELED: MPI is called outside them).
 * Rows sendrecv.exchange and sendrecv.compute time the two halves of a step apart.
 *
 * Measurement (not the lesson): MLUP/s = rows * cols * steps / median_s / 1e6, against the
 * memory ceiling of all ranks copying their blocks at once (16 bytes per update, as STREAM counts
 * a copy). Verified after every batch: every rank's block against the closed form (--check exact,
 * mode), or (--check seq) its checksum against the root's sequential field on the same rectangle.
 * Ghost cells are set to NaN before every exchange, so a missed one poisons the field.
 *
 * --weak makes -n each rank's block: the grid grows with the ranks (weak scaling).
 *
 *   usage: mpirun -np P mpi_heat [-n N|RxC] [--weak] [--steps K] [--dims auto|1d|PxQ] [-t T]
 *          [--check seq|exact|mode] [-V seq,gather,chain,sendrecv,overlap,neighbor] [--save F]
 *          [--png F [--show-ranks]] [-v]
 */
#include <inttypes.h>
#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit_codes.h"
#include "heat_checkpoint.h"
#include "heat_cli.h"
#include "heat_record.h"
#include "heat_dist.h"
#include "lesson.h"
#include "mpi_heat.h"
#include "mpi_support.h"

#define TAG 23

/* The variants, as the enum in mpi_heat.h numbers them. */
static const char *const variant_names[] = {
    [HEAT_SEQ] = "seq",
    [HEAT_GATHER] = "gather",
    [HEAT_CHAIN] = "chain",
    [HEAT_SENDRECV] = "sendrecv",
    [HEAT_OVERLAP] = "overlap",
    [HEAT_NEIGHBOR] = "neighbor",
    NULL,
};
/* What a run does: whole steps, or one half of them (the step rows). */
typedef enum part { WHOLE_STEPS, EXCHANGE_ONLY, COMPUTE_ONLY } part;

typedef struct job {
    heat_problem p;
    heat_dist d;
    heat_block whole;      /* the root's whole field, for seq and gather (empty elsewhere) */
    MPI_Datatype *blocks;  /* gather: on the root, each rank's block in `whole`, ghosts included */
    MPI_Datatype *owned;   /* gather: on the root, each rank's interior in `whole` */
    MPI_Datatype interior; /* gather: this rank's interior in its own block */
    MPI_Request *requests; /* gather: one receive and, on the root, a send to every rank */
    MPI_Status *statuses;  /* theirs (a real array: see exchange_wait) */
    heat_reference *ref;   /* the seq check's reference, on the root */
    int64_t steps, step;   /* steps per run; the step the fields hold */
    int threads;
    heat_variant v;
    part part;
    char detail[PLB_DETAIL_LEN];
} job;

/* ---- the exchanges: every ghost cell a neighbour owns gets its value ---------------------- */

/* chain: towards each neighbour in turn, send first, then receive. Correct, since the rank at
 * the end of each line has nobody to send to and receives at once; but a send larger than the
 * eager limit waits for its receiver, and so the ranks of a line go one after another. */
static void exchange_chain(heat_dist *d)
{
    heat_block *b = &d->b;
    double *u = b->u;
    int64_t s = b->stride, last_row = b->rows, last_col = b->cols;
    MPI_Send(u + 1 * s + 1, 1, d->row, d->up, TAG, d->cart); /* my first row goes up */
    MPI_Recv(u + (last_row + 1) * s + 1, 1, d->row, d->down, TAG, d->cart, MPI_STATUS_IGNORE);
    MPI_Send(u + last_row * s + 1, 1, d->row, d->down, TAG, d->cart);
    MPI_Recv(u + 0 * s + 1, 1, d->row, d->up, TAG, d->cart, MPI_STATUS_IGNORE);
    MPI_Send(u + 1 * s + 1, 1, d->col, d->left, TAG, d->cart); /* my first column goes left */
    MPI_Recv(u + 1 * s + last_col + 1, 1, d->col, d->right, TAG, d->cart, MPI_STATUS_IGNORE);
    MPI_Send(u + 1 * s + last_col, 1, d->col, d->right, TAG, d->cart);
    MPI_Recv(u + 1 * s + 0, 1, d->col, d->left, TAG, d->cart, MPI_STATUS_IGNORE);
}

/* sendrecv: each direction one MPI_Sendrecv, the library pairing the send and the receive, so
 * no rank waits for another's turn. Only interior cells travel: a row's corners would race with
 * the columns' receives. */
static void exchange_sendrecv(heat_dist *d)
{
    heat_block *b = &d->b;
    double *u = b->u;
    int64_t s = b->stride, last_row = b->rows, last_col = b->cols;
    MPI_Sendrecv(u + 1 * s + 1, 1, d->row, d->up, TAG, /* first row up */
                 u + (last_row + 1) * s + 1, 1, d->row, d->down, TAG, d->cart, MPI_STATUS_IGNORE);
    MPI_Sendrecv(u + last_row * s + 1, 1, d->row, d->down, TAG, /* last row down */
                 u + 0 * s + 1, 1, d->row, d->up, TAG, d->cart, MPI_STATUS_IGNORE);
    MPI_Sendrecv(u + 1 * s + 1, 1, d->col, d->left, TAG, /* first column left */
                 u + 1 * s + last_col + 1, 1, d->col, d->right, TAG, d->cart, MPI_STATUS_IGNORE);
    MPI_Sendrecv(u + 1 * s + last_col, 1, d->col, d->right, TAG, /* last column right */
                 u + 1 * s + 0, 1, d->col, d->left, TAG, d->cart, MPI_STATUS_IGNORE);
}

/* overlap, first half: post all eight transfers and return at once. */
static void exchange_start(heat_dist *d, MPI_Request req[8])
{
    heat_block *b = &d->b;
    double *u = b->u;
    int64_t s = b->stride, last_row = b->rows, last_col = b->cols;
    MPI_Irecv(u + 0 * s + 1, 1, d->row, d->up, TAG, d->cart, &req[0]);
    MPI_Irecv(u + (last_row + 1) * s + 1, 1, d->row, d->down, TAG, d->cart, &req[1]);
    MPI_Irecv(u + 1 * s + 0, 1, d->col, d->left, TAG, d->cart, &req[2]);
    MPI_Irecv(u + 1 * s + last_col + 1, 1, d->col, d->right, TAG, d->cart, &req[3]);
    MPI_Isend(u + 1 * s + 1, 1, d->row, d->up, TAG, d->cart, &req[4]);
    MPI_Isend(u + last_row * s + 1, 1, d->row, d->down, TAG, d->cart, &req[5]);
    MPI_Isend(u + 1 * s + 1, 1, d->col, d->left, TAG, d->cart, &req[6]);
    MPI_Isend(u + 1 * s + last_col, 1, d->col, d->right, TAG, d->cart, &req[7]);
}

/* overlap, second half: wait for all eight. A real status array, not MPI_STATUSES_IGNORE:
 * MPICH's header annotations make gcc warn that the sentinel is too small (-Wstringop-overflow). */
static void exchange_wait(MPI_Request req[8])
{
    MPI_Status status[8];
    MPI_Waitall(8, req, status);
}

/* neighbor: the whole exchange as one collective over the Cartesian communicator. Its neighbours
 * come in MPI_Cart_shift order: up, down, left, right; a missing one (MPI_PROC_NULL) is skipped. */
static void exchange_neighbor(heat_dist *d)
{
    heat_block *b = &d->b;
    MPI_Aint s = (MPI_Aint)b->stride * (MPI_Aint)sizeof(double), e = sizeof(double);
    MPI_Aint rows = (MPI_Aint)b->rows, cols = (MPI_Aint)b->cols;
    const int counts[4] = {1, 1, 1, 1};
    const MPI_Datatype types[4] = {d->row, d->row, d->col, d->col};
    const MPI_Aint send_at[4] = {1 * s + e, rows * s + e, 1 * s + e, 1 * s + cols * e};
    const MPI_Aint recv_at[4] = {0 * s + e, (rows + 1) * s + e, 1 * s + 0, 1 * s + (cols + 1) * e};
    MPI_Neighbor_alltoallw(b->u, counts, send_at, types, b->u, counts, recv_at, types, d->cart);
}

/* ---- the steps ----------------------------------------------------------------------------- */

/* Local rows a0..a1-1, columns c0..c1-1 of the block, from u into next, on the job's threads. */
static void compute(job *j, int64_t a0, int64_t a1, int64_t c0, int64_t c1)
{
    heat_block *b = &j->d.b;
#pragma omp parallel for schedule(static) num_threads(j->threads) if (j->threads > 1)
    for (int64_t a = a0; a < a1; a++)
        heat_sweep(b, j->p.r, a, a + 1, c0, c1);
}

/* overlap: the points that need no ghost cell first, while the halo travels; then the rim. */
static void step_overlapped(job *j)
{
    heat_block *b = &j->d.b;
    int64_t rows = b->rows, cols = b->cols;
    MPI_Request req[8];
    exchange_start(&j->d, req);
    compute(j, 2, rows, 2, cols);
    exchange_wait(req);
    heat_sweep_rim(b, j->p.r);
}

void heat_exchange(heat_dist *d, heat_variant v)
{
    MPI_Request req[8];
    switch (v) {
    case HEAT_CHAIN: exchange_chain(d); break;
    case HEAT_NEIGHBOR: exchange_neighbor(d); break;
    case HEAT_OVERLAP:
        exchange_start(d, req);
        exchange_wait(req);
        break;
    default: exchange_sendrecv(d); break;
    }
}

static void exchange(job *j)
{
    heat_dist_poison_ghosts(&j->d);
    heat_exchange(&j->d, j->v);
}

/* gather: the root hands every rank its block, ghosts included, and takes the results back. */
static void step_gathered(job *j)
{
    heat_dist *d = &j->d;
    heat_block *b = &d->b;
    MPI_Request *req = j->requests;
    int n = 0;
    MPI_Irecv(b->u, (int)((b->rows + 2) * b->stride), MPI_DOUBLE, 0, TAG, d->cart, &req[n++]);
    for (int r = 0; d->rank == 0 && r < d->size; r++)
        MPI_Isend(j->whole.u, 1, j->blocks[r], r, TAG, d->cart, &req[n++]);
    MPI_Waitall(n, req, j->statuses);
    compute(j, 1, b->rows + 1, 1, b->cols + 1);
    n = 0;
    MPI_Isend(b->next, 1, j->interior, 0, TAG, d->cart, &req[n++]);
    for (int r = 0; d->rank == 0 && r < d->size; r++)
        MPI_Irecv(j->whole.next, 1, j->owned[r], r, TAG, d->cart, &req[n++]);
    MPI_Waitall(n, req, j->statuses);
    if (d->rank == 0)
        heat_block_swap(&j->whole);
}

/* One run: `steps` steps of the job's variant (or one half of each, for the step rows). */
static void run_variant(void *arg)
{
    job *j = arg;
    heat_block *b = &j->d.b;
    for (int64_t k = 0; k < j->steps; k++, j->step++) {
        if (j->v == HEAT_SEQ || j->v == HEAT_GATHER) {
            if (j->d.rank == 0)
                heat_set_boundary(&j->p, &j->whole, j->step);
            if (j->v == HEAT_GATHER)
                step_gathered(j);
            else if (j->d.rank == 0)
                heat_sweep(&j->whole, j->p.r, 1, j->whole.rows + 1, 1, j->whole.cols + 1);
            if (j->v == HEAT_SEQ && j->d.rank == 0)
                heat_block_swap(&j->whole);
            continue;
        }
        if (j->part == EXCHANGE_ONLY) {
            exchange(j);
            continue;
        }
        if (j->part == COMPUTE_ONLY) { /* step 1 from step 0 each time: the field stays */
            compute(j, 1, b->rows + 1, 1, b->cols + 1);
            continue;
        }
        heat_set_boundary(&j->p, b, j->step);
        if (j->v == HEAT_OVERLAP) {
            heat_dist_poison_ghosts(&j->d);
            step_overlapped(j);
        } else {
            exchange(j);
            compute(j, 1, b->rows + 1, 1, b->cols + 1);
        }
        heat_block_swap(b);
    }
}

/* ---- the program: the runner times the lesson above and verifies every rank's block ---------- */

static void prepare(void *arg)
{
    job *j = arg;
    heat_block_reset(&j->d.b, &j->p);
    if (j->whole.u && (j->v == HEAT_SEQ || j->v == HEAT_GATHER))
        heat_block_reset(&j->whole, &j->p);
    j->step = 0;
}

/* The step rows' exchange: every ghost cell a neighbour owns holds that neighbour's value. */
static int ghosts_wrong(job *j)
{
    heat_dist *d = &j->d;
    heat_block *b = &d->b;
    int64_t last_row = b->rows + 1, last_col = b->cols + 1;
    for (int64_t a = 0; a <= last_row; a++)
        for (int64_t c = 0; c <= last_col; c++) {
            int ghost = (a == 0 && d->up != MPI_PROC_NULL) ||
                        (a == last_row && d->down != MPI_PROC_NULL) ||
                        (c == 0 && d->left != MPI_PROC_NULL) ||
                        (c == last_col && d->right != MPI_PROC_NULL);
            int corner = (a == 0 || a == last_row) && (c == 0 || c == last_col);
            double want =
                b->start ? b->start[a * b->stride + c] : heat_value(&j->p, b->i0 + a, b->j0 + c, 0);
            if (ghost && !corner && memcmp(&b->u[a * b->stride + c], &want, sizeof want)) {
                snprintf(j->detail, sizeof j->detail,
                         "rank %d: ghost u[%" PRId64 "][%" PRId64 "] = %g, its neighbour has %g",
                         d->rank, b->i0 + a, b->j0 + c, b->u[a * b->stride + c], want);
                return 1;
            }
        }
    return 0;
}

static int verify(void *arg, long runs)
{
    (void)runs; /* the job counts its steps */
    job *j = arg;
    if (j->v == HEAT_SEQ || j->v == HEAT_GATHER) {
        int wrong = j->d.rank == 0 &&
                    heat_verify(&j->p, &j->whole, j->ref, j->step, j->detail, sizeof j->detail);
        return plb_mpi_agree(wrong, j->d.cart);
    }
    if (j->part == EXCHANGE_ONLY)
        return plb_mpi_agree(ghosts_wrong(j), j->d.cart);
    if (j->part == COMPUTE_ONLY) { /* each run computed step 1 from step 0 into next */
        heat_block_swap(&j->d.b);
        int wrong = heat_dist_verify(&j->d, &j->p, j->ref, 1, j->detail, sizeof j->detail);
        heat_block_swap(&j->d.b);
        return wrong;
    }
    return heat_dist_verify(&j->d, &j->p, j->ref, j->step, j->detail, sizeof j->detail);
}

/* gather's datatypes: on the root, each rank's block (ghosts included) and interior within the
 * whole field; on every rank, its interior within its block. */
static void gather_types(job *j)
{
    heat_dist *d = &j->d;
    int whole[2] = {(int)j->p.rows + 2, (int)j->p.cols + 2};
    int mine[2] = {(int)d->b.rows + 2, (int)d->b.cols + 2}, inner[2] = {mine[0] - 2, mine[1] - 2};
    const int one[2] = {1, 1};
    MPI_Type_create_subarray(2, mine, inner, one, MPI_ORDER_C, MPI_DOUBLE, &j->interior);
    MPI_Type_commit(&j->interior);
    for (int r = 0; d->rank == 0 && r < d->size; r++) {
        int coords[2];
        int64_t rows, cols, i0, j0;
        MPI_Cart_coords(d->cart, r, 2, coords);
        heat_dist_block_at(&j->p, d->dims, coords[0], coords[1], &rows, &cols, &i0, &j0);
        int block[2] = {(int)rows + 2, (int)cols + 2}, at[2] = {(int)i0, (int)j0};
        int size[2] = {(int)rows, (int)cols}, inside[2] = {(int)i0 + 1, (int)j0 + 1};
        MPI_Type_create_subarray(2, whole, block, at, MPI_ORDER_C, MPI_DOUBLE, &j->blocks[r]);
        MPI_Type_create_subarray(2, whole, size, inside, MPI_ORDER_C, MPI_DOUBLE, &j->owned[r]);
        MPI_Type_commit(&j->blocks[r]);
        MPI_Type_commit(&j->owned[r]);
    }
}

static void free_job(job *j)
{
    for (int r = 0; j->blocks && j->interior != MPI_DATATYPE_NULL && r < j->d.size; r++) {
        MPI_Type_free(&j->blocks[r]);
        MPI_Type_free(&j->owned[r]);
    }
    if (j->interior != MPI_DATATYPE_NULL)
        MPI_Type_free(&j->interior);
    free(j->blocks);
    free(j->owned);
    free(j->requests);
    free(j->statuses);
    heat_block_free(&j->whole);
    if (j->ref)
        heat_reference_free(j->ref);
    heat_dist_free(&j->d);
}

static const char *dims_text = "auto";
static bool show_ranks, weak;

/* clang-format off */
static const plb_opt extra[] = {
    HEAT_OPTIONS,
    {.long_name = "dims", .kind = PLB_OPT_TEXT, .target = &dims_text, .arg_name = "auto|1d|PxQ",
     .help = "the process grid: MPI_Dims_create's, strips of rows, or P x Q ranks"},
    {.long_name = "show-ranks", .kind = PLB_OPT_FLAG, .target = &show_ranks,
     .help = "with --png: draw where the ranks' blocks meet"},
    {.long_name = "weak", .kind = PLB_OPT_FLAG, .target = &weak,
     .help = "weak scaling: -n is each rank's block, and the grid grows with the ranks"},
    PLB_OPT_END,
};
/* clang-format on */
static const plb_program program = {
    .name = "mpi_heat",
    .summary = "the 2D heat equation over MPI ranks: domain decomposition and halo exchange",
    .variants = variant_names,
    .extra = extra,
    .grid = true,
    .fastest_run_s = heat_fastest_run_s,
};

/* gather sends each rank its block, ghosts included, as one message of int count: refused (0
 * or -1 with the reason) when the largest block is beyond that. */
static int gather_fits(const job *j, const plb_options *opt, const int dims[2], char *err,
                       size_t len)
{
    double largest = (double)(j->p.rows / dims[0] + 3) * (double)(j->p.cols / dims[1] + 3);
    if (!plb_variant_selected(&program, opt, "gather") || largest <= (double)INT_MAX)
        return 0;
    snprintf(err, len,
             "gather would send blocks of %.3g values, beyond MPI's int count: leave it "
             "out (-V) or use more ranks",
             largest);
    return -1;
}

/* --weak: -n R x C is each rank's block, so the grid is (P R) x (Q C) on a P x Q process grid,
 * and the time per step stays flat while the work grows with the ranks (Gustafson's view). */
static int weak_grid(plb_options *opt, int ranks, char *err, size_t len)
{
    int dims[2];
    if (!weak)
        return 0;
    if (heat_cli.load) {
        snprintf(err, len, "--weak sizes the grid from the ranks, a --load file has its own");
        return -1;
    }
    if (heat_dist_dims(dims_text, ranks, INT64_MAX, INT64_MAX, dims, err, len))
        return -1;
    if (opt->n > INT64_MAX / 4 / dims[0] || opt->cols > INT64_MAX / 4 / dims[1]) {
        snprintf(err, len,
                 "--weak: a %" PRId64 " x %" PRId64 " block on %d x %d ranks is beyond "
                 "any grid",
                 opt->n, opt->cols, dims[0], dims[1]);
        return -1;
    }
    opt->n *= dims[0];
    opt->cols *= dims[1];
    return 0;
}

/* --checkpoint and --restart make a production run: the one variant -V names, which keeps the
 * field distributed. That variant, or HEAT_VARIANTS with the reason. */
static heat_variant production_variant(const plb_options *opt, char *err, size_t len)
{
    heat_variant chosen = HEAT_VARIANTS;
    int count = 0;
    for (heat_variant v = HEAT_SEQ; v < HEAT_VARIANTS; v++)
        if (plb_variant_selected(&program, opt, variant_names[v])) {
            chosen = v;
            count++;
        }
    if (heat_cli.every && !heat_cli.checkpoint)
        snprintf(err, len, "option '--every' needs --checkpoint");
    else if (count != 1 || chosen <= HEAT_GATHER)
        snprintf(err, len,
                 "--checkpoint and --restart make one production run: name one "
                 "variant that keeps the field distributed (-V chain, sendrecv, overlap or "
                 "neighbor)");
    else
        return chosen;
    return HEAT_VARIANTS;
}

/* Sets up everything the selected variants need: -1 on every rank to run, else the exit code. */
static int setup(job *j, plb_options *opt, int threads, MPI_Comm comm)
{
    int rank, size, dims[2];
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    char err[256], line[320];
    /* Agreed: the options are the same on every rank, but a --load file may not be readable
     * from every node. The lowest rank with a reason prints it. */
    int production_run = heat_cli.checkpoint || heat_cli.restart || heat_cli.every;
    int bad = (production_run && production_variant(opt, err, sizeof err) == HEAT_VARIANTS) ||
              (heat_cli.checkpoint &&
               heat_record_folder_writable(heat_cli.checkpoint, err, sizeof err)) ||
              weak_grid(opt, size, err, sizeof err) ||
              heat_cli_problem(opt, &j->p, err, sizeof err) ||
              heat_dist_dims(dims_text, size, j->p.rows, j->p.cols, dims, err, sizeof err) ||
              gather_fits(j, opt, dims, err, sizeof err);
    snprintf(line, sizeof line, "%s: %s", program.name, err);
    if (plb_mpi_first_error(bad ? line : NULL, comm))
        return PLB_EXIT_USAGE;
    int whole = rank == 0 && (plb_variant_selected(&program, opt, "seq") ||
                              plb_variant_selected(&program, opt, "gather"));
    int reference = rank == 0 && j->p.check == HEAT_CHECK_SEQ;
    double arrays = j->p.load ? 3.0 : 2.0; /* u, next, and step 0 as read from --load */
    double field = 8.0 * arrays * (double)(j->p.rows + 2) * (double)(j->p.cols + 2);
    double block =
        8.0 * arrays * (double)(j->p.rows / dims[0] + 3) * (double)(j->p.cols / dims[1] + 3);
    if (!plb_mpi_memory_check(program.name, block + (whole + reference) * field, comm))
        return PLB_EXIT_USAGE;
    static heat_reference ref;
    int failed = heat_dist_create(&j->d, &j->p, dims, threads, comm) != 0;
    if (!failed && whole)
        failed = heat_block_create(&j->whole, &j->p, j->p.rows, j->p.cols, 0, 0, threads) != 0;
    if (!failed && reference) {
        failed = heat_reference_create(&ref, &j->p, threads) != 0;
        j->ref = failed ? NULL : &ref;
    }
    if (!failed && plb_variant_selected(&program, opt, "gather")) {
        j->blocks = rank == 0 ? calloc((size_t)size, sizeof *j->blocks) : NULL;
        j->owned = rank == 0 ? calloc((size_t)size, sizeof *j->owned) : NULL;
        j->requests = malloc((size_t)(size + 1) * sizeof *j->requests);
        j->statuses = malloc((size_t)(size + 1) * sizeof *j->statuses);
        failed = !j->requests || !j->statuses || (rank == 0 && (!j->blocks || !j->owned));
    }
    if (plb_mpi_agree(failed, comm))
        return plb_mpi_refuse(program.name, PLB_EXIT_FAILED, comm,
                              "out of memory for the %" PRId64 " x %" PRId64 " field", j->p.rows,
                              j->p.cols);
    if (plb_variant_selected(&program, opt, "gather"))
        gather_types(j);
    return -1;
}

/* The halo's notes: the process grid, the blocks' sizes and balance, what a step moves. */
static void report_grid(FILE *out, const job *j)
{
    const heat_dist *d = &j->d;
    int64_t small = INT64_MAX, large = 0, most_bytes = 0;
    for (int pr = 0; pr < d->dims[0]; pr++)
        for (int pc = 0; pc < d->dims[1]; pc++) {
            int64_t rows, cols, i0, j0;
            heat_dist_block_at(&j->p, d->dims, pr, pc, &rows, &cols, &i0, &j0);
            int64_t points = rows * cols;
            int64_t halo = ((pr > 0) + (pr < d->dims[0] - 1)) * cols +
                           ((pc > 0) + (pc < d->dims[1] - 1)) * rows;
            small = points < small ? points : small;
            large = points > large ? points : large;
            most_bytes = 8 * halo > most_bytes ? 8 * halo : most_bytes;
        }
    if (!out)
        return;
    double mean = (double)j->p.rows * (double)j->p.cols / d->size;
    plb_report_param(out, "ranks grid", "%d x %d (--dims %s), non-periodic%s", d->dims[0],
                     d->dims[1], dims_text, weak ? "; --weak: -n was each rank's block" : "");
    plb_report_param(out, "blocks",
                     "%" PRId64 " to %" PRId64 " points a rank; the largest is "
                     "%.4g times the mean",
                     small, large, (double)large / mean);
    plb_report_param(out, "halo",
                     "per step a rank sends up to 4 messages, %" PRId64 " bytes at "
                     "most, and receives as much",
                     most_bytes);
}

/* The final field's checksum, --save and --png. */
static const char *finish(job *j, FILE *out, char *err, size_t len)
{
    uint64_t sum = heat_dist_checksum(&j->d);
    if (out)
        plb_report_param(out, "checksum", "%016" PRIx64 " after %" PRId64 " step%s", sum, j->step,
                         j->step == 1 ? "" : "s");
    heat_set_boundary(&j->p, &j->d.b, j->step); /* the ring at the last step too (exact check) */
    const char *bad = heat_cli.save ? heat_dist_save(&j->d, &j->p, heat_cli.save, err, len) : NULL;
    if (!bad && heat_cli.png)
        bad = heat_dist_picture(&j->d, &j->p, heat_cli.png, show_ranks, err, len);
    return bad;
}

/* One more run of --steps steps, the checksum, --save and --png: by the last variant selected
 * that keeps the field distributed (sendrecv when that is seq or gather: the field is the same,
 * bit for bit, and so it never has to be handed out from the root). */
static const char *final_run(job *j, const plb_options *opt, FILE *out, char *err, size_t len)
{
    j->v = HEAT_SENDRECV;
    for (heat_variant v = HEAT_NEIGHBOR; v > HEAT_GATHER; v--)
        if (plb_variant_selected(&program, opt, variant_names[v])) {
            j->v = v;
            break;
        }
    j->part = WHOLE_STEPS;
    prepare(j);
    run_variant(j);
    if (verify(j, 1)) {
        snprintf(err, len, "the final field: %s", j->detail);
        return err;
    }
    return finish(j, out, err, len);
}

/* A step row: one half of sendrecv's steps (exchange or compute) timed alone, as a row named
 * "sendrecv.exchange" or "sendrecv.compute". Its median, or 0 when it failed. */
static double time_part(job *j, part half, const plb_options *opt, const plb_context *ctx,
                        const plb_sync *sync, FILE *out, const char **failure)
{
    static char why[PLB_DETAIL_LEN + 64];
    j->v = HEAT_SENDRECV;
    j->part = half;
    plb_kernel k = {.prepare = prepare, .run = run_variant, .verify = verify, .arg = j};
    plb_measure_cfg cfg = {
        .warmup = opt->warmup, .warmup_s = PLB_WARMUP_S, .repeats = opt->repeats, .sync = sync};
    plb_measurement m;
    int status = plb_measure(&k, &cfg, &m);
    const char *name = half == EXCHANGE_ONLY ? "sendrecv.exchange" : "sendrecv.compute";
    double updates = (double)j->p.rows * (double)j->p.cols * (double)j->steps;
    plb_result r = {.program = program.name,
                    .variant = name,
                    .n = plb_grid_points(opt),
                    .ranks = ctx->ranks,
                    .threads = j->threads,
                    .repeats = opt->repeats,
                    .batch = m.batch,
                    .time = m.stats,
                    .rate = half == COMPUTE_ONLY ? plb_rate(updates, m.stats.median, 1e6) : 0.0,
                    .rate_unit = half == COMPUTE_ONLY ? "MLUP/s" : "-",
                    .verified = status == PLB_MEASURE_OK};
    if (out)
        plb_report_row(out, opt, &r);
    if (status != PLB_MEASURE_OK && !*failure) {
        snprintf(why, sizeof why, "%s: %s: %s", name, plb_measure_error(status), j->detail);
        *failure = why;
    }
    j->part = WHOLE_STEPS;
    return status == PLB_MEASURE_OK ? m.stats.median : 0.0;
}

/* OSU's overlap: the share of the exchange's own time that the overlapped step hid,
 * 1 - (overlapped - compute alone) / exchange alone, kept within 0..100%. */
static void report_overlap(FILE *out, double overlapped, double exchange, double computing)
{
    if (!out || overlapped <= 0.0 || exchange <= 0.0 || computing <= 0.0)
        return;
    double hidden = 1.0 - (overlapped - computing) / exchange;
    hidden = hidden < 0.0 ? 0.0 : hidden > 1.0 ? 1.0 : hidden;
    fprintf(out,
            "# overlap     : overlap %.3g s a run, sendrecv's exchange alone %.3g s and "
            "compute alone %.3g s: %.0f%% of the exchange hidden%s\n",
            overlapped, exchange, computing, 100.0 * hidden,
            hidden < 0.1 ? " (none to speak of: transfers progress only inside MPI calls here)"
                         : "");
}

static int run_variants(job *j, const plb_options *opt, MPI_Comm comm)
{
    plb_context ctx;
    FILE *out = plb_mpi_report_start(&ctx, program.name, j->threads, opt, comm);
    heat_report_problem(out, &j->p);
    report_grid(out, j);
    plb_sync sync = plb_mpi_sync(&j->d.cart);
    job jobs[HEAT_VARIANTS];
    plb_variant v[HEAT_VARIANTS];
    double updates = (double)j->p.rows * (double)j->p.cols * (double)j->steps;
    for (heat_variant i = HEAT_SEQ; i < HEAT_VARIANTS; i++) {
        jobs[i] = *j;
        jobs[i].v = i;
        int workers = i == HEAT_SEQ ? 1 : ctx.ranks * j->threads;
        v[i] = (plb_variant){
            .name = variant_names[i],
            .threads = i == HEAT_SEQ ? 1 : j->threads,
            .kernel = {.prepare = prepare, .run = run_variant, .verify = verify, .arg = &jobs[i]},
            .amount = updates,
            .unit = 1e6,
            .rate_unit = "MLUP/s",
            .plausible_s = updates / 1e11 / workers,
            .detail = jobs[i].detail};
    }
    plb_measurement m[HEAT_VARIANTS];
    const char *failure = plb_run_variants(&program, &ctx, opt, v, HEAT_VARIANTS, &sync, out, m);
    double exchanging = 0.0, computing = 0.0;
    if (plb_variant_selected(&program, opt, "sendrecv")) {
        exchanging = time_part(j, EXCHANGE_ONLY, opt, &ctx, &sync, out, &failure);
        computing = time_part(j, COMPUTE_ONLY, opt, &ctx, &sync, out, &failure);
    }
    if (m[HEAT_OVERLAP].status == PLB_MEASURE_OK)
        report_overlap(out, m[HEAT_OVERLAP].stats.median, exchanging, computing);
    static char err[PLB_DETAIL_LEN + 64];
    if (!failure) {
        double mine = (double)(j->d.b.rows + 2) * (double)j->d.b.stride, total;
        MPI_Allreduce(&mine, &total, 1, MPI_DOUBLE, MPI_SUM, j->d.cart);
        heat_report_ceiling(out, &j->d.b, v, m, HEAT_VARIANTS, opt->repeats, j->d.rank, total,
                            &sync);
        failure = final_run(j, opt, out, err, sizeof err);
    }
    return plb_mpi_verdict(opt, failure, comm);
}

/* What the checkpoints cost: their time and bandwidth, one rank's plain write() of as many bytes
 * beside it, and a larger --every when they took much of the run. On the root. */
/* What a production run's steps did: checkpoints written, the bytes of one, the seconds all of
 * them took, and the stop signal that ended the steps early (0: none). */
typedef struct steps_log {
    int written, stopped;
    double bytes, writing;
} steps_log;

static void report_checkpoints(FILE *out, const steps_log *ran, double elapsed, int ranks,
                               int64_t each)
{
    if (!out || !ran->written || ran->writing <= 0.0)
        return;
    /* not when stopped: the job's grace time is for the checkpoint, not for a comparison */
    double plain =
        ran->stopped ? -1.0 : heat_checkpoint_plain_rate(heat_cli.checkpoint, ran->bytes);
    fprintf(out,
            "# checkpoint  : %d written to %s, %.4g MB each, %.3g s in all: %.3g GB/s by "
            "MPI-IO on %d ranks",
            ran->written, heat_cli.checkpoint, ran->bytes / 1e6, ran->writing,
            ran->written * ran->bytes / ran->writing / 1e9, ranks);
    if (plain > 0.0)
        fprintf(out, "; one rank's plain write(): %.3g GB/s", plain / 1e9);
    double share = ran->writing / elapsed;
    fprintf(out, "; %.0f%% of the run", 100.0 * share);
    if (share > 0.10)
        fprintf(out, " (--every %" PRId64 " would keep it near 5%%)",
                (int64_t)((double)each * share / 0.05 + 1.0));
    fprintf(out, "\n");
}

/* The steps from j->step to total, one at a time, with a checkpoint every `each` steps, at the
 * last, and at the step a scheduler's signal stopped (one small allreduce a step: every rank stops
 * at the same one). Returns the failure of a checkpoint write, or NULL. */
static const char *step_with_checkpoints(job *j, int64_t total, int64_t each, steps_log *ran,
                                         char *err, size_t len, MPI_Comm comm)
{
    const char *failure = NULL;
    while (j->step < total && !failure && !ran->stopped) {
        j->steps = 1;
        run_variant(j);
        int mine = heat_stop_signal();
        MPI_Allreduce(&mine, &ran->stopped, 1, MPI_INT, MPI_MAX, comm);
        if (heat_cli.checkpoint && (j->step % each == 0 || j->step == total || ran->stopped)) {
            heat_set_boundary(&j->p, &j->d.b, j->step); /* the ring of this step (exact check) */
            double began = MPI_Wtime();
            failure = heat_checkpoint_write(&j->d, &j->p, j->step, heat_cli.checkpoint, &ran->bytes,
                                            err, len);
            if (!failure) { /* what written checkpoints cost */
                ran->writing += MPI_Wtime() - began;
                ran->written++;
            }
        }
    }
    return failure;
}

/* The run's one row: every grid point updated once a step, from the first step to the last. */
static void report_production_row(const job *j, const plb_options *opt, FILE *out, int ranks,
                                  int64_t first, double elapsed, int verified)
{
    if (!out)
        return;
    double updates = (double)j->p.rows * (double)j->p.cols * (double)(j->step - first);
    plb_result r = {
        .program = program.name,
        .variant = variant_names[j->v],
        .n = plb_grid_points(opt),
        .ranks = ranks,
        .threads = j->threads,
        .repeats = 1,
        .batch = 1,
        .time = {.count = 1, .min = elapsed, .median = elapsed, .mean = elapsed, .max = elapsed},
        .rate = elapsed > 0.0 ? updates / elapsed / 1e6 : 0.0,
        .rate_unit = "MLUP/s",
        .verified = verified};
    plb_report_columns(out, opt);
    plb_report_row(out, opt, &r);
}

/* Stopped by a signal: the checksum of the step reached and how to go on, where the verdict goes
 * (the checksum is collective: every rank takes part). */
static void report_stopped(job *j, const plb_options *opt, FILE *out, int signal, int64_t total)
{
    uint64_t sum = heat_dist_checksum(&j->d);
    if (!out)
        return;
    plb_report_param(out, "checksum", "%016" PRIx64 " after %" PRId64 " steps", sum, j->step);
    fprintf(opt->csv ? stderr : stdout,
            "STOPPED: %s at step %" PRId64 " of %" PRId64
            ": %s holds it; the same command with --restart %s goes on\n",
            heat_signal_name(signal), j->step, total, heat_cli.checkpoint, heat_cli.checkpoint);
}

/* A production run: the one variant from step 0, or from --restart's step, to --steps, in one
 * timed run with no warm-up and no repeats, a checkpoint every --every steps and at the end.
 * SIGTERM or SIGUSR1 stops it after the step under way, with a checkpoint: exit code 4. */
static int production(job *j, const plb_options *opt, MPI_Comm comm)
{
    char err[PLB_DETAIL_LEN + 320];
    if (heat_cli.checkpoint)
        heat_catch_stop_signals(); /* a scheduler's warning: stop after the step under way */
    j->v = production_variant(opt, err, sizeof err); /* setup refused any other run */
    j->part = WHOLE_STEPS;
    prepare(j);
    int64_t total = heat_cli.steps, first = 0;
    /* refused on every rank, the reason on the root */
    if (heat_cli.restart &&
        heat_checkpoint_read(&j->d, &j->p, total, heat_cli.restart, &first, err, sizeof err))
        return plb_mpi_refuse(program.name, PLB_EXIT_USAGE, comm, "%s", err);
    j->step = first;
    int64_t each = heat_cli.every ? heat_cli.every : (total + 9) / 10;
    plb_context ctx;
    FILE *out = plb_mpi_report_start(&ctx, program.name, j->threads, opt, comm);
    heat_report_problem(out, &j->p);
    report_grid(out, j);
    if (out)
        plb_report_param(out, "production", "one run of %s, steps %" PRId64 " to %" PRId64 "%s%s",
                         variant_names[j->v], first, total,
                         heat_cli.restart ? ", restarted from " : "",
                         heat_cli.restart ? heat_cli.restart : "");
    steps_log ran = {0};
    double start = MPI_Wtime();
    const char *failure = step_with_checkpoints(j, total, each, &ran, err, sizeof err, comm);
    double mine = MPI_Wtime() - start, elapsed;
    MPI_Allreduce(&mine, &elapsed, 1, MPI_DOUBLE, MPI_MAX, comm);
    /* Stopped, the seq check is skipped: the root would step the whole field from step 0 alone,
     * in the little time a scheduler gives; the closed-form checks cost nothing. */
    int checked = !ran.stopped || j->p.check != HEAT_CHECK_SEQ;
    if (!failure && checked &&
        heat_dist_verify(&j->d, &j->p, j->ref, j->step, j->detail, sizeof j->detail))
        failure = j->detail;
    report_production_row(j, opt, out, ctx.ranks, first, elapsed, !failure && checked);
    report_checkpoints(out, &ran, elapsed, ctx.ranks, each);
    if (!failure && ran.stopped) {
        report_stopped(j, opt, out, ran.stopped, total);
        return PLB_EXIT_STOPPED;
    }
    if (!failure)
        failure = finish(j, out, err, sizeof err);
    return plb_mpi_verdict(opt, failure, comm);
}

/* Parses, checks, sets up, and runs the variants or the production run: the exit code, the same
 * on every rank. provided: the thread level MPI_Init_thread gave. Collective. */
static int run_lesson(int argc, char **argv, int provided, MPI_Comm comm)
{
    plb_options opt = {.n = 4096, .cols = 4096, .repeats = 5, .warmup = 1};
    int status = plb_mpi_parse_cli(&program, argc, argv, &opt, comm);
    if (status >= 0)
        return status;
    int threads = opt.threads ? opt.threads : 1;
    if (provided < MPI_THREAD_FUNNELED && threads > 1) /* the same on every rank */
        return plb_mpi_refuse(program.name, PLB_EXIT_USAGE, comm,
                              "this MPI gives no MPI_THREAD_FUNNELED, so -t must be 1");
    job j = {.steps = heat_cli.steps,
             .threads = threads,
             .interior = MPI_DATATYPE_NULL,
             .d = {.cart = MPI_COMM_NULL, .row = MPI_DATATYPE_NULL, .col = MPI_DATATYPE_NULL}};
    status = setup(&j, &opt, threads, comm);
    if (status < 0)
        status = heat_cli.checkpoint || heat_cli.restart ? production(&j, &opt, comm)
                                                         : run_variants(&j, &opt, comm);
    free_job(&j);
    return status;
}

int main(int argc, char **argv)
{
    int provided;
    heat_dist_before_init(); /* a known MPI-IO fault of some Open MPI versions avoided */
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    int status = run_lesson(argc, argv, provided, MPI_COMM_WORLD);
    MPI_Finalize();
    return status;
}
