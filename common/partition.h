/* partition.h: parlab's one block partition: n items over `parts` workers, in order. Worker w
 * gets n / parts items, one more when w < n % parts, so the blocks add up to n exactly and differ
 * by at most one; its block starts where worker w - 1's ends. */
#ifndef PARLAB_PARTITION_H
#define PARLAB_PARTITION_H

#include <stdint.h>

static inline int64_t plb_block_count(int64_t n, int64_t parts, int64_t w)
{
    return n / parts + (w < n % parts);
}

static inline int64_t plb_block_start(int64_t n, int64_t parts, int64_t w)
{
    return w * (n / parts) + (w < n % parts ? w : n % parts);
}

#endif
