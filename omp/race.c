/* race.c: the race kernels (see race.h). Each does one real update per iteration: the shared
 * counter of unsync is volatile (a load and a store per update, as Python's `counter += 1`), and
 * the private counters go through an empty asm statement, so no compiler folds the loop into
 * `counter = n` and the cost per update is comparable across kinds. */
#include "race.h"

#include <omp.h>

/* Tells the compiler that x may have changed: it must keep every update. No instruction. */
#define KEEP(x) __asm__ volatile("" : "+r"(x))

static int64_t unsync(int64_t n, int threads)
{
    volatile int64_t counter = 0;
#pragma omp parallel for schedule(static) num_threads(threads)
    for (int64_t i = 0; i < n; i++)
        counter = counter + 1; /* read, add, write: another thread's write in between is lost */
    return counter;
}

static int64_t atomic(int64_t n, int threads)
{
    int64_t counter = 0;
#pragma omp parallel for schedule(static) num_threads(threads)
    for (int64_t i = 0; i < n; i++) {
#pragma omp atomic
        counter++;
    }
    return counter;
}

static int64_t critical(int64_t n, int threads)
{
    int64_t counter = 0;
#pragma omp parallel for schedule(static) num_threads(threads)
    for (int64_t i = 0; i < n; i++) {
#pragma omp critical
        counter++;
    }
    return counter;
}

static int64_t lock(int64_t n, int threads)
{
    int64_t counter = 0;
    omp_lock_t guard;
    omp_init_lock(&guard);
#pragma omp parallel for schedule(static) num_threads(threads)
    for (int64_t i = 0; i < n; i++) {
        omp_set_lock(&guard);
        counter++;
        omp_unset_lock(&guard);
    }
    omp_destroy_lock(&guard);
    return counter;
}

static int64_t reduction(int64_t n, int threads)
{
    int64_t counter = 0;
#pragma omp parallel for schedule(static) num_threads(threads) reduction(+ : counter)
    for (int64_t i = 0; i < n; i++) {
        counter++; /* this thread's private copy: nothing shared until the final sum */
        KEEP(counter);
    }
    return counter;
}

int64_t race_count(int64_t n, int threads, race_kind kind)
{
    switch (kind) {
    case RACE_SEQ: return reduction(n, 1); /* the same loop and code, on one thread */
    case RACE_UNSYNC: return unsync(n, threads);
    case RACE_ATOMIC: return atomic(n, threads);
    case RACE_CRITICAL: return critical(n, threads);
    case RACE_LOCK: return lock(n, threads);
    case RACE_REDUCTION: return reduction(n, threads);
    }
    return -1;
}
