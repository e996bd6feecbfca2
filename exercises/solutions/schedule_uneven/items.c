/* Exercise schedule_uneven, solved: the items handed out one at a time, each to the thread that
 * is free (schedule(dynamic, 1)). An item costs microseconds, far more than taking it from the
 * shared counter, so chunks of one cost nothing here; on cheap items (omp_map_square) they do. */
#include <omp.h>

#include "items.h"

void do_items(int64_t n, uint64_t *out)
{
#pragma omp parallel for schedule(dynamic, 1)
    for (int64_t i = 0; i < n; i++)
        out[i] = item_work(i, n);
}
