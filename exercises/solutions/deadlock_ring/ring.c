/* Exercise deadlock_ring, solved: a ring shift without a deadlock, two ways (see
 * exercises/deadlock_ring/README.md). */
#include <mpi.h>
#include <string.h>

#include "ring.h"

#define TAG 7

void ring_shift(const int64_t *out, int64_t *in, int count, MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    int right = (rank + 1) % size, left = (rank - 1 + size) % size;
    /* the library pairs the send with the receive: no order to get wrong */
    MPI_Sendrecv(out, count, MPI_INT64_T, right, TAG, in, count, MPI_INT64_T, left, TAG, comm,
                 MPI_STATUS_IGNORE);
}

void ring_shift_ordered(const int64_t *out, int64_t *in, int count, MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    int right = (rank + 1) % size, left = (rank - 1 + size) % size;
    if (size == 1) { /* my right is me: a blocking send to myself would wait for ever */
        memcpy(in, out, (size_t)count * sizeof *in);
        return;
    }
    /* Even ranks send first, odd ranks receive first: every send finds its receive. On an odd
     * ring the last rank and rank 0 are both even; the last rank's send waits until rank 0 has
     * sent to rank 1 and turns to receive: the ring runs as a chain, but it runs. */
    if (rank % 2 == 0) {
        MPI_Send(out, count, MPI_INT64_T, right, TAG, comm);
        MPI_Recv(in, count, MPI_INT64_T, left, TAG, comm, MPI_STATUS_IGNORE);
    } else {
        MPI_Recv(in, count, MPI_INT64_T, left, TAG, comm, MPI_STATUS_IGNORE);
        MPI_Send(out, count, MPI_INT64_T, right, TAG, comm);
    }
}
