/* clock.c: monotonic wall clock and its measured resolution. */
#define _POSIX_C_SOURCE 200809L
#include "clock.h"

#include <time.h>

static double seconds_of(const struct timespec *ts)
{
    return (double)ts->tv_sec + 1e-9 * (double)ts->tv_nsec;
}

double plb_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return seconds_of(&ts);
}

double plb_cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return seconds_of(&ts);
}

double plb_thread_cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return seconds_of(&ts);
}

struct timespec plb_timespec(double seconds)
{
    return (struct timespec){(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
}

void plb_sleep(double seconds)
{
    struct timespec left = plb_timespec(seconds);
    while (nanosleep(&left, &left) != 0) {
    }
}

double plb_clock_resolution(void)
{
    struct timespec res;
    double claimed = clock_getres(CLOCK_MONOTONIC, &res) == 0 ? seconds_of(&res) : 1e-6;

    /* Smallest non-zero step over a few hundred successive reads. */
    double smallest = 1.0;
    double previous = plb_now();
    for (int seen = 0; seen < 256;) {
        double t = plb_now();
        if (t > previous) {
            if (t - previous < smallest)
                smallest = t - previous;
            previous = t;
            seen++;
        }
    }
    return smallest > claimed ? smallest : claimed;
}
