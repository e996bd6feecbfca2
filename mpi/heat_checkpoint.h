/* heat_checkpoint.h: mpi_heat's checkpoints: the field at some step, written so that a run killed
 * at any moment can continue, on any number of ranks, to the field an uninterrupted run ends with.
 *
 * A checkpoint FILE is two files: FILE itself, the whole field with its ring as NumPy .npy (what
 * --save writes: numpy.load reads it), and FILE.meta, a small JSON record of the run it belongs
 * to and the step it holds:
 *   {"format": "parlab heat checkpoint 1", "field": "FILE", "step": 40, "rows": 300,
 *    "cols": 200, "r": 0.25, "check": "seq", "checksum": "0123456789abcdef"}
 * with the checksum of the field (heat_dist_checksum, the "# checksum" of a run at that step).
 *
 * Never torn: both are written under other names (FILE.tmp with MPI-IO, every rank its own
 * rectangle, then synced; FILE.meta.tmp by the root, synced), and only then renamed over the
 * old ones, FILE first, then FILE.meta, and the folder synced. A run killed before the first
 * rename leaves the previous checkpoint whole; killed between the two, FILE is new and
 * FILE.meta old: the reader finds the checksum does not match and takes FILE.meta.tmp, which
 * does (rolling the commit forward). */
#ifndef PARLAB_HEAT_CHECKPOINT_H
#define PARLAB_HEAT_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "heat_dist.h"

/* Writes the field at `step` as the checkpoint `path`, as above; *bytes is the size of the
 * field's file. NULL on every rank, or the reason (on the root). Collective. */
const char *heat_checkpoint_write(heat_dist *d, const heat_problem *p, int64_t step,
                                  const char *path, double *bytes, char *err, size_t len);

/* Reads the checkpoint `path` into every rank's block (both arrays, ring and ghosts included)
 * and its step into *step: the block layout may differ from the writer's (other ranks, other
 * --dims). Refused, NULL not returned, when its run is not this one (grid, r, check), its step
 * is past `steps`, or its field is truncated, malformed or does not match its checksum. NULL on
 * every rank, or the reason (on the root). Collective. */
const char *heat_checkpoint_read(heat_dist *d, const heat_problem *p, int64_t steps,
                                 const char *path, int64_t *step, char *err, size_t len);

/* Seconds the root takes to write `bytes` with plain write() into one file beside path (then
 * synced and removed): what one rank writing everything costs, for the checkpoint's note. A
 * negative value when it could not. Call on the root only. */
double heat_checkpoint_plain_seconds(const char *path, double bytes);

#endif
