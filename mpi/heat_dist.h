/* heat_dist.h: the heat equation's field distributed over MPI ranks, for mpi_heat and its tests.
 *
 * The ranks form a non-periodic Cartesian grid of P x Q (MPI_Dims_create, MPI_Cart_create); rank
 * (pr, pc) holds rows plb_block_start(R, P, pr).. and columns plb_block_start(C, Q, pc).. of the
 * field, with one ring of ghost cells around them: where a neighbour's rows or columns go, or the
 * field's boundary. Any grid runs at any rank count (blocks differ by one row or column at most)
 * as long as every rank gets a row and a column. The whole field lives on no rank unless a
 * variant (seq, gather) or the seq check asks for it there, on the root. */
#ifndef PARLAB_HEAT_DIST_H
#define PARLAB_HEAT_DIST_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "heat.h"

typedef struct heat_dist {
    MPI_Comm cart; /* the process grid, rank order kept (no reorder) */
    int rank, size;
    int dims[2], coords[2];    /* P x Q ranks; this rank's (row, column) in it */
    int up, down, left, right; /* neighbours, MPI_PROC_NULL at the field's boundary */
    heat_block b;              /* this rank's block */
    MPI_Datatype row, col;     /* an interior row and an interior column of the block: cols doubles
                              in a row, rows doubles a stride apart (MPI_Type_vector) */
} heat_dist;

/* The process grid --dims asks for: "auto" (MPI_Dims_create), "1d" (P x 1: strips of rows) or
 * "PxQ". 0, or -1 with the reason in err: a grid that does not multiply to the rank count, or
 * one that would leave a rank without a row or a column of the rows x cols field. */
int heat_dist_dims(const char *text, int ranks, int64_t rows, int64_t cols, int dims[2], char *err,
                   size_t len);

/* The block of the rank at grid coordinates (pr, pc): its interior rows x cols and its (i0, j0). */
void heat_dist_block_at(const heat_problem *p, const int dims[2], int pr, int pc, int64_t *rows,
                        int64_t *cols, int64_t *i0, int64_t *j0);

/* Builds the Cartesian communicator, this rank's block (first touched by `threads`) and its
 * datatypes. Collective; 0 on every rank, or -1 on every rank when any ran out of memory. */
int heat_dist_create(heat_dist *d, const heat_problem *p, const int dims[2], int threads,
                     MPI_Comm comm);
void heat_dist_free(heat_dist *d);

/* Sets the ghost cells that neighbours fill to NaN: an exchange that misses one is caught. */
void heat_dist_poison_ghosts(heat_dist *d);

/* Verifies every rank's block after `steps` steps: each against the closed form, or (seq check)
 * its checksum against the root's reference field's on the same rectangle. 0 on every rank, or 1
 * on every rank with what is wrong, and where, in detail (on the root). Collective. */
int heat_dist_verify(heat_dist *d, const heat_problem *p, heat_reference *ref, int64_t steps,
                     char *detail, size_t len);

/* Agrees on a failure: 0 on every rank when none failed, else 1 on every rank, with the lowest
 * failing rank's detail (one line) copied to the root's. Collective. */
int heat_dist_share_detail(const heat_dist *d, int failed, char *detail, size_t len);
/* The field's checksum (heat_checksum summed over the ranks), on every rank. Collective. */
uint64_t heat_dist_checksum(const heat_dist *d);

/* Before MPI_Init: where the MPI library is an Open MPI whose OMPIO write data sieving writes wrong
 * bytes now and then (4.1.0 to 4.1.6, 5.0.0 to 5.0.5: open-mpi/ompi#12718, fixed by #12760 and
 * #12759), that sieving is turned off (OMPI_MCA_fbtl_posix_write_datasieving=0), unless the user
 * set it. Every file written is read back and checked all the same. */
void heat_dist_before_init(void);

/* --save: the whole field, ring included, into one .npy file with MPI-IO, every rank writing its
 * own rectangle through a file view (MPI_Type_create_subarray, MPI_File_set_view,
 * MPI_File_write_all), synced (MPI_File_sync), then read back and held against its block. The
 * file's bytes are reserved first, by the root (a full disk refused before the collective write).
 * NULL on every rank, or the reason in err (on the root). Collective. */
const char *heat_dist_save(heat_dist *d, const heat_problem *p, const char *path, char *err,
                           size_t len);

/* --png: the picture, each rank's pixels summed onto the root (the field is never gathered);
 * show_ranks marks where blocks meet. NULL on every rank, or the reason. Collective. */
const char *heat_dist_picture(heat_dist *d, const heat_problem *p, const char *path, int show_ranks,
                              char *err, size_t len);

#endif
