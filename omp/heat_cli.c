/* heat_cli.c: the heat programs' options, header lines, checks and ceiling (see heat_cli.h). */
#include "heat_cli.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "heatmap.h"
#include "measure.h"
#include "npy.h"
#include "partition.h"

heat_args heat_cli = {.steps = 10, .r = 0.25, .check = "seq"};

/* --load: the file's shape is the grid, ring included. */
static int load_grid(plb_options *opt, const heat_problem *p, char *err, size_t len)
{
    int64_t rows, cols, offset;
    if (p->check != HEAT_CHECK_SEQ) {
        snprintf(err, len, "--load starts from the file's field; --check %s starts from its own",
                 heat_check_names[p->check]);
        return -1;
    }
    if (!plb_npy_shape(heat_cli.load, &rows, &cols, &offset, err, len))
        return -1;
    if (rows < 3 || cols < 3) {
        snprintf(err, len,
                 "%s: shape (%" PRId64 ", %" PRId64 ") leaves no point inside its "
                 "boundary ring",
                 heat_cli.load, rows, cols);
        return -1;
    }
    opt->n = rows - 2;
    opt->cols = cols - 2;
    return 0;
}

int heat_cli_problem(plb_options *opt, heat_problem *p, char *err, size_t len)
{
    *p = (heat_problem){.r = heat_cli.r, .check = HEAT_CHECKS, .load = heat_cli.load};
    for (int c = 0; heat_check_names[c]; c++)
        if (strcmp(heat_cli.check, heat_check_names[c]) == 0)
            p->check = (heat_check)c;
    if (p->check == HEAT_CHECKS) {
        snprintf(err, len, "option '--check': '%s' is not seq, exact or mode", heat_cli.check);
        return -1;
    }
    if (heat_cli.load && load_grid(opt, p, err, len))
        return -1;
    p->rows = opt->n;
    p->cols = opt->cols;
    const char *why = heat_problem_check(p);
    if (why) {
        snprintf(err, len, "%s", why);
        return -1;
    }
    /* The mode decays each step; once its amplitude nears the rounding bound, a field of zeros
     * would pass: refused while the mode is under 1000 bounds. */
    double amplitude = pow(heat_mode_factor(p), (double)heat_cli.steps);
    if (p->check == HEAT_CHECK_MODE && !(amplitude >= 1000.0 * heat_mode_bound(heat_cli.steps))) {
        snprintf(err, len,
                 "--check mode: after %" PRId64 " steps the mode is down to %.3g, too near the "
                 "rounding bound %.3g to tell a right field from none: fewer steps or a larger "
                 "grid",
                 heat_cli.steps, amplitude, heat_mode_bound(heat_cli.steps));
        return -1;
    }
    return 0;
}

double heat_fastest_run_s(const plb_options *opt)
{
    return (double)opt->n * (double)opt->cols * (double)heat_cli.steps / 1e11;
}

void heat_report_problem(FILE *out, const heat_problem *p)
{
    if (!out)
        return;
    plb_report_param(out, "grid",
                     "%" PRId64 " x %" PRId64 " interior points, a fixed boundary "
                     "ring around them",
                     p->rows, p->cols);
    plb_report_param(out, "steps", "%" PRId64 " per run, r = %g", heat_cli.steps, p->r);
    static const char *const starts[] = {
        ("a hot disc and a cold square in a plate, edges at 100, 0, 75 and 50: every variant's "
         "field equals seq's bit for bit"),
        "u = i^2 + j^2, boundary following it: each step adds exactly 4r, every point checked",
        "the (1,1) sine mode: each step multiplies it by the factor below, every point checked"};
    if (p->load)
        plb_report_param(out, "check",
                         "seq: the field of %s; every variant's field equals seq's "
                         "bit for bit",
                         p->load);
    else
        plb_report_param(out, "check", "%s: %s", heat_check_names[p->check], starts[p->check]);
    if (p->check == HEAT_CHECK_MODE)
        plb_report_param(out, "mode", "factor %.17g per step, bound %.3g after %" PRId64 " steps",
                         heat_mode_factor(p), heat_mode_bound(heat_cli.steps), heat_cli.steps);
    plb_report_param(out, "bytes",
                     "16 per update as STREAM counts a copy (8 read, 8 written); "
                     "24 with write-allocate");
}

