/* memory.h: how much memory this process may still take, and the refusal when it needs more.
 *
 * The figure is the smallest of: the kernel's MemAvailable; the room left under every memory
 * cgroup above this process (v2 memory.max - memory.current, v1 memory.limit_in_bytes -
 * memory.usage_in_bytes: what Slurm's --mem sets, which /proc/meminfo does not show); and the room
 * left under RLIMIT_AS and RLIMIT_DATA (ulimit -v, -d). A program that would cross it is killed
 * (exit 137, nothing said) or fails part-way; parlab refuses before it allocates instead. */
#ifndef PARLAB_MEMORY_H
#define PARLAB_MEMORY_H

#include <stdbool.h>
#include <stddef.h>

/* Bytes this process may still allocate, and which limit says so ("cgroup limit", "available
 * memory", "RLIMIT_AS", "RLIMIT_DATA"). */
double plb_memory_room(const char **which);

/* bytes in the largest binary unit that keeps the number at least 1: "3.0 GiB". */
void plb_memory_format(double bytes, char *out, size_t len);

/* Whether `bytes` fit in plb_memory_room. When they do not, writes the one-line refusal
 * "PROGRAM: needs 3.0 GiB, 2.0 GiB available (cgroup limit)" into err. */
bool plb_memory_fits(const char *program, double bytes, char *err, size_t errlen);

/* plb_memory_fits for a single process: prints the refusal on stderr. */
bool plb_memory_check(const char *program, double bytes);

#endif
