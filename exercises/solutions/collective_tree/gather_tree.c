/* Exercise collective_tree, solved: MPI_Gather as a binomial tree (see
 * exercises/collective_tree/README.md). */
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

    for (int d = 1; d < size; d *= 2) {
        if (rank & d) {
            MPI_Send(b->out, held * b->count, MPI_UINT64_T, rank - d, 0, b->comm);
            return;
        }
        if (rank + d < size) {
            /* rank + d holds its own block and those of the d - 1 ranks above it, or fewer at
             * the end: ranks rank+d .. min(rank+2d, size)-1 */
            int more = (rank + 2 * d < size ? rank + 2 * d : size) - (rank + d);
            MPI_Recv(b->out + (size_t)held * b->count, more * b->count, MPI_UINT64_T, rank + d, 0,
                     b->comm, MPI_STATUS_IGNORE);
            held += more;
        }
    }
}
