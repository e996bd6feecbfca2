/* deadlock.c: the lock-pair kernel (see deadlock.h). */
#include "deadlock.h"

#include <omp.h>

#include "watchdog.h"

int64_t lock_pair(int64_t rounds, lock_order order, double meet_s)
{
    omp_lock_t a, b;
    omp_init_lock(&a);
    omp_init_lock(&b);
    int64_t counter = 0;
    int holding = 0; /* threads holding their first lock, in the first round */
#pragma omp parallel num_threads(2)
    {
        int me = omp_get_thread_num();
        omp_lock_t *first = order == LOCKS_OPPOSITE && me == 1 ? &b : &a;
        omp_lock_t *second = first == &a ? &b : &a;
        for (int64_t r = 0; r < rounds; r++) {
            omp_set_lock(first);
            if (r == 0) {
#pragma omp atomic
                holding++;
                double give_up = omp_get_wtime() + meet_s;
                int seen;
                do {
#pragma omp atomic read
                    seen = holding;
                } while (seen < omp_get_num_threads() && omp_get_wtime() < give_up);
            }
            omp_set_lock(second); /* LOCKS_OPPOSITE: each waits here for the other's first lock */
            counter++;
            omp_unset_lock(second);
            omp_unset_lock(first);
            plb_watchdog_progress(); /* a round done: what the watchdog watches */
        }
    }
    omp_destroy_lock(&a);
    omp_destroy_lock(&b);
    return counter;
}
