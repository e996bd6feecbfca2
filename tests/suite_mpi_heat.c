/* suite_mpi_heat.c: the heat field over ranks (mpi/heat_dist.h, mpi/mpi_heat.h), at every rank
 * count the runner uses: the blocks cover the grid, neighbours agree, every exchange fills every
 * ghost a neighbour owns with that neighbour's value (against coordinate-encoded values, ghosts
 * poisoned first), on prime, thin and square grids, with every process-grid shape.
 * Non-fatal asserts only: every rank must reach every collective. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "heat_dist.h"
#include "mpi_heat.h"
#include "mpi_ranks.h"
#include "mpi_support.h"
#include "suites.h"

/* Every value says where it is: exact in a double for the grids here. */
static double encode(int64_t i, int64_t j)
{
    return (double)(i * 100000 + j);
}

/* Grids to cut: prime sides, a thin one leaving a rank a single row, one row, one column. */
static const int64_t grids[][2] = {{37, 41}, {8, 8}, {1, 64}, {64, 1}, {13, 5}};

/* Whether process-grid shape s (0: auto, 1: strips of rows P x 1, 2: strips of columns 1 x P)
 * fits grid g; fills dims. */
static int dims_for(int g, int s, int dims[2])
{
    char text[32] = "auto", err[160];
    if (s == 1)
        snprintf(text, sizeof text, "1d");
    if (s == 2)
        snprintf(text, sizeof text, "1x%d", size_of());
    return heat_dist_dims(text, size_of(), grids[g][0], grids[g][1], dims, err, sizeof err) == 0;
}

static void test_blocks_cover(void)
{
    for (size_t g = 0; g < sizeof grids / sizeof grids[0]; g++)
        for (int s = 0; s < 3; s++) {
            int dims[2];
            if (!dims_for((int)g, s, dims))
                continue;
            heat_problem p = {.rows = grids[g][0], .cols = grids[g][1], .r = 0.25};
            int64_t covered = 0, small = INT64_MAX, large = 0;
            for (int pr = 0; pr < dims[0]; pr++)
                for (int pc = 0; pc < dims[1]; pc++) {
                    int64_t rows, cols, i0, j0;
                    heat_dist_block_at(&p, dims, pr, pc, &rows, &cols, &i0, &j0);
                    CU_ASSERT(rows >= 1 && cols >= 1);
                    covered += rows * cols;
                    small = rows < small ? rows : small;
                    large = rows > large ? rows : large;
                    if (pr + 1 < dims[0]) { /* the next block starts where this one ends */
                        int64_t r2, c2, i2, j2;
                        heat_dist_block_at(&p, dims, pr + 1, pc, &r2, &c2, &i2, &j2);
                        CU_ASSERT_EQUAL(i2, i0 + rows);
                        CU_ASSERT_EQUAL(j2, j0);
                    }
                }
            CU_ASSERT_EQUAL(covered, p.rows * p.cols);
            CU_ASSERT(large - small <= 1);
        }
}

static void test_refused_grids(void)
{
    int p = size_of(), dims[2];
    char err[160] = "";
    /* A grid with fewer rows than strips leaves a rank nothing: refused, saying why. */
    if (p > 1) {
        CU_ASSERT_EQUAL(heat_dist_dims("1d", p, p - 1, 100, dims, err, sizeof err), -1);
        CU_ASSERT_PTR_NOT_NULL(strstr(err, "a row and a column"));
    }
    CU_ASSERT_EQUAL(heat_dist_dims("3x", p, 100, 100, dims, err, sizeof err), -1);
    CU_ASSERT_EQUAL(heat_dist_dims("ring", p, 100, 100, dims, err, sizeof err), -1);
    CU_ASSERT_EQUAL(heat_dist_dims("1x1", p, 100, 100, dims, err, sizeof err), p == 1 ? 0 : -1);
    CU_ASSERT_EQUAL(heat_dist_dims("auto", p, 100, 100, dims, err, sizeof err), 0);
    CU_ASSERT_EQUAL(dims[0] * dims[1], p);
}

/* Sets the block's interior to its coordinates, poisons the ghosts neighbours own. */
static void encode_block(heat_dist *d)
{
    heat_block *b = &d->b;
    for (int64_t a = 1; a <= b->rows; a++)
        for (int64_t c = 1; c <= b->cols; c++)
            b->u[a * b->stride + c] = encode(b->i0 + a, b->j0 + c);
    heat_dist_poison_ghosts(d);
}

/* How many ghost cells that a neighbour owns do not hold that neighbour's value (corners are
 * no neighbour's: the 5-point stencil never reads them). */
static int64_t wrong_ghosts(const heat_dist *d)
{
    const heat_block *b = &d->b;
    int64_t wrong = 0, last_row = b->rows + 1, last_col = b->cols + 1;
    for (int64_t c = 1; c < last_col; c++) {
        if (d->up != MPI_PROC_NULL)
            wrong += b->u[c] != encode(b->i0, b->j0 + c);
        if (d->down != MPI_PROC_NULL)
            wrong += b->u[last_row * b->stride + c] != encode(b->i0 + last_row, b->j0 + c);
    }
    for (int64_t a = 1; a < last_row; a++) {
        if (d->left != MPI_PROC_NULL)
            wrong += b->u[a * b->stride] != encode(b->i0 + a, b->j0);
        if (d->right != MPI_PROC_NULL)
            wrong += b->u[a * b->stride + last_col] != encode(b->i0 + a, b->j0 + last_col);
    }
    return wrong;
}

