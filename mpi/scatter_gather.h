/* scatter_gather.h: the root makes n values, spreads them over the ranks for any n and any rank
 * count, every rank applies a kernel to its block, and the root gathers the results back.
 * mpi_map_square, mpi_increment and hybrid_map_square plug their kernel into this. */
#ifndef PARLAB_SCATTER_GATHER_H
#define PARLAB_SCATTER_GATHER_H

#include <mpi.h>
#include <stdint.h>

#include "lesson.h"

/* A kernel, in the global index: element i of a block that starts at `offset` is global i+offset. */
typedef struct sg_kernel {
    void (*input)(int64_t *in, int64_t count, int64_t offset);
    void (*compute)(const int64_t *in, int64_t *out, int64_t count, int threads); /* in == out
                                                                                     allowed */
    int64_t (*check)(const int64_t *out, int64_t count, int64_t offset); /* first wrong, or -1 */
    int64_t (*expected)(int64_t global_index);                          /* for the message */
    double bytes_per_element;                                           /* the rate formula */
} sg_kernel;

/* Rank r's block: n / p elements, one more for the first n % p ranks. */
void sg_block(int64_t n, int size, int rank, int *count, int *displ);

enum sg_variant { SG_SEQ, SG_COLLECTIVE, SG_P2P, SG_BARE, SG_VARIANTS };
extern const char *const sg_variant_names[]; /* "seq", "collective", "p2p", "bare", NULL */

typedef struct sg_job sg_job;

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
