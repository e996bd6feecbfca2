/* heat_checkpoint.h: mpi_heat's checkpoints (the files: heat_record.h): the field at some step,
 * written so that a run killed at any moment can continue, on any number of ranks, to the field
 * an uninterrupted run ends with. The field is written with MPI-IO (FILE.tmp, every rank its own
 * rectangle through a file view, then MPI_File_sync) and committed by the root. */
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

/* Bytes a second the root writes with plain write() into one file beside path (then synced and
 * removed), at most 256 MiB of them: what one rank writing everything would get, for the
 * checkpoint's note. Negative when it could not. Call on the root only. */
double heat_checkpoint_plain_rate(const char *path, double bytes);

#endif
