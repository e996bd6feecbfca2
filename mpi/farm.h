/* farm.h: the task farm shared by mpi_messages and mpi_thumbnails: n work items of uneven cost,
 * handed out on demand by a master (the tutorial's ProcessPoolExecutor) or split into fixed blocks
 * up front. */
#ifndef PARLAB_FARM_H
#define PARLAB_FARM_H

#include <mpi.h>
#include <stdio.h>
#include <stdint.h>

/* Item i costs unit * (1 + 7 i / n) decrements: the later, the dearer (1 to 8 units). */
int64_t farm_cost(int64_t i, int64_t n, int64_t unit);
/* What item i yields once done: 3 i + 1, after its cost in CPU work. */
int64_t farm_item(int64_t i, int64_t n, int64_t unit);

/* A farm's work: n items, each made into a result of `bytes` bytes by whichever rank does it, and
 * taken in by the root. */
typedef struct farm_work {
    int64_t n;
    int bytes;
    void (*make)(int64_t i, void *result, void *ctx);
    void (*take)(int64_t i, const void *result, void *ctx); /* on the root */
    void *ctx;
} farm_work;

/* Every item made once and taken in once by the root: by the root alone (seq), in equal blocks
 * of items per rank gathered at the end (static), or handed out one at a time by the root to
 * whichever worker asks (dynamic: the task farm). done_by[r] (root, size entries, may be NULL)
 * receives how many items rank r did. Collective. */
void farm_seq(const farm_work *w, MPI_Comm comm);
void farm_static(const farm_work *w, int64_t *done_by, MPI_Comm comm);
void farm_dynamic(const farm_work *w, int64_t *done_by, MPI_Comm comm);

/* The three ways by name, for the programs and tests that run them all in turn. */
typedef enum farm_way { FARM_SEQ, FARM_STATIC, FARM_DYNAMIC } farm_way;
void farm_run(farm_way way, const farm_work *w, int64_t *done_by, MPI_Comm comm);
/* "# LABEL : VARIANT n0 n1 ...": how many items each rank did. */
void farm_report_done_by(FILE *out, const char *label, const char *variant, const int64_t *done_by,
                         int size);

/* mpi_messages' items: item i adds farm_item(i) to results[i] on the root (n entries, zeroed by
 * the caller; NULL on other ranks), so an item done twice or never is visible. */
typedef struct farm_items {
    int64_t n, unit, *results;
} farm_items;
farm_work farm_items_work(farm_items *items);

/* The first i whose result is not farm_item's, or -1. */
int64_t farm_check(const int64_t *results, int64_t n);

#endif
