/* gather_tree.h: what the collective_tree exercise writes (exercises/collective_tree/). */
#ifndef PARLAB_GATHER_TREE_H
#define PARLAB_GATHER_TREE_H

#include "mpi_collectives.h"

/* Gather: every rank's b->count elements of b->in, in rank 0's b->out in rank order (rank r's at
 * b->out + r * b->count), in ceil(log2 P) steps. b->out has room for every rank's block on every
 * rank; b->tmp too. Collective over b->comm. */
void gather_tree(coll_buffers *b);

#endif
