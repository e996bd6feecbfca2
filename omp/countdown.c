/* countdown.c: the countdown kernels (see countdown.h). */
#include "countdown.h"

#include <omp.h>

int64_t countdown(int64_t n)
{
    while (n > 0) {
        n--;
        /* An empty asm statement that "may change n": the compiler can no longer see what the
         * loop computes, so it cannot replace it with n = 0 (which gcc -O2 otherwise does), and
         * every decrement really happens. It emits no instruction. */
        __asm__ volatile("" : "+r"(n));
    }
    return n;
}

int64_t countdown_share(int64_t n, int parts, int t)
{
    return n / parts + (t < n % parts);
}

int countdown_parallel(int64_t n, int threads, int64_t *shares, int64_t *left)
{
    int team = 0;
#pragma omp parallel num_threads(threads)
    {
        int t = omp_get_thread_num();
        int size = omp_get_num_threads();
        shares[t] = countdown_share(n, size, t);
        left[t] = countdown(shares[t]);
#pragma omp single nowait
        team = size;
    }
    return team;
}
