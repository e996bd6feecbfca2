/* clock.h: the monotonic wall clock every parlab measurement uses. */
#ifndef PARLAB_CLOCK_H
#define PARLAB_CLOCK_H

#include <time.h>

/* Seconds since an arbitrary fixed point (CLOCK_MONOTONIC): only differences mean anything. */
double plb_now(void);

/* The smallest interval the clock can tell apart, in seconds: the larger of what the system
 * claims (clock_getres) and the smallest non-zero step seen between successive reads, which
 * includes the cost of reading the clock itself. */
double plb_clock_resolution(void);

/* `seconds` as a struct timespec: whole seconds and nanoseconds. */
struct timespec plb_timespec(double seconds);

/* Sleeps for `seconds` of wall time, the whole of it even when a signal interrupts the sleep. */
void plb_sleep(double seconds);

/* CPU seconds this process has used, all its threads, user and system
 * (CLOCK_PROCESS_CPUTIME_ID): against wall time it shows how many cores a run kept busy. */
double plb_cpu_now(void);
/* CPU seconds the calling thread has used (CLOCK_THREAD_CPUTIME_ID): exact at any length, where
 * the process's clock takes in its other threads' time only at scheduler ticks. */
double plb_thread_cpu_now(void);

#endif
