/* latency.c: the latency-bound kernels (see latency.h). */
#include "latency.h"

#include "clock.h"
#include "countdown.h"

static void one_task(int64_t i, latency_work w, int64_t *done)
{
    plb_sleep(w.wait_s); /* the thread sleeps: its core is free for another thread meanwhile */
    done[i] += i + 1 + countdown(w.spin); /* countdown returns 0 after w.spin decrements */
}

void latency_seq(int64_t tasks, latency_work w, int64_t *done)
{
    for (int64_t i = 0; i < tasks; i++)
        one_task(i, w, done);
}

void latency_parallel(int64_t tasks, latency_work w, int64_t *done, int threads)
{
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (int64_t i = 0; i < tasks; i++)
        one_task(i, w, done);
}

void latency_tasks(int64_t tasks, latency_work w, int64_t *done, int threads)
{
#pragma omp parallel num_threads(threads)
#pragma omp single
    for (int64_t i = 0; i < tasks; i++) {
#pragma omp task firstprivate(i)
        one_task(i, w, done);
    }
}

int64_t latency_check(const int64_t *done, int64_t tasks)
{
    for (int64_t i = 0; i < tasks; i++)
        if (done[i] != i + 1)
            return i;
    return -1;
}
