/* halo.h: what the halo_exchange exercise writes (exercises/halo_exchange/). */
#ifndef PARLAB_HALO_H
#define PARLAB_HALO_H

#include <mpi.h>

#include "heat_dist.h"

/* Each fills every ghost cell of d's block (d->b.u) that a neighbour owns with that neighbour's
 * value: the row above from the rank above (d->up), the row below from d->down, the columns
 * from d->left and d->right, any of them MPI_PROC_NULL at the field's boundary. Only interior
 * cells travel: a row is d->row (b.cols doubles), a column d->col (b.rows doubles, a stride
 * apart). Collective over d->cart. */

/* With one MPI_Sendrecv per direction. */
void halo_sendrecv(heat_dist *d);

/* With MPI_Irecv and MPI_Isend: halo_start posts the eight transfers into req and returns at
 * once; halo_finish waits for them. The caller computes between the two. */
void halo_start(heat_dist *d, MPI_Request req[8]);
void halo_finish(MPI_Request req[8]);

#endif
