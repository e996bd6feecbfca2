/* items.h: what the schedule_uneven exercise writes (exercises/schedule_uneven/), and the work
 * its loop does (the checker's). */
#ifndef PARLAB_ITEMS_H
#define PARLAB_ITEMS_H

#include <stdint.h>

/* The work of item i of n, its result: items cost ever more along the loop (the last about 100
 * times the first, as a folder of images sorted by size), and how much more no thread can tell
 * before it starts one. Safe to call from any thread. */
uint64_t item_work(int64_t i, int64_t n);

/* Sets out[i] = item_work(i, n) for every i < n, with all the threads of an `omp parallel for`
 * (as many as omp_get_max_threads() says), handing the items out so that the threads finish
 * together. */
void do_items(int64_t n, uint64_t *out);

#endif
