/* ring.h: what the deadlock_ring exercise writes (exercises/deadlock_ring/). */
#ifndef PARLAB_RING_H
#define PARLAB_RING_H

#include <mpi.h>
#include <stdint.h>

/* Each rank sends its `count` int64 of out to the rank on its right, (rank + 1) % P, and
 * receives into in the block of the rank on its left, (rank - 1 + P) % P, at any count and rank
 * count, one rank included. Collective over comm. */

/* With MPI_Sendrecv. */
void ring_shift(const int64_t *out, int64_t *in, int count, MPI_Comm comm);

/* With MPI_Send and MPI_Recv alone, in an order that cannot deadlock. */
void ring_shift_ordered(const int64_t *out, int64_t *in, int count, MPI_Comm comm);

#endif
