/* measure.h: the repetition runner every parlab program times its kernels with.
 *
 * One sample is a batch of back-to-back runs of the kernel, timed as a whole and divided by the
 * batch size. The batch grows until one sample lasts at least PLB_GUARD_FACTOR clock resolutions,
 * so no reported time is mostly clock granularity; should a later sample fall short (warm runs are
 * faster), the batch doubles again and the samples start over. W warm-up samples are discarded, R are kept.
 * Under MPI the caller passes a plb_sync: every batch starts after a barrier and ends with one, so
 * its time is the span from the common start until the last rank is done (what a user waits;
 * a rank's own duration can be shorter when it started late), and its time and verdict are the
 * maximum over ranks, so every rank sees the same samples and decisions. */
#ifndef PARLAB_MEASURE_H
#define PARLAB_MEASURE_H

#include <stdbool.h>

#include "stats.h"

/* A kept sample must last this many clock resolutions (0.1% quantisation error); batches are
 * calibrated to twice that. */
#define PLB_GUARD_FACTOR 1000.0
/* Largest batch the runner tries before it gives up on a kernel that takes no time. */
#define PLB_MAX_BATCH (1L << 22)

typedef struct plb_kernel {
    void (*prepare)(void *arg);          /* optional, untimed: before each batch (reset, poison) */
    void (*run)(void *arg);              /* one repetition of the measured work */
    int (*verify)(void *arg, long runs); /* optional, untimed: after each batch of `runs` runs
                                            since prepare; 0 when the result is exact */
    void *arg;
} plb_kernel;

typedef struct plb_sync {
    void (*barrier)(void *ctx);
    double (*max)(double value, void *ctx); /* maximum of value over all ranks */
    void *ctx;
} plb_sync;

/* The least time warm-up takes in the programs, as OSU's benchmarks skip more iterations of a short
 * message: at 256K elements a scatter/gather round's third to fifth runs were still 15% slow. */
#define PLB_WARMUP_MS 10
#define PLB_WARMUP_S (PLB_WARMUP_MS / 1000.0)

typedef struct plb_measure_cfg {
    int warmup;           /* samples run and discarded */
    double warmup_s;      /* with warmup > 0, warm-up samples go on until they have taken this
                            * long (PLB_WARMUP_S): a short run's first calls are still cold */
    int repeats;          /* samples kept, at least 1 */
    double min_sample_s;  /* 0: PLB_GUARD_FACTOR times the measured clock resolution */
    double plausible_s;   /* fastest believable time of one run; 0: no such check */
    long max_batch;       /* 0: PLB_MAX_BATCH */
    const plb_sync *sync; /* NULL for a single process */
} plb_measure_cfg;

enum plb_measure_status {
    PLB_MEASURE_OK = 0,
    PLB_MEASURE_TOO_SHORT,   /* even the largest batch stayed under the guard */
    PLB_MEASURE_IMPLAUSIBLE, /* faster than plausible_s: the work was optimised away */
    PLB_MEASURE_UNVERIFIED,  /* verify() rejected a result */
    PLB_MEASURE_NO_MEMORY,
    PLB_MEASURE_BAD_CONFIG
};

typedef struct plb_measurement {
    plb_stats stats;     /* seconds per run over the kept samples */
    long batch;          /* runs per sample */
    long runs;           /* every run of the kernel, calibration and warm-up included */
    double guard_s;      /* the shortest sample the guard accepted */
    double cpu_s;        /* CPU seconds of this process per run, over the kept samples */
    double thread_cpu_s; /* of the calling thread alone (exact at any length: its own clock) */
    int status;          /* enum plb_measure_status */
    bool disturbed;      /* set by plb_run_variants (lesson.h): its time is not the lesson */
} plb_measurement;

/* Times k under cfg into *out and returns out->status. */
int plb_measure(const plb_kernel *k, const plb_measure_cfg *cfg, plb_measurement *out);

/* A short explanation of a status, for a FAILED line. */
const char *plb_measure_error(int status);

/* amount_per_run / seconds_per_run, in units of `unit` (1e9 for GB/s from bytes). */
double plb_rate(double amount_per_run, double seconds_per_run, double unit);

#endif
