/* Exercise schedule_uneven: choose the loop's schedule. What to do, hints and what done looks
 * like: README.md beside this file. Check it: make check EX=schedule_uneven
 *
 * The loop below is right: every item is done once. But its items cost ever more along the loop,
 * and the default schedule deals each thread one block of them before the loop starts: the
 * thread with the last block works on long after the others are done. */
#include <omp.h>

#include "items.h"

void do_items(int64_t n, uint64_t *out)
{
    /* TODO: a schedule clause that hands the items out while the loop runs, a few at a time, to
     * whichever thread is free (omp_map_square and omp_thumbnails compare them). */
#pragma omp parallel for
    for (int64_t i = 0; i < n; i++)
        out[i] = item_work(i, n);
}
