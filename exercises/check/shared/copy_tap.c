/* copy_tap.c: the copies an OpenMP runtime reports, counted (see copy_tap.h). */
#define _POSIX_C_SOURCE 200809L /* dup, fdopen, pipe, setenv */
#include "copy_tap.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A mark written down the pipe and seen by the reader says that every line before it has been
 * counted. */
#define TAP_MARK "\001copy_tap: mark\n"

static struct {
    int read_end, real_stderr;
    pthread_t reader;
    pthread_mutex_t lock;
    pthread_cond_t marked;
    unsigned long marks_sent, marks_seen; /* marks_sent: by the caller's thread alone */
    copies total;
} tap = {.lock = PTHREAD_MUTEX_INITIALIZER, .marked = PTHREAD_COND_INITIALIZER};

static void *read_reports(void *unused)
{
    (void)unused;
    FILE *in = fdopen(tap.read_end, "r");
    char line[1024];
    while (in && fgets(line, sizeof line, in)) {
        const char *size = strstr(line, "Size=");
        pthread_mutex_lock(&tap.lock);
        if (strcmp(line, TAP_MARK) == 0) {
            tap.marks_seen++;
            pthread_cond_broadcast(&tap.marked);
        } else if (size && strstr(line, "Copying data from host to device")) {
            tap.total.to += strtoll(size + 5, NULL, 10);
        } else if (size && strstr(line, "Copying data from device to host")) {
            tap.total.from += strtoll(size + 5, NULL, 10);
        } else if (write(tap.real_stderr, line, strlen(line)) < 0) {
            /* stderr gone: nothing left to tell */
        }
        pthread_mutex_unlock(&tap.lock);
    }
    if (in)
        fclose(in);
    return NULL;
}

bool copy_tap_open(void)
{
    setenv("LIBOMPTARGET_INFO", "32", 1);
    int ends[2];
    if (pipe(ends) != 0)
        return false;
    fflush(stderr);
    tap.real_stderr = dup(STDERR_FILENO);
    tap.read_end = ends[0];
    if (tap.real_stderr < 0 || dup2(ends[1], STDERR_FILENO) < 0 ||
        pthread_create(&tap.reader, NULL, read_reports, NULL) != 0) {
        if (tap.real_stderr >= 0) {
            dup2(tap.real_stderr, STDERR_FILENO);
            close(tap.real_stderr);
        }
        close(ends[0]);
        close(ends[1]);
        return false;
    }
    close(ends[1]);
    return true;
}

copies copy_tap_total(void)
{
    fflush(stderr);
    if (write(STDERR_FILENO, TAP_MARK, strlen(TAP_MARK)) < 0)
        return (copies){0, 0};
    pthread_mutex_lock(&tap.lock);
    unsigned long mark = ++tap.marks_sent;
    while (tap.marks_seen < mark)
        pthread_cond_wait(&tap.marked, &tap.lock);
    copies total = tap.total;
    pthread_mutex_unlock(&tap.lock);
    return total;
}

bool copy_tap_counts(double *probe, int64_t n)
{
    copies before = copy_tap_total();
#pragma omp target map(to : probe[:n])
    probe[0] += 1.0;
    return copy_tap_total().to - before.to >= 8 * n;
}

void copy_tap_close(void)
{
    fflush(stderr);
    dup2(tap.real_stderr, STDERR_FILENO);
    close(tap.real_stderr);
    pthread_join(tap.reader, NULL);
}
