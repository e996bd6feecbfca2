/* heat.h: the 2D heat equation, written once for every heat program, variant and test.
 *
 * The model: one explicit (forward Euler) step of du/dt = laplacian(u) on a grid of R x C
 * interior points inside a fixed boundary ring (Dirichlet), the 5-point stencil
 *     u'[i][j] = u[i][j] + r * (u[i-1][j] + u[i+1][j] + u[i][j-1] + u[i][j+1] - 4 u[i][j])
 * stable for 0 < r <= 1/4: then u' is a weighted mean of u's point and its four neighbours, so no
 * value leaves the range of its neighbours (at r = 1/4 it is their plain average: Jacobi).
 * Global indices: i in 0..R+1, j in 0..C+1; the ring is i = 0, i = R+1, j = 0 and j = C+1.
 *
 * Bit for bit: every variant of every program updates a row with heat_row, the one expression in
 * one operand order, and heat.c is compiled without floating-point contraction (-ffp-contract=off,
 * and the C11 pragma for compilers that read it): the x86-64-v3/v4 clones have FMA and the
 * baseline does not, and a fused multiply-add rounds once where the baseline rounds twice.
 * Indices are 64-bit: a 50000 x 50000 grid has more points than an int counts (MPI's counts are
 * int: mpi_heat refuses what they cannot describe). */
#ifndef PARLAB_HEAT_H
#define PARLAB_HEAT_H

#include <stddef.h>
#include <stdint.h>

struct plb_sync;

/* How a run is checked, which also decides the field it starts from. */
typedef enum heat_check {
    HEAT_CHECK_SEQ,   /* the plate below; every variant's field equals the sequential one's */
    HEAT_CHECK_EXACT, /* u = i^2 + j^2: each step adds exactly 4r, so every value is known */
    HEAT_CHECK_MODE,  /* a sine eigenmode: each step multiplies it by a closed-form factor */
    HEAT_CHECKS
} heat_check;
extern const char *const heat_check_names[]; /* "seq", "exact", "mode", NULL */

typedef struct heat_problem {
    int64_t rows, cols; /* interior points, R x C */
    double r;           /* the diffusion number dt / dx^2, 0 < r <= 1/4 */
    heat_check check;
    const char *load; /* a .npy file the field starts from (ring included), or NULL */
} heat_problem;

/* A rectangle of the field with its ring of ghost (or boundary) cells, as a rank or the whole
 * program holds it: local (a, b), a in 0..rows+1 and b in 0..cols+1, is global (i0 + a, j0 + b),
 * stored at u[a * stride + b]. For the whole field i0 = j0 = 0. */
typedef struct heat_block {
    int64_t rows, cols; /* interior points of the block */
    int64_t i0, j0;     /* the global index of the block's local (0, 0) */
    int64_t stride;     /* cols + 2 */
    double *u, *next;   /* this step's field and the next one's, (rows + 2) * stride each */
    double *start;      /* step 0 as read from the problem's file; NULL: heat_value's */
    int threads;        /* the threads that first touched it, and that reset it */
} heat_block;

/* NULL when p can run; else why not, one phrase ("r = 0.3 is over 1/4: the step is unstable"). */
const char *heat_problem_check(const heat_problem *p);

/* The value at global (i, j) at `step`: the initial field inside, the boundary on the ring. Only
 * the exact check's boundary moves with the step; every other ring is fixed. Compiled for the
 * offload device too, where the exact check's ring is set. */
#pragma omp declare target
double heat_value(const heat_problem *p, int64_t i, int64_t j, int64_t step);
#pragma omp end declare target

/* Allocates both arrays of a rows x cols block at (i0, j0) through plb_array_alloc (first touched
 * by `threads` threads) and fills both with step 0: ring and interior, from heat_value or, when
 * the problem loads a file, from the block's part of it (kept as `start`). Returns 0, or -1 when
 * the memory cannot be had or the file not read (the block is then empty, safe to free). */
int heat_block_create(heat_block *b, const heat_problem *p, int64_t rows, int64_t cols, int64_t i0,
                      int64_t j0, int threads);
