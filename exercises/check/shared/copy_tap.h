/* copy_tap.h: the bytes an OpenMP runtime copies between host and device, counted from its own
 * reports. LLVM's libomptarget, with LIBOMPTARGET_INFO=32, writes a line on stderr for every copy
 * ("Copying data from host to device, ... Size=8000, ..."). The tap puts a pipe in place of the
 * process's stderr; a thread reads it, adds those lines up and passes every other line on to the
 * real stderr. GCC's libgomp reports nothing: there the count stays 0 (copy_tap_counts says so).
 * For the offload exercise's checker (exercises/check/offload_loop.c). */
#ifndef PARLAB_COPY_TAP_H
#define PARLAB_COPY_TAP_H

#include <stdbool.h>
#include <stdint.h>

/* Bytes copied each way. */
typedef struct copies {
    long long to, from; /* to the device, and back */
} copies;

/* Asks the runtime for its copy reports (LIBOMPTARGET_INFO=32) and puts the pipe in place of
 * stderr. Call it before the first target construct: the runtime reads its setting once. false
 * when the pipe or its thread cannot be had (nothing is counted then). */
bool copy_tap_open(void);

/* The bytes copied so far, every report written before the call counted. */
copies copy_tap_total(void);

/* Whether this runtime reports its copies: a region that maps probe's n elements to the device
 * is seen to copy them. */
bool copy_tap_counts(double *probe, int64_t n);

/* Puts the real stderr back, once every line has been passed on. */
void copy_tap_close(void);

#endif
