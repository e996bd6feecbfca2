/* mpi_heat.h: the halo exchanges of mpi_heat, for its suites. */
#ifndef PARLAB_MPI_HEAT_H
#define PARLAB_MPI_HEAT_H

#include "heat_dist.h"

typedef enum heat_variant {
    HEAT_SEQ,
    HEAT_GATHER,
    HEAT_CHAIN,
    HEAT_SENDRECV,
    HEAT_OVERLAP,
    HEAT_NEIGHBOR,
    HEAT_VARIANTS
} heat_variant;

/* Fills every ghost cell of d's block that a neighbour owns with that neighbour's value, the way
 * variant v does (chain, sendrecv, neighbor; overlap: its transfers, started and waited for,
 * with nothing computed between). Collective over d->cart. */
void heat_exchange(heat_dist *d, heat_variant v);

#endif
