/* shared_window.c: the shared-memory window kernels (see shared_window.h).
 *
 * The window stays in a passive-target epoch (MPI_Win_lock_all) for its whole life; stores made
 * through the pointers become visible to the other ranks with the usual pattern
 * MPI_Win_sync, MPI_Barrier, MPI_Win_sync. */
#include "shared_window.h"

#include "scatter_gather.h"

int shared_window_create(shared_window *s, int64_t n, MPI_Comm world)
{
    MPI_Comm_split_type(world, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &s->node);
    MPI_Comm_rank(s->node, &s->node_rank);
    MPI_Comm_size(s->node, &s->node_size);
    s->n = n;
    MPI_Aint bytes = s->node_rank == 0 ? (MPI_Aint)((n + 1) * (int64_t)sizeof(int64_t)) : 0;
    int64_t *mine;
    int failed = MPI_Win_allocate_shared(bytes, sizeof(int64_t), MPI_INFO_NULL, s->node, &mine,
                                         &s->win) != MPI_SUCCESS;
    MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_MAX, world);
    if (failed) {
        MPI_Comm_free(&s->node);
        return 1;
    }
    MPI_Aint size;
    int unit;
    MPI_Win_shared_query(s->win, 0, &size, &unit, &s->a);
    s->counter = s->a + n;
    MPI_Win_lock_all(MPI_MODE_NOCHECK, s->win);
    return 0;
}

void shared_window_free(shared_window *s)
{
    MPI_Win_unlock_all(s->win);
    MPI_Win_free(&s->win);
    MPI_Comm_free(&s->node);
}

/* Makes this rank's stores visible to the node, and the others' to this rank. */
static void publish(shared_window *s)
{
    MPI_Win_sync(s->win);
    MPI_Barrier(s->node);
    MPI_Win_sync(s->win);
}

void shared_reset(shared_window *s)
{
    for (int64_t i = 0; s->node_rank == 0 && i < s->n; i++)
        s->a[i] = i;
    if (s->node_rank == 0)
        *s->counter = 0;
    publish(s);
}

void shared_increment_slices(shared_window *s)
{
    int count, first;
    sg_block(s->n, s->node_size, s->node_rank, &count, &first);
    int64_t *slice = s->a + first; /* straight into the first rank's memory: no message */
    for (int i = 0; i < count; i++)
        slice[i] += 1;
    publish(s);
}

void shared_count(shared_window *s, int64_t updates, counter_kind kind)
{
    const int64_t one = 1;
    int64_t old;
    volatile int64_t *plain = s->counter;
    MPI_Aint at = (MPI_Aint)s->n; /* the counter's displacement, in elements */
    for (int64_t u = 0; u < updates; u++) {
        switch (kind) {
        case COUNTER_FETCH_AND_OP:
            MPI_Fetch_and_op(&one, &old, MPI_INT64_T, 0, at, MPI_SUM, s->win);
            MPI_Win_flush(0, s->win); /* old is valid, the add is done */
            break;
        case COUNTER_ACCUMULATE:
            MPI_Accumulate(&one, 1, MPI_INT64_T, 0, at, 1, MPI_INT64_T, MPI_SUM, s->win);
            break;
        case COUNTER_RACY:
            *plain = *plain + 1; /* read, add, write: another process's write in between is lost */
            break;
        }
    }
    if (kind == COUNTER_ACCUMULATE)
        MPI_Win_flush(0, s->win);
    publish(s);
}
