/* offload.h: what the GPU lessons (OpenMP target offload) share: where a target region runs, the
 * refusal of a run that must offload and cannot, the device's own copy bandwidth, the first
 * launch's cost.
 *
 * Every build has the target variants. Built with `make OFFLOAD=nvptx` (GCC's nvptx offload
 * compiler), a target region runs on an NVIDIA GPU when OpenMP sees one; with `make OFFLOAD=cpu`
 * (clang), on LLVM's CPU device, memory of its own copied to and from; otherwise, and in every
 * other build, it runs on the host (host fallback) and the program says so. GCC 12's libgomp does
 * not refuse OMP_TARGET_OFFLOAD=MANDATORY without a device (it quietly runs on the host), so
 * parlab refuses it itself: one line, exit 2. */
#ifndef PARLAB_OFFLOAD_H
#define PARLAB_OFFLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The offload target this build was compiled for ("nvptx-none", "x86_64-pc-linux-gnu"), or
 * "none". */
const char *plb_offload_target(void);

/* Whether OMP_TARGET_OFFLOAD asks for MANDATORY (any case). */
bool plb_offload_mandatory(void);

/* false, with why ("OMP_TARGET_OFFLOAD=MANDATORY, but ...") in why, when offloading is mandatory
 * and OpenMP sees no device to offload to (the program refuses with it: plb_refuse). */
bool plb_offload_usable(char *why, size_t len);

/* false, with "needs 2.0 GiB on the offload device, which cannot allocate them" in why,
 * when OpenMP sees a device and omp_target_alloc cannot get `bytes` there: refused before the run
 * instead of an abort inside the runtime. true without a device (the host fallback's memory is
 * the host's, checked by plb_memory_check). */
bool plb_offload_fits(double bytes, char *why, size_t len);

/* The "# device" header lines: the devices OpenMP sees, the default one, OMP_TARGET_OFFLOAD, what
 * this build can offload to; then the first target region, timed apart: it starts the device
 * and, with nvptx, has the driver compile the PTX for this GPU. Call it before any other target
 * region. */
void plb_report_device(FILE *out);

/* Seconds per copy of n 8-byte elements from a to b on the device, both already mapped there
 * (present), by a `target teams distribute parallel for` loop: the median of `repeats` copies
 * after one warm-up. The device's STREAM copy: 16 bytes an element. Returns 0 when the copy was
 * wrong (b checked on the device). */
double plb_device_copy_seconds(const void *a, void *b, int64_t n, int repeats);

#endif
