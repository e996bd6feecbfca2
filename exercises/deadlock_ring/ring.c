/* Exercise deadlock_ring: a ring shift that deadlocks, fixed two ways. What to do, hints and what
 * done looks like: README.md beside this file. Check it: make check EX=deadlock_ring
 *
 * Every rank sends its block to the rank on its right and receives the block of the rank on its
 * left. Written as below, every rank sends first. A small message is sent eagerly: MPI_Send
 * copies it away and returns before anyone receives. A large one waits for its receive, which
 * every rank would post only after its own send returns: nobody receives, and the ring stands
 * still. Run the check first and read who waits for whom; then fix both functions. */
#include <mpi.h>

#include "ring.h"

#define TAG 7

void ring_shift(const int64_t *out, int64_t *in, int count, MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    int right = (rank + 1) % size, left = (rank - 1 + size) % size;
    /* TODO: one MPI_Sendrecv in place of these two calls */
    MPI_Send(out, count, MPI_INT64_T, right, TAG, comm);
    MPI_Recv(in, count, MPI_INT64_T, left, TAG, comm, MPI_STATUS_IGNORE);
}

void ring_shift_ordered(const int64_t *out, int64_t *in, int count, MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    int right = (rank + 1) % size, left = (rank - 1 + size) % size;
    /* TODO: the same two calls, but not every rank sends first. Which ranks must receive first,
     * and does it still work on 3 ranks? On 1? */
    MPI_Send(out, count, MPI_INT64_T, right, TAG, comm);
    MPI_Recv(in, count, MPI_INT64_T, left, TAG, comm, MPI_STATUS_IGNORE);
}
