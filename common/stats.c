/* stats.c: min, median, mean, max and standard deviation of timing samples. */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int plb_stats_compute(const double *samples, size_t count, plb_stats *out)
{
    if (count == 0)
        return -1;
    double *sorted = malloc(count * sizeof *sorted);
    if (!sorted)
        return -1;
    memcpy(sorted, samples, count * sizeof *sorted);
    qsort(sorted, count, sizeof *sorted, compare_doubles);

    double sum = 0.0;
    for (size_t i = 0; i < count; i++)
        sum += sorted[i];
    double mean = sum / (double)count;
    double squares = 0.0;
    for (size_t i = 0; i < count; i++)
        squares += (sorted[i] - mean) * (sorted[i] - mean);

    out->count = count;
    out->min = sorted[0];
    out->max = sorted[count - 1];
    out->median = count % 2 ? sorted[count / 2] : 0.5 * (sorted[count / 2 - 1] + sorted[count / 2]);
    out->mean = mean;
    out->stddev = count > 1 ? sqrt(squares / (double)(count - 1)) : 0.0;
    free(sorted);
    return 0;
}
