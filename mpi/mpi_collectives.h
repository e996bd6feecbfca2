/* mpi_collectives.h: the collectives that mpi_collectives.c writes by hand, for the suites.
 *
 * Every one works on 64-bit unsigned integers summed modulo 2^64 (an associative, commutative
 * sum: exact in any order), on any number of ranks of comm, and is collective over comm. */
#ifndef PARLAB_MPI_COLLECTIVES_H
#define PARLAB_MPI_COLLECTIVES_H

#include <mpi.h>
#include <stdint.h>

typedef struct coll_buffers {
    uint64_t *in;  /* this rank's contribution: count elements */
    uint64_t *out; /* the result: count elements (an allgather's: count from every rank) */
    uint64_t *tmp; /* room for what arrives: as large as out */
    int count;
    MPI_Comm comm;
} coll_buffers;

/* Broadcast: rank 0's out to every rank's out. */
void bcast_linear(coll_buffers *b);
void bcast_tree(coll_buffers *b);
/* Reduce: the sum of every rank's in, in rank 0's out (other ranks' out: scratch). */
void reduce_linear(coll_buffers *b);
void reduce_tree(coll_buffers *b);
/* Allreduce: the sum of every rank's in, in every rank's out. */
void allreduce_linear(coll_buffers *b);
void allreduce_doubling(coll_buffers *b);
/* Allgather: every rank's in, in rank order, in every rank's out. */
void allgather_ring(coll_buffers *b);
void allgather_bruck(coll_buffers *b);
/* Inclusive scan: on rank r, the sum of the ins of ranks 0..r. */
void scan_chain(coll_buffers *b);
void scan_doubling(coll_buffers *b);

/* b's in for count elements, its out and tmp for count from each of comm's ranks
 * (plb_array_alloc), b->count = count and b->comm = comm: 0, or -1 on every rank, nothing held,
 * when any rank has not the memory. Collective. */
int coll_buffers_alloc(coll_buffers *b, int count, MPI_Comm comm);
/* Frees what coll_buffers_alloc allocated (none of it, after -1). */
void coll_buffers_free(coll_buffers *b);

#endif
