/* Exercise halo_exchange: the halo exchange of the heat equation, twice. What to do, hints and
 * what done looks like: README.md beside this file. Check it: make check EX=halo_exchange
 *
 * Each rank holds a block of the field with one ring of ghost cells around it. Local (a, c) of
 * the block is u[a * s + c], s = b->stride: the rank's own cells are rows 1..last_row and columns
 * 1..last_col; row 0 and row last_row + 1, column 0 and column last_col + 1 are the ghosts, copies
 * of the neighbours' edge cells. Before every step each rank sends its edges and receives its
 * ghosts. Sending to or receiving from MPI_PROC_NULL (no neighbour: the field's edge) does
 * nothing, so the same four calls are right for every rank. */
#include <mpi.h>

#include "halo.h"

#define TAG 23

/* Part 1: one MPI_Sendrecv per direction. */
void halo_sendrecv(heat_dist *d)
{
    heat_block *b = &d->b;
    double *u = b->u;
    int64_t s = b->stride, last_row = b->rows, last_col = b->cols;

    /* My first row goes up; the rank below sends me its first row, into my ghost row below. */
    MPI_Sendrecv(u + 1 * s + 1, 1, d->row, d->up, TAG, u + (last_row + 1) * s + 1, 1, d->row,
                 d->down, TAG, d->cart, MPI_STATUS_IGNORE);

    /* TODO: the other three directions, the same way:
     *   - my last row goes down; the rank above sends me its last row, into my ghost row above;
     *   - my first column goes left (a column is d->col); the right one arrives in my right ghost
     *     column;
     *   - my last column goes right; the left one arrives in my left ghost column. */
    (void)last_col;
}

/* Part 2: the same exchange, started and finished apart, so that the caller computes the points
 * that need no ghost cell while the halo travels. */
void halo_start(heat_dist *d, MPI_Request req[8])
{
    for (int k = 0; k < 8; k++)
        req[k] = MPI_REQUEST_NULL;
    /* TODO: post four MPI_Irecv (into the four ghost edges) and four MPI_Isend (of the four
     * edges), one request each in req[0..7], and return without waiting. */
    (void)d;
}

void halo_finish(MPI_Request req[8])
{
    /* TODO: wait for all eight requests (MPI_Waitall). */
    (void)req;
}
