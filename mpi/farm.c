/* farm.c: the task farm shared by mpi_messages and mpi_thumbnails: every item made once and taken
 * in once by the root, by the root alone (farm_seq), in equal blocks gathered at the end
 * (farm_static), or handed out one at a time to whichever worker asks (farm_dynamic: master and
 * worker). A farm's messages carry parcels: the item's number, then its result. Also
 * mpi_messages' items of rising cost (farm_items_work) and their check (farm_check). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "farm.h"
#include "mpi_support.h"
#include "omp_countdown.h"
#include "partition.h"

enum { TAG_WORK = 21, TAG_STOP, TAG_DONE };

int64_t farm_cost(int64_t i, int64_t n, int64_t unit)
{
    return unit * (1 + 7 * i / (n > 0 ? n : 1));
}

int64_t farm_item(int64_t i, int64_t n, int64_t unit)
{
    return 3 * i + 1 + countdown(farm_cost(i, n, unit)); /* countdown leaves 0 */
}

/* A parcel: the item's number, then its result. Parcels are what the farm's messages carry. */
static MPI_Datatype parcel_type(const farm_work *w)
{
    MPI_Datatype t;
    MPI_Type_contiguous((int)sizeof(int64_t) + w->bytes, MPI_BYTE, &t);
    MPI_Type_commit(&t);
    return t;
}

static void make_parcel(const farm_work *w, int64_t i, char *parcel)
{
    memcpy(parcel, &i, sizeof i);
    w->make(i, parcel + sizeof i, w->ctx);
}

static void take_parcel(const farm_work *w, const char *parcel)
{
    int64_t i;
    memcpy(&i, parcel, sizeof i);
    w->take(i, parcel + sizeof i, w->ctx);
}

void farm_seq(const farm_work *w, MPI_Comm comm)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    char *parcel = rank == 0 ? malloc(sizeof(int64_t) + (size_t)w->bytes) : NULL;
    for (int64_t i = 0; parcel && i < w->n; i++) {
        make_parcel(w, i, parcel);
        take_parcel(w, parcel);
    }
    free(parcel);
}

void farm_static(const farm_work *w, int64_t *done_by, MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    size_t bytes = sizeof(int64_t) + (size_t)w->bytes;
    int64_t first = plb_block_start(w->n, size, rank), count = plb_block_count(w->n, size, rank);
    char *mine = malloc((size_t)(count > 0 ? count : 1) * bytes);
    int *counts = rank == 0 ? malloc((size_t)size * sizeof *counts) : NULL;
    int *displs = rank == 0 ? malloc((size_t)size * sizeof *displs) : NULL;
    char *gathered = rank == 0 ? malloc((size_t)(w->n > 0 ? w->n : 1) * bytes) : NULL;
    int ok = mine && (rank != 0 || (counts && displs && gathered));
    MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_LAND, comm);
    if (ok) { /* on failure nothing is taken in, and the check says so */
        for (int64_t k = 0; k < count; k++)
            make_parcel(w, first + k, mine + (size_t)k * bytes);
        for (int r = 0; rank == 0 && r < size; r++) {
            displs[r] = (int)plb_block_start(w->n, size, r);
            counts[r] = (int)plb_block_count(w->n, size, r);
            if (done_by)
                done_by[r] = counts[r];
        }
        MPI_Datatype parcel = parcel_type(w);
        MPI_Gatherv(mine, (int)count, parcel, gathered, counts, displs, parcel, 0, comm);
        MPI_Type_free(&parcel);
        for (int64_t k = 0; rank == 0 && k < w->n; k++)
            take_parcel(w, gathered + (size_t)k * bytes);
    }
    free(mine);
    free(counts);
    free(displs);
    free(gathered);
}

/* The master: one item to every worker, then the next to whoever reports back first. */
static void master(const farm_work *w, int64_t *done_by, int size, char *parcel,
                   MPI_Datatype parcel_t, MPI_Comm comm)
{
    int64_t next = 0, outstanding = 0;
    for (int r = 0; done_by && r < size; r++)
        done_by[r] = 0;
    if (size == 1) { /* no workers: the master does it all */
        for (; next < w->n; next++) {
            make_parcel(w, next, parcel);
            take_parcel(w, parcel);
        }
        if (done_by)
            done_by[0] = w->n;
        return;
    }
    for (int r = 1; r < size; r++) {
        if (next < w->n) {
            MPI_Send(&next, 1, MPI_INT64_T, r, TAG_WORK, comm);
            next++;
            outstanding++;
        } else {
            MPI_Send(&next, 1, MPI_INT64_T, r, TAG_STOP, comm);
        }
    }
    while (outstanding > 0) {
        MPI_Status st;
        MPI_Recv(parcel, 1, parcel_t, MPI_ANY_SOURCE, TAG_DONE, comm, &st);
        outstanding--;
        take_parcel(w, parcel);
        if (done_by)
            done_by[st.MPI_SOURCE]++;
        int tag = next < w->n ? TAG_WORK : TAG_STOP;
        MPI_Send(&next, 1, MPI_INT64_T, st.MPI_SOURCE, tag, comm);
        if (tag == TAG_WORK) {
            next++;
            outstanding++;
        }
    }
}

static void worker(const farm_work *w, char *parcel, MPI_Datatype parcel_t, MPI_Comm comm)
{
    for (;;) {
        int64_t item;
        MPI_Status st;
        MPI_Recv(&item, 1, MPI_INT64_T, 0, MPI_ANY_TAG, comm, &st);
        if (st.MPI_TAG == TAG_STOP)
            return;
        make_parcel(w, item, parcel);
        MPI_Send(parcel, 1, parcel_t, 0, TAG_DONE, comm);
    }
}

void farm_dynamic(const farm_work *w, int64_t *done_by, MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    char *parcel = malloc(sizeof(int64_t) + (size_t)w->bytes);
    if (plb_mpi_agree(parcel == NULL, comm)) {
        free(parcel);
        return;
    }
    MPI_Datatype parcel_t = parcel_type(w);
    if (rank == 0)
        master(w, done_by, size, parcel, parcel_t, comm);
    else
        worker(w, parcel, parcel_t, comm);
    MPI_Type_free(&parcel_t);
    free(parcel);
}

void farm_run(farm_way way, const farm_work *w, int64_t *done_by, MPI_Comm comm)
{
    if (way == FARM_SEQ)
        farm_seq(w, comm);
    else if (way == FARM_STATIC)
        farm_static(w, done_by, comm);
    else
        farm_dynamic(w, done_by, comm);
}

void farm_report_done_by(FILE *out, const char *label, const char *variant, const int64_t *done_by,
                         int size)
{
    fprintf(out, "# %-12s: %-6s", label, variant);
    for (int r = 0; r < size; r++)
        fprintf(out, " %" PRId64, done_by[r]);
    fprintf(out, "\n");
}

static void make_item(int64_t i, void *result, void *ctx)
{
    const farm_items *items = ctx;
    int64_t value = farm_item(i, items->n, items->unit);
    memcpy(result, &value, sizeof value);
}

static void take_item(int64_t i, const void *result, void *ctx)
{
    farm_items *items = ctx;
    int64_t value;
    memcpy(&value, result, sizeof value);
    items->results[i] += value;
}

farm_work farm_items_work(farm_items *items)
{
    return (farm_work){.n = items->n,
                       .bytes = sizeof(int64_t),
                       .make = make_item,
                       .take = take_item,
                       .ctx = items};
}

int64_t farm_check(const int64_t *results, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        if (results[i] != 3 * i + 1)
            return i;
    return -1;
}
