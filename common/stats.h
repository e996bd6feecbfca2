/* stats.h: summary statistics of a set of timing samples. */
#ifndef PARLAB_STATS_H
#define PARLAB_STATS_H

#include <stddef.h>

typedef struct plb_stats {
    size_t count;
    double min, median, mean, max;
    double stddev; /* sample standard deviation (n - 1); 0 for a single sample */
} plb_stats;

/* Fills *out from samples[0..count). Returns 0, or -1 when count is 0 or memory runs out.
 * The samples are not reordered. */
int plb_stats_compute(const double *samples, size_t count, plb_stats *out);

#endif
