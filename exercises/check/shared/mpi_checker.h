/* mpi_checker.h: what the MPI exercises' checkers share: an MPI error in the learner's code said
 * in one line, and a watchdog that names the rank whose call does not return. */
#ifndef PARLAB_MPI_CHECKER_H
#define PARLAB_MPI_CHECKER_H

#include <mpi.h>
#include <stdint.h>
#include <stdio.h>

#include "measure.h"
#include "options.h"

/* An MPI error on comm (a receive shorter than the message, a rank out of range) ends the run
 * with "MPI ERROR: rank R: <MPI's words>" and exit 1, where MPI's own report would be silenced
 * by the launcher or be pages long. */
void checker_say_mpi_errors(MPI_Comm comm);

/* How many times each blocking call has been entered so far on this rank (the wrappers count
 * them): a checker compares two of these around a learner's function to see how it waits. */
typedef struct checker_calls {
    long send, ssend, recv, sendrecv, wait, waitall;
} checker_calls;
checker_calls checker_calls_so_far(void);

/* Starts the watchdog (common/watchdog.h): while watched, a call that has not returned after
 * timeout_s seconds ends the run with "HANG: rank R of P: CALL has not returned in S s: in
 * MPI_Recv from rank 2 (tag 0)", the blocking MPI call (point to point, or a wait) the rank is
 * stuck in, from every stuck rank. 0, or -1 when it could not be started. */
int checker_watch_hangs(const char *call, int rank, int size, double timeout_s);

/* Times one of the ways a checker compares (the learner's, the yardsticks) as the lessons' runner
 * times a variant: warm-up and repeats from opt, synchronised over comm, the row (n: the size as
 * -n counts it, bytes: what the rate counts, in MB/s) on out (rank 0's; NULL on the others).
 * Returns plb_measure's code, the same on every rank. Collective. */
int checker_time_way(const plb_program *prog, const plb_options *opt, const char *way,
                     const plb_kernel *k, MPI_Comm comm, int64_t n, double bytes, FILE *out);

#endif
