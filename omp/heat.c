/* heat.c: the 2D heat equation's model, fields and checks (see heat.h). Compiled with
 * -ffp-contract=off (Makefile): heat_row must round the same on every CPU and in every clone. */
#include "heat.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "arrays.h"
#include "measure.h"
#include "npy.h"
#include "omp_stream.h"
#include "simd.h"

#if defined(__clang__) /* GCC ignores the pragma (with a warning): the flag does it there */
#pragma STDC FP_CONTRACT OFF
#endif

const char *const heat_check_names[] = {"seq", "exact", "mode", NULL};

/* The field's values, on the host and on the offload device. */
#pragma omp declare target

/* The plate's temperatures: a hot disc and a cold square in a plate at room temperature, its
 * four edges held at four temperatures. Every value is a whole number. */
enum { PLATE = 20, TOP = 100, BOTTOM = 0, LEFT = 75, RIGHT = 50, DISC = 100, SQUARE = 0 };

static int64_t smaller(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

/* Which shape covers interior point (i, j): the geometry is compared in double, the same
 * arithmetic on every rank, so every rank draws the same plate. */
static double plate(const heat_problem *p, int64_t i, int64_t j)
{
    double R = (double)p->rows + 1.0, C = (double)p->cols + 1.0, x = (double)i, y = (double)j;
    double side = (double)smaller(p->rows, p->cols);
    double di = x - R / 3.0, dj = y - C / 3.0, radius = side / 6.0;
    if (di * di + dj * dj <= radius * radius)
        return DISC;
    if (fabs(x - 2.0 * R / 3.0) <= side / 8.0 && fabs(y - 2.0 * C / 3.0) <= side / 8.0)
        return SQUARE;
    return PLATE;
}

static double plate_ring(const heat_problem *p, int64_t i, int64_t j)
{
    if (i == 0)
        return TOP;
    if (i == p->rows + 1)
        return BOTTOM;
    return j == 0 ? LEFT : RIGHT;
}

static const double pi = 3.14159265358979323846;

/* The (1, 1) sine mode: zero on the ring, one hump inside. */
static double mode(const heat_problem *p, int64_t i, int64_t j)
{
    return sin(pi * (double)i / (double)(p->rows + 1)) *
           sin(pi * (double)j / (double)(p->cols + 1));
}

static int on_ring(const heat_problem *p, int64_t i, int64_t j)
{
    return i == 0 || j == 0 || i == p->rows + 1 || j == p->cols + 1;
}

double heat_value(const heat_problem *p, int64_t i, int64_t j, int64_t step)
{
    switch (p->check) {
    case HEAT_CHECK_EXACT: /* the discrete Laplacian of i^2 + j^2 is 4 everywhere */
        return (double)(i * i + j * j) + 4.0 * p->r * (double)step;
    case HEAT_CHECK_MODE: return on_ring(p, i, j) ? 0.0 : mode(p, i, j);
    default: return on_ring(p, i, j) ? plate_ring(p, i, j) : plate(p, i, j);
    }
}
#pragma omp end declare target

/* The largest i^2 + j^2 of the grid, times 2^m for r = 2^-(m+2): the exact check's values stay
 * whole multiples of 4r below 2^50, far from 2^53, for any step count a run reaches. */
static int exact_fits(const heat_problem *p)
{
    int exponent;
    frexp(p->r, &exponent);
    double largest = (double)(p->rows + 1) * (double)(p->rows + 1) +
                     (double)(p->cols + 1) * (double)(p->cols + 1);
    return ldexp(largest, -(exponent + 1)) < ldexp(1.0, 50);
}

const char *heat_problem_check(const heat_problem *p)
{
    static char why[160];
    if (!(p->r > 0.0))
        return "r must be above 0 (a diffusion number)";
    if (p->r > 0.25) {
        snprintf(why, sizeof why, "r = %g is over 1/4: the explicit step is unstable", p->r);
        return why;
    }
    if (p->check == HEAT_CHECK_EXACT) {
        int exponent;
        if (frexp(p->r, &exponent) != 0.5)
            return "the exact check needs r = 1/4, 1/8, 1/16, ...: then 4r and every value "
                   "it adds are exact in binary";
        if (!exact_fits(p))
            return "the exact check's values i^2 + j^2 outgrow exact doubles on this grid";
    }
    return NULL;
}

/* The value at local (a, b), step 0. */
static double start_value(const heat_problem *p, const heat_block *b, int64_t a, int64_t c)
{
    return heat_value(p, b->i0 + a, b->j0 + c, 0);
}

void heat_block_reset(heat_block *b, const heat_problem *p)
{
    size_t bytes = (size_t)(b->rows + 2) * (size_t)b->stride * sizeof(double);
    if (b->start) {
        memcpy(b->u, b->start, bytes);
        memcpy(b->next, b->start, bytes);
        return;
    }
#pragma omp parallel for schedule(static) num_threads(b->threads)
    for (int64_t a = 0; a < b->rows + 2; a++)
        for (int64_t c = 0; c < b->cols + 2; c++)
            b->u[a * b->stride + c] = b->next[a * b->stride + c] = start_value(p, b, a, c);
}

int heat_block_create(heat_block *b, const heat_problem *p, int64_t rows, int64_t cols, int64_t i0,
                      int64_t j0, int threads)
{
    size_t bytes = (size_t)(rows + 2) * (size_t)(cols + 2) * sizeof(double);
    *b = (heat_block){.rows = rows,
                      .cols = cols,
                      .i0 = i0,
                      .j0 = j0,
                      .stride = cols + 2,
                      .threads = threads > 0 ? threads : 1};
    b->u = plb_array_alloc(bytes, threads);
    b->next = plb_array_alloc(bytes, threads);
    char err[256];
    int ok = b->u && b->next;
    if (ok && p->load) {
        b->start = plb_array_alloc(bytes, threads);
        ok = b->start && plb_npy_read_part(p->load, b->start, i0, j0, rows + 2, cols + 2, b->stride,
                                           err, sizeof err);
    }
    if (!ok) {
        heat_block_free(b);
        return -1;
    }
    heat_block_reset(b, p);
    return 0;
}

void heat_block_free(heat_block *b)
{
    plb_array_free(b->u);
    plb_array_free(b->next);
    plb_array_free(b->start);
    b->u = b->next = b->start = NULL;
}

void heat_block_swap(heat_block *b)
{
    double *t = b->u;
    b->u = b->next;
    b->next = t;
}

/* Local (a, c) of b to its value at `step`, when it lies on the field's boundary. */
static void set_if_boundary(const heat_problem *p, heat_block *b, int64_t a, int64_t c,
                            int64_t step)
{
    if (on_ring(p, b->i0 + a, b->j0 + c))
        b->u[a * b->stride + c] = heat_value(p, b->i0 + a, b->j0 + c, step);
}

void heat_set_boundary(const heat_problem *p, heat_block *b, int64_t step)
{
    if (p->check != HEAT_CHECK_EXACT)
        return;
    for (int64_t c = 0; c < b->cols + 2; c++) {
        set_if_boundary(p, b, 0, c, step);
        set_if_boundary(p, b, b->rows + 1, c, step);
    }
    for (int64_t a = 1; a <= b->rows; a++) {
        set_if_boundary(p, b, a, 0, step);
        set_if_boundary(p, b, a, b->cols + 1, step);
    }
}

/* The one expression, in one order: its rounding is the model's. */
PLB_CPU_CLONES void heat_row(const double *up, const double *mid, const double *down, double *out,
                             int64_t first, int64_t last, double r)
{
#pragma omp simd
    for (int64_t j = first; j < last; j++)
        out[j] = heat_point(up[j], down[j], mid[j - 1], mid[j + 1], mid[j], r);
}

void heat_sweep(const heat_block *b, double r, int64_t a0, int64_t a1, int64_t b0, int64_t b1)
{
    for (int64_t a = a0; a < a1; a++) {
        const double *mid = b->u + a * b->stride;
        heat_row(mid - b->stride, mid, mid + b->stride, b->next + a * b->stride, b0, b1, r);
    }
}

void heat_sweep_rim(const heat_block *b, double r)
{
    int64_t rows = b->rows, cols = b->cols;
    heat_sweep(b, r, 1, 2, 1, cols + 1); /* the first row */
    if (rows > 1)
        heat_sweep(b, r, rows, rows + 1, 1, cols + 1); /* the last row */
    heat_sweep(b, r, 2, rows, 1, 2);                   /* the first column */
    if (cols > 1)
        heat_sweep(b, r, 2, rows, cols, cols + 1); /* the last column */
}

double heat_mode_factor(const heat_problem *p)
{
    double si = sin(pi / (2.0 * (double)(p->rows + 1))),
           sj = sin(pi / (2.0 * (double)(p->cols + 1)));
    return 1.0 - 4.0 * p->r * (si * si + sj * sj);
}

/* Each step rounds a point by at most about 4 units in the last place of the largest value (1),
 * and the step, a weighted mean, never enlarges an error; the factor and the sines add a few
 * more per step. 16 units per step, and 16 for the start, hold with room to spare. */
double heat_mode_bound(int64_t steps)
{
    return 16.0 * DBL_EPSILON * (double)(steps + 1);
}

int64_t heat_check_block(const heat_problem *p, const heat_block *b, int64_t steps, char *detail,
                         size_t len)
{
    int64_t wrong = 0;
    double scale = p->check == HEAT_CHECK_MODE ? pow(heat_mode_factor(p), (double)steps) : 0.0;
    double bound = heat_mode_bound(steps);
    for (int64_t a = 1; a <= b->rows; a++)
        for (int64_t c = 1; c <= b->cols; c++) {
            int64_t i = b->i0 + a, j = b->j0 + c;
            double got = b->u[a * b->stride + c], want;
            int bad;
            if (p->check == HEAT_CHECK_MODE) {
                want = scale * mode(p, i, j);
                bad = !(fabs(got - want) <= bound);
            } else {
                want = heat_value(p, i, j, steps);
                bad = got != want;
            }
            if (bad && wrong++ == 0)
                snprintf(detail, len,
                         "u[%" PRId64 "][%" PRId64 "] = %.17g, expected %.17g%s after "
                         "%" PRId64 " step%s",
                         i, j, got, want, p->check == HEAT_CHECK_MODE ? " within the bound" : "",
                         steps, steps == 1 ? "" : "s");
        }
    return wrong;
}

/* splitmix64's finaliser: every input bit moves about half of the output bits. */
static uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

uint64_t heat_checksum(const heat_block *b)
{
    uint64_t sum = 0;
    for (int64_t a = 1; a <= b->rows; a++)
        for (int64_t c = 1; c <= b->cols; c++) {
            uint64_t bits, where = (uint64_t)(b->i0 + a) * UINT64_C(0x9e3779b97f4a7c15) +
                                   (uint64_t)(b->j0 + c);
            memcpy(&bits, &b->u[a * b->stride + c], sizeof bits);
            sum += mix(bits ^ mix(where));
        }
    return sum;
}

int heat_compare(const heat_block *x, const heat_block *y, int64_t *i, int64_t *j)
{
    for (int64_t a = 1; a <= x->rows; a++) {
        const double *rx = x->u + a * x->stride, *ry = y->u + a * y->stride;
        if (memcmp(rx + 1, ry + 1, (size_t)x->cols * sizeof *rx) == 0)
            continue;
        for (int64_t c = 1; c <= x->cols; c++)
            if (memcmp(rx + c, ry + c, sizeof *rx) != 0) {
                *i = x->i0 + a;
                *j = x->j0 + c;
                return 1;
            }
    }
    return 0;
}

int heat_reference_create(heat_reference *ref, const heat_problem *p, int threads)
{
    ref->p = *p;
    ref->step = 0;
    return heat_block_create(&ref->field, p, p->rows, p->cols, 0, 0, threads);
}

const heat_block *heat_reference_at(heat_reference *ref, int64_t steps)
{
    heat_block *f = &ref->field;
    if (steps < ref->step) {
        heat_block_reset(f, &ref->p);
        ref->step = 0;
    }
    for (; ref->step < steps; ref->step++) {
        heat_set_boundary(&ref->p, f, ref->step);
#pragma omp parallel for schedule(static) num_threads(f->threads)
        for (int64_t a = 1; a <= f->rows; a++)
            heat_sweep(f, ref->p.r, a, a + 1, 1, f->cols + 1);
        heat_block_swap(f);
    }
    return f;
}

void heat_reference_free(heat_reference *ref)
{
    heat_block_free(&ref->field);
}

typedef struct copy_job {
    heat_block *b;
    int64_t count;
    int threads;
} copy_job;

static void copy_run(void *arg)
{
    copy_job *c = arg;
    stream_copy(c->b->u, c->b->next, c->count, c->threads);
}

static int copy_verify(void *arg, long runs)
{
    (void)runs;
    copy_job *c = arg;
    return memcmp(c->b->u, c->b->next, (size_t)c->count * sizeof(double)) != 0;
}

double heat_copy_seconds(heat_block *b, int threads, int active, int repeats, const plb_sync *sync)
{
    copy_job c = {.b = b, .count = active ? (b->rows + 2) * b->stride : 0, .threads = threads};
    plb_kernel k = {.run = copy_run, .verify = copy_verify, .arg = &c};
    plb_measure_cfg cfg = {.warmup = 1, .warmup_s = PLB_WARMUP_S, .repeats = repeats, .sync = sync};
    plb_measurement m;
    return plb_measure(&k, &cfg, &m) == PLB_MEASURE_OK ? m.stats.median : 0.0;
}
