/* scatter_gather.h: the runner of the scatter/compute/gather lessons. The root makes n values; a
 * lesson's steps spread them over the ranks for any n and any rank count, every rank applies the
 * lesson's compute to its block, and the steps gather the results back. The runner sets up the
 * blocks, times the variants and each step apart, and verifies on every rank. mpi_map_square.c
 * writes the steps out (MPI_Scatterv, MPI_Gatherv, and the same by hand); mpi_increment and
 * hybrid_map_square reuse them with a compute of their own. */
#ifndef PARLAB_SCATTER_GATHER_H
#define PARLAB_SCATTER_GATHER_H

#include <mpi.h>
#include <stdint.h>

#include "lesson.h"

/* The data of a scatter/compute/gather round. The root holds the whole input a and result b;
 * every rank holds its block la (count elements, global indices displ..displ+count), which the
 * compute turns into results in place. counts[] and displs[] are every rank's block, as the
 * v-collectives want them (plb_block_count and plb_block_start). */
typedef struct sg_job {
    const struct sg_kernel *k;
    MPI_Comm comm;
    int rank, size, threads, count, displ;
    int64_t n;
    int *counts, *displs;
    int64_t *a, *b; /* the root's whole input and result (NULL elsewhere) */
    int64_t *la;    /* this rank's block: its inputs, then its results */
    int64_t *lb;    /* scratch of the same size, for checking inputs */
    char detail[160];
} sg_job;

/* How a distributed variant moves the blocks: root to ranks, then ranks to root. */
typedef struct sg_steps {
    void (*scatter)(sg_job *j); /* a -> every rank's la */
    void (*gather)(sg_job *j);  /* every rank's la -> b */
} sg_steps;

/* A lesson, in the global index: element i of a block starting at `offset` is global i+offset. */
typedef struct sg_kernel {
    void (*input)(int64_t *in, int64_t count, int64_t offset);
    void (*compute)(const int64_t *in, int64_t *out, int64_t count, int threads); /* in == out
                                                                                     allowed */
    int64_t (*check)(const int64_t *out, int64_t count, int64_t offset); /* first wrong, or -1 */
    int64_t (*expected)(int64_t global_index);                           /* for the message */
    double bytes_per_element;                                            /* the rate formula */
    sg_steps collective;
    sg_steps p2p;
} sg_kernel;

enum sg_variant { SG_SEQ, SG_COLLECTIVE, SG_P2P, SG_BARE, SG_VARIANTS };
extern const char *const sg_variant_names[]; /* "seq", "collective", "p2p", "bare", NULL */

/* Allocates the root's arrays and every rank's block. Collective; NULL on every rank when any
 * rank ran out of memory. n must be at most INT_MAX (MPI counts are int). */
sg_job *sg_create(const sg_kernel *k, int64_t n, int threads, MPI_Comm comm);
void sg_destroy(sg_job *job);

/* One untimed run of variant v: prepare, run, verify on every rank. Returns the agreed verdict:
 * 0 when the result is exact on every rank. Collective. */
int sg_run_once(sg_job *job, enum sg_variant v);
/* The root's gathered result, n elements; NULL on the other ranks. */
const int64_t *sg_result(const sg_job *job);

/* Measures the variants opt selects, prints rows on rank 0 (out), then one "# split" note per
 * distributed variant: scatter, compute and gather measured apart, each the maximum over ranks.
 * Returns NULL when everything verified on every rank, else why not. Collective. */
const char *sg_run(sg_job *job, const plb_program *prog, const plb_context *ctx,
                   const plb_options *opt, FILE *out);

/* The whole main of a scatter/compute/gather program, between MPI_Init and MPI_Finalize: parse
 * (agreed), set up, header, describe (when not NULL: collective, prints on rank 0's out only),
 * sg_run, verdict. Threads per rank: -t, or default_threads. Returns the exit code, the same on
 * every rank. */
int sg_main(const plb_program *prog, const sg_kernel *k, int default_threads,
            void (*describe)(int threads, FILE *out), int argc, char **argv);

#endif
