/* Exercise collective_tree: MPI_Gather as a binomial tree. What to do, hints and what done looks
 * like: README.md beside this file. Check it: make check EX=collective_tree
 *
 * A loop gather (rank 0 receives from each rank in turn) takes P-1 steps. A tree takes
 * ceil(log2 P): in the step of distance d (1, 2, 4, ...), every rank whose bit d is set sends all
 * the blocks it has collected so far to rank - d and is done; its partner receives them after
 * its own. The reduce's tree in mpi/mpi_collectives.c (reduce_tree) has the same shape: there the
 * partner adds what arrives, here it appends it. */
#include <mpi.h>
#include <string.h>

#include "gather_tree.h"

void gather_tree(coll_buffers *b)
{
    int rank, size;
    MPI_Comm_rank(b->comm, &rank);
    MPI_Comm_size(b->comm, &size);
    /* The blocks this rank holds, from its own on: ranks rank, rank+1, ..., rank+held-1, one after
     * another from b->out (on rank 0 that is every block in its place). */
    int held = 1;
    memcpy(b->out, b->in, (size_t)b->count * sizeof *b->out);

    /* TODO: the tree. For d = 1, 2, 4, ... while d < size:
     *   - if bit d of rank is set: send the held blocks (held * b->count elements of b->out) to
     *     rank - d, and stop;
     *   - otherwise, if rank + d < size: receive the blocks rank + d holds into b->out, after
     *     yours, and count them into held. How many does rank + d hold at this step? */
    (void)held;
    (void)size;
}
