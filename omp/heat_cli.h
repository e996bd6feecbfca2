/* heat_cli.h: what the heat programs (omp_heat, mpi_heat) share around the model: their options,
 * their header lines, the check of a run's field, and the memory ceiling note. */
#ifndef PARLAB_HEAT_CLI_H
#define PARLAB_HEAT_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "heat.h"
#include "lesson.h"
#include "options.h"

typedef struct heat_args {
    int64_t steps;     /* --steps: steps per run */
    double r;          /* --r */
    const char *check; /* --check: seq, exact or mode */
    const char *save;  /* --save FILE: the final field as .npy (NULL: none) */
    const char *png;   /* --png FILE: the final field as a picture (NULL: none) */
    const char *load;  /* --load FILE: start from this .npy field instead (NULL: none) */
    const char *checkpoint, *restart; /* production runs: heat_record.h (NULL: none) */
    int64_t every; /* --every: steps between checkpoints (0: a tenth of --steps) */
} heat_args;

/* The parsed options of this program (the option tables below write into it). */
extern heat_args heat_cli;

/* clang-format off */
/* The options both programs take, for a program's table (ends without PLB_OPT_END). */
#define HEAT_OPTIONS                                                                              \
    {.long_name = "steps", .kind = PLB_OPT_COUNT, .target = &heat_cli.steps, .min = 1,            \
     .arg_name = "K", .help = "time steps per run"},                                              \
    {.long_name = "r", .kind = PLB_OPT_REAL, .target = &heat_cli.r, .arg_name = "R",              \
     .help = "diffusion number dt/dx^2, stable for 0 < r <= 1/4"},                                \
    {.long_name = "check", .kind = PLB_OPT_TEXT, .target = &heat_cli.check,                        \
     .arg_name = "seq|exact|mode",                                                                \
     .help = "against the sequential field, i^2+j^2 (exact), or a decaying sine mode"},           \
    {.long_name = "save", .kind = PLB_OPT_TEXT, .target = &heat_cli.save, .arg_name = "FILE",      \
     .help = "write the field after --steps steps as NumPy .npy (boundary ring included)"},       \
    {.long_name = "png", .kind = PLB_OPT_TEXT, .target = &heat_cli.png, .arg_name = "FILE",        \
     .help = "draw the field after --steps steps as a PNG picture"},                              \
    {.long_name = "load", .kind = PLB_OPT_TEXT, .target = &heat_cli.load, .arg_name = "FILE",      \
     .help = "start from this .npy field (2-D float64, ring included; its shape sets -n)"},       \
    {.long_name = "checkpoint", .kind = PLB_OPT_TEXT, .target = &heat_cli.checkpoint,            \
     .arg_name = "FILE", .help = "a production run (one run of the one variant -V names): the "   \
     "field to FILE (.npy, and FILE.meta) every --every steps and at the end"},                   \
    {.long_name = "every", .kind = PLB_OPT_COUNT, .target = &heat_cli.every, .min = 1,           \
     .arg_name = "K", .help = "with --checkpoint: steps between checkpoints (a tenth of --steps)"},\
    {.long_name = "restart", .kind = PLB_OPT_TEXT, .target = &heat_cli.restart,                  \
     .arg_name = "FILE", .help = "a production run that goes on from the checkpoint FILE"}
/* clang-format on */

/* The problem the options describe (opt: the grid, which --load's file replaces). 0, or -1 with
 * the reason in err. */
int heat_cli_problem(plb_options *opt, heat_problem *p, char *err, size_t len);

/* The fastest believable run for opt and the parsed --steps: 1e11 updates a second. */
double heat_fastest_run_s(const plb_options *opt);

/* The header lines of the run's parameters: grid, steps, r, check, the bytes per update. */
void heat_report_problem(FILE *out, const heat_problem *p);

/* Verifies a field after `steps` steps: against ref (the seq check) point by point, or against
 * the closed form. Returns 0 when right, else 1 with the first wrong point in detail. */
int heat_verify(const heat_problem *p, const heat_block *b, heat_reference *ref, int64_t steps,
                char *detail, size_t len);

/* The "# ceiling" notes, printed on out when not NULL: for each measured variant v[i] (m[i]
 * status OK), STREAM copy timed on the arrays it streams, the MLUP/s that bandwidth allows at 16
 * bytes per update (and at 24, with write-allocate), and the variant's share of it. seq is held
 * against a copy of rank 0's block by one thread; the others against a copy of every rank's block
 * (total: their elements together), each by the variant's threads, at once (sync: over the
 * ranks, or NULL). b is left to be reset. Collective when sync is not NULL. */
void heat_report_ceiling(FILE *out, heat_block *b, const plb_variant *v, const plb_measurement *m,
                         int count, int repeats, int rank, double total, const plb_sync *sync);

/* The picture of a rows x cols field is height x width pixels (plb_heatmap_size); pixel (y, x)
 * shows the interior point nearest its centre. This fills values[y * width + x] for the pixels
 * whose point lies in b, and leaves the others as they are (under MPI, a sum over ranks of
 * zero-filled pictures then holds every pixel exactly once). */
void heat_picture_samples(const heat_block *b, int64_t rows, int64_t cols, int height, int width,
                          double *values);
/* Marks the pixels where the blocks of a prow x pcol process grid meet (the last pixel of each
 * block's rows and columns), for --show-ranks. */
void heat_picture_marks(int64_t rows, int64_t cols, int prow, int pcol, int height, int width,
                        unsigned char *mark);
/* Writes the picture of `values` (height x width, colours from its smallest to largest value) to
 * path. NULL, or the one-line reason in err. */
const char *heat_picture_write(const char *path, const double *values, const unsigned char *mark,
                               int height, int width, char *err, size_t len);

/* --save and --png of a whole field b (omp_heat): NULL, or the reason in err. */
const char *heat_write_field(const heat_problem *p, const heat_block *b, char *err, size_t len);

#endif
