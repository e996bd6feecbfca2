/* Exercise scatter_uneven, solved: scatter and gather by hand, for any n on any rank count (see
 * exercises/scatter_uneven/README.md). The root posts every transfer at once (MPI_Isend,
 * MPI_Irecv) and waits for them all, so the ranks are served in whatever order they are ready. */
#include <mpi.h>
#include <stdlib.h>
#include <string.h>

#include "blocks.h"

#define TAG 5

void deal_blocks(int64_t n, int ranks, int counts[], int displs[])
{
    int64_t base = n / ranks, extra = n % ranks; /* the first `extra` ranks get one more */
    int64_t start = 0;
    for (int r = 0; r < ranks; r++) {
        counts[r] = (int)(base + (r < extra));
        displs[r] = (int)start;
        start += counts[r];
    }
}

/* The root's transfers with every other rank, posted at once: sends of j->a's blocks, or
 * receives into j->b's, then waited for together. Without memory for the requests, one at a
 * time. (Real statuses, not MPI_STATUSES_IGNORE: MPICH's annotations make gcc warn.) */
static void root_transfers(sg_job *j, int sending)
{
    int others = j->size - 1;
    MPI_Request *req = malloc((size_t)others * sizeof *req);
    MPI_Status *status = malloc((size_t)others * sizeof *status);
    if (!status) {
        free(req);
        req = NULL;
    }
    for (int r = 1; r <= others; r++) {
        MPI_Request one = MPI_REQUEST_NULL, *slot = req ? &req[r - 1] : &one;
        if (sending)
            MPI_Isend(j->a + j->displs[r], j->counts[r], MPI_INT64_T, r, TAG, j->comm, slot);
        else
            MPI_Irecv(j->b + j->displs[r], j->counts[r], MPI_INT64_T, r, TAG, j->comm, slot);
        if (!req)
            MPI_Wait(slot, MPI_STATUS_IGNORE);
    }
    if (req)
        MPI_Waitall(others, req, status);
    free(req);
    free(status);
}

void scatter_by_hand(sg_job *j)
{
    if (j->rank != 0) {
        MPI_Recv(j->la, j->count, MPI_INT64_T, 0, TAG, j->comm, MPI_STATUS_IGNORE);
        return;
    }
    memcpy(j->la, j->a, (size_t)j->count * sizeof *j->la);
    root_transfers(j, 1);
}

void gather_by_hand(sg_job *j)
{
    if (j->rank != 0) {
        MPI_Send(j->la, j->count, MPI_INT64_T, 0, TAG, j->comm);
        return;
    }
    memcpy(j->b, j->la, (size_t)j->count * sizeof *j->b);
    root_transfers(j, 0);
}
