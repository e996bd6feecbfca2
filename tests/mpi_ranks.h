/* mpi_ranks.h: this process's rank and the rank count in MPI_COMM_WORLD, for the MPI suites. */
#ifndef PARLAB_MPI_RANKS_H
#define PARLAB_MPI_RANKS_H

#include <mpi.h>

static inline int rank_of(void)
{
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return rank;
}

static inline int size_of(void)
{
    int size;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    return size;
}

#endif
