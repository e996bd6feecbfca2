/* mpi_messages.h: n work items of uneven cost, handed out on demand by a master (the tutorial's
 * ProcessPoolExecutor) or split into fixed blocks up front. */
#ifndef PARLAB_MPI_MESSAGES_H
#define PARLAB_MPI_MESSAGES_H

#include <mpi.h>
#include <stdint.h>

/* Item i costs unit * (1 + 7 i / n) decrements: the later, the dearer (1 to 8 units). */
int64_t farm_cost(int64_t i, int64_t n, int64_t unit);
/* What item i yields once done: 3 i + 1, after its cost in CPU work. */
int64_t farm_item(int64_t i, int64_t n, int64_t unit);

/* Every item i adds farm_item(i) to results[i] on the root (results: n entries, zeroed by the
 * caller; NULL on other ranks), so an item done twice or never is visible. done_by[r] (root, size
 * entries, may be NULL) receives how many items rank r did. Collective. */
void farm_seq(int64_t n, int64_t unit, int64_t *results, MPI_Comm comm);
void farm_static(int64_t n, int64_t unit, int64_t *results, int64_t *done_by, MPI_Comm comm);
void farm_dynamic(int64_t n, int64_t unit, int64_t *results, int64_t *done_by, MPI_Comm comm);

/* The first i whose result is not farm_item's, or -1. */
int64_t farm_check(const int64_t *results, int64_t n);

#endif
