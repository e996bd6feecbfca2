/* Exercise halo_exchange, solved: the halo exchange of the heat equation, with MPI_Sendrecv and
 * with MPI_Irecv/MPI_Isend (see exercises/halo_exchange/README.md). The four directions are one
 * table: what leaves, from where, to whom; what arrives, where, from whom. */
#include <mpi.h>

#include "halo.h"

#define TAG 23

typedef struct direction {
    int64_t send_at, recv_at; /* offsets into b->u of my edge and of my ghost edge */
    MPI_Datatype type;        /* a row or a column */
    int to, from;             /* the neighbour my edge goes to; the one whose edge I receive */
} direction;

static void directions(const heat_dist *d, direction dir[4])
{
    int64_t s = d->b.stride, last_row = d->b.rows, last_col = d->b.cols;
    /* clang-format off */
    /* my first row goes up, the row below's first row arrives in my ghost row below */
    dir[0] = (direction){.send_at = 1 * s + 1, .recv_at = (last_row + 1) * s + 1,
                         .type = d->row, .to = d->up, .from = d->down};
    /* my last row goes down, the row above's last row arrives in my ghost row above */
    dir[1] = (direction){.send_at = last_row * s + 1, .recv_at = 0 * s + 1,
                         .type = d->row, .to = d->down, .from = d->up};
    /* my first column goes left, the right neighbour's arrives in my right ghost column */
    dir[2] = (direction){.send_at = 1 * s + 1, .recv_at = 1 * s + last_col + 1,
                         .type = d->col, .to = d->left, .from = d->right};
    /* my last column goes right, the left neighbour's arrives in my left ghost column */
    dir[3] = (direction){.send_at = 1 * s + last_col, .recv_at = 1 * s + 0,
                         .type = d->col, .to = d->right, .from = d->left};
    /* clang-format on */
}

void halo_sendrecv(heat_dist *d)
{
    direction dir[4];
    directions(d, dir);
    double *u = d->b.u;
    for (int k = 0; k < 4; k++)
        MPI_Sendrecv(u + dir[k].send_at, 1, dir[k].type, dir[k].to, TAG, u + dir[k].recv_at, 1,
                     dir[k].type, dir[k].from, TAG, d->cart, MPI_STATUS_IGNORE);
}

void halo_start(heat_dist *d, MPI_Request req[8])
{
    direction dir[4];
    directions(d, dir);
    double *u = d->b.u;
    for (int k = 0; k < 4; k++) /* the receives first: a message finds its buffer waiting */
        MPI_Irecv(u + dir[k].recv_at, 1, dir[k].type, dir[k].from, TAG, d->cart, &req[k]);
    for (int k = 0; k < 4; k++)
        MPI_Isend(u + dir[k].send_at, 1, dir[k].type, dir[k].to, TAG, d->cart, &req[4 + k]);
}

void halo_finish(MPI_Request req[8])
{
    MPI_Status status[8]; /* not MPI_STATUSES_IGNORE: MPICH's annotations make gcc warn */
    MPI_Waitall(8, req, status);
}