static void test_every_exchange_fills_every_ghost(void)
{
    static const heat_variant exchanges[] = {HEAT_CHAIN, HEAT_SENDRECV, HEAT_OVERLAP,
                                             HEAT_NEIGHBOR};
    for (size_t g = 0; g < sizeof grids / sizeof grids[0]; g++)
        for (int s = 0; s < 3; s++) {
            int dims[2];
            if (!dims_for((int)g, s, dims))
                continue;
            heat_problem p = {.rows = grids[g][0], .cols = grids[g][1], .r = 0.25};
            heat_dist d;
            if (heat_dist_create(&d, &p, dims, 1, MPI_COMM_WORLD) != 0) { /* agreed */
                CU_FAIL("heat_dist_create");
                continue;
            }
            for (size_t e = 0; e < sizeof exchanges / sizeof exchanges[0]; e++) {
                encode_block(&d);
                int64_t poisoned = wrong_ghosts(&d);
                heat_exchange(&d, exchanges[e]);
                int64_t wrong = wrong_ghosts(&d);
                CU_ASSERT_EQUAL(wrong, 0);
                /* every neighbour's edge was poisoned before: the test can fail */
                int64_t edges =
                    (d.up != MPI_PROC_NULL) * d.b.cols + (d.down != MPI_PROC_NULL) * d.b.cols +
                    (d.left != MPI_PROC_NULL) * d.b.rows + (d.right != MPI_PROC_NULL) * d.b.rows;
                CU_ASSERT_EQUAL(poisoned, edges);
                if (wrong)
                    fprintf(stderr,
                            "rank %d: exchange %d, grid %" PRId64 "x%" PRId64 " on %dx%d: "
                            "%" PRId64 " ghosts wrong\n",
                            rank_of(), (int)exchanges[e], p.rows, p.cols, dims[0], dims[1], wrong);
            }
            heat_dist_free(&d);
        }
}

static void test_neighbours_agree(void)
{
    /* My upper neighbour's lower neighbour is me, and so on: pass ranks around and compare. */
    heat_problem p = {.rows = 40, .cols = 40, .r = 0.25};
    int dims[2];
    char err[160];
    CU_ASSERT_EQUAL(heat_dist_dims("auto", size_of(), 40, 40, dims, err, sizeof err), 0);
    heat_dist d;
    if (heat_dist_create(&d, &p, dims, 1, MPI_COMM_WORLD) != 0) {
        CU_FAIL("heat_dist_create");
        return;
    }
    int from_down = -7, from_right = -7;
    MPI_Sendrecv(&d.rank, 1, MPI_INT, d.up, 1, &from_down, 1, MPI_INT, d.down, 1, d.cart,
                 MPI_STATUS_IGNORE);
    MPI_Sendrecv(&d.rank, 1, MPI_INT, d.left, 2, &from_right, 1, MPI_INT, d.right, 2, d.cart,
                 MPI_STATUS_IGNORE);
    CU_ASSERT_EQUAL(from_down, d.down == MPI_PROC_NULL ? -7 : d.down);
    CU_ASSERT_EQUAL(from_right, d.right == MPI_PROC_NULL ? -7 : d.right);
    heat_dist_free(&d);
}

static void test_checksum_any_decomposition(void)
{
    /* The field's checksum is the same summed over any cut as on one rank. */
    heat_problem p = {.rows = 37, .cols = 41, .r = 0.25, .check = HEAT_CHECK_SEQ};
    heat_block whole;
    CU_ASSERT_EQUAL(heat_block_create(&whole, &p, 37, 41, 0, 0, 1), 0);
    uint64_t expected = whole.u ? heat_checksum(&whole) : 0;
    for (int s = 0; s < 3; s++) {
        int dims[2];
        if (!dims_for(0, s, dims))
            continue;
        heat_dist d;
        if (heat_dist_create(&d, &p, dims, 1, MPI_COMM_WORLD) != 0) {
            CU_FAIL("heat_dist_create");
            continue;
        }
        CU_ASSERT_EQUAL(heat_dist_checksum(&d), expected);
        heat_dist_free(&d);
    }
    heat_block_free(&whole);
}

CU_TestInfo mpi_heat_tests[] = {
    {"blocks cover every grid once, even split", test_blocks_cover},
    {"grids a rank would get nothing of, bad --dims: refused", test_refused_grids},
    {"neighbours agree both ways", test_neighbours_agree},
    {"chain, sendrecv, overlap, neighbor fill every ghost", test_every_exchange_fills_every_ghost},
    {"the checksum is the same for every decomposition", test_checksum_any_decomposition},
    CU_TEST_INFO_NULL,
};
