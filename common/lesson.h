/* lesson.h: the part of every lesson program's main that is the same everywhere: measure each
 * selected variant, print its row, compare it with the `seq` variant, and say what failed. */
#ifndef PARLAB_LESSON_H
#define PARLAB_LESSON_H

#include <stdbool.h>
#include <stdio.h>

#include "measure.h"
#include "options.h"
#include "report.h"

/* Room for a variant's `detail`: what its verify found wrong, one line. */
#define PLB_DETAIL_LEN 128
/* The fastest clock any core runs at: a loop of dependent single-cycle steps cannot take less than
 * steps / PLB_MAX_CLOCK_HZ seconds, so a faster run means the compiler deleted the work. */
#define PLB_MAX_CLOCK_HZ 6e9

typedef struct plb_variant {
    const char *name;
    int threads; /* threads this variant runs on (1 for seq) */
    plb_kernel kernel;
    double amount; /* bytes or operations of one run: the program's rate formula */
    double unit;   /* divisor of the rate: 1e9 for GB/s from bytes */
    const char *rate_unit;
    double plausible_s;  /* fastest believable run (0: no floor) */
    const char *detail;  /* what verify found wrong, written by the program; may be NULL */
    const char *outcome; /* the verified column's word for people ("lost updates"), written
                                by the program's verify; NULL or "": "yes" */
    bool idles;          /* its threads idle by design (a sleep, a condition variable, an
                                unequal share, a device): few cores busy is its lesson, not a
                                disturbed run */
} plb_variant;

/* A run is disturbed, its time and speedup not the lesson, when its median sample took
 * PLB_DISTURBED_SPREAD times its fastest (a thread lost its core for a while), or when a variant
 * that does not idle by design kept busy fewer than PLB_DISTURBED_BUSY of its threads' cores (a
 * thread got no core). One thread of one process is judged by its own CPU clock, exact at any
 * length; more threads by the process's, on samples of PLB_DISTURBED_SAMPLE_S or more: Linux adds
 * another thread's CPU time to the process's clock at its scheduler ticks (1 to 10 ms apart), so
 * a short sample misses some of it. A variant with more threads than the CPUs one rank may count
 * on (its own where the launcher bound it, else its share of the node's) shares cores by its
 * own design, and is not judged. */
#define PLB_DISTURBED_SPREAD 2.0
#define PLB_DISTURBED_BUSY 0.75
#define PLB_DISTURBED_SAMPLE_S 0.05

/* Measures the variants of v[0..count) that opt selects: `seq` first, where it is one (the
 * speedups are over its time), then the others in order. Rows go to out (NULL: print
 * nothing, as on MPI ranks other than 0), then, with -v or --csv, one "# runs" note per variant
 * (every run of it, the samples and batch kept, the guard they met), one "# cpu" note per variant
 * (CPU seconds of this process per run against the mean real time: the cores it kept busy) and
 * one "# speedup" note per variant against `seq` when both ran; in every mode, a "# disturbed"
 * note per variant whose run was disturbed. Each variant's measurement goes to measured[i] when
 * measured is not NULL (status -1: not selected; disturbed: as its note says). Returns NULL when
 * every variant verified, else why the first one failed (the text lives until the next call). */
const char *plb_run_variants(const plb_program *prog, const plb_context *ctx,
                             const plb_options *opt, plb_variant *v, int count,
                             const plb_sync *sync, FILE *out, plb_measurement *measured);

/* Two medians within this factor of each other are "about as fast" (the quiz's rule too). */
#define PLB_SAME_WITHIN 1.2

/* How m ran against base, in words for a lesson's finding: "1.92x faster than", "about as fast
 * as" or "5.1x slower than" (from the medians). NULL where either failed or was disturbed: its
 * time is not the lesson. The text is written to buf. */
const char *plb_compared(const plb_measurement *m, const plb_measurement *base, char *buf,
                         size_t len);

#endif
