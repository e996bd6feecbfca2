/* task_farm.c: the master-worker farm and the static split (see task_farm.h). */
#include "task_farm.h"

#include <stdlib.h>

#include "countdown.h"

enum { TAG_WORK = 21, TAG_STOP, TAG_DONE };

int64_t farm_cost(int64_t i, int64_t n, int64_t unit)
{
    return unit * (1 + 7 * i / (n > 0 ? n : 1));
}

int64_t farm_item(int64_t i, int64_t n, int64_t unit)
{
    return 3 * i + 1 + countdown(farm_cost(i, n, unit)); /* countdown leaves 0 */
}

void farm_seq(int64_t n, int64_t unit, int64_t *results, MPI_Comm comm)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    for (int64_t i = 0; rank == 0 && i < n; i++)
        results[i] += farm_item(i, n, unit);
}

void farm_static(int64_t n, int64_t unit, int64_t *results, int64_t *done_by, MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    int64_t first = n * rank / size, last = n * (rank + 1) / size;
    int64_t *mine = malloc((size_t)(last - first > 0 ? last - first : 1) * sizeof *mine);
    int *counts = rank == 0 ? malloc((size_t)size * sizeof *counts) : NULL;
    int *displs = rank == 0 ? malloc((size_t)size * sizeof *displs) : NULL;
    int64_t *gathered = rank == 0 ? calloc((size_t)(n > 0 ? n : 1), sizeof *gathered) : NULL;
    int ok = mine && (rank != 0 || (counts && displs && gathered));
    MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_LAND, comm);
    if (ok) { /* on failure the results stay zero and the check says so */
        for (int64_t i = first; i < last; i++)
            mine[i - first] = farm_item(i, n, unit);
        for (int r = 0; rank == 0 && r < size; r++) {
            displs[r] = (int)(n * r / size);
            counts[r] = (int)(n * (r + 1) / size) - displs[r];
            if (done_by)
                done_by[r] = counts[r];
        }
        MPI_Gatherv(mine, (int)(last - first), MPI_INT64_T, gathered, counts, displs,
                    MPI_INT64_T, 0, comm);
        for (int64_t i = 0; rank == 0 && i < n; i++)
            results[i] += gathered[i];
    }
    free(mine);
    free(counts);
    free(displs);
    free(gathered);
}

/* The master: one item to every worker, then the next to whoever reports back first. */
static void master(int64_t n, int64_t unit, int64_t *results, int64_t *done_by, int size,
                   MPI_Comm comm)
{
    int64_t next = 0, outstanding = 0;
    for (int r = 0; done_by && r < size; r++)
        done_by[r] = 0;
    if (size == 1) { /* no workers: the master does it all */
        for (; next < n; next++)
            results[next] += farm_item(next, n, unit);
        if (done_by)
            done_by[0] = n;
        return;
    }
    for (int w = 1; w < size; w++) {
        if (next < n) {
            MPI_Send(&next, 1, MPI_INT64_T, w, TAG_WORK, comm);
            next++;
            outstanding++;
        } else {
            MPI_Send(&next, 1, MPI_INT64_T, w, TAG_STOP, comm);
        }
    }
    while (outstanding > 0) {
        int64_t done[2]; /* item, result */
        MPI_Status st;
        MPI_Recv(done, 2, MPI_INT64_T, MPI_ANY_SOURCE, TAG_DONE, comm, &st);
        outstanding--;
        results[done[0]] += done[1];
        if (done_by)
            done_by[st.MPI_SOURCE]++;
        int tag = next < n ? TAG_WORK : TAG_STOP;
        MPI_Send(&next, 1, MPI_INT64_T, st.MPI_SOURCE, tag, comm);
        if (tag == TAG_WORK) {
            next++;
            outstanding++;
        }
    }
}

static void worker(int64_t n, int64_t unit, MPI_Comm comm)
{
    for (;;) {
        int64_t item;
        MPI_Status st;
        MPI_Recv(&item, 1, MPI_INT64_T, 0, MPI_ANY_TAG, comm, &st);
        if (st.MPI_TAG == TAG_STOP)
            return;
        int64_t done[2] = {item, farm_item(item, n, unit)};
        MPI_Send(done, 2, MPI_INT64_T, 0, TAG_DONE, comm);
    }
}

void farm_dynamic(int64_t n, int64_t unit, int64_t *results, int64_t *done_by, MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    if (rank == 0)
        master(n, unit, results, done_by, size, comm);
    else
        worker(n, unit, comm);
}

int64_t farm_check(const int64_t *results, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        if (results[i] != 3 * i + 1)
            return i;
    return -1;
}
