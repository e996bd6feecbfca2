/* mpi_map_square.h: the scatter and gather steps that mpi_map_square.c teaches, and its lesson,
 * for the lessons built on it and for the suites. */
#ifndef PARLAB_MPI_MAP_SQUARE_H
#define PARLAB_MPI_MAP_SQUARE_H

#include "scatter_gather.h"

/* MPI_Scatterv of the root's a into every rank's la; MPI_Gatherv of every la into the root's b. */
void scatter_blocks(sg_job *j);
void gather_blocks(sg_job *j);
/* The same with MPI_Send and MPI_Recv, one message per rank. */
void scatter_blocks_p2p(sg_job *j);
void gather_blocks_p2p(sg_job *j);

/* b[i] = a[i]^2: the inputs, the compute and the checks of omp_map_square, with the steps above. */
extern const sg_kernel map_square_lesson;

#endif
