/* mpi_support.h: what MPI programs add to the common library: synchronised timing (each step's
 * time is the maximum over ranks, after a barrier), agreement on errors, the library's name, and
 * the shared command line parsed so that every rank leaves with the same exit code. */
#ifndef PARLAB_MPI_SUPPORT_H
#define PARLAB_MPI_SUPPORT_H

#include <mpi.h>
#include <stdbool.h>
#include <stddef.h>

#include "measure.h"
#include "options.h"
#include "report.h"

/* A plb_sync over *comm (which must outlive it) for plb_measure. */
plb_sync plb_mpi_sync(MPI_Comm *comm);

/* The largest of every rank's code: one rank's error becomes everyone's. Collective. */
int plb_mpi_agree(int code, MPI_Comm comm);

/* The MPI library's name and version, first line only ("Open MPI v4.1.4, ..."). */
void plb_mpi_library(char *buf, size_t len);

/* plb_parse_options on every rank, printed by rank 0 only, outcome agreed: returns -1 on every
 * rank to run, or the same exit code on every rank. Collective. */
int plb_mpi_parse_cli(const plb_program *prog, int argc, char **argv, plb_options *opt,
                      MPI_Comm comm);

/* Fills *ctx for a program on every rank of comm (ranks, threads, the library's name) and prints
 * the header on rank 0. Returns the stream rank 0 reports on (stdout); NULL on other ranks. */
FILE *plb_mpi_report_start(plb_context *ctx, const char *program, int threads,
                           const plb_options *opt, MPI_Comm comm);

/* The verdict, printed by rank 0 only; returns the exit code on every rank. The failure must be
 * agreed (as plb_run_variants' is): NULL on every rank, or non-NULL on every rank. */
int plb_mpi_verdict(const plb_options *opt, const char *failure, MPI_Comm comm);

/* plb_memory_fits on every rank for the bytes that rank needs, agreed: true on every rank when
 * they fit everywhere; otherwise the first rank that cannot fit them prints the one-line refusal
 * and every rank returns false (the caller exits 2). Collective. */
bool plb_mpi_memory_check(const char *program, double bytes, MPI_Comm comm);

/* Whether any rank failed; the lowest failing rank's detail (len bytes, a string) is copied to
 * every rank. Collective. */
bool plb_mpi_share_detail(bool failed, char *detail, int len, MPI_Comm comm);

/* plb_refuse for a refusal every rank of comm has agreed on (plb_mpi_agree,
 * plb_mpi_parse_cli): called on every rank, printed by rank 0 alone; returns code on every rank.
 * Not collective. */
int plb_mpi_refuse(const char *program, int code, MPI_Comm comm, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Each rank's one-line error, or NULL: the lowest rank with one prints it on stderr, and every rank
 * learns whether any rank had one. Collective. */
bool plb_mpi_first_error(const char *err, MPI_Comm comm);

#endif