int heat_verify(const heat_problem *p, const heat_block *b, heat_reference *ref, int64_t steps,
                char *detail, size_t len)
{
    if (!ref)
        return heat_check_block(p, b, steps, detail, len) != 0;
    const heat_block *want = heat_reference_at(ref, steps);
    int64_t i, j;
    if (!heat_compare(b, want, &i, &j))
        return 0;
    int64_t a = i - b->i0, c = j - b->j0;
    snprintf(detail, len,
             "u[%" PRId64 "][%" PRId64 "] = %.17g, the sequential field has %.17g "
             "after %" PRId64 " steps",
             i, j, b->u[a * b->stride + c], want->u[(i - want->i0) * want->stride + (j - want->j0)],
             steps);
    return 1;
}

void heat_report_ceiling(FILE *out, heat_block *b, const plb_variant *v, const plb_measurement *m,
                         int count, int repeats, int rank, double total, const plb_sync *sync)
{
    for (int i = 0; i < count; i++) {
        if (m[i].status != PLB_MEASURE_OK)
            continue;
        int alone = strcmp(v[i].name, "seq") == 0;
        double s = heat_copy_seconds(b, v[i].threads, !alone || rank == 0, repeats, sync);
        if (!out || s <= 0.0)
            continue;
        /* A copy moves 16 bytes an element as STREAM counts it, an update 16 bytes: elements
         * copied a second are the updates a second that bandwidth allows. */
        double elements = alone ? (double)(b->rows + 2) * (double)b->stride : total;
        double ceiling = elements / s / 1e6, rate = v[i].amount / m[i].stats.median / 1e6;
        fprintf(out,
                "# ceiling     : %s %.4g MLUP/s = %.0f%% of STREAM copy by %s (%.4g GB/s: "
                "%.4g MLUP/s at 16 B/update, %.4g at 24 B)\n",
                v[i].name, rate, 100.0 * rate / ceiling, alone ? "one thread" : "the same workers",
                16.0 * elements / s / 1e9, ceiling, ceiling * 16.0 / 24.0);
    }
}

void heat_picture_samples(const heat_block *b, int64_t rows, int64_t cols, int height, int width,
                          double *values)
{
    for (int y = 0; y < height; y++) {
        int64_t a = 1 + plb_heatmap_index(rows, height, y) - b->i0; /* local row */
        if (a < 1 || a > b->rows)
            continue;
        for (int x = 0; x < width; x++) {
            int64_t c = 1 + plb_heatmap_index(cols, width, x) - b->j0;
            if (c >= 1 && c <= b->cols)
                values[(size_t)y * (size_t)width + (size_t)x] = b->u[a * b->stride + c];
        }
    }
}

/* Whether pixels p and p + 1 show points of different blocks of n points over `parts`. */
static int block_edge(int64_t n, int parts, int pixels, int p)
{
    if (p + 1 >= pixels)
        return 0;
    int64_t here = plb_heatmap_index(n, pixels, p), there = plb_heatmap_index(n, pixels, p + 1);
    for (int w = 1; w < parts; w++) {
        int64_t start = plb_block_start(n, parts, w);
        if (here < start && there >= start)
            return 1;
    }
    return 0;
}

void heat_picture_marks(int64_t rows, int64_t cols, int prow, int pcol, int height, int width,
                        unsigned char *mark)
{
    for (int y = 0; y < height; y++) {
        int row_edge = block_edge(rows, prow, height, y);
        for (int x = 0; x < width; x++)
            mark[(size_t)y * (size_t)width + (size_t)x] =
                (unsigned char)(row_edge || block_edge(cols, pcol, width, x));
    }
}

const char *heat_picture_write(const char *path, const double *values, const unsigned char *mark,
                               int height, int width, char *err, size_t len)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < (size_t)height * (size_t)width; i++) {
        lo = values[i] < lo ? values[i] : lo;
        hi = values[i] > hi ? values[i] : hi;
    }
    return plb_heatmap_write(path, values, height, width, lo, hi, mark, err, len) ? NULL : err;
}

const char *heat_write_field(const heat_problem *p, const heat_block *b, char *err, size_t len)
{
    if (heat_cli.save &&
        !plb_npy_write(heat_cli.save, b->u, b->rows + 2, b->cols + 2, b->stride, err, len))
        return err;
    if (!heat_cli.png)
        return NULL;
    int height, width;
    plb_heatmap_size(p->rows, p->cols, PLB_HEATMAP_SIDE, &height, &width);
    double *values = malloc((size_t)height * (size_t)width * sizeof *values);
    if (!values) {
        snprintf(err, len, "%s: no memory for a %d x %d picture", heat_cli.png, height, width);
        return err;
    }
    heat_picture_samples(b, p->rows, p->cols, height, width, values);
    const char *bad = heat_picture_write(heat_cli.png, values, NULL, height, width, err, len);
    free(values);
    return bad;
}