void heat_block_free(heat_block *b);
/* Writes step 0 into the block again (both arrays, ring included): a run starts over. */
void heat_block_reset(heat_block *b, const heat_problem *p);
/* u and next trade places: what was computed becomes this step's field. */
void heat_block_swap(heat_block *b);

/* Sets the cells of the block's ring that lie on the field's boundary to their value at `step`
 * (the exact check's boundary moves; for the others this changes nothing). Call it before
 * computing step + 1 from step. */
void heat_set_boundary(const heat_problem *p, heat_block *b, int64_t step);

/* THE update of one point from its four neighbours: up + down + left + right - 4 * centre,
 * times r, plus the centre, in this order. Every path, the GPU's included, computes it here. It
 * is compiled for the offload device too. (On the device, GCC 12 writes add.f64 without .rn, so
 * the PTX assembler may fuse a multiply and an add; with r a power of two, as the default 1/4,
 * every product here is exact and fused or not the result is the same.) */
#pragma omp declare target
static inline double heat_point(double up, double down, double left, double right, double centre,
                                double r)
{
    return centre + r * (up + down + left + right - 4.0 * centre);
}
#pragma omp end declare target

/* The update of a row: out[j] for first <= j < last, from the rows above (up), at (mid) and below (down)
 * one row of the field each, all indexed like mid. */
void heat_row(const double *up, const double *mid, const double *down, double *out, int64_t first,
              int64_t last, double r);

/* One step over local rows a0..a1-1 and columns b0..b1-1 of b, from u into next, row by row with
 * heat_row on this thread: the sequential step, and the edges of the overlapping exchange. */
void heat_sweep(const heat_block *b, double r, int64_t a0, int64_t a1, int64_t b0, int64_t b1);
/* The same over the block's rim, its first and last rows and columns: the points that read a
 * ghost cell, computed once the halo is in (the interior, rows and columns 2..n-1, needs none). */
void heat_sweep_rim(const heat_block *b, double r);

/* For the exact and mode checks: compares every interior point of b, after `steps` steps, with
 * the closed form. Returns the number of points that differ (beyond the stated bound for the
 * mode), and describes the first in detail: "u[3][7] = 58, expected 59 after 1 step". */
int64_t heat_check_block(const heat_problem *p, const heat_block *b, int64_t steps, char *detail,
                         size_t len);
/* The mode check's factor per step, and the bound it holds a field to after `steps` steps. */
double heat_mode_factor(const heat_problem *p);
double heat_mode_bound(int64_t steps);

/* An order-independent 64-bit checksum of b's interior: the sum, mod 2^64, of a hash of each
 * point's global i, j and the bits of its value. Blocks' checksums add up to the field's, so a
 * sum over ranks is the same for any decomposition, and one changed bit anywhere changes it. */
uint64_t heat_checksum(const heat_block *b);

/* The first interior point where a and b (blocks of the same rectangle) differ, as global (i, j)
 * in *i and *j; returns 0 when they are equal bit for bit. */
int heat_compare(const heat_block *a, const heat_block *b, int64_t *i, int64_t *j);

/* The sequential reference of the seq check: the whole field, advanced on demand. */
typedef struct heat_reference {
    heat_problem p;
    heat_block field;
    int64_t step; /* the step field holds */
} heat_reference;

/* 0, or -1 out of memory. */
int heat_reference_create(heat_reference *ref, const heat_problem *p, int threads);
/* The field after `steps` steps from the start: advanced from where it is, or started over. */
const heat_block *heat_reference_at(heat_reference *ref, int64_t steps);
void heat_reference_free(heat_reference *ref);

/* The memory ceiling of a sweep, measured on the block's own arrays: seconds per STREAM copy of
 * u into next (all (rows + 2) x (cols + 2) doubles, `threads` threads; none when !active), the
 * median of `repeats` samples after a warm-up, timed over every rank when sync is not NULL.
 * Leaves the block to be reset. Returns 0 when the copy did not verify or could not be timed. */
double heat_copy_seconds(heat_block *b, int threads, int active, int repeats,
                         const struct plb_sync *sync);

#endif
