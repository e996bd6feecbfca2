/* omp_map_square.h: b[i] = a[i] * a[i], the tutorial's Pool.map(square, data). */
#ifndef PARLAB_OMP_MAP_SQUARE_H
#define PARLAB_OMP_MAP_SQUARE_H

#include <stdbool.h>
#include <stdint.h>

/* The input value at index i: 2 + (i mod 2^31). Every square, at most (2^31 + 1)^2 < 2^63, is
 * exact in int64 whatever n is; and no input is its own square (as 0 and 1 would be), so a kernel
 * that leaves its inputs in place fails the check. */
static inline int64_t map_square_input(int64_t i)
{
    return 2 + (i & INT64_C(0x7fffffff));
}

/* The value no square is: b is filled with it before each run, so a kernel that skips an
 * element is caught. */
#define MAP_SQUARE_POISON INT64_C(-1)

typedef enum map_schedule { MAP_STATIC, MAP_DYNAMIC, MAP_GUIDED } map_schedule;

/* a[i] = map_square_input(i + offset) and b[i] = MAP_SQUARE_POISON, first touched in parallel. */
void map_square_fill(int64_t *a, int64_t *b, int64_t n, int64_t offset, int threads);
void map_square_seq(const int64_t *a, int64_t *b, int64_t n);
/* MAP_STATIC gives each thread one equal block; dynamic and guided hand out chunks of at least
 * `chunk` (> 0) iterations. */
void map_square_parallel(const int64_t *a, int64_t *b, int64_t n, int threads,
                         map_schedule schedule, int chunk);
/* The same loop offloaded with `omp target`, a and b mapped to and from the device on every
 * call; *on_device: whether it ran there (else on the host: host fallback). */
void map_square_target(const int64_t *a, int64_t *b, int64_t n, bool *on_device);
/* in[i] = map_square_input(i + offset): the inputs of the block starting at global index offset. */
void map_square_inputs(int64_t *in, int64_t count, int64_t offset);
/* What b[i] must hold: the square of the input at global index i. */
int64_t map_square_expected(int64_t i);
/* The first i where b[i] is not the square of map_square_input(i + offset), or -1. */
int64_t map_square_check(const int64_t *b, int64_t n, int64_t offset);

#endif
