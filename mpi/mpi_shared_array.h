/* mpi_shared_array.h: an array and a counter in MPI-3 shared memory, the tutorial's shared Array
 * and Value across processes. Every node's ranks share one window, created by the node's first
 * rank. */
#ifndef PARLAB_MPI_SHARED_ARRAY_H
#define PARLAB_MPI_SHARED_ARRAY_H

#include <mpi.h>
#include <stdint.h>

typedef struct shared_window {
    MPI_Comm node; /* the ranks that share memory with this one */
    MPI_Win win;
    int64_t *a; /* n elements, then the counter, allocated by the node's first rank */
    int64_t *counter;
    int64_t n;
    int node_rank, node_size;
} shared_window;

typedef enum counter_kind {
    COUNTER_FETCH_AND_OP, /* MPI_Fetch_and_op(MPI_SUM): atomic, returns the old value */
    COUNTER_ACCUMULATE,   /* MPI_Accumulate(MPI_SUM): atomic, returns nothing */
    COUNTER_RACY          /* a plain load and store through the shared pointer: loses updates */
} counter_kind;

/* Collective over world; returns 0 on every rank, or non-zero on every rank when any failed. */
int shared_window_create(shared_window *s, int64_t n, MPI_Comm world);
void shared_window_free(shared_window *s);

/* a[i] = i, each rank writing its own slice (first touch where it is used), and counter = 0,
 * visible to all when it returns. Collective over the node. */
void shared_reset(shared_window *s);
/* Each rank adds 1 to its own slice of a, in place, visible to all when it returns. */
void shared_increment_slices(shared_window *s);
/* Each rank adds 1 to the node's counter `updates` times, visible to all when it returns. */
void shared_count(shared_window *s, int64_t updates, counter_kind kind);

/* How long one MPI_Fetch_and_op takes here, measured: SHARED_PROBE_UPDATES per rank, twice (the
 * faster counts), the longest over world's ranks, per update in all. Collective over world;
 * leaves the counter changed. */
#define SHARED_PROBE_UPDATES 16
double shared_atomic_seconds(shared_window *s, MPI_Comm world);

/* The counter updates a run makes, all ranks together, when the user gives none: SHARED_UPDATES,
 * or as many as fit SHARED_RUN_BUDGET_S where one atomic update takes `seconds_each` (an MPI whose
 * atomics wait for the window owner's progress, on ranks that share cores: MPICH 4.0 took 2 ms),
 * and never fewer than SHARED_PROBE_UPDATES per rank. */
#define SHARED_UPDATES 100000
#define SHARED_RUN_BUDGET_S 0.25
int64_t shared_default_updates(double seconds_each, int ranks);

#endif
