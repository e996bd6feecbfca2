/* heat_record.h: what a checkpoint of the heat field is, for both heat programs (mpi_heat writes
 * its field with MPI-IO, omp_heat with stdio; the files are the same).
 *
 * A checkpoint FILE is two files: FILE itself, the whole field with its ring as NumPy .npy (what
 * --save writes: numpy.load reads it), and FILE.meta, a small JSON record of the run it belongs
 * to, the step it holds and the field's checksum (heat_checksum, the "# checksum" a run prints):
 *   {"format": "parlab heat checkpoint 1", "step": 40, "rows": 300, "cols": 200, "r": 0.25,
 *    "check": "seq", "checksum": "0123456789abcdef"}
 *
 * Never torn: both are written under other names (FILE.tmp, FILE.meta.tmp) and synced, and only
 * then renamed over the old ones, FILE first, then FILE.meta, and the folder synced. A run killed
 * before the first rename leaves the previous checkpoint whole; killed between the two, FILE is
 * new and FILE.meta old: the reader finds the checksum does not match and takes FILE.meta.tmp,
 * which does, and finishes the commit. */
#ifndef PARLAB_HEAT_RECORD_H
#define PARLAB_HEAT_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "heat.h"

/* The longest file name a checkpoint may have, with its ending (Linux's PATH_MAX: that one needs
 * POSIX's feature macros before any header, which a header cannot promise). */
enum { HEAT_RECORD_PATH = 4096 };

/* The names beside a checkpoint FILE. */
typedef struct heat_record_names {
    char field_tmp[HEAT_RECORD_PATH], meta[HEAT_RECORD_PATH], meta_tmp[HEAT_RECORD_PATH];
} heat_record_names;

/* 0, or -1 with the reason when path is too long to name the others. */
int heat_record_names_of(const char *path, heat_record_names *n, char *err, size_t len);

/* 0 when FILE's folder can take files (checked before a run starts: not at its first checkpoint),
 * or 1 with the reason. */
int heat_record_folder_writable(const char *path, char *err, size_t len);

/* The commit, once FILE.tmp is written and synced: the record of `step` (whose field has checksum
 * `sum`) written to FILE.meta.tmp and synced, then the renames and the folder's sync. 0, or 1 with
 * the reason. */
int heat_record_commit(const char *path, const heat_record_names *n, const heat_problem *p,
                       int64_t step, uint64_t sum, char *err, size_t len);

/* For a field read from FILE whose checksum is `sum`: the step its record holds into *step, after
 * checking that the record is this run's (grid, r, check) and not past `steps`. FILE.meta, or
 * FILE.meta.tmp when only that one matches the field (*pending = 1: heat_record_finish then
 * completes the commit). 0, or 1 with the reason: damaged, another run, no record. */
int heat_record_check(const heat_record_names *n, const char *path, uint64_t sum,
                      const heat_problem *p, int64_t steps, int64_t *step, int *pending, char *err,
                      size_t len);
void heat_record_finish(const char *path, const heat_record_names *n);

/* SIGTERM and SIGUSR1 (a scheduler's warning before it ends a job) set a flag instead of ending
 * the process; heat_stop_signal() is the signal caught, or 0 (SIGTERM once it came, whatever
 * came after it). */
void heat_catch_stop_signals(void);
int heat_stop_signal(void);
const char *heat_signal_name(int sig);

#endif
