/* omp_overhead.h: what OpenMP's constructs cost by themselves, measured EPCC-style: the same small
 * delay run with and without the construct, the difference being the construct's overhead. */
#ifndef PARLAB_OMP_OVERHEAD_H
#define PARLAB_OMP_OVERHEAD_H

#include <stdint.h>

/* Thread t counts in passed[t * OVERHEAD_STRIDE]: one cache line each, so that the counting adds
 * no false sharing to what is measured. */
#define OVERHEAD_STRIDE 8

/* `count` times the delay (delay decrements), on one thread: the reference. */
void overhead_reference(int64_t count, int64_t delay);
/* `count` parallel regions of `threads` threads, each thread doing the delay once per region and
 * adding 1 to its counter in passed. Returns the team size. */
int overhead_regions(int64_t count, int threads, int64_t delay, int64_t *passed);
/* One parallel region in which every thread does `count` rounds of the delay and a barrier,
 * adding 1 to its counter in passed per barrier passed. Returns the team size. */
int overhead_barriers(int64_t count, int threads, int64_t delay, int64_t *passed);

#endif
