/* omp_latency.h: latency-bound tasks, the tutorial's threaded "ping test" without a network. */
#ifndef PARLAB_OMP_LATENCY_H
#define PARLAB_OMP_LATENCY_H

#include <stdint.h>

typedef struct latency_work {
    double wait_s; /* each task waits this long: a stand-in for I/O latency */
    int64_t spin;  /* then does this many decrements of CPU work (countdown) */
} latency_work;

/* What task i leaves in done[i]: i + 1, added once. done[] starts at 0, so a task skipped leaves
 * 0 and a task run twice leaves 2 * (i + 1). */
void latency_seq(int64_t tasks, latency_work w, int64_t *done);
/* A parallel for over the tasks, handed out one at a time (schedule(dynamic, 1)). */
void latency_parallel(int64_t tasks, latency_work w, int64_t *done, int threads);
/* One thread creates an OpenMP task per item; the team runs them. */
void latency_tasks(int64_t tasks, latency_work w, int64_t *done, int threads);
/* Python's asyncio: one thread keeps up to in_flight waits going as timers in an epoll set and runs
 * each task's CPU part when its timer fires. Returns -1 when it could not make its timers. */
int latency_eventloop(int64_t tasks, latency_work w, int64_t *done, int in_flight);
/* The first i where done[i] != i + 1, or -1. */
int64_t latency_check(const int64_t *done, int64_t tasks);

#endif
